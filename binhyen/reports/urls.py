"""Pages of periodic reports, under /tong-hop/ beside the reporting app's dashboard: requests,
submissions with their documents and workflow steps, and the person's notifications."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("yeu-cau-bao-cao/", views.request_list, name="request-list"),
    path("yeu-cau-bao-cao/them/", views.RequestCreateView.as_view(), name="request-create"),
    path("yeu-cau-bao-cao/<int:pk>/", views.request_detail, name="request-detail"),
    path(
        "bao-cao/<int:pk>/tai-ve.<str:fmt>", views.submission_document, name="submission-document"
    ),
    path("bao-cao/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("bao-cao/<int:pk>/<str:action>/", views.submission_action, name="submission-action"),
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_read, name="notifications-read"),
    path("thong-bao/<int:pk>/mo/", views.notification_open, name="notification-open"),
]
