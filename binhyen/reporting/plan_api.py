"""API routes of a plan's targets, served by reporting because they read the indicator
registry and the rollup engine: a plan's targets (list, set and cascade), and their progress
per unit read live from the rollup. Same paths and tag as the rest of the documents API
(/plans/{id}/targets, /plans/{id}/progress); mounted by reporting's router."""

from typing import Annotated, Literal

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import ERRORS, In, get_or_404, require
from binhyen.core.bounds import MAX_ID
from binhyen.documents.api import (
    UNIT_CODE,
    DocumentOut,
    document_not_found,
    editable_document,
    visible_documents,
    visible_unit,
)
from binhyen.documents.models import TARGET_VALUE, AppliesTo, Target
from binhyen.org.models import Unit

from . import progress, targets

router = Router(tags=["documents"])
# the operation ids API clients were generated with, from when these routes were the documents app's
OPERATION_IDS = {
    name: f"binhyen_documents_api_{name}"
    for name in ("plan_targets", "create_target", "plan_progress")
}


# --- schemas -------------------------------------------------------------------------------


PERIOD_PATTERN = r"^(\d{4}([HhQq]\d|-\d{1,2})?|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$"


class TargetIn(In):
    indicator: str = Field(
        description="Mã chỉ tiêu, có thể kèm bộ lọc: activity.sessions[kind=tuyen_truyen]",
        min_length=1,
        max_length=Target._meta.get_field("indicator").max_length,
    )
    period: str = Field(
        description="2022, 2022H1, 2022Q1, 2022-03 hoặc 2022-03-23..2022-12-31 (năm 1945–2100)",
        max_length=Target._meta.get_field("period").max_length,
        pattern=PERIOD_PATTERN,
    )
    value: int = Field(
        description="Mức chỉ tiêu cho mỗi đơn vị (chỉ tiêu tỷ lệ: %, tối đa 100)",
        **TARGET_VALUE.schema_kwargs(),
    )
    applies_to: Literal[tuple(AppliesTo.values)]
    units: list[Annotated[str, Field(**UNIT_CODE)]] = Field(
        [], max_length=1000, description="Mã các đơn vị (khi applies_to = list)"
    )
    description: str = Field("", max_length=Target._meta.get_field("description").max_length)


class TargetOut(Schema):
    id: int
    indicator: str
    description: str
    period: str
    value: int
    applies_to: str
    assignments: int = Field(description="Số đơn vị đang giữ bản chỉ tiêu")


class ProgressRowOut(Schema):
    unit: dict = Field(description='{"code", "name"}')
    target: float
    actual: float | None
    percent: float | None
    status: str = Field(description="reached | on_track | behind | missed | no_data")
    assigned: int
    drill_down: bool = Field(description="Dòng gồm nhiều đơn vị được giao: xem tiếp với ?unit=mã")
    plan: dict = Field(
        description="Hoạt động ghi thực hiện kế hoạch này, từ ngày ban hành: "
        '{"activities", "sessions", "attendances"}'
    )


class TargetProgressOut(Schema):
    target: TargetOut
    level: dict = Field(description='Đơn vị đang xem {"code", "name"}')
    period: dict
    elapsed_share: float
    total_target: float
    total_actual: float | None
    behind: list[str] = Field(description="Mã các đơn vị chậm tiến độ hoặc không đạt")
    plan: dict | None = Field(
        description="Hoạt động ghi thực hiện kế hoạch này trong toàn hệ thống đơn vị "
        'đang xem {"activities", "sessions", "attendances", "period"}; '
        "null khi bạn không xem được đơn vị đó"
    )
    rows: list[ProgressRowOut]


class ProgressOut(Schema):
    plan: DocumentOut
    targets: list[TargetProgressOut]


# --- helpers -------------------------------------------------------------------------------


# --- targets and progress ------------------------------------------------------------------


def _plan(request, pk):
    return get_or_404(visible_documents(request), document_not_found(), pk=pk)


def _target_out(target, copies=None):
    return {
        "id": target.pk,
        "indicator": target.indicator,
        "description": target.description,
        "period": target.period,
        "value": target.value,
        "applies_to": target.applies_to,
        "assignments": copies if copies is not None else target.assignments.count(),
    }


@router.get(
    "/plans/{int:pk}/targets",
    response={200: list[TargetOut], **ERRORS},
    summary="Chỉ tiêu của kế hoạch",
    operation_id=OPERATION_IDS["plan_targets"],
)
def plan_targets(request, pk: int):
    plan = _plan(request, pk)
    return [
        _target_out(t, t.n) for t in plan.targets.annotate(n=Count("assignments")).order_by("id")
    ]


@router.post(
    "/plans/{int:pk}/targets",
    response={201: TargetOut, **ERRORS},
    summary="Đặt chỉ tiêu và giao cho các đơn vị",
    operation_id=OPERATION_IDS["create_target"],
)
def create_target(request, pk: int, payload: TargetIn):
    plan = editable_document(request, pk)
    errors = {}
    units = [
        u
        for u in (visible_unit(request, "units", c, errors) for c in payload.units)
        if u is not None
    ]
    require(errors)
    target = targets.set_target(
        request.auth,
        plan,
        indicator=payload.indicator,
        period=payload.period,
        value=payload.value,
        applies_to=payload.applies_to,
        units=units,
        description=payload.description,
    )
    return Status(201, _target_out(target))


def _plan_counts(values):
    return dict(zip(("activities", "sessions", "attendances"), values, strict=True))


@router.get(
    "/plans/{int:pk}/progress",
    response={200: ProgressOut, **ERRORS},
    summary="Tiến độ chỉ tiêu của kế hoạch",
    operation_id=OPERATION_IDS["plan_progress"],
)
def plan_progress(
    request,
    pk: int,
    unit: str | None = Query(
        None,
        description="Xem ở đơn vị này (mặc định: đơn vị ban hành kế hoạch; chỉ hiện các đơn vị trong phạm vi của bạn)",
    ),
    target: int | None = Query(None, description="Chỉ một chỉ tiêu (id)", ge=1, le=MAX_ID),
):
    """Per unit: target vs actual (read live from the rollup), % reached, status, who is behind."""
    plan = _plan(request, pk)
    level = None
    if unit:
        level = get_or_404(
            Unit.objects.visible_to(request.auth),
            _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": unit},
            code=unit,
        )
    chosen = plan.targets.order_by("id")
    if target is not None:
        chosen = chosen.filter(pk=target)
    out = []
    for t in chosen:
        t.plan = plan
        where = level or plan.unit
        table = progress.target_progress(t, where, user=request.auth)
        out.append(
            {
                "target": _target_out(t),
                "level": {"code": where.code, "name": where.name},
                "period": {
                    "code": table.period.code,
                    "start": table.period.start,
                    "end": table.period.end,
                    "label": str(table.period.label),
                },
                "elapsed_share": round(table.share, 4),
                "total_target": table.total_target,
                "total_actual": table.total_actual,
                "behind": [r.code for r in table.behind],
                "plan": None
                if table.plan_total is None
                else {**_plan_counts(table.plan_total), "period": table.plan_period.code},
                "rows": [
                    {
                        "unit": {"code": r.code, "name": r.name},
                        "target": r.target,
                        "actual": r.actual,
                        "percent": r.percent,
                        "status": r.status,
                        "assigned": r.assigned,
                        "drill_down": not r.direct,
                        "plan": _plan_counts(r.plan),
                    }
                    for r in table.rows
                ],
            }
        )
    return {"plan": plan, "targets": out}
