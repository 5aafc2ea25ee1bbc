"""Pages of the reporting app: the dashboard and its Excel export."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat-excel/", views.export, name="export"),
    path("tinh-lai/", views.rebuild, name="rebuild"),
]

from . import report_views  # noqa: E402  (periodic reports' pages)

urlpatterns += [
    path("yeu-cau-bao-cao/", report_views.request_list, name="request-list"),
    path("yeu-cau-bao-cao/them/", report_views.RequestCreateView.as_view(), name="request-create"),
    path("yeu-cau-bao-cao/<int:pk>/", report_views.request_detail, name="request-detail"),
    path("bao-cao/<int:pk>/tai-ve.<str:fmt>", report_views.submission_document, name="submission-document"),
    path("bao-cao/<int:pk>/", report_views.submission_detail, name="submission-detail"),
    path("bao-cao/<int:pk>/<str:action>/", report_views.submission_action, name="submission-action"),
    path("nguon-so-lieu/", report_views.figure_source, name="figure"),
    path("thong-bao/", report_views.notification_list, name="notifications"),
    path("thong-bao/da-doc/", report_views.notifications_read, name="notifications-read"),
    path("thong-bao/<int:pk>/mo/", report_views.notification_open, name="notification-open"),
]
