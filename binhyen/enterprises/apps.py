from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "binhyen.enterprises"
    label = "enterprises"
    verbose_name = "Doanh nghiệp"
