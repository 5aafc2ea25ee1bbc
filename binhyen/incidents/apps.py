from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "binhyen.incidents"
    label = "incidents"
    verbose_name = "Vụ việc, tin báo"

    def ready(self):
        from . import figures, home

        figures.register()  # the indicators and their source (binhyen.figures.registry)
        home.register()  # the overdue cases on the officer's home page
