"""Pages of periodic reports: the requests a person issued or received (and the form to issue
one), one request's completeness (expected, on time, late, missing) with the reminder list, a
submission with its figures as sent or approved against the live ones and its text with the
source of every figure (the source page itself is the reporting app's), and the person's
notifications."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binhyen.core import periods
from binhyen.core.text import format_number
from binhyen.core.views import ServiceFormView, paginate
from binhyen.incidents.models import Incident, Tip
from binhyen.ops.tasks import start_job
from binhyen.org import history
from binhyen.org.scoping import APPROVE_ROLES, scope_of
from binhyen.reporting.views import source_url

from . import services, tasks
from .forms import RequestForm
from .models import Notification, ReportRequest, Status, Submission
from .narrative import REPORT_BASIS

MISSING_SHOWN = 100  # units named in the reminder list; the rest are counted


# ---------------------------------------------------------------- requests


@login_required
def request_list(request):
    user = request.user
    page = paginate(request, services.visible_requests(user).select_related("unit", "template"))
    ids = [r.pk for r in page.object_list]
    # siblings' progress is the issuer's to see; a requested unit sees its own report
    issued = set(
        ReportRequest.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    counts = {
        row["request_id"]: row
        for row in (
            Submission.objects.filter(request_id__in=issued)
            .values("request_id")
            .annotate(
                expected=Count("id"),
                sent=Count("id", filter=Q(first_submitted_at__isnull=False)),
                approved=Count("id", filter=Q(status=Status.APPROVED)),
            )
            .order_by()
        )
    }
    own = {}
    for s in (
        Submission.objects.visible_to(user)
        .filter(request_id__in=set(ids) - issued)
        .select_related("unit")
        .order_by("unit__path")
    ):
        own.setdefault(s.request_id, []).append(s)
    rows = [
        {"r": r, "counts": counts.get(r.pk), "own": own.get(r.pk, [])[:3]} for r in page.object_list
    ]
    return render(
        request,
        "reports/request_list.html",
        {
            "page": page,
            "page_obj": page,
            "rows": rows,
            "can_issue": not scope_of(user, APPROVE_ROLES).empty,
        },
    )


class RequestCreateView(ServiceFormView):
    template_name = "reports/request_form.html"
    form_class = RequestForm
    success_message = gettext_lazy("Đã gửi yêu cầu báo cáo đến các đơn vị.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        today = periods.today()
        return {"period": str(today.year), "deadline": datetime.date(today.year, 12, 15)}

    def perform(self, form):
        d = form.cleaned_data
        created = services.issue_request(
            self.request.user,
            unit=d["unit"],
            period=d["period"],
            deadline=d["deadline"],
            title=d["title"],
            template=d["template"],
            instructions=d["instructions"],
            audience=d["audience"],
        )
        return reverse("reports:request-detail", args=[created.pk])


@login_required
def request_detail(request, pk):
    report = get_object_or_404(
        services.visible_requests(request.user).select_related("unit"), pk=pk
    )
    submissions = (
        Submission.objects.visible_to(request.user)
        .filter(request=report)
        .select_related("unit")
        .order_by("unit__path")
    )
    # the whole picture (every requested unit, who is missing) belongs to the requesting unit's
    # people; a requested unit sees its own submission only
    issuer_side = ReportRequest.objects.visible_to(request.user).filter(pk=report.pk).exists()
    page = paginate(request, submissions)
    completeness = services.completeness(report) if issuer_side else None
    missing = completeness["missing_units"] if completeness else []
    return render(
        request,
        "reports/request_detail.html",
        {
            "report": report,
            "submissions": page.object_list,
            "page_obj": page,
            "completeness": completeness,
            "missing": missing[:MISSING_SHOWN],
            "missing_more": max(0, len(missing) - MISSING_SHOWN),
        },
    )


# ---------------------------------------------------------------- submissions


def _submission(user, pk):
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related(
            "request__unit", "request__template", "unit"
        ),
        pk=pk,
    )


@login_required
def submission_document(request, pk, fmt):
    """A unit's submission as the official DOCX or PDF, made in the background: the button (a
    POST) queues the job and opens its page, where the person downloads the file once made. A
    GET (an old link) queues nothing and opens the submission's page."""
    s = _submission(request.user, pk)
    if fmt not in tasks.DOCUMENT_TYPES:
        raise Http404
    if request.method != "POST":
        return redirect("reports:submission-detail", pk=s.pk)
    with transaction.atomic():
        job = start_job(
            tasks.export_submission_document,
            kind=tasks.DOCUMENT_KIND,
            title=f"{s} — {fmt.upper()}",
            user=request.user,
            params={
                "submission": s.pk,
                "format": fmt,
                "day": periods.today().isoformat(),
                "language": translation.get_language(),
            },
        )
    done = HttpResponseRedirect(reverse("job_detail", args=[job.pk]))
    done.status_code = 303  # see the job's page (a GET), whatever the browser
    return done


CHANGED_NOTES = {
    Status.APPROVED: gettext_lazy("Đã thay đổi sau khi phê duyệt"),
    Status.SUBMITTED: gettext_lazy("Đã thay đổi sau khi gửi"),
}


@login_required
def submission_detail(request, pk):
    """The report: its figures as sent or approved beside the live ones (changes marked), and
    its text with the source of every figure on hover. Within 15 queries: the live figures are
    totals (one query per filter set and stock), the text's sources are kept with it."""
    s = _submission(request.user, pk)
    editable = s.status in (Status.DRAFT, Status.RETURNED)
    can_submit = editable and services.can_submit(request.user, s)
    can_approve = not editable and services.can_approve(request.user, s)
    kept = services.has_frozen_figures(s)
    frozen = services.frozen_totals(s) if kept else {}
    live = services.live_totals(s)
    rows = services.compare(s, frozen=frozen, live=live)
    for row in rows:
        row["source"] = source_url(
            s.unit.code, s.request.period_code, row["key"], basis=REPORT_BASIS
        )
    note = CHANGED_NOTES.get(s.status, _("Số liệu hiện tại đã khác"))
    changed = [r for r in rows if r["changed"]]
    story, missing = services.story(s) if s.narrative.strip() else (None, [])
    return render(
        request,
        "reports/submission_detail.html",
        {
            "s": s,
            "report": s.request,
            "can_submit": can_submit,
            "can_approve": can_approve,
            "rows": rows,
            "kept": kept,
            "changed": changed,
            # the records behind the change: read only when a figure changed
            "changed_records": services.changed_records(s) if changed else [],
            "basis_label": history.BASES[REPORT_BASIS],
            "kept_at": s.approved_at if s.status == Status.APPROVED else s.submitted_at,
            "story_html": story.html(live=live, note=note) if story else "",
            "missing": [
                {"text": str(f), "label": story.describe(f) if story else f.label} for f in missing
            ],
        },
    )


ACTIONS = {
    "save": (
        lambda user, s, v, post: services.save_draft(
            user,
            s,
            version=v,
            narrative=post.get("narrative", ""),
            assessment=post.get("assessment", ""),
            shortcomings=post.get("shortcomings", ""),
            proposals=post.get("proposals", ""),
        ),
        gettext_lazy("Đã lưu bản nháp."),
    ),
    "generate": (
        lambda user, s, v, post: services.save_draft(user, s, version=v, generate=True),
        gettext_lazy("Đã viết lại phần kết quả từ số liệu."),
    ),
    "submit": (
        lambda user, s, v, post: services.submit(
            user,
            s,
            version=v,
            narrative=post.get("narrative"),
            assessment=post.get("assessment"),
            shortcomings=post.get("shortcomings"),
            proposals=post.get("proposals"),
            accept_missing=post.get("accept_missing") == "1",
        ),
        gettext_lazy("Đã gửi báo cáo."),
    ),
    "return": (
        lambda user, s, v, post: services.return_submission(
            user, s, version=v, comment=post.get("comment", "")
        ),
        gettext_lazy("Đã trả lại báo cáo."),
    ),
    "approve": (
        lambda user, s, v, post: services.approve(user, s, version=v),
        gettext_lazy("Đã phê duyệt và khóa số liệu."),
    ),
    "unlock": (
        lambda user, s, v, post: services.unlock(user, s, version=v, reason=post.get("reason", "")),
        gettext_lazy("Đã mở khóa báo cáo."),
    ),
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
    return redirect("reports:submission-detail", pk=s.pk)


# ---------------------------------------------------------------- notifications


@login_required
def notification_list(request):
    """The person's own notices (requests received, deadline near, returned, approved…),
    newest first; unread ones stand out, "Chưa đọc" keeps only those."""
    unread_only = request.GET.get("chua_doc") == "1"
    qs = Notification.objects.filter(user=request.user).select_related(
        "submission__request", "submission__unit"
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs)
    # a notice outlives the role it was sent for: link only to what the person still sees
    seen = _still_seen(request.user, page.object_list)
    items = [{"n": n, "open": _target(n) in seen} for n in page.object_list]
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request,
        "reports/notification_list.html",
        {
            "page": page,
            "page_obj": page,
            "items": items,
            "unread": unread,
            "unread_only": unread_only,
        },
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Mark a notice read and open the report it is about."""
    notice = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    target = _target(notice)
    if target is not None and target in _still_seen(request.user, [notice]):
        return redirect(_TARGETS[target[0]][1], pk=target[1])
    return redirect("reports:notifications")


# what a notice is about: its field, the page that shows it, the model whose scoping says who
# still sees it
_TARGETS = {
    "submission": (Submission, "reports:submission-detail"),
    "incident": (Incident, "incidents:detail"),
    "tip": (Tip, "incidents:tip"),
}


def _target(notice):
    """("submission" | "incident" | "tip", id) of what `notice` is about, or None."""
    for field in _TARGETS:
        pk = getattr(notice, f"{field}_id")
        if pk:
            return field, pk
    return None


def _still_seen(user, notices):
    """The targets of `notices` the person still sees, one query per kind of target."""
    wanted = {}
    for notice in notices:
        target = _target(notice)
        if target is not None:
            wanted.setdefault(target[0], set()).add(target[1])
    return {
        (field, pk)
        for field, ids in wanted.items()
        for pk in _TARGETS[field][0]
        .objects.visible_to(user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    }


@login_required
@require_POST
def notifications_read(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if n:
        messages.success(
            request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": format_number(n)}
        )
    return redirect("reports:notifications")
