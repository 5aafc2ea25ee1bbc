"""Administrators see every job, worker and scheduled slot (django-tasks-db's admin lists
the task rows themselves: state, attempts, errors)."""

from django.contrib import admin

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
