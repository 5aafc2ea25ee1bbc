"""Pages of the reporting app: the dashboard, its Excel export, the rebuild of the figures and
the source page of one figure."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat-excel/", views.export, name="export"),
    path("tinh-lai/", views.rebuild, name="rebuild"),
    path("nguon-so-lieu/", views.figure_source, name="figure"),
]
