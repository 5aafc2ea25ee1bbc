"""Pages of the reporting app: the dashboard and its Excel export."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat-excel/", views.export, name="export"),
]

from . import report_views  # noqa: E402  (periodic reports' pages)

urlpatterns += [
    path("yeu-cau-bao-cao/", report_views.request_list, name="request-list"),
    path("yeu-cau-bao-cao/<int:pk>/", report_views.request_detail, name="request-detail"),
    path("bao-cao/<int:pk>/tai-ve.<str:fmt>", report_views.submission_document, name="submission-document"),
    path("bao-cao/<int:pk>/", report_views.submission_detail, name="submission-detail"),
    path("bao-cao/<int:pk>/<str:action>/", report_views.submission_action, name="submission-action"),
]
