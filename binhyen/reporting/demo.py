"""Demo targets: the targets of the demo plans (binhyen.documents.demo registers the plans).

Targets read their progress live from the rollup engine, so they need nothing from the
activities demo — the activities recorded against these plans show up on the pages as soon as
they exist. Mỹ Tho's drug and trafficking targets count only the activities recorded as
carrying out 330/KH-LĐLĐ and 311/KH-LĐLĐ (the plan's document filter), so a few unions fall
short, while its 329/KH-LĐLĐ outreach target counts every outreach session of the year.
Everything goes through targets.py; a second run changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from binhyen.documents import demo as documents_demo
from binhyen.documents.models import AppliesTo
from binhyen.org import demo as org_demo

from . import targets

# plan key (binhyen.documents.demo.UNION) → [(description, indicator, period, value per unit,
# applies to)]; an indicator ending in PLAN_ONLY counts only the activities recorded as carrying
# out that plan (document filter)
PLAN_ONLY = "+kế hoạch"
TARGETS = {
    "HCM2022": [
        (
            "Mỗi công đoàn cấp trên trực tiếp cơ sở tổ chức ít nhất 40 cuộc tuyên truyền phòng, chống tội phạm",
            "activity.sessions[kind=tuyen_truyen]",
            "2022",
            40,
            AppliesTo.CHILDREN,
        ),
        (
            "100% công đoàn cơ sở của mỗi đơn vị trực thuộc tổ chức tuyên truyền",
            "units.outreach_share",
            "2022",
            100,
            AppliesTo.CHILDREN,
        ),
    ],
    "KCN2022": [
        (
            "Mỗi công đoàn cơ sở tổ chức ít nhất 4 cuộc tuyên truyền",
            "activity.sessions[kind=tuyen_truyen]",
            "2022",
            4,
            AppliesTo.GRASSROOTS,
        ),
    ],
    "KH329": [
        (
            "Mỗi công đoàn cơ sở, nghiệp đoàn tổ chức ít nhất 2 cuộc tuyên truyền phòng, chống tội phạm",
            "activity.sessions[kind=tuyen_truyen]",
            "2022",
            2,
            AppliesTo.GRASSROOTS,
        ),
        (
            "100% đơn vị trực thuộc tổ chức tuyên truyền",
            "units.outreach_share",
            "2022",
            100,
            AppliesTo.UNIT,
        ),
    ],
    "KH330": [
        (
            "Mỗi công đoàn cơ sở tổ chức ít nhất 1 cuộc tuyên truyền phòng, chống ma túy",
            "activity.sessions[topic=ma_tuy]" + PLAN_ONLY,
            "2022",
            1,
            AppliesTo.GRASSROOTS,
        ),
    ],
    "KH311": [
        (
            "Mỗi công đoàn cơ sở có ít nhất 30 lượt người dự tuyên truyền phòng, chống mua bán người",
            "activity.attendances[topic=mua_ban_nguoi]" + PLAN_ONLY,
            "2022",
            30,
            AppliesTo.GRASSROOTS,
        ),
    ],
}


@transaction.atomic
def load(stdout=None):
    """Give the demo plans their targets; a second run changes nothing. Returns {"targets"}:
    how many this run created."""
    actor = get_user_model().objects.filter(username=org_demo.ACCOUNTS[0].username).first()
    plans = {key: documents_demo.registered(key) for key in TARGETS}
    if actor is None or None in plans.values():
        raise RuntimeError("load the demo tree and documents first (binhyen load-demo)")
    created = {"targets": 0}
    for key, wanted in TARGETS.items():
        plan = plans[key]
        have = set(plan.targets.values_list("indicator", "period"))
        for description, indicator, period, value, applies_to in wanted:
            if indicator.endswith(PLAN_ONLY):
                indicator = targets.plan_only(indicator.removesuffix(PLAN_ONLY), plan)
            if (indicator, period) in have:
                continue
            targets.set_target(
                actor,
                plan,
                indicator=indicator,
                period=period,
                value=value,
                applies_to=applies_to,
                description=description,
            )
            created["targets"] += 1
    if stdout is not None:
        if created["targets"]:
            stdout.write(f"Chỉ tiêu: {created['targets']} chỉ tiêu mới của các kế hoạch.")
        else:
            stdout.write("Chỉ tiêu: dữ liệu mẫu đã có, không thay đổi.")
    return created
