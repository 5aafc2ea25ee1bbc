"""Pages of periodic reports: the requests a person issued or received, one request's
completeness (expected, on time, late, missing) with the reminder list, a submission's document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from binhyen.views import paginate

from . import documents, workflow
from .models import ReportRequest, Status, Submission

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


def _submission(user, pk):
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related("request__unit", "request__template", "unit"), pk=pk)


@login_required
def submission_detail(request, pk):
    s = _submission(request.user, pk)
    figures = list(s.figures.all()) if s.status == Status.APPROVED else []
    return render(request, "reporting/submission_detail.html", {
        "s": s, "report": s.request,
        "can_submit": s.status in (Status.DRAFT, Status.RETURNED) and workflow.can_submit(request.user, s),
        "can_approve": workflow.can_approve(request.user, s),
        "totals": [f for f in figures if not f.row_code],
        "rows": [f for f in figures if f.row_code],
    })


ACTIONS = {
    "save": (lambda user, s, v, post: workflow.save_draft(
        user, s, version=v, narrative=post.get("narrative", ""), assessment=post.get("assessment", ""),
        shortcomings=post.get("shortcomings", ""), proposals=post.get("proposals", "")), _("Đã lưu bản nháp.")),
    "generate": (lambda user, s, v, post: workflow.save_draft(user, s, version=v, generate=True),
                 _("Đã viết lại phần kết quả từ số liệu.")),
    "submit": (lambda user, s, v, post: workflow.submit(
        user, s, version=v, narrative=post.get("narrative"), assessment=post.get("assessment"),
        shortcomings=post.get("shortcomings"), proposals=post.get("proposals"),
        accept_missing=post.get("accept_missing") == "1"), _("Đã gửi báo cáo.")),
    "return": (lambda user, s, v, post: workflow.return_submission(user, s, version=v, comment=post.get("comment", "")),
               _("Đã trả lại báo cáo.")),
    "approve": (lambda user, s, v, post: workflow.approve(user, s, version=v), _("Đã phê duyệt và khóa số liệu.")),
    "unlock": (lambda user, s, v, post: workflow.unlock(user, s, version=v, reason=post.get("reason", "")),
               _("Đã mở khóa báo cáo.")),
}


@login_required
@require_POST
def submission_action(request, pk, action):
    """One workflow step from the page; the service's refusal is shown, nothing is half-done."""
    s = _submission(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    step, done = ACTIONS[action]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        step(request.user, s, version, request.POST)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("reporting:submission-detail", pk=s.pk)
