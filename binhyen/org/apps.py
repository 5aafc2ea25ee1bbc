from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "binhyen.org"
    label = "org"
    verbose_name = "Tổ chức công đoàn"
