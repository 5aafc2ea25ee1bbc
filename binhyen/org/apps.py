from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class OrgConfig(AppConfig):
    name = "binhyen.org"
    label = "org"
    verbose_name = "Tổ chức công đoàn"

    def ready(self):
        from . import history
        from .models import UnitKind

        # the per-process list of grassroots kinds (history.grassroots_kinds)
        post_save.connect(history.forget_kinds, sender=UnitKind, dispatch_uid="forget-kinds-save")
        post_delete.connect(
            history.forget_kinds, sender=UnitKind, dispatch_uid="forget-kinds-delete"
        )
        post_migrate.connect(history.forget_kinds, dispatch_uid="forget-kinds-migrate")
