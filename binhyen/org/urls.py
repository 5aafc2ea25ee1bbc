"""Pages of the union tree (unnamespaced: `home` is the site's landing page)."""

from django.urls import path, register_converter

from . import views


class UnitCodeConverter:
    """Unit codes as models.code_validator allows them (upper case), so words like
    "phuong-xa" can never be mistaken for a code."""

    regex = r"[A-Z0-9][A-Z0-9._-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnitCodeConverter, "unitcode")

urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/", views.UnitListView.as_view(), name="unit_list"),
    path("don-vi/phuong-xa/", views.ward_options, name="ward_options"),
    path("don-vi/<unitcode:code>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<unitcode:code>/lich-su/", views.unit_history, name="unit_history"),
    path("don-vi/<unitcode:code>/them/", views.UnitCreateView.as_view(), name="unit_create"),
    path("don-vi/<unitcode:code>/sua/", views.UnitEditView.as_view(), name="unit_edit"),
    path("don-vi/<unitcode:code>/chuyen/", views.UnitMoveView.as_view(), name="unit_move"),
    path("don-vi/<unitcode:code>/ket-thuc/", views.UnitCloseView.as_view(), name="unit_close"),
    path("don-vi/<unitcode:code>/sap-nhap/", views.UnitMergeView.as_view(), name="unit_merge"),
    path("don-vi/<unitcode:code>/phan-cong/", views.AssignView.as_view(), name="unit_assign"),
    path(
        "don-vi/<unitcode:code>/nguoi-dung-moi/", views.NewUserView.as_view(), name="unit_new_user"
    ),
    path("phan-cong/<int:pk>/thu-hoi/", views.revoke, name="assignment_revoke"),
    path("nguoi-dung/<str:username>/lich-su/", views.user_history, name="user_history"),
]
