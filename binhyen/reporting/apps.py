from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "binhyen.reporting"
    label = "reporting"
    verbose_name = "Tổng hợp và báo cáo"

    def ready(self):
        from . import units

        # the counts of units and the ratios over them (the capture apps register their own)
        units.register()
