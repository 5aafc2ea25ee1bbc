"""API routes of periodic reports: requests, submissions and their workflow actions."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from binhyen.core.api import ERRORS, In, Page, PageParams, get_or_404, paginate, require
from binhyen.core.periods import parse_period
from binhyen.org.models import Unit, code_validator

from . import services
from .models import Audience, ReportRequest, Status, Submission

router = Router(tags=["reports"])


# The schema states what services.issue_request enforces: lengths from ReportRequest's columns,
# the unit codes' shape, the period codes periods.parse_period reads, the fixed audiences.
UNIT_CODE = {
    "max_length": Unit._meta.get_field("code").max_length,
    "pattern": code_validator.regex.pattern,
}
PERIOD_PATTERN = r"^(\d{4}([HhQq]\d|-\d{1,2})?|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$"


class RequestIn(In):
    unit: str = Field(
        description="Mã đơn vị yêu cầu (bạn là người phê duyệt của đơn vị này)", **UNIT_CODE
    )
    period: str = Field(
        description="Kỳ báo cáo: 2024, 2024H1, 2024Q3, 2024-03 hoặc 2021-08-16..2022-08-15 "
        "(từ 28/07/1929 đến năm 2100)",
        max_length=ReportRequest._meta.get_field("period_code").max_length,
        pattern=PERIOD_PATTERN,
    )
    deadline: datetime.date = Field(
        description="Hạn nộp (YYYY-MM-DD): không trước ngày đầu kỳ, không quá một "
        "năm sau khi kỳ kết thúc (hoặc sau hôm nay)"
    )
    title: str = Field("", max_length=ReportRequest._meta.get_field("title").max_length)
    instructions: str = ""
    audience: Literal[tuple(Audience.values)] = Audience.CHILDREN.value


class RequestOut(Schema):
    id: int
    title: str
    unit: str
    unit_name: str
    period: str
    period_label: str
    deadline: datetime.date
    audience: str
    instructions: str


class SubmissionBrief(Schema):
    id: int
    unit: str
    unit_name: str
    status: str
    status_name: str
    version: int
    first_submitted_at: datetime.datetime | None


class RequestDetail(RequestOut):
    completeness: (
        dict | None
    )  # null for a requested unit: siblings' progress is the issuer's to see
    submissions: list[SubmissionBrief]


class SubmissionOut(SubmissionBrief):
    request: RequestOut
    narrative: str
    assessment: str
    shortcomings: str
    proposals: str
    comment: str
    missing_units: list
    locked: bool
    unlock_reason: str
    figures: dict  # as sent or approved once the report has left the unit, else live
    figures_frozen: bool
    live_figures: dict
    changed_since_approval: list[str]
    changes: list[dict]  # indicators whose live value differs from the one sent or approved


class Version(In):
    version: int = Field(
        ge=1, le=2_147_483_647, description="Phiên bản báo cáo bạn đã đọc (trường version)"
    )


class SubmitIn(Version):
    narrative: str | None = None
    assessment: str | None = None
    shortcomings: str | None = None
    proposals: str | None = None
    accept_missing: bool = False


class CommentIn(Version):
    comment: str


class ReasonIn(Version):
    reason: str


def _request_row(r):
    return {
        "id": r.pk,
        "title": r.title,
        "unit": r.unit.code,
        "unit_name": r.unit.name,
        "period": r.period_code,
        "period_label": str(r.period.label),
        "deadline": r.deadline,
        "audience": r.audience,
        "instructions": r.instructions,
    }


def _brief(s):
    return {
        "id": s.pk,
        "unit": s.unit.code,
        "unit_name": s.unit.name,
        "status": s.status,
        "status_name": s.get_status_display(),
        "version": s.version,
        "first_submitted_at": s.first_submitted_at,
    }


@router.get(
    "/report-requests", response={200: Page[RequestOut], **ERRORS}, summary="Yêu cầu báo cáo"
)
def list_requests(request, paging: Query[PageParams]):
    page = paginate(services.visible_requests(request.auth).select_related("unit"), paging)
    page["items"] = [_request_row(r) for r in page["items"]]
    return page


@router.post(
    "/report-requests", response={201: RequestDetail, **ERRORS}, summary="Gửi yêu cầu báo cáo"
)
def create_request(request, payload: RequestIn):
    errors = {}
    unit = Unit.objects.visible_to(request.auth).filter(code=payload.unit).first()
    if unit is None:
        errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi của bạn.")
    require(errors)
    created = services.issue_request(
        request.auth,
        unit=unit,
        period=parse_period(payload.period),
        deadline=payload.deadline,
        title=payload.title,
        instructions=payload.instructions,
        audience=payload.audience,
    )
    return Respond(201, _request_detail(request, created.pk))


def _request_detail(request, pk):
    r = get_or_404(services.visible_requests(request.auth).select_related("unit"), pk=pk)
    subs = (
        Submission.objects.visible_to(request.auth)
        .filter(request=r)
        .select_related("unit")
        .order_by("unit__path")
    )
    completeness = None
    if ReportRequest.objects.visible_to(request.auth).filter(pk=r.pk).exists():
        completeness = services.completeness(r)
        completeness["missing_units"] = [
            {"code": u.code, "name": u.name} for u in completeness["missing_units"]
        ]
    return {
        **_request_row(r),
        "completeness": completeness,
        "submissions": [_brief(s) for s in subs],
    }


@router.get(
    "/report-requests/{int:pk}",
    response={200: RequestDetail, **ERRORS},
    summary="Một yêu cầu báo cáo",
)
def get_request(request, pk: int):
    return _request_detail(request, pk)


def _submission(request, pk):
    return get_or_404(
        Submission.objects.visible_to(request.auth).select_related(
            "request__unit", "request__template", "unit"
        ),
        pk=pk,
    )


def _submission_out(s):
    frozen = services.has_frozen_figures(s)
    kept = services.frozen_totals(s) if frozen else {}
    live = services.live_totals(s)
    rows = services.compare(s, frozen=kept, live=live)
    changes = [
        {"indicator": r["key"], "label": r["label"], "frozen": r["frozen"], "live": r["live"]}
        for r in rows
        if r["changed"]
    ]
    return {
        **_brief(s),
        "request": _request_row(s.request),
        "narrative": s.narrative,
        "assessment": s.assessment,
        "shortcomings": s.shortcomings,
        "proposals": s.proposals,
        "comment": s.comment,
        "missing_units": s.missing_units,
        "locked": s.locked,
        "unlock_reason": s.unlock_reason,
        "figures": kept if frozen else live,
        "figures_frozen": frozen,
        "live_figures": live,
        "changed_since_approval": [c["indicator"] for c in changes]
        if s.status == Status.APPROVED
        else [],
        "changes": changes,
    }


@router.get(
    "/submissions/{int:pk}",
    response={200: SubmissionOut, **ERRORS},
    summary="Một báo cáo của đơn vị",
)
def get_submission(request, pk: int):
    return _submission_out(_submission(request, pk))


@router.post(
    "/submissions/{int:pk}/submit", response={200: SubmissionOut, **ERRORS}, summary="Gửi báo cáo"
)
def submit(request, pk: int, payload: SubmitIn):
    s = services.submit(request.auth, _submission(request, pk), **payload.dict())
    return _submission_out(_submission(request, s.pk))


@router.post(
    "/submissions/{int:pk}/return",
    response={200: SubmissionOut, **ERRORS},
    summary="Trả lại báo cáo",
)
def return_submission(request, pk: int, payload: CommentIn):
    s = services.return_submission(request.auth, _submission(request, pk), **payload.dict())
    return _submission_out(_submission(request, s.pk))


@router.post(
    "/submissions/{int:pk}/approve",
    response={200: SubmissionOut, **ERRORS},
    summary="Phê duyệt báo cáo",
)
def approve(request, pk: int, payload: Version):
    s = services.approve(request.auth, _submission(request, pk), **payload.dict())
    return _submission_out(_submission(request, s.pk))


@router.post(
    "/submissions/{int:pk}/unlock",
    response={200: SubmissionOut, **ERRORS},
    summary="Mở khóa báo cáo",
)
def unlock(request, pk: int, payload: ReasonIn):
    s = services.unlock(request.auth, _submission(request, pk), **payload.dict())
    return _submission_out(_submission(request, s.pk))
