"""The pages of a plan served by reporting (they read the rollup engine), under the plan's own
paths in /van-ban/ beside the documents app's pages: its figures, the progress of its targets,
and the target forms. Names in the "plans" namespace: plans:progress, plans:plan_figures…"""

from django.urls import path

from . import plan_views

app_name = "plans"
urlpatterns = [
    path("<int:pk>/so-lieu/", plan_views.plan_figures, name="plan_figures"),
    path("<int:pk>/tien-do/", plan_views.plan_progress, name="progress"),
    path("<int:pk>/chi-tieu/them/", plan_views.TargetFormView.as_view(), name="target_create"),
    path(
        "<int:pk>/chi-tieu/<int:target_pk>/sua/",
        plan_views.TargetFormView.as_view(),
        name="target_edit",
    ),
    path("<int:pk>/chi-tieu/<int:target_pk>/xoa/", plan_views.target_delete, name="target_delete"),
]
