"""Routes of the emulation pages, under /thi-dua/."""

from django.urls import path

from . import views

app_name = "emulation"
urlpatterns = [
    path("", views.MovementListView.as_view(), name="movements"),
    path("phong-trao/moi/", views.movement_create, name="movement_create"),
    path("phong-trao/<int:pk>/", views.movement_detail, name="movement"),
    path("phong-trao/<int:pk>/danh-hieu/moi/", views.title_create, name="title_create"),
    path("danh-hieu/<int:pk>/tieu-chi/moi/", views.criterion_create, name="criterion_create"),
    path("dang-ky/", views.registrations, name="registrations"),
    path("dang-ky/<int:pk>/", views.registration_detail, name="registration"),
    path("dang-ky/<int:pk>/tu-cham/", views.assess, name="assess"),
    path("dang-ky/<int:pk>/gui/", views.submit, name="submit"),
    path("dang-ky/<int:pk>/xet/", views.review, name="review"),
    path("dang-ky/<int:pk>/lich-su/", views.registration_history, name="history"),
    path("minh-chung/<int:pk>/", views.evidence, name="evidence"),
    path("cho-xet/", views.queue, name="queue"),
]
