from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "binhyen.activities"
    label = "activities"
    verbose_name = "Hoạt động tuyên truyền"
