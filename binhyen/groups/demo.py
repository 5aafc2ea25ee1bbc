"""Demo groups: HCMC's 1.304 boarding-house groups with 98.007 members in 93 wards on 31/12/2023.

The figures are the seeds' own; everything else (names, phones, ID numbers, dates, houses,
cameras) comes from one seeded generator, so every machine gets the same data. Around the
headline figures the demo has groups that closed before 2024 and groups founded after, members
who left and joined, so a count as of another day differs. Rows are bulk-created (with their
audit rows) so the whole set loads in seconds; a second run changes nothing.
"""

import datetime
import math
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from binhyen.activities import services as activity_services
from binhyen.activities.models import ActivityKind, Audience, Channel, Topic
from binhyen.core.text import fold
from binhyen.org import demo as org_demo
from binhyen.org.models import Area, AreaLevel, Unit

from . import cube
from .models import (
    BoardingHouse,
    BoardingHouseCoverage,
    Camera,
    CameraState,
    CameraStateKind,
    FunderKind,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
)

D = datetime.date
SEED = 1304
COUNT_DAY = D(2023, 12, 31)  # the day the seeds' figures describe
NHA_TRO_GROUPS = 1304
NHA_TRO_MEMBERS = 98007
NHA_TRO_WARDS = 93
CLOSED_EARLIER = 140  # nhà trọ groups that closed before the count day
FOUNDED_LATER = 75  # and groups founded after it
MARK = "NT-79-0001"  # the first demo group's code: present means loaded

SURNAMES = [
    ("Nguyễn", 31),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Hoàng", 3),
    ("Phan", 4),
    ("Võ", 5),
    ("Vũ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 2),
    ("Đinh", 1),
    ("Lâm", 1),
    ("Mai", 1),
    ("Tô", 1),
    ("Thái", 1),
]
MALE_MIDDLE = [
    "Văn",
    "Văn",
    "Hữu",
    "Minh",
    "Quốc",
    "Đức",
    "Thanh",
    "Công",
    "Hoàng",
    "Ngọc",
    "Tấn",
    "Xuân",
]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Bích", "Phương"]
MALE_GIVEN = [
    "Hùng",
    "Dũng",
    "Nam",
    "Tuấn",
    "Hải",
    "Long",
    "Phúc",
    "Tài",
    "Thắng",
    "Hiếu",
    "Khoa",
    "Lộc",
    "Minh",
    "Nghĩa",
    "Phong",
    "Quang",
    "Sơn",
    "Thành",
    "Toàn",
    "Trung",
    "Vinh",
    "Bảo",
    "Cường",
    "Đạt",
    "Hòa",
    "Huy",
    "Khang",
    "Lâm",
    "Nhân",
    "Tâm",
    "Thịnh",
    "Trí",
    "Việt",
    "Kiên",
    "An",
]
FEMALE_GIVEN = [
    "Lan",
    "Hoa",
    "Hương",
    "Mai",
    "Ngọc",
    "Trang",
    "Linh",
    "Thảo",
    "Hà",
    "Nhung",
    "Yến",
    "Hằng",
    "Phượng",
    "Loan",
    "Tuyết",
    "Nga",
    "Dung",
    "Hạnh",
    "Thủy",
    "Vân",
    "Oanh",
    "Diễm",
    "Trinh",
    "Xuân",
    "Quyên",
    "Tiên",
    "Nhi",
    "Hiền",
    "Liên",
    "My",
    "Thư",
    "Ánh",
    "Duyên",
    "Giang",
]
STREETS = [
    "Đường số 1",
    "Đường số 5",
    "Đường số 8",
    "Đường số 12",
    "Đường Lê Văn Việt",
    "Đường Nguyễn Văn Tăng",
    "Đường Hoàng Hữu Nam",
    "Đường Tân Thuận",
    "Đường Huỳnh Tấn Phát",
    "Đường Nguyễn Văn Linh",
    "Đường Kinh Dương Vương",
    "Đường Tên Lửa",
    "Đường Lê Trọng Tấn",
    "Đường Hà Huy Giáp",
    "Đường Tỉnh lộ 8",
    "Đường Nguyễn Thị Sóc",
    "Đường Lê Thị Riêng",
    "Đường Linh Trung",
    "Đường Đình Phong Phú",
    "Đường Bưng Ông Thoàn",
    "Đường Trần Văn Giàu",
    "Đường An Dương Vương",
]
MOBILE_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "086",
    "088",
    "089",
    "070",
    "076",
    "077",
    "078",
    "079",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "081",
    "082",
    "083",
    "084",
    "085",
    "056",
    "058",
]
HOME_PROVINCES = [
    "079",
    "080",
    "082",
    "083",
    "086",
    "087",
    "089",
    "091",
    "094",
    "096",
    "038",
    "040",
    "042",
    "051",
    "052",
    "054",
    "066",
    "064",
]
ENTERPRISE_WORDS = ["May", "Giày", "Điện tử", "Bao bì", "Nhựa", "Thực phẩm", "Cơ khí", "Gỗ"]


class _People:
    """Plausible Vietnamese people with fake but well-formed phones and CCCD numbers."""

    def __init__(self, rng):
        self.rng = rng
        self.surnames = [s for s, _w in SURNAMES]
        self.weights = [w for _s, w in SURNAMES]
        self.phones = set()
        self.id_numbers = set()  # one person per number: a group never holds one twice at once

    def name(self):
        rng = self.rng
        surname = rng.choices(self.surnames, self.weights)[0]
        female = rng.random() < 0.58  # boarding-house workers are mostly women (garments, shoes)
        middles, givens = (FEMALE_MIDDLE, FEMALE_GIVEN) if female else (MALE_MIDDLE, MALE_GIVEN)
        middle = rng.choice(middles)
        while middle == surname:  # no "Hoàng Hoàng Bảo"
            middle = rng.choice(middles)
        return f"{surname} {middle} {rng.choice(givens)}", female

    def phone(self):
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, female, born):
        century = 0 if born < 2000 else 2
        while True:
            number = (
                f"{self.rng.choice(HOME_PROVINCES)}{century + int(female)}{born % 100:02d}"
                f"{self.rng.randrange(10**6):06d}"
            )
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number


def _date(rng, first, last):
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _current_ward(area):
    if area is None:
        return None
    return area.successor if area.level == AreaLevel.LEGACY_WARD else area


def _distance(a, b):
    return math.hypot(
        a.latitude - b.latitude, (a.longitude - b.longitude) * math.cos(math.radians(a.latitude))
    )


def _split(rng, total, parts, low, high):
    """`parts` integers in [low, high] summing to exactly `total`."""
    sizes = [rng.randint(low, high) for _ in range(parts)]
    diff = total - sum(sizes)
    while diff:
        i = rng.randrange(parts)
        step = 1 if diff > 0 else -1
        if low <= sizes[i] + step <= high:
            sizes[i] += step
            diff -= step
    return sizes


class _Builder:
    def __init__(self, actor):
        self.rng = random.Random(SEED)
        self.people = _People(self.rng)
        self.actor = actor
        self.kinds = {k.code: k for k in GroupKind.objects.all()}
        self.groups, self.members, self.houses, self.coverages = [], [], [], []
        self.member_plan = {}  # index in self.groups → list of member dicts
        self.house_plan = {}

    # ------------------------------------------------------------ choosing places and units

    def hcm_wards(self, unit_wards):
        """93 wards of today's HCMC that were HCMC wards before 2025 (not Bình Dương or Bà Rịa -
        Vũng Tàu, which joined the city in 2025), starting with the wards demo units sit in."""
        former_hcm = list(
            Area.objects.filter(
                level=AreaLevel.WARD,
                province__code=org_demo.HCM_PROVINCE,
                predecessors__province__code=org_demo.HCM_PROVINCE,
                latitude__isnull=False,
            )
            .distinct()
            .order_by("code")
        )
        first = [w for w in former_hcm if w.pk in unit_wards]
        rest = [w for w in former_hcm if w.pk not in unit_wards]
        self.rng.shuffle(rest)
        chosen = (first + rest)[:NHA_TRO_WARDS]
        if len(chosen) < NHA_TRO_WARDS:
            raise RuntimeError("not enough HCMC wards loaded for the demo (run binhyen load-areas)")
        return chosen

    def legacy_of(self, wards):
        olds = defaultdict(list)
        for old in (
            Area.objects.filter(
                level=AreaLevel.LEGACY_WARD,
                successor__in=wards,
                province__code=org_demo.HCM_PROVINCE,
            )
            .select_related("parent")
            .order_by("code")
        ):
            olds[old.successor_id].append(old)
        return olds

    # ------------------------------------------------------------ groups and their people

    def add_group(self, *, kind, code, name, unit, ward, legacy, founded, closed=None, address=""):
        group = Group(
            kind=self.kinds[kind],
            code=code,
            name=name,
            unit=unit,
            ward=ward,
            legacy_ward=legacy,
            address=address,
            founded=founded,
            closed=closed,
            police_contact=f"Công an {ward.name}",
        )
        group.search_text = fold(f"{group.name} {group.code} {group.address} {group.leader_name}")
        self.groups.append(group)
        return len(self.groups) - 1

    def roster(self, index, active, left_before=0, join_after=0, workplaces=()):
        """Members of group `index`: `active` on the count day (the first is the leader),
        `left_before` who left by then and `join_after` who join in 2024-2025."""
        rng, group = self.rng, self.groups[index]
        last_join = min(
            COUNT_DAY, group.closed - datetime.timedelta(days=1) if group.closed else COUNT_DAY
        )
        plan = []
        for i in range(active):
            joined = group.founded if i < 2 else _date(rng, group.founded, last_join)
            left = None
            if i >= 2 and rng.random() < 0.07:
                left = _date(rng, COUNT_DAY + datetime.timedelta(days=1), D(2025, 9, 30))
            role = (
                MemberRole.LEADER if i == 0 else MemberRole.DEPUTY if i == 1 else MemberRole.MEMBER
            )
            plan.append((role, joined, left))
        for _ in range(left_before):
            joined = _date(rng, group.founded, last_join - datetime.timedelta(days=30))
            plan.append(
                (
                    MemberRole.MEMBER,
                    joined,
                    _date(rng, joined + datetime.timedelta(days=30), last_join),
                )
            )
        for _ in range(join_after):
            plan.append((MemberRole.MEMBER, _date(rng, D(2024, 1, 2), D(2025, 10, 31)), None))
        for role, joined, left in plan:
            if group.closed and (left is None or left > group.closed):
                left = group.closed
            if joined > (left or joined):
                joined = left
            name, female = self.people.name()
            born = rng.randint(1968, 2004)
            workplace_unit = rng.choice(workplaces) if workplaces and rng.random() < 0.6 else None
            workplace = (
                workplace_unit.enterprise_name
                if workplace_unit
                else f"Công ty TNHH {rng.choice(ENTERPRISE_WORDS)} {rng.choice(org_demo.TRADE_NAMES)}"
            )
            self.members.append(
                dict(
                    group=index,
                    full_name=name,
                    role=role,
                    phone=self.people.phone(),
                    id_number=self.people.id_number(female, born) if rng.random() < 0.8 else "",
                    workplace=workplace,
                    workplace_unit=workplace_unit.pk if workplace_unit else None,
                    joined=joined,
                    left=left,
                )
            )

    def boarding_houses(self, index, count):
        rng, group = self.rng, self.groups[index]
        for _ in range(count):
            rooms = rng.randint(6, 40)
            landlord, _female = self.people.name()
            house = BoardingHouse(
                unit=group.unit,
                name=f"Nhà trọ {landlord.split()[-1]} {rng.randint(1, 9)}",
                address=f"{rng.randint(1, 480)}/{rng.randint(1, 60)} {rng.choice(STREETS)}",
                ward=group.ward,
                legacy_ward=group.legacy_ward,
                landlord_name=landlord,
                landlord_phone=self.people.phone(),
                rooms=rooms,
                resident_workers=int(rooms * rng.uniform(1.4, 3.2)),
                cooperative=rng.random() < 0.72,
            )
            house.search_text = fold(f"{house.name} {house.address} {house.landlord_name}")
            self.houses.append(house)
            self.coverages.append((len(self.houses) - 1, index))

    # ------------------------------------------------------------ writing

    def save_members(self):
        """A hundred thousand members and their audit rows through executemany: the ORM's
        bulk_create spends most of its time compiling SQL, one value at a time."""
        ops = connection.ops
        start = (GroupMember.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        now = ops.adapt_datetimefield_value(timezone.now())
        user = self.actor.pk if self.actor else None
        rows, history = [], []
        folded = {}

        def fold_once(text):  # names repeat a lot; folding is per character
            if text not in folded:
                folded[text] = fold(text)
            return folded[text]

        for pk, m in enumerate(self.members, start):
            joined = ops.adapt_datefield_value(m["joined"])
            left = ops.adapt_datefield_value(m["left"])
            group = self.groups[m["group"]].pk
            values = (
                m["full_name"],
                m["role"],
                m["phone"],
                m["id_number"],
                m["workplace"],
                m["workplace_unit"],
                joined,
                left,
                group,
            )
            rows.append(
                (pk, *values, f"{fold_once(m['full_name'])} {fold_once(m['workplace'])}".strip())
            )
            history.append((pk, *values, now, "+", user))
        fields = [
            "full_name",
            "role",
            "phone",
            "id_number",
            "workplace",
            "workplace_unit_id",
            "joined",
            "left",
            "group_id",
        ]
        _insert(GroupMember._meta.db_table, ["id", *fields, "search_text"], rows)
        _insert(
            GroupMember.history.model._meta.db_table,
            ["id", *fields, "history_date", "history_type", "history_user_id"],
            history,
        )
        with connection.cursor() as cursor:
            for sql in ops.sequence_reset_sql(no_style(), [GroupMember]):
                cursor.execute(sql)

    def save(self):
        actor = self.actor
        bulk_create_with_history(self.groups, Group, batch_size=500, default_user=actor)
        self.save_members()
        bulk_create_with_history(self.houses, BoardingHouse, batch_size=1000, default_user=actor)
        coverages = []
        for house_index, group_index in self.coverages:
            group = self.groups[group_index]
            coverages.append(
                BoardingHouseCoverage(
                    house=self.houses[house_index],
                    group=group,
                    start=group.founded,
                    end=group.closed,
                )
            )
        bulk_create_with_history(
            coverages, BoardingHouseCoverage, batch_size=2000, default_user=actor
        )
        cube.records_created(groups=[g.pk for g in self.groups])


def _insert(table, columns, rows, batch=5000):
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch):
            cursor.executemany(sql, rows[i : i + batch])


def _cameras(builder, wards_with_groups):
    """Union-funded camera points in some of the wards with groups; a few broke or came down."""
    rng = builder.rng
    cameras, states = [], []
    for ward, group in wards_with_groups:
        for _ in range(rng.choice([0, 1, 1, 2])):
            installed = _date(rng, max(group.founded, D(2018, 1, 1)), D(2024, 12, 31))
            funder = rng.choices(list(FunderKind), [5, 3, 2])[0]
            camera = Camera(
                unit=group.unit,
                group=group,
                ward=ward,
                legacy_ward=group.legacy_ward,
                place=f"{rng.choice(['Cổng', 'Đầu hẻm', 'Ngã ba', 'Bãi xe'])} khu trọ {rng.randint(1, 480)} {rng.choice(STREETS)}",
                latitude=round(ward.latitude + rng.uniform(-0.006, 0.006), 5),
                longitude=round(ward.longitude + rng.uniform(-0.006, 0.006), 5),
                funder_kind=funder,
                funder_unit=group.unit if funder == FunderKind.UNION else None,
                funder_name={
                    FunderKind.UNION: "",
                    FunderKind.ENTERPRISE: f"Công ty TNHH {rng.choice(ENTERPRISE_WORDS)} {rng.choice(org_demo.TRADE_NAMES)}",
                    FunderKind.RESIDENTS: "Các hộ dân và chủ nhà trọ trong khu phố",
                }[funder],
                cost=rng.randint(60, 300) * 100_000,
                installed=installed,
                police_can_view=rng.random() < 0.6,
            )
            camera.search_text = fold(f"{camera.place} {camera.funder_name}")
            history = [(CameraStateKind.WORKING, installed)]
            roll = rng.random()
            if roll < 0.15:
                broke = _date(rng, installed + datetime.timedelta(days=30), D(2025, 9, 30))
                history.append((CameraStateKind.BROKEN, broke))
                if rng.random() < 0.5:
                    history.append(
                        (
                            CameraStateKind.WORKING,
                            broke + datetime.timedelta(days=rng.randint(7, 90)),
                        )
                    )
            elif roll < 0.22:
                history.append(
                    (
                        CameraStateKind.REMOVED,
                        _date(rng, installed + datetime.timedelta(days=200), D(2025, 9, 30)),
                    )
                )
            camera.state = history[-1][0]
            cameras.append(camera)
            states.append(history)
    bulk_create_with_history(cameras, Camera, batch_size=500, default_user=builder.actor)
    rows = [
        CameraState(camera=camera, state=state, since=since)
        for camera, history in zip(cameras, states, strict=True)
        for state, since in history
    ]
    bulk_create_with_history(rows, CameraState, batch_size=1000, default_user=builder.actor)
    cube.records_created(cameras=[c.pk for c in cameras])
    return len(cameras)


# What a group does, as activities it organises (never the kinds the activities demo counts
# exactly for HCMC and Mỹ Tho: tuyên truyền and hội nghị).
GROUP_ACTIVITIES = [
    (
        "khac",
        "Phối hợp công an phường tuần tra khu nhà trọ tháng {month}/{year}",
        (1, 1),
        (6, 15),
        ["thanh_vien_to_tu_quan"],
        ["an_ninh_trat_tu", "phong_chong_toi_pham"],
    ),
    (
        "long_ghep",
        "Họp tổ định kỳ, nhắc nhở phòng cháy, chữa cháy tại khu trọ tháng {month}/{year}",
        (1, 1),
        (10, 40),
        ["thanh_vien_to_tu_quan", "chu_nha_tro"],
        ["pccc"],
    ),
    (
        "long_ghep",
        "Sinh hoạt tổ: phòng ngừa “tín dụng đen” cho người lưu trú tháng {month}/{year}",
        (1, 1),
        (15, 60),
        ["thanh_vien_to_tu_quan", "cnvcld"],
        ["tin_dung_den"],
    ),
    (
        "tap_huan",
        "Tập huấn kỹ năng nắm tình hình, báo tin cho công an phường năm {year}",
        (1, 1),
        (12, 35),
        ["thanh_vien_to_tu_quan"],
        ["an_ninh_trat_tu"],
    ),
]


def _activities(builder, groups):
    """A few patrols, meetings and trainings organised by some groups, through the activities
    service (so they count in its figures and show on the group's page)."""
    rng = builder.rng
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    audiences = {a.code: a for a in Audience.objects.all()}
    direct = list(Channel.objects.filter(code="truc_tiep"))
    made = 0
    for group in groups:
        unit = group.unit
        first = max(group.founded, unit.valid_from, D(2023, 1, 1))
        last = min(
            group.closed or D(2025, 10, 31), unit.valid_to or D(2025, 10, 31), D(2025, 10, 31)
        )
        if first >= last:
            continue
        for kind, title, sessions, people, audience_codes, topic_codes in rng.sample(
            GROUP_ACTIVITIES, 3
        ):
            if kind not in kinds or not all(c in topics for c in topic_codes):
                continue
            day = _date(rng, first, last)
            try:
                with transaction.atomic():
                    activity_services.record_activity(
                        builder.actor,
                        unit=unit,
                        date=day,
                        kind=kinds[kind],
                        group=group,
                        title=title.format(month=day.month, year=day.year),
                        topics=[topics[c] for c in topic_codes],
                        audiences=[audiences[c] for c in audience_codes if c in audiences],
                        channels=direct,
                        sessions=rng.randint(*sessions),
                        attendances=rng.randint(*people),
                        place=group.address or group.ward.name,
                    )
                made += 1
            except ValidationError:
                continue  # e.g. a period already locked by an approved report
    return made


def _actor():
    User = get_user_model()
    return User.objects.filter(username=org_demo.ACCOUNTS[0].username).first()


@transaction.atomic
def load(stdout=None):
    """Create the demo groups once (on top of the demo tree); a second run changes nothing."""
    if Group.all_objects.filter(code=MARK).exists():
        if stdout is not None:
            stdout.write("Mô hình: dữ liệu mẫu đã có, không thay đổi.")
        return {"created": 0}
    hcm = Unit.objects.filter(code=org_demo.HCM).first()
    if hcm is None:
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    builder = _Builder(_actor())
    rng = builder.rng

    # Units that manage groups: grassroots unions (not the motorbike-taxi guild, which gets its
    # own group) and the zones' union, open on the count day and still open today, so a group
    # never outlives the unit that runs it.
    candidates = list(
        Unit.objects.filter(path__startswith=hcm.path, valid_to__isnull=True)
        .open_on(COUNT_DAY)
        .filter(kind__code__in=["cd_co_so", "cd_kcn"], ward__isnull=False)
        .select_related("ward__successor", "kind")
        .order_by("code")
    )
    kcn = Unit.objects.get(code=org_demo.KCN)
    located = [(u, _current_ward(u.ward)) for u in candidates]
    located = [(u, w) for u, w in located if w is not None and w.latitude is not None]
    wards = builder.hcm_wards({w.pk for _u, w in located})
    legacy = builder.legacy_of(wards)
    grassroots = [u for u, _w in located if u.kind.is_grassroots]

    def manager_for(ward):
        here = [u for u, w in located if w.pk == ward.pk]
        if here:
            return rng.choice(here)
        nearest = sorted(located, key=lambda uw: _distance(uw[1], ward))[:3]
        return rng.choice([u for u, _w in nearest] + [kcn])

    numbers = defaultdict(int)

    def numbering(place):
        numbers[place] += 1
        return numbers[place]

    def founded_for(unit, first, last):
        return _date(rng, max(first, unit.valid_from), last)

    # 1.304 groups active on 31/12/2023 over the 93 wards (every ward at least one).
    per_ward = [1] * NHA_TRO_WARDS
    weights = [rng.uniform(0.3, 3.0) for _ in wards]
    for i in rng.choices(range(NHA_TRO_WARDS), weights, k=NHA_TRO_GROUPS - NHA_TRO_WARDS):
        per_ward[i] += 1
    sizes = _split(rng, NHA_TRO_MEMBERS, NHA_TRO_GROUPS, 28, 125)
    seq = 0
    ward_groups = []
    for ward, count in zip(wards, per_ward, strict=True):
        olds = legacy.get(ward.pk) or [None]
        for _ in range(count):
            seq += 1
            unit = manager_for(ward)
            old = rng.choice(olds)
            founded = founded_for(unit, D(2012, 1, 1), D(2023, 9, 30))
            closed = _date(rng, D(2024, 2, 1), D(2025, 6, 30)) if rng.random() < 0.05 else None
            # Old ward names repeat from district to district (Phường 13): name the district.
            place = f"{old.name}, {old.parent.name}" if old else ward.name
            index = builder.add_group(
                kind=GroupKind.NHA_TRO,
                code=f"NT-79-{seq:04d}",
                name=f"Tổ công nhân tự quản khu nhà trọ số {numbering(place)}, {place}",
                unit=unit,
                ward=ward,
                legacy=old,
                founded=founded,
                closed=closed,
                address=f"Khu phố {rng.randint(1, 12)}, {place}",
            )
            builder.roster(
                index,
                sizes[seq - 1],
                left_before=rng.randint(0, 9),
                join_after=0 if closed else rng.randint(0, 4),
                workplaces=grassroots,
            )
            builder.boarding_houses(index, rng.choice([1, 1, 2, 2, 3, 4]))
            if rng.random() < 0.05:
                ward_groups.append((ward, builder.groups[index]))
    # Groups that closed before the count day, and groups founded after it.
    for _ in range(CLOSED_EARLIER):
        seq += 1
        ward = rng.choice(wards)
        unit = manager_for(ward)
        founded = founded_for(unit, D(2012, 1, 1), D(2019, 12, 31))
        index = builder.add_group(
            kind=GroupKind.NHA_TRO,
            code=f"NT-79-{seq:04d}",
            name=f"Tổ công nhân tự quản khu nhà trọ số {numbering(ward.name)}, {ward.name}",
            unit=unit,
            ward=ward,
            legacy=rng.choice(legacy.get(ward.pk) or [None]),
            founded=founded,
            closed=_date(rng, founded + datetime.timedelta(days=365), COUNT_DAY),
        )
        builder.roster(index, rng.randint(20, 60), workplaces=grassroots)
        builder.boarding_houses(index, rng.choice([1, 2]))
    coso = (
        Unit.objects.select_related("ward__successor")
        .filter(code=org_demo.COSO, valid_to__isnull=True, ward__isnull=False)
        .first()
    )
    for n in range(FOUNDED_LATER):
        seq += 1
        ward = rng.choice(wards)
        unit = manager_for(ward)
        first = D(2024, 1, 1)
        if coso is not None and n < 3:
            # demo-coso's union, opened in 2024, runs the first few of them.
            unit, ward, first = coso, _current_ward(coso.ward), max(first, coso.valid_from)
        founded = _date(rng, first, max(first, D(2025, 6, 30)))
        index = builder.add_group(
            kind=GroupKind.NHA_TRO,
            code=f"NT-79-{seq:04d}",
            name=f"Tổ công nhân tự quản khu nhà trọ số {numbering(ward.name)}, {ward.name}",
            unit=unit,
            ward=ward,
            legacy=None,
            founded=founded,
        )
        for i in range(rng.randint(15, 50)):
            name, female = builder.people.name()
            builder.members.append(
                dict(
                    group=index,
                    full_name=name,
                    role=MemberRole.LEADER if i == 0 else MemberRole.MEMBER,
                    phone=builder.people.phone(),
                    id_number=builder.people.id_number(female, rng.randint(1975, 2004)),
                    workplace=unit.enterprise_name,
                    workplace_unit=None,
                    joined=founded if i == 0 else _date(rng, founded, D(2025, 10, 31)),
                    left=None,
                )
            )
        builder.boarding_houses(index, rng.choice([1, 2]))

    # The motorbike-taxi guilds' own groups, and a few public-opinion groups and core forces.
    for code, guild_code in (("XO-79-0001", org_demo.XE_OM), ("XO-82-0001", org_demo.XE_OM_MY_THO)):
        guild = Unit.objects.select_related("ward__successor").filter(code=guild_code).first()
        if guild is None or guild.ward is None:
            continue
        ward = _current_ward(guild.ward)
        index = builder.add_group(
            kind=GroupKind.XE_OM,
            code=code,
            name=f"Tổ tự quản phòng chống tội phạm {guild.name}",
            unit=guild,
            ward=ward,
            legacy=guild.ward if guild.ward.level == AreaLevel.LEGACY_WARD else None,
            founded=max(guild.valid_from, D(2014, 3, 1)),
            address=f"Bến xe ôm, {guild.ward.name}",
        )
        builder.roster(index, rng.randint(18, 30), left_before=rng.randint(2, 6), join_after=2)
    for n in range(1, 13):
        ward = rng.choice(wards)
        unit = manager_for(ward)
        kind = GroupKind.DU_LUAN_XA_HOI if n <= 8 else GroupKind.NONG_COT
        label = "Tổ dư luận xã hội" if n <= 8 else "Lực lượng nòng cốt an ninh trật tự"
        index = builder.add_group(
            kind=kind,
            code=f"{'DL' if n <= 8 else 'NC'}-79-{n:04d}",
            name=f"{label} {unit.short_name or unit.name}",
            unit=unit,
            ward=ward,
            legacy=None,
            founded=founded_for(unit, D(2016, 1, 1), D(2023, 6, 30)),
        )
        builder.roster(index, rng.randint(7, 15))
    builder.save()
    cameras = _cameras(
        builder, ward_groups + [(g.ward, g) for g in builder.groups[:40] if g.closed is None]
    )
    # demo-coso's groups, the guilds' groups, those of demo-congan's wards and a few others.
    police = {w.pk for w in org_demo.police_wards()}
    showcase = [
        g
        for g in builder.groups
        if g.closed is None
        and (
            (coso is not None and g.unit_id == coso.pk)
            or g.kind_id == builder.kinds[GroupKind.XE_OM].pk
            or g.ward_id in police
        )
    ][:24]
    showcase += [g for g in builder.groups[:12] if g.closed is None]
    activities = _activities(builder, showcase)
    result = {
        "groups": len(builder.groups),
        "members": len(builder.members),
        "boarding_houses": len(builder.houses),
        "cameras": cameras,
        "activities": activities,
    }
    if stdout is not None:
        stdout.write(
            "Mô hình: {groups} tổ, {members} lượt thành viên, {boarding_houses} nhà trọ, "
            "{cameras} camera, {activities} hoạt động của tổ.".format(**result)
        )
    return result
