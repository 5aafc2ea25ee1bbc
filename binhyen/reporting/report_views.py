"""Pages of periodic reports: the requests a person issued or received, one request's
completeness (expected, on time, late, missing) with the reminder list, a submission's document."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from binhyen.views import paginate

from . import documents, workflow
from .models import ReportRequest, Submission

DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


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


@login_required
def submission_document(request, pk, fmt):
    """A unit's submission as the official DOCX or PDF, with the parts its officer wrote."""
    s = get_object_or_404(Submission.objects.visible_to(request.user).select_related("request", "unit"), pk=pk)
    if fmt not in DOCUMENT_TYPES:
        raise Http404
    render_document = documents.build_pdf if fmt == "pdf" else documents.build
    data = render_document(s.unit, s.request.period, assessment=s.assessment, shortcomings=s.shortcomings,
                           proposals=s.proposals)
    response = HttpResponse(data, content_type=DOCUMENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{s.unit.code}-{s.request.period_code}.{fmt}"'
    return response
