"""Pages of the documents app under /van-ban/."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.DocumentListView.as_view(), name="list"),
    path("them/", views.DocumentCreateView.as_view(), name="create"),
    path("nhan-dien/", views.register_text, name="register_text"),
    path("chi-tieu-duoc-giao/", views.my_targets, name="my_targets"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/sua/", views.DocumentEditView.as_view(), name="edit"),
    path("<int:pk>/xoa/", views.document_delete, name="delete"),
    path("<int:pk>/tep/", views.document_file, name="file"),
    path("<int:pk>/lich-su/", views.document_history, name="history"),
    path("<int:pk>/chuoi-thuc-hien/", views.document_chain, name="chain"),
    path("<int:pk>/so-lieu/", views.plan_figures, name="plan_figures"),
    path("<int:pk>/tien-do/", views.plan_progress, name="progress"),
    path("<int:pk>/chi-tieu/them/", views.TargetFormView.as_view(), name="target_create"),
    path("<int:pk>/chi-tieu/<int:target_pk>/sua/", views.TargetFormView.as_view(), name="target_edit"),
    path("<int:pk>/chi-tieu/<int:target_pk>/xoa/", views.target_delete, name="target_delete"),
]
