from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Bình Yên for real: background jobs on the task queue and their worker, the
    schedule, health endpoints, structured logs, backup and restore (README, "Chạy thật")."""

    name = "binhyen.ops"
    label = "ops"
    verbose_name = _("Vận hành")
