"""`binhyen generate-national`: a synthetic nation (units, activities, groups, members) for
benchmarks and scale tests, loaded in batches (COPY on PostgreSQL, executemany on SQLite).

`--reform DATE` replays the 2025 reform on the generated tree, as binhyen.org.demo does for
the demo with the services, but set-based (one service call per unit would take hours for
~130,000 units): on DATE every district federation closes (valid_to = DATE − 1), its
grassroots unions move to new ward unions of the same province (about one per 40 grassroots
unions: ~3,300 nationwide), and two provinces merge into a third (their open children, the new
ward unions, move to it; they close on DATE − 1 with the third as successor). The tree changes
are what the services would have left: UnitEvent rows (CREATED, MOVED with old and new
parent, CLOSED, MERGED with successor) written with COPY, and paths rewritten by UPDATEs that
join a table of the moves, one per depth of the moved units, subtrees included.

The reform is applied right after the units are made, before any record is written: records
point at their unit by id, so the rows are the same whichever comes first, and the cubes are
then built once, from scratch, on the final tree (the stock cube with the groups, the activity
cube at the end) instead of being built and rebuilt. The records respect the dates: an
activity dated on or after DATE that would have been a closed unit's own goes to a successor
(a ward union that took the district's unions, the province that absorbed a merged one);
grassroots unions keep their records whatever their parent.
"""

import argparse
import datetime
import math
import random
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from binhyen.activities import cube as facts
from binhyen.activities.models import (
    Activity,
    ActivityKind,
    Audience,
    Channel,
    Topic,
    natural_key_for,
)
from binhyen.core import periods
from binhyen.core.text import format_date, format_number
from binhyen.figures.cube import path_ids
from binhyen.org.models import (
    PATH_STEP,
    Area,
    AreaLevel,
    Unit,
    UnitEvent,
    UnitEventKind,
    UnitKind,
    path_segment,
)

PROVINCES = 34
CHILDREN_PER_MID = 190  # grassroots unions under one mid-level union, as in a large district
GRASSROOTS_PER_WARD = 40  # 2025: 3,321 communes and wards for ~134,000 grassroots unions
BATCH = 50_000
# The unit kinds the generator uses, as migration org/0002 seeds them (made if a database
# lacks one): (name, short name, rank, is_grassroots, is_legacy).
KINDS = {
    "tong_lien_doan": ("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", 0, False, False),
    "ldld_tinh": ("Liên đoàn Lao động tỉnh, thành phố", "LĐLĐ", 1, False, False),
    "ldld_huyen": (
        "Liên đoàn Lao động quận, huyện, thị xã, thành phố thuộc tỉnh",
        "LĐLĐ",
        2,
        False,
        True,
    ),
    "cd_xa": ("Công đoàn xã, phường, đặc khu", "CĐ", 2, False, False),
    "cd_co_so": ("Công đoàn cơ sở", "CĐCS", 3, True, False),
}
UNIT_COLUMNS = (
    "id",
    "code",
    "name",
    "short_name",
    "path",
    "depth",
    "valid_from",
    "enterprise_name",
    "ownership",
    "search_text",
    "kind_id",
    "parent_id",
)
EVENT_COLUMNS = (
    "id",
    "unit_id",
    "kind",
    "date",
    "old_parent_id",
    "new_parent_id",
    "successor_id",
    "note",
    "created_at",
)
MID_KIND = "cd_xa"  # without --reform the mid level is the ward unions' kind, as today
DISTRICT_KIND = "ldld_huyen"  # with --reform: the district federations the reform closes
WARD_KIND = "cd_xa"
MERGED = (1, 2)  # with --reform: the 2nd and 3rd provinces merge…
MERGED_INTO = 0  # …into the 1st
REFORM_NOTE = "Sắp xếp tổ chức công đoàn theo chính quyền địa phương hai cấp."
DISTRICT_NOTE = "Kết thúc hoạt động công đoàn cấp huyện từ %s."
KIND_WEIGHTS = {
    "tuyen_truyen": 60,
    "hoi_nghi": 12,
    "tap_huan": 8,
    "hoi_thi": 5,
    "giao_luu": 5,
    "to_roi": 5,
    "long_ghep": 5,
}


def _quoted(model, columns):
    q = connection.ops.quote_name
    return q(model._meta.db_table), ", ".join(q(c) for c in columns)


def insert_rows(model, columns, rows):
    """Write `rows` (tuples in `columns` order): COPY on PostgreSQL, executemany elsewhere."""
    _write(*_quoted(model, columns), len(columns), rows)


def _write(table, cols, width, rows):
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * width)
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _kinds(codes):
    """{code: id} of the unit kinds `codes`, each made from KINDS if the database lacks it."""
    out = {}
    for code in codes:
        name, short, rank, grassroots, legacy = KINDS[code]
        kind, _new = UnitKind.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                short_name=short,
                rank=rank,
                is_grassroots=grassroots,
                is_legacy=legacy,
            ),
        )
        out[code] = kind.pk
    return out


def _day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày “{text}” không hợp lệ; hãy viết YYYY-MM-DD"
        ) from None


def _reset_sequence(model):
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {connection.ops.quote_name(table)}))",
                [table],
            )


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu giả lập cấp quốc gia để đo hiệu năng: 34 LĐLĐ tỉnh, khoảng 1 đơn vị cấp "
        "trên cơ sở cho mỗi 190 công đoàn cơ sở, các hoạt động trong 5 năm và mô hình, thành viên "
        "theo tỷ lệ; rồi tính khối số liệu tổng hợp. Ví dụ: binhyen generate-national --units "
        "135000 --activities 15000000 --seed 1"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units", type=int, default=2000, help="Tổng số đơn vị (mặc định 2.000)."
        )
        parser.add_argument(
            "--activities", type=int, default=100_000, help="Số hoạt động (mặc định 100.000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1)."
        )
        parser.add_argument(
            "--last-year",
            type=int,
            default=None,
            help="Năm cuối của 5 năm dữ liệu (mặc định 2024; với --reform: năm sau năm sắp "
            "xếp, không quá năm nay). Hoạt động không ghi sau ngày hôm nay.",
        )
        parser.add_argument(
            "--reform",
            type=_day,
            metavar="YYYY-MM-DD",
            help="Sắp xếp tổ chức như năm 2025 vào ngày này: kết thúc mọi LĐLĐ cấp huyện (ngày "
            "trước đó), chuyển các công đoàn cơ sở sang công đoàn xã, phường mới của cùng tỉnh "
            "(khoảng 40 cơ sở mỗi xã, phường), hợp nhất hai tỉnh vào một tỉnh thứ ba. Ví dụ: "
            "--reform 2025-07-01",
        )
        parser.add_argument(
            "--code", default="QG", help="Mã đơn vị gốc của cây giả lập (mặc định QG)."
        )
        parser.add_argument(
            "--no-facts", action="store_true", help="Không tính khối số liệu tổng hợp."
        )

    def say(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, units, activities, seed, last_year, code, no_facts, reform, **options):
        if units < PROVINCES + 2:
            raise CommandError(f"Cần ít nhất {PROVINCES + 2} đơn vị.")
        if Unit.objects.filter(code=code).exists():
            raise CommandError(
                f"Đã có đơn vị mã “{code}”; dùng --code khác hoặc một cơ sở dữ liệu mới."
            )
        today = periods.today()
        if last_year is None:
            last_year = min(reform.year + 1, today.year) if reform else 2024
        # records lie in the five years up to last_year, never after today
        span = (datetime.date(last_year - 4, 1, 1), min(datetime.date(last_year, 12, 31), today))
        if reform and not span[0] < reform <= span[1]:
            raise CommandError(
                f"Ngày sắp xếp {format_date(reform)} phải nằm trong khoảng của các hoạt động "
                f"({format_date(span[0])} – {format_date(span[1])}) để có hoạt động trước và "
                "sau ngày đó; hãy chọn --last-year khác."
            )
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        self.successors = {}  # closed unit id → units its records go to from the reform on
        with transaction.atomic():
            tree = self.make_units(units, code, reform)
        if reform:
            with transaction.atomic():
                self.reform(tree, reform)
        with transaction.atomic():
            self.make_activities(tree, activities, span, reform)
        with transaction.atomic():
            self.make_groups(tree, last_year, today)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not no_facts:
            self.say("Tính khối số liệu tổng hợp…")
            written = facts.rebuild(Unit.objects.get(code=code))
            facts.tidy()
            self.say(f"  {format_number(written)} ô số liệu.")
        self.say(self.style.SUCCESS(f"Xong trong {time.monotonic() - self.started:.0f} giây."))

    def elapsed(self):
        return f"{time.monotonic() - self.started:.0f} giây"

    def make_units(self, total, code, reform=None):
        mid_kind = DISTRICT_KIND if reform else MID_KIND
        mid_name = "LĐLĐ huyện giả lập" if reform else "Công đoàn xã giả lập"
        kinds = _kinds(("tong_lien_doan", "ldld_tinh", mid_kind, "cd_co_so"))
        mids = max(PROVINCES, round((total - 1 - PROVINCES) / (CHILDREN_PER_MID + 1)))
        grassroots = total - 1 - PROVINCES - mids
        next_id = _next_id(Unit)
        founded = datetime.date(2000, 1, 1)
        rows, tree = [], {"provinces": [], "mids": [], "grassroots": []}

        def add(kind, name, unit_code, parent):
            nonlocal next_id
            pk, next_id = next_id, next_id + 1
            path = (parent[1] if parent else "") + path_segment(pk)
            depth = path.count("/")
            rows.append(
                (
                    pk,
                    unit_code,
                    name,
                    "",
                    path,
                    depth,
                    founded,
                    "",
                    "",
                    "",
                    kinds[kind],
                    parent[0] if parent else None,
                )
            )
            return (pk, path)

        root = add("tong_lien_doan", "Tổng Liên đoàn Lao động (giả lập)", code, None)
        tree["root"], tree["code"] = root, code
        for p in range(PROVINCES):
            tree["provinces"].append(
                add("ldld_tinh", f"LĐLĐ tỉnh giả lập {p + 1}", f"{code}-P{p + 1:02d}", root)
            )
        for m in range(mids):
            province = tree["provinces"][m % PROVINCES]
            tree["mids"].append(
                add(mid_kind, f"{mid_name} {m + 1}", f"{code}-M{m + 1:05d}", province)
            )
        for g in range(grassroots):
            mid = tree["mids"][g % mids]
            tree["grassroots"].append(
                add("cd_co_so", f"CĐCS giả lập {g + 1}", f"{code}-G{g + 1:06d}", mid)
            )
        for start in range(0, len(rows), BATCH):
            insert_rows(Unit, UNIT_COLUMNS, rows[start : start + BATCH])
        _reset_sequence(Unit)
        self.say(
            f"Đơn vị: 1 gốc, {PROVINCES} tỉnh, {format_number(mids)} cấp trên cơ sở, "
            f"{format_number(grassroots)} cơ sở ({self.elapsed()})."
        )
        return tree

    def reform(self, tree, day):
        """The 2025 reform on `day`, set-based (see the module's docstring)."""
        started = time.monotonic()
        eve = day - datetime.timedelta(days=1)
        kinds = _kinds((WARD_KIND,))
        now = timezone.now()
        events = []

        def event(unit, kind, date, old_parent=None, new_parent=None, successor=None, note=""):
            events.append((unit, kind, date, old_parent, new_parent, successor, note, now))

        # New ward unions, each taking a run of its province's grassroots unions in path order
        # (district by district): most take part of one district, some parts of two.
        by_province = defaultdict(list)
        for pk, path in tree["grassroots"]:
            by_province[path[: 2 * PATH_STEP]].append((path, pk))
        next_id = _next_id(Unit)
        rows, moves = [], []
        for province, province_path in tree["provinces"]:
            members = sorted(by_province[province_path])
            count = math.ceil(len(members) / GRASSROOTS_PER_WARD)
            for w in range(count):
                pk, next_id = next_id, next_id + 1
                n = len(rows) + 1
                name = f"Công đoàn {'phường' if n % 4 == 0 else 'xã'} giả lập {n}"
                path = province_path + path_segment(pk)
                code = f"{tree['code']}-W{n:05d}"
                depth = path.count("/")
                rows.append(
                    (pk, code, name, "", path, depth, day, "", "", "", kinds[WARD_KIND], province)
                )
                event(pk, UnitEventKind.CREATED, day, new_parent=province, note=REFORM_NOTE)
                first, last = w * len(members) // count, (w + 1) * len(members) // count
                for old_path, unit in members[first:last]:
                    district = path_ids(old_path)[-2]
                    moves.append((unit, district, pk, old_path, path + path_segment(unit)))
                    heirs = self.successors.setdefault(district, [])
                    if pk not in heirs:
                        heirs.append(pk)
        insert_rows(Unit, UNIT_COLUMNS, rows)
        _reset_sequence(Unit)
        self.move(moves, day, REFORM_NOTE, event)

        # The district federations close the day before, with no successor (each has several).
        note = DISTRICT_NOTE % format_date(day)
        for pk, path in tree["mids"]:
            event(pk, UnitEventKind.CLOSED, eve, old_parent=path_ids(path)[-2], note=note)
        closed = Unit.objects.filter(pk__in=[pk for pk, _p in tree["mids"]]).update(valid_to=eve)

        # Two provinces merge into a third: their open children (now the new ward unions) move
        # to it on the day, they close the day before with it as successor.
        target = tree["provinces"][MERGED_INTO]
        sources = [tree["provinces"][i][0] for i in MERGED]
        names = dict(Unit.objects.filter(pk__in=[*sources, target[0]]).values_list("pk", "name"))
        merged = " và ".join(names[pk] for pk in sources)
        note = f"Hợp nhất {merged} vào {names[target[0]]}."
        remaining = Unit.objects.filter(parent_id__in=sources, valid_to__isnull=True)
        province_moves = [
            (pk, parent, target[0], path, target[1] + path_segment(pk))
            for pk, parent, path in remaining.order_by("path").values_list("pk", "parent", "path")
        ]
        self.move(province_moves, day, note, event)
        Unit.objects.filter(pk__in=sources).update(valid_to=eve, successor_id=target[0])
        for pk in sources:
            event(
                pk,
                UnitEventKind.MERGED,
                eve,
                old_parent=tree["root"][0],
                successor=target[0],
                note=note,
            )
            self.successors[pk] = [target[0]]

        next_event = _next_id(UnitEvent)
        events = [(next_event + i, *row) for i, row in enumerate(events)]
        for start in range(0, len(events), BATCH):
            insert_rows(UnitEvent, EVENT_COLUMNS, events[start : start + BATCH])
        _reset_sequence(UnitEvent)
        seconds = format_number(round(time.monotonic() - started, 1), trim=True)
        self.say(
            f"Sắp xếp ngày {format_date(day)}: kết thúc {format_number(closed)} LĐLĐ cấp huyện; "
            f"thành lập {format_number(len(rows))} công đoàn xã, phường; chuyển "
            f"{format_number(len(moves))} công đoàn cơ sở sang công đoàn xã, phường và "
            f"{format_number(len(province_moves))} đơn vị sang tỉnh nhận hợp nhất; hợp nhất "
            f"{merged} vào {names[target[0]]}; "
            f"{format_number(len(events))} sự kiện tổ chức ({seconds} giây)."
        )

    def move(self, moves, day, note, event):
        """Move units (unit, old parent, new parent, old path, new path) with their subtrees
        on `day`: one UPDATE of the parents and one of the paths and depths per length of the
        old paths, each joining a temporary table of the moves (the moved subtrees must not
        nest); a MOVED event each."""
        if not moves:
            return
        q = connection.ops.quote_name
        units, moved = q(Unit._meta.db_table), q("generate_national_move")
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {moved} (unit_id bigint PRIMARY KEY, "
                "new_parent_id bigint NOT NULL, old_path varchar(255) NOT NULL, "
                "new_path varchar(255) NOT NULL)"
            )
            _write(
                moved,
                "unit_id, new_parent_id, old_path, new_path",
                4,
                [(unit, new, old_path, new_path) for unit, _o, new, old_path, new_path in moves],
            )
            cursor.execute(
                f"UPDATE {units} SET parent_id = m.new_parent_id FROM {moved} m "
                f"WHERE {units}.id = m.unit_id"
            )
            for length in sorted({len(m[3]) for m in moves}):
                # a unit whose path starts with a moved unit's old path is in its subtree:
                # an equality on the prefix, so the database can hash-join the two tables
                cursor.execute(
                    f"UPDATE {units} SET path = m.new_path || substr({units}.path, {length + 1}), "
                    f"depth = {units}.depth + (length(m.new_path) - length(m.old_path)) / {PATH_STEP} "
                    f"FROM {moved} m WHERE substr({units}.path, 1, {length}) = m.old_path "
                    f"AND length(m.old_path) = {length}"
                )
            cursor.execute(f"DROP TABLE {moved}")
        for unit, old, new, _old_path, _new_path in moves:
            event(unit, UnitEventKind.MOVED, day, old_parent=old, new_parent=new, note=note)

    def make_activities(self, tree, total, span, reform=None):
        rng = self.rng
        kinds = dict(ActivityKind.objects.values_list("code", "pk"))
        kind_codes = [k for k in KIND_WEIGHTS if k in kinds]
        weights = [KIND_WEIGHTS[k] for k in kind_codes]
        topics = list(Topic.objects.values_list("pk", flat=True))
        audiences = list(Audience.objects.values_list("pk", flat=True))
        channels = list(Channel.objects.values_list("pk", flat=True))
        first_day = span[0].toordinal()
        days = span[1].toordinal() - first_day + 1
        holders = (
            tree["grassroots"] * 18 + tree["mids"] * 2 + tree["provinces"]
        )  # mostly grassroots
        now = timezone.now()
        next_id = _next_id(Activity)
        columns = (
            "id",
            "unit_id",
            "date",
            "kind_id",
            "title",
            "sessions",
            "attendances",
            "leaflets",
            "place",
            "notes",
            "document_ref",
            "natural_key",
            "search_text",
            "created_at",
            "updated_at",
        )
        links = {
            name: getattr(Activity, name).through for name in ("topics", "audiences", "channels")
        }
        done = 0
        while done < total:
            n = min(BATCH, total - done)
            rows, t_rows, a_rows, c_rows = [], [], [], []
            for _ in range(n):
                pk, next_id = next_id, next_id + 1
                unit_id = rng.choice(holders)[0]
                kind = rng.choices(kind_codes, weights)[0]
                leaflets = rng.randint(100, 2000) if kind == "to_roi" else None
                sessions = 0 if kind == "to_roi" else rng.randint(1, 3)
                attendances = rng.randint(10, 300) if sessions else 0
                day = datetime.date.fromordinal(first_day + rng.randrange(days))
                if reform and day >= reform and unit_id in self.successors:
                    # a unit closed by the reform: its successors hold what it would have held
                    heirs = self.successors[unit_id]
                    unit_id = heirs[day.toordinal() % len(heirs)]
                rows.append(
                    (
                        pk,
                        unit_id,
                        day,
                        kinds[kind],
                        f"Hoạt động giả lập {pk}",
                        sessions,
                        attendances,
                        leaflets,
                        "",
                        "",
                        "",
                        natural_key_for(unit_id, day, kinds[kind], f"Hoạt động giả lập {pk}"),
                        "",
                        now,
                        now,
                    )
                )
                t_rows.append((pk, rng.choice(topics)))
                a_rows.append((pk, rng.choice(audiences)))
                if rng.random() < 0.5:
                    c_rows.append((pk, rng.choice(channels)))
            insert_rows(Activity, columns, rows)
            insert_rows(links["topics"], ("activity_id", "topic_id"), t_rows)
            insert_rows(links["audiences"], ("activity_id", "audience_id"), a_rows)
            insert_rows(links["channels"], ("activity_id", "channel_id"), c_rows)
            done += n
            self.say(
                f"Hoạt động: {format_number(done)}/{format_number(total)} ({100 * done // total}%) — {self.elapsed()}"
            )
        _reset_sequence(Activity)

    def make_groups(self, tree, last_year, today):
        """One group per five grassroots unions with 60–90 members each (HCMC: 1,304 groups,
        98,007 members; about 2 million members nationally at 135,000 units), in wards of the
        loaded geography (skipped when `binhyen load-areas` has not run)."""
        from binhyen.groups.models import Group, GroupKind, GroupMember

        wards = list(Area.objects.filter(level=AreaLevel.WARD).values_list("pk", flat=True)[:5000])
        kinds = list(GroupKind.objects.values_list("pk", flat=True))
        if not wards or not kinds:
            self.say("Bỏ qua mô hình: chưa nạp địa bàn (binhyen load-areas).")
            return
        rng = self.rng
        now = timezone.now()
        next_group, next_member = _next_id(Group), _next_id(GroupMember)
        groups, members = [], []
        for i, (unit_id, _path) in enumerate(tree["grassroots"][::5]):
            pk, next_group = next_group, next_group + 1
            founded = datetime.date(last_year - rng.randint(0, 6), rng.randint(1, 12), 1)
            founded = min(founded, today)  # nothing is recorded after today
            groups.append(
                (
                    pk,
                    f"Tổ tự quản giả lập {i + 1}",
                    "",
                    founded,
                    "",
                    "",
                    "",
                    "",
                    now,
                    unit_id,
                    rng.choice(wards),
                    rng.choice(kinds),
                    "",
                )
            )
            for _m in range(rng.randint(60, 90)):
                joined = founded + datetime.timedelta(days=rng.randrange(0, 400))
                left = (
                    joined + datetime.timedelta(days=rng.randrange(200, 1500))
                    if rng.random() < 0.2
                    else None
                )
                if joined > today:
                    continue
                members.append(
                    (
                        next_member,
                        f"Thành viên {next_member}",
                        "thanh_vien",
                        "",
                        "",
                        "",
                        joined,
                        left,
                        "",
                        pk,
                    )
                )
                next_member += 1
        insert_rows(
            Group,
            (
                "id",
                "name",
                "address",
                "founded",
                "leader_name",
                "police_contact",
                "notes",
                "search_text",
                "created_at",
                "unit_id",
                "ward_id",
                "kind_id",
                "code",
            ),
            groups,
        )
        for start in range(0, len(members), BATCH):
            insert_rows(
                GroupMember,
                (
                    "id",
                    "full_name",
                    "role",
                    "phone",
                    "id_number",
                    "workplace",
                    "joined",
                    "left",
                    "search_text",
                    "group_id",
                ),
                members[start : start + BATCH],
            )
        _reset_sequence(Group)
        _reset_sequence(GroupMember)
        # the stock cube, in the same transaction: each cell once for the whole batch. Every
        # cell's ancestor is a unit of this new tree, so no cell exists yet: COPY them rather
        # than upsert them (records_created's upsert was nine tenths of this step's time)
        from binhyen.groups import cube as stock_facts
        from binhyen.groups.models import StockFact

        cells = stock_facts.cells_of(stock_facts.events([g[0] for g in groups]))
        rows = [(*key[1:], delta) for key, delta in sorted(cells.items()) if delta]
        for start in range(0, len(rows), BATCH):
            insert_rows(StockFact, (*stock_facts.KEY, "delta"), rows[start : start + BATCH])
        self.say(f"  {format_number(len(rows))} ô số liệu mô hình ({self.elapsed()}).")
        self.say(
            f"Mô hình: {format_number(len(groups))} tổ, {format_number(len(members))} thành viên ({self.elapsed()})."
        )
