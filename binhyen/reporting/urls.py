"""Pages of the reporting app: the dashboard and its Excel export."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat-excel/", views.export, name="export"),
]
