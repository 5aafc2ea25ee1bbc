"""Routes of the incidents pages, under /vu-viec/."""

from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("moi/", views.CreateView.as_view(), name="create"),
    path("chon-doanh-nghiep/", views.enterprise_options, name="enterprise_options"),
    path("chon-nha-tro/", views.house_options, name="house_options"),
    path("phuong-xa/", views.ward_options, name="ward_options"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("<int:pk>/trang-thai/", views.move, name="move"),
    path("<int:pk>/ghi-buoc/", views.note, name="note"),
    path("<int:pk>/dinh-kem/", views.upload, name="upload"),
    path("<int:pk>/hoat-dong/", views.link_activity, name="link_activity"),
    path("<int:pk>/lich-su/", views.incident_history, name="history"),
    path("<int:pk>/bao-cao-nhanh.docx", views.rapid_report, name="rapid"),
    path("tep/<int:pk>/", views.attachment, name="attachment"),
    path("tep/<int:pk>/go/", views.remove_attachment, name="remove_attachment"),
    path("tin-bao/", views.TipListView.as_view(), name="tips"),
    path("tin-bao/gui/", views.tip_create, name="tip_create"),
    path("tin-bao/<int:pk>/", views.tip_detail, name="tip"),
    path("tin-bao/<int:pk>/tra-loi/", views.tip_answer, name="tip_answer"),
    path("tin-bao/<int:pk>/xac-nhan/", views.tip_note, name="tip_note"),
    path("tin-bao/<int:pk>/danh-tinh/", views.tip_reveal, name="tip_reveal"),
]
