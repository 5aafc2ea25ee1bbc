from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    name = "binhyen.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"

    def ready(self):
        from binhyen.figures.signals import facts_rebuilt

        from . import figures

        # the cubes were recomputed wholesale (rebuild-facts, after a restructure)
        facts_rebuilt.connect(figures.records_changed, dispatch_uid="portal-figures-rebuilt")

        # a record behind the public figures changed: the cached figures go at once
        for label in figures.SOURCES:
            post_save.connect(
                figures.records_changed, sender=label, dispatch_uid=f"portal-figures-save-{label}"
            )
            post_delete.connect(
                figures.records_changed, sender=label, dispatch_uid=f"portal-figures-delete-{label}"
            )
