"""A person's background jobs: the list, one job's progress (refreshed by htmx while it runs)
and its file once done. Every job is read through Job.objects.visible_to."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from binhyen.core.views import ScopedListView, scoped_get

from .models import Job


class JobListView(ScopedListView):
    model = Job
    template_name = "ops/job_list.html"
    ordering = ["-created_at", "-pk"]

    def base_queryset(self):
        return super().base_queryset().select_related("requested_by")


@login_required
def job_detail(request, pk):
    job = scoped_get(request.user, Job, pk=pk)
    htmx = getattr(request, "htmx", None)
    template = "ops/_job_status.html" if htmx and not htmx.boosted else "ops/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_file(request, pk):
    job = scoped_get(request.user, Job, pk=pk)
    if not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
