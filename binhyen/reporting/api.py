"""API routes of the reporting app: rollups of any indicator for a unit's subtree.

The figures follow the reader's scope (binhyen.org.scoping.figure_scope): a police liaison reading a
unit of their wards gets the figures of those wards only, and an indicator that counts records
without a ward (the activities) is refused with 403 and a message naming it."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from binhyen.core.api import ERRORS, ErrorOut
from binhyen.figures import registry
from binhyen.org.scoping import figure_scope

from . import params
from .plan_api import router as plans_router
from .rollup import OutOfScope, rollup

router = Router(tags=["reporting"])
# a plan's targets and their progress, at /plans/{id}/… under the documents tag as before
router.add_router("", plans_router, tags=["documents"])

DESCRIPTION = """
Số liệu tổng hợp của một đơn vị (cả các đơn vị cấp dưới) trong một kỳ.

- `period`: `2022`, `2022Q1`, `2022H1`, `2022-03` hoặc `2018-01-01..2023-12-31`.
- `indicators`: mã chỉ tiêu cách nhau bởi dấu phẩy; bộ lọc trong ngoặc vuông, ví dụ
  `activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan],groups.members[kind=nha_tro]`.
  Lọc theo văn bản thực hiện (kế hoạch…) bằng mã số văn bản hoặc ký hiệu:
  `activity.sessions[document=12]`, `activity.attendances[document=329/KH-LĐLĐ]`; khóa kết quả
  ghi mã số (`activity.attendances[document=12]`).
  Chỉ tiêu dạng tồn (mô hình, thành viên, camera, số đơn vị) lấy giá trị tại ngày cuối kỳ.
- `by`: `child` (theo đơn vị trực thuộc, mặc định), `month` hoặc `none`.
- `basis`: cơ sở tính số liệu khi cơ cấu tổ chức thay đổi (đơn vị chuyển, sáp nhập, giải thể):
  `was` — **theo cơ cấu tại thời điểm phát sinh**: mỗi bản ghi tính cho đơn vị cấp trên của nó
  vào ngày phát sinh (bốn quý cộng lại bằng cả năm; sắp xếp tổ chức về sau không làm đổi số liệu
  đã qua; chỉ tiêu dạng tồn tính theo cơ cấu ngày cuối kỳ); `now` — **theo cơ cấu hiện nay**:
  mọi bản ghi tính theo cơ cấu hôm nay (so sánh cả quá trình của đơn vị sau sáp nhập). Mặc định:
  `was` với kỳ đã kết thúc, `now` với kỳ đang diễn ra; đơn vị đã kết thúc hoạt động luôn tính
  theo cơ cấu tại thời điểm phát sinh.
- `as_of`: tính mọi bản ghi theo cơ cấu tổ chức tại một ngày bất kỳ (YYYY-MM-DD); khi có `as_of`,
  `basis` không được dùng và `basis` trong kết quả là `null`.

Trả về `{"unit", "basis": {"code", "label"}, "period": {"start", "end", "label"}, "rows": [{"unit": {"code", "name"}` hoặc
`"month", "values": {…}}], "total": {…}}`. Đơn vị ngoài phạm vi: 404. Tham số sai: 400.

Số liệu theo phạm vi xem của người gọi: người được phân công ở đơn vị nhận số liệu của cả đơn vị
và các đơn vị trực thuộc; công an phường chỉ nhận số liệu trong các phường, xã được phân công
(tổ, mô hình, thành viên, nhà trọ, camera, đơn vị đặt tại đó; theo đơn vị trực thuộc chỉ liệt kê
các đơn vị có số liệu), và chỉ tiêu tính từ bản ghi không gắn với phường, xã (các hoạt động): 403.
"""


@router.get(
    "/rollup",
    response={200: dict, 403: ErrorOut, **ERRORS},
    summary="Số liệu tổng hợp",
    description=DESCRIPTION,
)
def rollup_view(
    request,
    unit: str | None = Query(None, description="Mã đơn vị (mặc định: đơn vị cao nhất của bạn)"),
    period: str | None = Query(None, description="Kỳ báo cáo"),
    indicators: str | None = Query(None, description="Danh sách chỉ tiêu, có thể kèm bộ lọc"),
    by: str | None = Query(None, description="child | month | none"),
    basis: str | None = Query(
        None,
        description="was (theo cơ cấu tại thời điểm phát sinh) | now (theo cơ cấu hiện nay)",
    ),
    as_of: str | None = Query(None, description="Cơ cấu tổ chức tại ngày (YYYY-MM-DD)"),
):
    try:
        the_period = params.period_for(period)
        requests = params.requests_for(indicators, request.auth)
        breakdown = params.by_for(by)
        day = params.as_of_for(as_of)
        chosen = params.basis_for(basis)
    except params.BadParameter as exc:
        raise HttpError(400, _("Tham số không hợp lệ: %(m)s") % {"m": exc}) from None
    the_unit = params.unit_for(request.auth, unit)
    scope = figure_scope(request.auth, the_unit)
    try:
        with translation.override(
            settings.LANGUAGE_CODE
        ):  # the period's "label" is Vietnamese, as documented
            return rollup(
                the_unit,
                the_period,
                requests,
                by=breakdown,
                as_of=day,
                scope=scope,
                basis=chosen,
            )
    except OutOfScope as exc:
        raise HttpError(403, out_of_scope_message(exc.requests, the_unit)) from None


def out_of_scope_message(requests, unit):
    return _(
        "Chỉ tiêu %(codes)s không thuộc phạm vi xem của bạn tại “%(unit)s”: bạn chỉ được xem số liệu "
        "của các phường, xã được phân công, mà chỉ tiêu này không gắn với phường, xã nào (như các hoạt động)."
    ) % {"codes": ", ".join(r.key for r in requests), "unit": unit.name}


class IndicatorOut(Schema):
    code: str
    label: str
    label_en: str
    unit: str
    kind: str
    dimensions: list[str]


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="Danh mục chỉ tiêu",
    description="Mọi chỉ tiêu dùng được trong /rollup: mã, tên, đơn vị tính, loại "
    "(flow: cộng dồn trong kỳ; stock: giá trị ngày cuối kỳ; ratio: tỷ lệ %) "
    "và các chiều lọc được.",
)
def list_indicators(request):
    return [
        {
            "code": i.code,
            "label": str(i.label),
            "label_en": i.label_en,
            "unit": str(i.unit),
            "kind": i.kind,
            "dimensions": list(i.dimensions),
        }
        for i in registry.all_indicators()
    ]
