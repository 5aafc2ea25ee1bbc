"""Pages of periodic reports: the requests a person issued or received, and one request's
completeness (expected, on time, late, missing) with the reminder list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from binhyen.views import paginate

from . import workflow
from .models import ReportRequest, Submission


@login_required
def request_list(request):
    requests = workflow.visible_requests(request.user).select_related("unit", "template")
    return render(request, "reporting/request_list.html", {"page": paginate(request, requests)})


@login_required
def request_detail(request, pk):
    report = get_object_or_404(workflow.visible_requests(request.user).select_related("unit"), pk=pk)
    submissions = (Submission.objects.visible_to(request.user).filter(request=report)
                   .select_related("unit").order_by("unit__path"))
    # the whole picture (every requested unit, who is missing) belongs to the requesting unit's
    # people; a requested unit sees its own submission only
    issuer_side = ReportRequest.objects.visible_to(request.user).filter(pk=report.pk).exists()
    return render(request, "reporting/request_detail.html", {
        "report": report, "submissions": submissions,
        "completeness": workflow.completeness(report) if issuer_side else None,
    })
