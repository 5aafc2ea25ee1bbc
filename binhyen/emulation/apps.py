from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "binhyen.emulation"
    label = "emulation"
    verbose_name = "Thi đua, khen thưởng"

    def ready(self):
        from . import figures

        figures.register()  # the indicators and their source (binhyen.figures.registry)
