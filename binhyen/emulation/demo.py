"""Demo emulation and awards, on top of the demo tree, its activities and its incidents.

- HCMC's federation issues the movement "Toàn dân bảo vệ an ninh Tổ quốc" (from 2018) with a
  title for grassroots unions recognised by the province: at least four outreach sessions in the
  year and no collective work stoppage (both computed from the registry), and an attested
  criterion (a self-managed workers' group at work).
- For 2024 and 2025 a handful of HCMC grassroots unions with outreach register, self-assess,
  submit; the province recognises those that pass, refuses those that had a stoppage (mostly
  unions of the export-processing and industrial zones) and returns those short of sessions.
- For 2024 HCMC proposes Bằng khen LĐLĐ for three recognised unions and one union chairwoman,
  and a decision numbered from the register awards them.

Every step goes through services.py (audit trail, checks, the computed figures); the services
stamp "now", so each step is then dated back to when it happened in the story. Fixed data: the
same on every machine. A second run changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from binhyen.activities.models import Activity
from binhyen.incidents.models import Incident
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

from . import services
from .models import (
    AwardForm,
    AwardProposal,
    CriterionKind,
    HolderKind,
    Movement,
    PassRule,
    RecipientKind,
    RecognisingRank,
    Registration,
    RegistrationState,
    SelfAssessment,
)

D = datetime.date
CODE = "antq"
YEARS = (2024, 2025)
AWARD_YEAR = 2024
MIN_SESSIONS = 4
PASSING = 5  # units a year expected to pass
FAILING_STOPPAGE = 3  # units a year with a stoppage in their subtree
SHORT = 1  # units a year short of outreach sessions
GROUP_NOTE = (
    "Tổ công nhân tự quản khu nhà trọ duy trì họp hằng tháng, phối hợp chủ nhà trọ và Công an "
    "phường nắm tình hình, nhắc nhở người thuê trọ khai báo tạm trú."
)
PERSON = ("Nguyễn Thị Thanh Hương", "Chủ tịch công đoàn cơ sở")


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Loader:
    def __init__(self):
        users = get_user_model().objects.in_bulk(["demo-tinh", "demo-admin"], field_name="username")
        self.actor = users.get("demo-tinh") or users["demo-admin"]
        self.hcm = Unit.objects.get(code=org_demo.HCM)
        self.kcn = Unit.objects.filter(code=org_demo.KCN).first()
        self.started = timezone.now()
        self.stats = {"movements": 0, "registrations": 0, "recognised": 0, "awards": 0}

    def movement(self):
        movement = services.create_movement(
            self.actor,
            issuer=self.hcm,
            code=CODE,
            name="Toàn dân bảo vệ an ninh Tổ quốc",
            start=D(2018, 1, 1),
            description=(
                "Phong trào trong công nhân, viên chức, lao động: tuyên truyền pháp luật, phòng "
                "ngừa tội phạm, tệ nạn ở khu nhà trọ, không để xảy ra ngừng việc tập thể."
            ),
        )
        Movement.objects.filter(pk=movement.pk).update(created_at=_at(D(2018, 1, 15)))
        title = services.create_title(
            self.actor,
            movement,
            code="antq-co-so",
            name="Công đoàn cơ sở vững mạnh về an ninh trật tự",
            holder=HolderKind.GRASSROOTS,
            recognising_rank=RecognisingRank.PROVINCE,
            rule=PassRule.ALL,
        )
        services.add_criterion(
            self.actor,
            title,
            label="Tổ chức ít nhất 4 cuộc tuyên truyền trong năm",
            kind=CriterionKind.COMPUTED,
            indicator="activity.sessions[kind=tuyen_truyen]",
            comparison="ge",
            threshold=MIN_SESSIONS,
            order=1,
        )
        services.add_criterion(
            self.actor,
            title,
            label="Không để xảy ra ngừng việc tập thể trong năm",
            kind=CriterionKind.COMPUTED,
            indicator="incidents.count[kind=ngung_viec]",
            comparison="le",
            threshold=0,
            order=2,
        )
        self.attested = services.add_criterion(
            self.actor,
            title,
            label="Có tổ công nhân tự quản hoạt động",
            kind=CriterionKind.ATTESTED,
            evidence="Quyết định thành lập tổ, biên bản sinh hoạt của tổ",
            order=3,
        )
        self.stats["movements"] += 1
        return movement, title

    def candidates(self, year):
        """(passing, with a stoppage, short of sessions): open HCMC grassroots unions with
        outreach in `year`, in path order."""
        sessions = dict(
            Activity.objects.filter(
                date__year=year,
                kind__code="tuyen_truyen",
                unit__path__startswith=self.hcm.path,
                unit__kind__is_grassroots=True,
                unit__valid_to__isnull=True,
            )
            .values_list("unit")
            .annotate(n=Sum("sessions"))
            .values_list("unit", "n")
        )
        stopped = set(
            Incident.objects.filter(kind__code="ngung_viec", started_at__year=year).values_list(
                "unit", flat=True
            )
        )
        units = Unit.objects.filter(pk__in=sessions).select_related("kind").order_by("path")
        passing, stopping, short = [], [], []
        for unit in units:
            if unit.pk in stopped:
                if sessions[unit.pk] >= MIN_SESSIONS:  # failing on the stoppage alone
                    stopping.append(unit)
            elif sessions[unit.pk] >= MIN_SESSIONS:
                passing.append(unit)
            elif sessions[unit.pk] > 0:
                short.append(unit)
        zone = [u for u in passing if self.kcn and u.path.startswith(self.kcn.path)]
        other = [u for u in passing if u not in zone]
        picked = (zone[:2] + other)[:PASSING]
        return picked, stopping[:FAILING_STOPPAGE], short[:SHORT]

    def year(self, title, year):
        passing, stopping, short = self.candidates(year)
        for unit in passing + stopping + short:
            self.walk(title, unit, year)

    def walk(self, title, unit, year):
        reg = services.register(self.actor, unit, title, year, on=D(year, 2, 20))
        attested = {self.attested.pk: {"met": True, "note": GROUP_NOTE}}
        reg = services.self_assess(self.actor, reg, attested=attested)
        reg = services.submit(self.actor, reg)
        rows = {a.criterion.indicator: a for a in reg.assessments.select_related("criterion")}
        stoppage = rows["incidents.count[kind=ngung_viec]"]
        if reg.passed:
            services.recognise(
                self.actor,
                reg,
                checks={self.attested.pk: True},
                note="Đạt các tiêu chí; tổ tự quản hoạt động thường xuyên.",
            )
            self.stats["recognised"] += 1
        elif not stoppage.met:
            services.refuse(
                self.actor,
                reg,
                reason=(
                    f"Trong năm {year} tại đơn vị xảy ra {stoppage.value:.0f} vụ ngừng việc "
                    "tập thể; chưa đạt tiêu chí không để xảy ra ngừng việc."
                ),
            )
        else:
            services.return_with_reason(
                self.actor,
                reg,
                reason=(
                    "Số cuộc tuyên truyền trong năm chưa đủ 4; đề nghị bổ sung hoạt động đã tổ "
                    "chức nhưng chưa nhập, hoặc giải trình."
                ),
            )
        assessed, submitted = _at(D(year + 1, 1, 8)), _at(D(year + 1, 1, 10))
        decided = _at(D(year + 1, 1, 24))
        Registration.objects.filter(pk=reg.pk).update(assessed_at=assessed, submitted_at=submitted)
        Registration.objects.filter(pk=reg.pk, decided_at__isnull=False).update(decided_at=decided)
        SelfAssessment.objects.filter(registration=reg).update(assessed_at=assessed)
        self.stats["registrations"] += 1

    def awards(self, movement):
        recognised = list(
            Registration.objects.filter(
                title__movement=movement, year=AWARD_YEAR, state=RegistrationState.RECOGNISED
            )
            .select_related("unit")
            .order_by("unit__path")
        )
        if not recognised:
            return None
        form = AwardForm.objects.get(code="bang_khen_ldld")
        proposals = []
        for reg in recognised[:3]:
            proposals.append(
                services.propose_award(
                    self.actor,
                    unit=self.hcm,
                    recipient_kind=RecipientKind.UNIT,
                    recipient_unit=reg.unit,
                    form=form,
                    year=AWARD_YEAR,
                    movement=movement,
                    achievement=(
                        "Dẫn đầu khối công đoàn cơ sở về bảo vệ ANTQ "
                        f"năm {AWARD_YEAR}: tuyên truyền pháp luật thường xuyên, duy trì tổ "
                        "công nhân tự quản, không để xảy ra ngừng việc tập thể."
                    ),
                )
            )
        name, position = PERSON
        proposals.append(
            services.propose_award(
                self.actor,
                unit=self.hcm,
                recipient_kind=RecipientKind.PERSON,
                recipient_unit=recognised[0].unit,
                person_name=name,
                person_position=position,
                form=form,
                year=AWARD_YEAR,
                movement=movement,
                achievement=(
                    "Trực tiếp chỉ đạo thành lập và duy trì tổ công nhân tự quản khu nhà trọ, "
                    "phối hợp Công an phường giữ gìn an ninh trật tự nơi công nhân ở."
                ),
            )
        )
        AwardProposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
            proposed_at=_at(D(AWARD_YEAR + 1, 1, 27))
        )
        day = D(AWARD_YEAR + 1, 2, 5)
        decision = services.issue_decision(
            self.actor,
            issuer=self.hcm,
            number=services.next_number(self.hcm, day.year),
            date=day,
            signer="Trần Văn Thành",
            signer_title="Chủ tịch",
            summary=(
                "Về việc tặng Bằng khen cho các tập thể, cá nhân tiêu biểu của "
                f"phong trào bảo vệ ANTQ năm {AWARD_YEAR}"
            ),
            proposals=proposals,
        )
        self.stats["awards"] += len(proposals)
        return decision


@transaction.atomic
def load(stdout=None):
    """Create the demo movement, registrations and awards once (after incidents)."""
    if Movement.objects.filter(code=CODE).exists():
        if stdout is not None:
            stdout.write("Thi đua, khen thưởng: dữ liệu mẫu đã có, không thay đổi.")
        return {"movements": 0, "registrations": 0, "recognised": 0, "awards": 0}
    if not Unit.objects.filter(code=org_demo.HCM).exists():
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    loader = _Loader()
    movement, title = loader.movement()
    for year in YEARS:
        loader.year(title, year)
    loader.awards(movement)
    stats = loader.stats
    if stdout is not None:
        stdout.write(
            "Thi đua, khen thưởng: {movements} phong trào, {registrations} đăng ký "
            "({recognised} được công nhận), {awards} khen thưởng.".format(**stats)
        )
    return stats
