from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "binhyen.groups"
    label = "groups"
    verbose_name = "Mô hình tự quản"
