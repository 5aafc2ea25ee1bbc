"""Routes of the incidents' spreadsheets, under /vu-viec/ beside the pages (namespace
"incidents_io"): the template, the export of the filtered list, the import page."""

from django.urls import path

from . import io_views

app_name = "incidents_io"
urlpatterns = [
    path("mau-nhap.xlsx", io_views.template, name="template"),
    path("xuat-excel/", io_views.export, name="export"),
    path("nhap-excel/", io_views.import_page, name="import"),
]
