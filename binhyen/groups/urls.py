"""Pages of the groups app, under /mo-hinh/."""

from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="list"),
    path("dang-ky/", views.GroupCreateView.as_view(), name="create"),
    path("phuong-xa/", views.ward_options, name="ward_options"),
    path("ban-do/", views.ward_map, name="map"),
    path("xuat-excel/", views.export_groups, name="export"),
    path("nhap-excel/", views.import_page, name="import"),
    path("nhap-excel/mau/<slug:sheet>/", views.import_template, name="import_template"),
    path("<int:pk>/xuat-thanh-vien/", views.export_members, name="export_members"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/sua/", views.GroupEditView.as_view(), name="edit"),
    path("<int:pk>/xoa/", views.group_delete, name="delete"),
    path("<int:pk>/lich-su/", views.group_history, name="history"),
    path("<int:pk>/them-thanh-vien/", views.MemberAddView.as_view(), name="member_add"),
    path("<int:pk>/them-nha-tro/", views.HouseCreateView.as_view(), name="house_add"),
    path("thanh-vien/<int:pk>/sua/", views.MemberEditView.as_view(), name="member_edit"),
    path("nha-tro/", views.HouseListView.as_view(), name="houses"),
    path("nha-tro/<int:pk>/sua/", views.HouseEditView.as_view(), name="house_edit"),
    path("phu-trach/<int:pk>/ket-thuc/", views.CoverageEndView.as_view(), name="coverage_end"),
    path("camera/", views.CameraListView.as_view(), name="cameras"),
    path("camera/them/", views.CameraCreateView.as_view(), name="camera_create"),
    path("camera/<int:pk>/sua/", views.CameraEditView.as_view(), name="camera_edit"),
    path("camera/<int:pk>/tinh-trang/", views.CameraStateView.as_view(), name="camera_state"),
]
