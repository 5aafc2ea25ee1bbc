from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "binhyen.reporting"
    label = "reporting"
    verbose_name = "Tổng hợp và báo cáo"
