from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "binhyen.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"
