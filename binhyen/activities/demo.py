"""Demo activities: the seeds' figures exactly, spread over the demo tree by a seeded generator.

- LĐLĐ TP Hồ Chí Minh's subtree, 01/01/2018 – 31/12/2023: kind tuyen_truyen 3.807 sessions with
  840.528 attendances; kind hoi_nghi 45.284 sessions with 3.740.917 attendances.
- LĐLĐ TP Mỹ Tho's subtree, 16/08/2021 – 15/08/2022: tuyen_truyen held by LĐLĐ TP Mỹ Tho itself
  for union officers (audience can_bo_cong_doan, the only such audience in that subtree and
  period) 16 sessions / 1.116 attendances; held by its grassroots unions 648 / 17.879.

Around them: contests, sports days, exchanges, commendations, trainings, leaflet drives and
integrated sessions, and activities before, between and after those periods (in today's tree
too). Every activity belongs to a unit open on its date (Quận 9's unions are Quận 9's until
31/12/2020; the district federations end on 30/06/2025). Rows are bulk-written like an import
(one ImportBatch row, no per-row history) and added to the reporting cube, so the whole set
loads in seconds; a second run changes nothing.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from binhyen.core import periods
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

from . import cube
from .excel import Row, add_import_to_cube, sum_rows, write_rows
from .models import (
    ActivityKind,
    Audience,
    Channel,
    ImportBatch,
    Topic,
    natural_key_for,
    quick_fold,
    search_text_for,
)

D = datetime.date
SEED = 2021
MARK = "Dữ liệu mẫu (binhyen load-demo)"  # the demo's ImportBatch: present means loaded

HCM_PERIOD = (D(2018, 1, 1), D(2023, 12, 31))
HCM_FIGURES = {"tuyen_truyen": (3807, 840528), "hoi_nghi": (45284, 3740917)}
MY_THO_PERIOD = (D(2021, 8, 16), D(2022, 8, 15))
MY_THO_OWN = (16, 1116)
MY_THO_GRASSROOTS = (648, 17879)

TOPIC_PHRASES = {
    "phong_chong_toi_pham": "phòng, chống tội phạm",
    "ma_tuy": "phòng, chống ma túy",
    "mua_ban_nguoi": "phòng, chống mua bán người",
    "tin_dung_den": "phòng ngừa “tín dụng đen”",
    "pccc": "phòng cháy, chữa cháy",
    "phap_luat_lao_dong": "pháp luật lao động",
    "an_ninh_trat_tu": "giữ gìn an ninh trật tự",
    "an_toan_giao_thong": "an toàn giao thông",
    "nam_khong_ba_phong": "phương châm “5 không, 3 phòng”",
}
AUDIENCE_PHRASES = {
    "can_bo_cong_doan": "cán bộ công đoàn",
    "doan_vien": "đoàn viên công đoàn",
    "cnvcld": "công nhân, viên chức, lao động",
    "chu_nha_tro": "chủ nhà trọ",
    "nguoi_dan": "người dân",
    "thanh_vien_to_tu_quan": "thành viên tổ tự quản",
}
WORKERS = ["doan_vien", "cnvcld"]
# (kind, sessions per activity, attendances per session, audiences, channels, title patterns)
OTHER_KINDS = {
    "hoi_thi": (
        (1, 1),
        (60, 300),
        WORKERS,
        ["truc_tiep", "truc_tuyen"],
        ["Hội thi tìm hiểu pháp luật về {topic}", "Hội thi “Công nhân với {topic}”"],
    ),
    "hoi_thao": (
        (1, 2),
        (80, 400),
        WORKERS,
        ["truc_tiep"],
        [
            "Hội thao công nhân hưởng ứng phong trào Toàn dân bảo vệ ANTQ",
            "Hội thao nghiệp vụ phòng cháy, chữa cháy cơ sở",
        ],
    ),
    "giao_luu": (
        (1, 1),
        (50, 250),
        WORKERS + ["thanh_vien_to_tu_quan"],
        ["truc_tiep"],
        ["Giao lưu “Công nhân với {topic}”", "Giao lưu tổ tự quản khu nhà trọ với công an phường"],
    ),
    "tuyen_duong": (
        (1, 1),
        (40, 200),
        WORKERS,
        ["truc_tiep"],
        [
            "Tuyên dương tập thể, cá nhân tiêu biểu trong phong trào bảo vệ an ninh Tổ quốc năm {year}"
        ],
    ),
    "tap_huan": (
        (1, 3),
        (25, 90),
        ["thanh_vien_to_tu_quan", "can_bo_cong_doan"],
        ["truc_tiep", "truc_tuyen"],
        [
            "Tập huấn nghiệp vụ cho lực lượng nòng cốt khu nhà trọ",
            "Bồi dưỡng kiến thức {topic} cho tổ tự quản",
        ],
    ),
    "to_roi": (
        (0, 0),
        (0, 0),
        WORKERS + ["chu_nha_tro"],
        ["to_roi", "xe_dua_ruoc"],
        ["Phát tờ rơi {topic} trên xe đưa rước công nhân", "Phát tờ rơi {topic} tại khu nhà trọ"],
    ),
    "long_ghep": (
        (1, 4),
        (15, 60),
        WORKERS,
        ["giua_ca", "truc_tiep"],
        [
            "Sinh hoạt lồng ghép {topic} trong giờ nghỉ giữa ca",
            "Lồng ghép phổ biến {topic} trong sinh hoạt tổ công đoàn",
        ],
    ),
    "khac": (
        (1, 1),
        (20, 120),
        WORKERS + ["nguoi_dan"],
        ["truc_tiep", "loa"],
        ["Ra quân giữ gìn an ninh trật tự khu lưu trú công nhân"],
    ),
}
HCM_PLANS = [  # HCMC's yearly plans (documents demo): an activity cites the one in force
    (D(2019, 2, 26), "96/KH-LĐLĐ"),
    (D(2020, 2, 20), "112/KH-LĐLĐ"),
    (D(2021, 3, 2), "105/KH-LĐLĐ"),
    (D(2022, 2, 24), "118/KH-LĐLĐ"),
    (D(2023, 2, 22), "127/KH-LĐLĐ"),
]
MY_THO_PLANS = {
    "phong_chong_toi_pham": (D(2022, 3, 23), "329/KH-LĐLĐ"),
    "ma_tuy": (D(2022, 3, 24), "330/KH-LĐLĐ"),
    "mua_ban_nguoi": (D(2022, 3, 24), "311/KH-LĐLĐ"),
    "an_ninh_trat_tu": (D(2022, 5, 24), "2016/LĐLĐ"),
    "tin_dung_den": (D(2022, 10, 5), "2188/LĐLĐ"),
}


def split(total, parts, rng, low=1, spread=(1, 4)):
    """`parts` integers ≥ `low` summing exactly to `total`, each drawn around spread."""
    if parts * low > total:
        raise ValueError("cannot split")
    values = [rng.randint(*spread) for _ in range(parts)]
    values = [max(low, v) for v in values]
    diff = total - sum(values)
    i = 0
    while diff:
        j = (i * 7919) % parts
        if diff > 0:
            values[j] += 1
            diff -= 1
        elif values[j] > low:
            values[j] -= 1
            diff += 1
        i += 1
    return values


def proportional(total, weights):
    """Integers proportional to `weights` summing exactly to `total` (largest remainders)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    values = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda k: raw[k] - values[k], reverse=True)
    for k in order[: total - sum(values)]:
        values[k] += 1
    return values


class _Builder:
    def __init__(self, today):
        self.rng = random.Random(SEED)
        self.today = today
        self.rows = []
        self.keys = set()
        self.kinds = dict(ActivityKind.objects.values_list("code", "id"))
        self.topics = dict(Topic.objects.values_list("code", "id"))
        self.audiences = dict(Audience.objects.values_list("code", "id"))
        self.channels = dict(Channel.objects.values_list("code", "id"))

    def pick_unit(self, units, start, end):
        """A unit (weighted by how long it was open in the period) and a day it was open."""
        spans = []
        for unit, weight in units:
            first = max(start, unit.valid_from)
            last = min(end, unit.valid_to or end, self.today)
            if first <= last:
                spans.append((unit, first, last, weight * ((last - first).days + 1)))
        unit, first, last, _w = self.rng.choices(spans, weights=[s[3] for s in spans])[0]
        return unit, first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def add(
        self,
        unit,
        day,
        kind,
        title,
        topics,
        audiences,
        channels,
        sessions,
        attendances,
        leaflets=None,
        document_ref="",
        place="",
    ):
        kind_id = self.kinds[kind]
        folded = quick_fold(title)
        n = 1
        base = title
        while (unit.pk, day, kind_id, folded) in self.keys:
            n += 1
            title = f"{base} (đợt {n})"
            folded = quick_fold(title)
        self.keys.add((unit.pk, day, kind_id, folded))
        place = place or _place(unit)
        self.rows.append(
            Row(
                len(self.rows) + 1,
                unit.pk,
                day,
                None,
                kind_id,
                title,
                tuple(self.topics[c] for c in topics),
                tuple(self.audiences[c] for c in audiences),
                tuple(self.channels[c] for c in channels),
                sessions,
                attendances,
                leaflets,
                place,
                "",
                document_ref,
                natural_key_for(unit.pk, day, kind_id, title, folded),
                search_text_for(title, place, "", document_ref),
                dim_unit=cube.dim_anchor(unit.path),
            )
        )

    def topics_for(self, pool=None, most=2):
        pool = pool or list(TOPIC_PHRASES)
        return self.rng.sample(pool, self.rng.randint(1, most))

    def block(
        self,
        units,
        period,
        kind,
        sessions_total,
        attendances_total,
        count,
        audiences,
        channels,
        titles,
        spread,
        doc_ref=None,
        topic_pool=None,
    ):
        """`count` activities of `kind` summing exactly to the given sessions and attendances."""
        sessions = split(sessions_total, count, self.rng, spread=spread)
        weights = [s * self.rng.uniform(0.6, 1.4) for s in sessions]
        attendances = proportional(attendances_total, weights)
        for s, a in zip(sessions, attendances, strict=True):
            unit, day = self.pick_unit(units, *period)
            topics = self.topics_for(topic_pool)
            who = self.rng.sample(audiences, min(len(audiences), self.rng.randint(1, 2)))
            how = self.rng.sample(channels, min(len(channels), self.rng.randint(1, 2)))
            title = self.rng.choice(titles).format(
                topic=TOPIC_PHRASES[topics[0]],
                audience=AUDIENCE_PHRASES[who[0]],
                year=day.year,
            )
            ref = doc_ref(day, topics) if doc_ref else ""
            self.add(unit, day, kind, title, topics, who, how, s, a, document_ref=ref)

    def others(self, units, period, count, audiences_filter=None):
        """Contests, sports days, trainings, leaflet drives… (no fixed totals)."""
        for _ in range(count):
            kind = self.rng.choice(list(OTHER_KINDS))
            (low, high), (per_low, per_high), audiences, channels, titles = OTHER_KINDS[kind]
            if audiences_filter:
                audiences = [a for a in audiences if audiences_filter(a)] or WORKERS
            unit, day = self.pick_unit(units, *period)
            topics = self.topics_for()
            sessions = self.rng.randint(low, high)
            leaflets = None
            if kind == "to_roi":
                leaflets = self.rng.randint(2, 30) * 100
                attendances = 0
            else:
                attendances = sessions * self.rng.randint(per_low, per_high)
            title = self.rng.choice(titles).format(topic=TOPIC_PHRASES[topics[0]], year=day.year)
            who = self.rng.sample(audiences, 1)
            how = self.rng.sample(channels, 1)
            self.add(
                unit, day, kind, title, topics, who, how, sessions, attendances, leaflets=leaflets
            )


def _place(unit):
    if unit.enterprise_name:
        return unit.enterprise_name
    return f"Hội trường {unit.short_name or unit.name}"


def _hcm_plan(day, topics):
    ref = ""
    for issued, symbol in HCM_PLANS:
        if issued <= day and issued.year == day.year:
            ref = symbol
    return ref


def _my_tho_plan(day, topics):
    issued, symbol = MY_THO_PLANS.get(topics[0], (None, ""))
    if issued and issued <= day:
        return symbol
    return "13-KL/TW" if day >= D(2021, 8, 16) and day.year == 2021 else ""


def _weighted(units, grassroots=1, mid=3, top=2):
    out = []
    for u in units:
        if u.kind.is_grassroots:
            out.append((u, grassroots))
        elif u.kind.rank <= 1:
            out.append((u, top))
        else:
            out.append((u, mid))
    return out


def plan(today=None):
    """Every demo activity as Row objects (not written): the same list on every machine."""
    today = today or periods.today()
    b = _Builder(today)
    hcm = Unit.objects.get(code=org_demo.HCM)
    hcm_units = list(
        Unit.objects.filter(path__startswith=hcm.path).select_related("kind").order_by("path")
    )
    everyone = _weighted(hcm_units)

    # HCMC 2018–2023: the seeds' two figures, then the other kinds around them.
    sessions, attendances = HCM_FIGURES["tuyen_truyen"]
    b.block(
        everyone,
        HCM_PERIOD,
        "tuyen_truyen",
        sessions,
        attendances,
        1650,
        WORKERS + ["chu_nha_tro"],
        ["truc_tiep", "giua_ca", "xe_dua_ruoc", "loa", "zalo", "mang_xa_hoi"],
        [
            "Tuyên truyền {topic} cho {audience}",
            "Tuyên truyền {topic} tại khu nhà trọ công nhân",
            "Buổi tuyên truyền {topic} năm {year}",
        ],
        (1, 4),
        doc_ref=_hcm_plan,
    )
    sessions, attendances = HCM_FIGURES["hoi_nghi"]
    b.block(
        everyone,
        HCM_PERIOD,
        "hoi_nghi",
        sessions,
        attendances,
        11200,
        WORKERS + ["can_bo_cong_doan"],
        ["truc_tiep", "truc_tuyen"],
        [
            "Hội nghị tuyên truyền {topic} năm {year}",
            "Hội nghị quán triệt công tác {topic}",
            "Hội nghị chuyên đề {topic} cho {audience}",
        ],
        (1, 7),
        doc_ref=_hcm_plan,
    )
    b.others(everyone, HCM_PERIOD, 2400)
    # HCMC after 2023, in the tree of each day (ward unions from 01/07/2025).
    later = (D(2024, 1, 1), today)
    for kind, count, per in (("tuyen_truyen", 500, (40, 260)), ("hoi_nghi", 900, (40, 120))):
        for _ in range(count):
            unit, day = b.pick_unit(everyone, *later)
            topics = b.topics_for()
            s = b.rng.randint(1, 4)
            who = b.rng.sample(WORKERS, 1)
            b.add(
                unit,
                day,
                kind,
                f"{'Tuyên truyền' if kind == 'tuyen_truyen' else 'Hội nghị tuyên truyền'} "
                f"{TOPIC_PHRASES[topics[0]]} năm {day.year}",
                topics,
                who,
                ["truc_tiep"],
                s,
                s * b.rng.randint(*per),
            )
    b.others(everyone, later, 500)

    # Mỹ Tho, 16/08/2021 – 15/08/2022: the seeds' figures, and no other officers' audience.
    my_tho = Unit.objects.select_related("kind").get(code=org_demo.MY_THO)
    grassroots = list(
        org_demo.grassroots(org_demo.MY_THO, on=MY_THO_PERIOD[1]).select_related("kind")
    )
    b.block(
        [(my_tho, 1)],
        MY_THO_PERIOD,
        "tuyen_truyen",
        *MY_THO_OWN,
        12,
        ["can_bo_cong_doan"],
        ["truc_tiep", "email", "zalo", "truc_tuyen"],
        [
            "Tuyên truyền {topic} cho cán bộ công đoàn",
            "Quán triệt Kết luận 13-KL/TW cho cán bộ công đoàn",
        ],
        (1, 2),
        doc_ref=_my_tho_plan,
        topic_pool=list(MY_THO_PLANS),
    )
    b.block(
        [(u, 1) for u in grassroots],
        MY_THO_PERIOD,
        "tuyen_truyen",
        *MY_THO_GRASSROOTS,
        430,
        WORKERS,
        ["truc_tiep", "giua_ca", "xe_dua_ruoc", "email", "zalo"],
        [
            "Tuyên truyền {topic} cho {audience}",
            "Triển khai văn bản về {topic} đến đoàn viên",
            "Tuyên truyền {topic} trong giờ nghỉ giữa ca",
        ],
        (1, 2),
        doc_ref=_my_tho_plan,
        topic_pool=list(MY_THO_PLANS),
    )
    mt_units = [(my_tho, 1)] + [(u, 2) for u in grassroots]
    b.others(mt_units, MY_THO_PERIOD, 160, audiences_filter=lambda a: a != "can_bo_cong_doan")
    # Mỹ Tho before and after that year (the federation ends 30/06/2025, its unions go on).
    for period, count in (
        ((D(2018, 1, 1), MY_THO_PERIOD[0] - datetime.timedelta(days=1)), 500),
        ((MY_THO_PERIOD[1] + datetime.timedelta(days=1), today), 450),
    ):
        for _ in range(count):
            unit, day = b.pick_unit(mt_units, *period)
            kind = b.rng.choice(["tuyen_truyen", "tuyen_truyen", "hoi_nghi", "long_ghep"])
            topics = b.topics_for(list(MY_THO_PLANS))
            who = ["can_bo_cong_doan"] if unit.pk == my_tho.pk else b.rng.sample(WORKERS, 1)
            s = b.rng.randint(1, 2)
            b.add(
                unit,
                day,
                kind,
                f"Tuyên truyền {TOPIC_PHRASES[topics[0]]} năm {day.year}",
                topics,
                who,
                ["truc_tiep"],
                s,
                s * b.rng.randint(15, 70),
                document_ref=_my_tho_plan(day, topics),
            )
    return b.rows


def link_documents(rows):
    """Link the rows that name a plan of HCMC's or Mỹ Tho's federation (document_ref, which
    plan() sets only on that federation's own rows) to that plan as the documents demo
    registered it: Mỹ Tho's outreach on crime, drugs and trafficking to 329/KH-LĐLĐ,
    330/KH-LĐLĐ, 311/KH-LĐLĐ, HCMC's to its yearly plan. The two federations' symbols differ;
    a symbol both registered would stay unlinked, as would one the documents demo lacks.
    (Units are not matched by today's tree: Mỹ Tho's unions moved on in 2025.)"""
    from binhyen.documents.models import Document

    found = {}
    for code in (org_demo.HCM, org_demo.MY_THO):
        docs = (
            Document.objects.filter(issuer_unit__code=code)
            .exclude(symbol="")
            .values_list("symbol", "pk")
        )
        for symbol, pk in docs:
            found.setdefault(symbol, []).append(pk)
    linked = 0
    for row in rows:
        pks = found.get(row.document_ref) if row.document_ref else None
        if pks and len(pks) == 1:
            row.documents = (pks[0],)
            linked += 1
    return linked


def _actor():
    return get_user_model().objects.filter(username=org_demo.ACCOUNTS[0].username).first()


@transaction.atomic
def load(stdout=None):
    """Write the demo activities once (on top of the demo tree); a second run changes nothing."""
    if ImportBatch.objects.filter(source="demo", file_name=MARK).exists():
        if stdout is not None:
            stdout.write("Hoạt động: dữ liệu mẫu đã có, không thay đổi.")
        return {"created": 0}
    if not Unit.objects.filter(code=org_demo.HCM).exists():
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    rows = plan()
    link_documents(rows)
    actor = _actor()
    batch = ImportBatch.objects.create(
        created_by=actor, file_name=MARK, source="demo", rows_created=len(rows)
    )
    ids = []
    for start in range(0, len(rows), 5000):
        ids += write_rows(rows[start : start + 5000], actor.pk if actor else None, batch.pk)
    sums = cube.Sums()  # the cube, as an import adds it (rows summed per unit, month, kind, slot)
    sum_rows(sums, rows)
    add_import_to_cube(sums)
    if stdout is not None:
        stdout.write(f"Hoạt động: {len(ids):,} hoạt động mẫu.".replace(",", "."))
    return {"created": len(ids)}
