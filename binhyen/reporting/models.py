"""Models of the reporting app: an administrator's requests to recompute the rollup figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.org.scoping import ScopedQuerySet


class RebuildStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class FactRebuild(models.Model):
    """An administrator's request to recompute a unit's rollup figures from the raw records
    (after a restructure, or to repair), run in the background (reporting.jobs); the same
    work as `binhyen rebuild-facts --unit CODE`."""

    scope_unit = "unit"

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    requested_at = models.DateTimeField(_("lúc yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RebuildStatus.choices, default=RebuildStatus.QUEUED
    )
    rows_written = models.BigIntegerField(_("số ô số liệu đã ghi"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần tính lại số liệu tổng hợp")
        verbose_name_plural = _("các lần tính lại số liệu tổng hợp")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.unit} — {self.get_status_display()}"

    @property
    def seconds(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
