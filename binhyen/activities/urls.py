"""Routes of the activities pages, under /hoat-dong/."""

from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("moi/", views.CreateView.as_view(), name="create"),
    path("xuat-excel/", views.export, name="export"),
    path("mau-nhap.xlsx", views.template, name="template"),
    path("nhap-excel/", views.import_page, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("<int:pk>/lich-su/", views.history, name="history"),
    path("tep/<int:pk>/", views.attachment, name="attachment"),
]
