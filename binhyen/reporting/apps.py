from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ReportingConfig(AppConfig):
    name = "binhyen.reporting"
    label = "reporting"
    verbose_name = "Tổng hợp và báo cáo"

    def ready(self):
        from binhyen.org.models import UnitKind

        from . import facts

        # the cube's per-process list of grassroots kinds (facts.grassroots_kinds)
        post_save.connect(facts.forget_kinds, sender=UnitKind, dispatch_uid="forget-kinds-save")
        post_delete.connect(facts.forget_kinds, sender=UnitKind, dispatch_uid="forget-kinds-delete")
        post_migrate.connect(facts.forget_kinds, dispatch_uid="forget-kinds-migrate")
