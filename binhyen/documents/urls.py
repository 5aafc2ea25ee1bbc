"""Pages of the documents app under /van-ban/ (a plan's figures, target progress and target
forms, at /van-ban/<id>/so-lieu/, tien-do/, chi-tieu/…, are reporting's: plan_urls.py)."""

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
]
