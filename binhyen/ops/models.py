"""What the operations layer remembers: background jobs a person asked for (with their
progress, outcome and file), the workers' heartbeats, and which scheduled slots were queued."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Không thành công")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees the jobs they asked for; a superuser sees every job."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(requested_by=user)

    def unfinished(self):
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


def job_file_path(job, filename):
    # private: served only through the job's page to the person who asked (never by the proxy)
    return f"jobs/{timezone.now():%Y/%m}/{job.pk or 'new'}-{filename}"


class Job(models.Model):
    """One piece of background work a person started from a page: an import, an export, a
    rebuild. The task that runs it records its progress here, and the page reads it."""

    kind = models.CharField(_("loại việc"), max_length=60)
    title = models.CharField(_("việc"), max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    step = models.CharField(_("đang làm"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)
    result = models.FileField(_("tệp kết quả"), upload_to=job_file_path, max_length=255, blank=True)
    result_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("lúc yêu cầu"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("lúc bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("lúc kết thúc"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(100 * self.done / self.total))

    @property
    def duration(self):
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at


class WorkerBeat(models.Model):
    """A worker process says it is alive every few seconds; /readyz and the reaper of tasks
    left running by a dead worker read these rows."""

    worker_id = models.CharField(_("mã worker"), max_length=64, unique=True)
    host = models.CharField(_("máy"), max_length=255)
    pid = models.PositiveIntegerField(_("tiến trình"))
    started_at = models.DateTimeField(_("khởi động lúc"), default=timezone.now)
    seen_at = models.DateTimeField(_("lần cuối"), default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(_("dừng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("worker")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.worker_id[:8]})"


class ScheduleRun(models.Model):
    """One slot of one scheduled job, queued once: two schedulers (or a restarted one) that
    reach the same slot insert the same row, and only the one that inserted it queues."""

    name = models.CharField(_("lịch"), max_length=60)
    slot = models.DateTimeField(_("đến hạn lúc"))
    queued_at = models.DateTimeField(_("đưa vào hàng đợi lúc"), default=timezone.now)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lần chạy theo lịch")
        verbose_name_plural = _("lần chạy theo lịch")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="ops_one_run_a_slot")]
        ordering = ["-slot"]

    def __str__(self):
        return f"{self.name} @ {self.slot:%d/%m/%Y %H:%M}"
