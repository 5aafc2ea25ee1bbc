"""Administrators see every job, worker and scheduled slot (django-tasks-db's admin lists
the task rows themselves: state, attempts, errors)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .models import Job, ScheduleRun, WorkerBeat


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "title",
        "kind",
        "requested_by",
        "status",
        "attempts",
        "created_at",
        "seconds",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["title", "error"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description="giây")
    def seconds(self, job):
        return round(job.duration.total_seconds(), 1) if job.duration else None


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at", "stopped_at"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["name", "slot", "queued_at", "task_id"]
    list_filter = ["name"]


class TaskAdmin(DBTaskResultAdmin):
    """django-tasks-db's own list of task rows, with each one's duration, attempt and error."""

    list_display = (
        "task_path",
        "status",
        "attempt",
        "enqueued_at",
        "started_at",
        "seconds",
        "exception_class_path",
        "worker",
    )
    search_fields = ("task_path", "exception_class_path")

    @admin.display(description="lần chạy")
    def attempt(self, row):
        return row.args_kwargs.get("kwargs", {}).get("_attempt", 1)

    @admin.display(description="giây")
    def seconds(self, row):
        if row.started_at and row.finished_at:
            return round((row.finished_at - row.started_at).total_seconds(), 2)
        return None

    @admin.display(description="worker")
    def worker(self, row):
        return row.worker_ids[-1][:8] if row.worker_ids else ""


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskAdmin)
