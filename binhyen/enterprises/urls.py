from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("them/", views.EnterpriseCreateView.as_view(), name="create"),
    path("tim/", views.search, name="search"),
    path("xuat-excel/", views.export, name="export"),
    path("mau-nhap.xlsx", views.template, name="template"),
    path("nhap-excel/", views.import_page, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.EnterpriseEditView.as_view(), name="edit"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("<int:pk>/lich-su/", views.enterprise_history, name="history"),
]
