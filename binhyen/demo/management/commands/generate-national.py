"""`binhyen generate-national`: a synthetic nation (units, activities, groups, members) for
benchmarks and scale tests, loaded in batches (COPY on PostgreSQL, executemany on SQLite)."""

import datetime
import random
import time

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
from binhyen.core.text import format_number
from binhyen.org.models import Area, AreaLevel, Unit, UnitKind, path_segment

PROVINCES = 34
CHILDREN_PER_MID = 190  # grassroots unions under one mid-level union, as in a large district
BATCH = 50_000
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
    if not rows:
        return
    table, cols = _quoted(model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


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
            default=2024,
            help="Năm cuối của 5 năm dữ liệu (mặc định 2024).",
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

    def handle(self, *args, units, activities, seed, last_year, code, no_facts, **options):
        if units < PROVINCES + 2:
            raise CommandError(f"Cần ít nhất {PROVINCES + 2} đơn vị.")
        if Unit.objects.filter(code=code).exists():
            raise CommandError(
                f"Đã có đơn vị mã “{code}”; dùng --code khác hoặc một cơ sở dữ liệu mới."
            )
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        with transaction.atomic():
            tree = self.make_units(units, code)
        with transaction.atomic():
            self.make_activities(tree, activities, last_year, seed)
        with transaction.atomic():
            self.make_groups(tree, last_year)
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

    def make_units(self, total, code):
        kinds = {k.code: k.pk for k in UnitKind.objects.all()}
        mids = max(PROVINCES, round((total - 1 - PROVINCES) / (CHILDREN_PER_MID + 1)))
        grassroots = total - 1 - PROVINCES - mids
        next_id = _next_id(Unit)
        founded = datetime.date(2000, 1, 1)
        rows, tree = [], {"provinces": [], "mids": [], "grassroots": []}
        columns = (
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
        tree["root"] = root
        for p in range(PROVINCES):
            tree["provinces"].append(
                add("ldld_tinh", f"LĐLĐ tỉnh giả lập {p + 1}", f"{code}-P{p + 1:02d}", root)
            )
        for m in range(mids):
            province = tree["provinces"][m % PROVINCES]
            tree["mids"].append(
                add("cd_xa", f"Công đoàn xã giả lập {m + 1}", f"{code}-M{m + 1:05d}", province)
            )
        for g in range(grassroots):
            mid = tree["mids"][g % mids]
            tree["grassroots"].append(
                add("cd_co_so", f"CĐCS giả lập {g + 1}", f"{code}-G{g + 1:06d}", mid)
            )
        for start in range(0, len(rows), BATCH):
            insert_rows(Unit, columns, rows[start : start + BATCH])
        _reset_sequence(Unit)
        self.say(
            f"Đơn vị: 1 gốc, {PROVINCES} tỉnh, {format_number(mids)} cấp trên cơ sở, "
            f"{format_number(grassroots)} cơ sở ({self.elapsed()})."
        )
        return tree

    def make_activities(self, tree, total, last_year, seed):
        rng = self.rng
        kinds = dict(ActivityKind.objects.values_list("code", "pk"))
        kind_codes = [k for k in KIND_WEIGHTS if k in kinds]
        weights = [KIND_WEIGHTS[k] for k in kind_codes]
        topics = list(Topic.objects.values_list("pk", flat=True))
        audiences = list(Audience.objects.values_list("pk", flat=True))
        channels = list(Channel.objects.values_list("pk", flat=True))
        first_day = datetime.date(last_year - 4, 1, 1).toordinal()
        days = datetime.date(last_year, 12, 31).toordinal() - first_day + 1
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

    def make_groups(self, tree, last_year):
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
        # the stock cube, in the same transaction: each cell once for the whole batch
        from binhyen.groups import cube as stock_facts

        cells = stock_facts.records_created(groups=[g[0] for g in groups])
        self.say(f"  {format_number(cells)} ô số liệu mô hình ({self.elapsed()}).")
        self.say(
            f"Mô hình: {format_number(len(groups))} tổ, {format_number(len(members))} thành viên ({self.elapsed()})."
        )
