"""Demo incidents and tips: the cases the movement exists to prevent, on top of the demo tree,
its enterprises and its boarding-house groups.

- Collective work stoppages from 2018 to today, most at foreign-invested firms of the export-
  processing and industrial zones (the zones' union and its grassroots unions), a few at
  other employers, each with its case file (workers involved within the workforce, causes,
  demands, dialogue, outcome, the day work resumed). Their numbers follow the real rhythm:
  peaks before Tết and at the mid-year wage rounds, a dip in 2020.
- Crime, drugs, loan sharks, gambling, fires and disorder around the boarding houses the
  self-managed groups cover, reported by the union that runs the group, handed to the police
  or settled, with the ward police's own confirmations (demo-congan's two wards).
- Tips from the portal (anonymous or named: the name and phone sealed), from group leaders'
  accounts and from an officer, answered, converted to a case, or still waiting.
- A handful of open cases near today, some past their deadline (no rapid report within the
  kind's hours, not settled within its days), so overdue marking and notices have something
  to show.

Every step goes through services.py, so codes, deadlines, timelines and audit rows are real;
the services stamp "now", so each step is then dated back to when it happened in the story
(`_Loader.stamp`). One seeded generator: the same data on every machine. A second run
changes nothing.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from binhyen.core.text import format_number
from binhyen.enterprises.models import Enterprise, Ownership
from binhyen.groups.models import BoardingHouseCoverage, GroupMember, MemberRole
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

from . import services
from .models import Action, Incident, IncidentKind, Outcome, State, Tip

D = datetime.date
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SEED = 1978
FIRST_YEAR = 2018
# Stoppages a year in the demo's share of the city (a dip in 2020, the Tết-bonus year 2022).
STOPPAGES = {2018: 7, 2019: 8, 2020: 4, 2021: 6, 2022: 9, 2023: 8, 2024: 6, 2025: 7}
STOPPAGES_LATER = 5  # each year after 2025
MONTHS = [14, 12, 8, 6, 6, 6, 9, 7, 7, 7, 8, 14]  # before Tết and at the mid-year wage rounds
HOUSE_CASES = 10  # incidents around boarding houses a year
# kind code, weight, whether it goes to the police
HOUSE_KINDS = [
    ("toi_pham", 34, True),
    ("mat_antt_nha_tro", 18, False),
    ("tin_dung_den", 15, True),
    ("ma_tuy", 14, True),
    ("te_nan_xa_hoi", 9, False),
    ("chay_no", 7, False),
    ("mua_ban_nguoi", 2, True),
]
CAUSES = [
    ("tien_luong", 34),
    ("thuong", 22),
    ("bhxh", 12),
    ("lam_them_gio", 10),
    ("ung_xu", 9),
    ("bua_an", 7),
    ("dieu_kien", 6),
]
DEMANDS = {
    "tien_luong": "Tăng lương cơ bản theo mức lương tối thiểu vùng mới, trả lương đúng ngày",
    "thuong": "Thưởng Tết tối thiểu một tháng lương như năm trước",
    "bhxh": "Đóng đủ bảo hiểm xã hội còn nợ, chốt sổ cho người đã nghỉ việc",
    "lam_them_gio": "Không ép làm thêm giờ quá quy định, trả đủ tiền làm thêm",
    "ung_xu": "Chuyên gia quản lý xin lỗi công nhân, chấm dứt việc la mắng, xúc phạm",
    "bua_an": "Nâng giá trị bữa ăn ca, bảo đảm vệ sinh thực phẩm",
    "dieu_kien": "Lắp thêm quạt, thông gió trong xưởng; cho nghỉ giữa ca đủ thời gian",
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn Hùng", "Thị Hồng", "Minh Tuấn", "Thị Thu", "Quốc Bảo", "Thị Ngọc", "Văn Tâm"]
GIVEN += ["Thanh Hải", "Thị Kim Loan", "Hữu Phước", "Thị Mỹ", "Đức Thắng"]

# (title, summary) per kind; {house} is the boarding house, {n} a number of people or items.
HOUSE_TEXTS = {
    "toi_pham": [
        (
            "Trộm cắp xe máy tại {house}",
            "Rạng sáng, {n} xe máy của công nhân để trong sân nhà trọ bị cắt khóa lấy mất. Tổ "
            "tự quản phát hiện khi công nhân đi ca sớm, báo chủ nhà trọ và Công an phường; "
            "camera của khu trọ ghi được hình ảnh hai đối tượng.",
        ),
        (
            "Trộm điện thoại, tiền trong phòng trọ tại {house}",
            "Trong giờ công nhân đi làm, đối tượng cạy cửa {n} phòng trọ lấy điện thoại, tiền "
            "mặt. Tổ tự quản thống kê thiệt hại, hướng dẫn người bị mất trình báo.",
        ),
        (
            "Cướp giật túi xách của nữ công nhân gần {house}",
            "Khoảng 22 giờ, hai đối tượng đi xe máy giật túi xách của một nữ công nhân tan ca "
            "đang về khu trọ, làm chị ngã xe, bị xây xát. Tổ tự quản đưa chị đi sơ cứu và báo "
            "Công an phường.",
        ),
        (
            "Xô xát gây thương tích sau cuộc nhậu tại {house}",
            "Sau cuộc nhậu cuối tuần, {n} người thuê trọ cãi nhau rồi xô xát, một người bị "
            "thương phải khâu vết rách ở tay. Tổ tự quản can ngăn, giữ hiện trường, báo Công an.",
        ),
    ],
    "ma_tuy": [
        (
            "Nghi sử dụng trái phép chất ma túy tại {house}",
            "Tổ tự quản phát hiện {n} thanh niên không đăng ký tạm trú tụ tập trong một phòng "
            "trọ lúc nửa đêm, có mùi lạ và dụng cụ nghi dùng để sử dụng ma túy; đã báo Công an "
            "phường kiểm tra.",
        ),
        (
            "Phát hiện người tàng trữ ma túy tại {house}",
            "Qua tin báo của chủ nhà trọ, Công an phường kiểm tra hành chính, phát hiện một "
            "người thuê trọ cất giấu gói nhỏ nghi là ma túy tổng hợp.",
        ),
    ],
    "tin_dung_den": [
        (
            "Đòi nợ vay nặng lãi, gây rối tại {house}",
            "Một công nhân vay {n} triệu đồng qua tờ rơi “vay tiền nhanh, không thế chấp”, lãi "
            "quy ra hơn 200%/năm; nhóm đòi nợ đến khu trọ đe dọa, tạt sơn vào cửa phòng.",
        ),
        (
            "Tờ rơi cho vay tiền không thế chấp dán quanh {house}",
            "Tổ tự quản phát hiện tờ rơi cho vay tiền dán dày đặc ở cột điện, cổng khu trọ; "
            "đã bóc gỡ, ghi lại số điện thoại và báo Công an phường.",
        ),
    ],
    "te_nan_xa_hoi": [
        (
            "Tụ tập đánh bạc tại {house}",
            "Tổ tự quản phát hiện {n} người tụ tập đánh bài ăn tiền trong phòng trọ vào ngày "
            "nghỉ; đã nhắc nhở, báo chủ nhà trọ và Công an phường.",
        ),
        (
            "Cá độ bóng đá qua mạng trong người thuê trọ tại {house}",
            "Một số công nhân tham gia cá độ bóng đá qua ứng dụng, nợ nần phải bán xe; tổ tự "
            "quản phối hợp công đoàn cơ sở gặp gỡ, vận động.",
        ),
    ],
    "mat_antt_nha_tro": [
        (
            "Gây rối trật tự, ẩu đả giữa người thuê trọ tại {house}",
            "Mâu thuẫn chuyện tiếng ồn, {n} người thuê trọ lời qua tiếng lại rồi ẩu đả; tổ tự "
            "quản can ngăn, hòa giải, đề nghị chủ nhà trọ nhắc nội quy.",
        ),
        (
            "Người lạ ra vào ban đêm, không khai báo tạm trú tại {house}",
            "Nhiều người lạ ra vào khu trọ ban đêm, không khai báo tạm trú; tổ tự quản cùng "
            "chủ nhà trọ rà soát, hướng dẫn đăng ký tạm trú.",
        ),
    ],
    "chay_no": [
        (
            "Cháy phòng trọ do chập điện tại {house}",
            "Đám cháy bắt đầu từ ổ cắm sạc xe đạp điện trong phòng trọ; tổ tự quản dùng bình "
            "chữa cháy dập tắt trước khi lực lượng chữa cháy đến, không có thương vong.",
        ),
        (
            "Rò rỉ bình gas trong phòng trọ tại {house}",
            "Bình gas mini trong phòng trọ bị rò, người thuê trọ ngửi thấy mùi; tổ tự quản ngắt "
            "điện, mở cửa thông gió, đưa bình ra ngoài.",
        ),
    ],
    "mua_ban_nguoi": [
        (
            "Dụ dỗ nữ công nhân đi “việc nhẹ lương cao” ở nước ngoài, {house}",
            "Một phụ nữ lạ đến khu trọ rủ {n} nữ công nhân sang nước ngoài làm việc nhẹ lương "
            "cao, hứa lo giấy tờ; công đoàn cơ sở và tổ tự quản ngăn kịp thời, báo Công an.",
        ),
    ],
}
TIP_TEXTS = [
    ("ma_tuy", "Phòng trọ cuối dãy thường có người lạ tụ tập về khuya, nghi sử dụng ma túy."),
    ("tin_dung_den", "Có nhóm người đến khu trọ đòi nợ, đe dọa một công nhân vay tiền qua app."),
    ("tin_dung_den", "Tờ rơi cho vay tiền không cần thế chấp dán khắp cổng khu trọ và cột điện."),
    ("toi_pham", "Tối qua khu trọ bị mất hai xe máy, camera của chủ trọ có ghi hình."),
    ("toi_pham", "Hay có người đi xe máy giật điện thoại công nhân ở đoạn đường tối gần cầu."),
    ("te_nan_xa_hoi", "Mấy phòng trọ tụ tập đánh bài ăn tiền vào cuối tuần, ồn ào tới sáng."),
    ("mat_antt_nha_tro", "Chủ trọ cho người không khai báo tạm trú ở, ra vào lúc nửa đêm."),
    ("chay_no", "Dây điện trong khu trọ đi chằng chịt, nhiều phòng sạc xe điện qua đêm."),
    ("khac", "Đèn đường trong hẻm vào khu trọ hỏng cả tháng, công nhân nữ về khuya sợ."),
    ("mua_ban_nguoi", "Có người rủ nữ công nhân đi làm ở nước ngoài, hứa lương cao, lo vé."),
]
PUBLIC_NOTES = {
    State.HANDLING: "Công đoàn đã tiếp nhận, đang phối hợp với tổ tự quản xác minh.",
    State.TRANSFERRED: "Đã chuyển Công an phường xử lý theo thẩm quyền.",
    State.RESOLVED: "Đã xác minh, phối hợp chủ nhà trọ và Công an phường xử lý xong.",
    State.CLOSED: "Không đủ thông tin để xác minh; cảm ơn anh/chị đã báo tin.",
}


def _at(day, hour=8, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Loader:
    def __init__(self):
        User = get_user_model()
        self.rng = random.Random(SEED)
        self.started = timezone.now()
        self.now = self.started
        self.today = timezone.localdate(self.now)
        users = User.objects.in_bulk(
            ["demo-admin", "demo-tinh", "demo-huyen", "demo-coso", "demo-congan", "demo-bimat"],
            field_name="username",
        )
        self.admin = users["demo-admin"]
        self.province = users.get("demo-tinh") or self.admin
        self.zones = users.get("demo-huyen") or self.admin
        self.coso = users.get("demo-coso")
        self.police = users.get("demo-congan")
        self.identity = users.get("demo-bimat")
        self.hcm = Unit.objects.get(code=org_demo.HCM)
        self.kcn = Unit.objects.get(code=org_demo.KCN)
        self.police_wards = {w.pk for w in org_demo.police_wards()} if self.police else set()
        self.kinds = {k.code: k for k in IncidentKind.objects.all()}
        self.stats = {"stoppages": 0, "incidents": 0, "tips": 0, "overdue": 0}
        self.taken = set()  # (kind, place, day): the duplicate check refuses a second one

    # ------------------------------------------------------------ who acts, and when

    def editor_for(self, unit):
        if self.coso is not None and unit.code == org_demo.COSO:
            return self.coso
        if unit.path.startswith(self.kcn.path):
            return self.zones
        return self.province

    def approver_for(self, unit):
        return self.zones if unit.path.startswith(self.kcn.path) else self.province

    def person(self):
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def past(self, at):
        """`at`, or just before now when the story's step would lie ahead (cases near today)."""
        return min(at, self.now - datetime.timedelta(minutes=5))

    def stamp(self, record, at):
        """Date the steps a service just wrote (stamped "now") back to `at` in the story."""
        field = "incident" if isinstance(record, Incident) else "tip"
        Action.objects.filter(**{field: record}, at__gte=self.started).update(at=at)

    def day_in(self, year, low=None, high=None):
        """A day of `year` weighted by month, within [low, high]."""
        low = max(low or D(year, 1, 1), D(year, 1, 1))
        high = min(high or D(year, 12, 31), D(year, 12, 31))
        if low > high:
            return None
        for _attempt in range(20):
            month = self.rng.choices(range(1, 13), MONTHS)[0]
            first = max(low, D(year, month, 1))
            last = min(high, (D(year, month, 28) + 4 * DAY).replace(day=1) - DAY)
            if first <= last:
                return first + DAY * self.rng.randint(0, (last - first).days)
        return low + DAY * self.rng.randint(0, (high - low).days)

    # ------------------------------------------------------------ a case's life

    def open(self, actor, unit, kind, started, **fields):
        key = (kind, fields.get("enterprise") or fields.get("boarding_house"), started.date())
        if key in self.taken:
            return None
        self.taken.add(key)
        incident = services.open_incident(actor, unit=unit, kind=kind, started_at=started, **fields)
        received = started + H * self.rng.uniform(0.5, 1.5)
        Incident.all_objects.filter(pk=incident.pk).update(created_at=received)
        self.stamp(incident, received)
        return incident

    def rapid_report(self, actor, incident, at):
        at = self.past(at)
        services.mark_rapid_report(actor, incident)
        Incident.all_objects.filter(pk=incident.pk).update(rapid_reported_at=at)
        Incident.history.filter(id=incident.pk, rapid_reported_at__isnull=False).update(
            rapid_reported_at=at
        )
        self.stamp(incident, at)

    def note(self, actor, record, at, what, **kw):
        services.note_step(actor, record, what=what, at=self.past(at), **kw)

    def move(self, actor, incident, state, at, what="", authority=""):
        services.move_incident(
            actor, incident, state, what=what, authority=authority, at=self.past(at)
        )

    def police_note(self, incident, at, what):
        """The ward police's own step where demo-congan serves; elsewhere the union notes it
        now and then (fewer steps keep the demo quick to load)."""
        if self.police is not None and incident.ward_id in self.police_wards:
            self.note(self.police, incident, at, what)
        elif self.rng.random() < 0.3:
            self.note(
                self.editor_for(incident.unit),
                incident,
                at,
                what,
                actor_name=f"Công an {incident.ward.name}",
                authority="Công an phường, xã",
            )

    # ------------------------------------------------------------ work stoppages

    def stoppage_targets(self):
        """(enterprise, weight): foreign firms of the zones first, then other foreign firms,
        then domestic ones; small workshops rarely stop work collectively."""
        rows = []
        for e in (
            Enterprise.objects.filter(workforce__gte=80, ward__province__code=org_demo.HCM_PROVINCE)
            .select_related("ownership", "unit", "union")
            .order_by("tax_code")
        ):
            fdi = e.ownership.code == Ownership.FDI
            # about four in five at foreign firms, two in three in the zones, one in three
            # where there is no union (large employers, which mostly have one, stop more)
            weight = (4 if fdi else 1.5) * (1 + e.workforce / 1500) * (6 if e.union_id else 1)
            rows.append((e, weight))
        return rows

    def stoppage(self, enterprise, day, *, state=State.CLOSED, rapid=True, days=None):
        rng = self.rng
        union = enterprise.union
        if union is not None and union.valid_from > day:
            return None
        unit = union or enterprise.unit
        if unit.valid_from > day:
            return None
        actor = self.editor_for(unit)
        started = _at(day, 7, rng.choice([0, 15, 30, 45]))
        causes = sorted(
            {rng.choices([c for c, _w in CAUSES], [w for _c, w in CAUSES])[0] for _ in range(3)}
        )
        if day.month in (12, 1, 2) and "thuong" not in causes and rng.random() < 0.6:
            causes.append("thuong")
        share = rng.uniform(0.5, 0.95) if rng.random() < 0.55 else rng.uniform(0.08, 0.45)
        workers = max(5, int(enterprise.workforce * share))
        length = days if days is not None else rng.choices([1, 2, 3, 4, 6], [38, 30, 18, 9, 5])[0]
        resumed = day + DAY * length if state in (State.RESOLVED, State.CLOSED) else None
        if resumed is not None and resumed > self.today:
            resumed = None
        outcome = (
            rng.choices([Outcome.FULL, Outcome.PART, Outcome.NONE], [33, 52, 15])[0]
            if resumed
            else Outcome.PENDING
        )
        who = "Ban Chấp hành công đoàn cơ sở" if union else "Công đoàn các KCX-KCN Thành phố"
        if union is None and not unit.path.startswith(self.kcn.path):
            who = f"{unit.name} (doanh nghiệp chưa có công đoàn)"
        incident = self.open(
            actor,
            unit,
            "ngung_viec",
            started,
            enterprise=enterprise,
            title=f"Ngừng việc tập thể tại {enterprise.name}",
            summary=(
                f"Đầu ca sáng, khoảng {format_number(workers)} công nhân tập trung trước cổng, không vào làm việc. "
                f"Người lao động nêu: {', '.join(DEMANDS[c].lower() for c in causes if c in DEMANDS)}."
            ),
            people_involved=workers,
            place="Cổng chính và sân nhà xưởng",
            ended_at=_at(resumed - DAY, 16, 30) if resumed else None,
            stoppage=dict(
                workers_involved=workers,
                causes=causes,
                demands="; ".join(DEMANDS[c] for c in causes if c in DEMANDS) + ".",
                representative=who,
                dialogue_held=state != State.RECEIVED and rng.random() < 0.9,
                union_role=(
                    "Có mặt ngay từ đầu ca, nắm yêu cầu của công nhân, đề nghị người lao động "
                    "giữ trật tự, không kích động; tổ chức đối thoại giữa người sử dụng lao động "
                    "và đại diện công nhân."
                ),
                authorities=(
                    "Ban Quản lý các khu chế xuất và công nghiệp, Công an phường"
                    if unit.path.startswith(self.kcn.path)
                    else "Phòng Lao động, Công an phường"
                ),
                outcome=outcome,
                resumed_on=resumed,
                lawful=rng.random() < 0.02,
            ),
        )
        if incident is None:
            return None
        self.stats["stoppages"] += 1
        if rapid:
            late = rng.random() < 0.08
            self.rapid_report(
                actor,
                incident,
                started + H * rng.uniform(25, 40) if late else started + H * rng.uniform(2, 12),
            )
        if state == State.RECEIVED:
            return incident
        self.move(actor, incident, State.HANDLING, started + H * rng.uniform(2, 5))
        self.note(
            actor,
            incident,
            started + H * rng.uniform(5, 9),
            "Đối thoại giữa đại diện người lao động, công đoàn và ban giám đốc; doanh nghiệp "
            "hứa trả lời các yêu cầu bằng văn bản.",
            actor_name=self.person(),
            authority="Chủ tịch công đoàn cơ sở" if union else "Cán bộ công đoàn cấp trên",
        )
        self.police_note(
            incident,
            started + H * rng.uniform(3, 10),
            "Công an phường có mặt giữ gìn an ninh trật tự bên ngoài doanh nghiệp, không có "
            "hành vi quá khích.",
        )
        if resumed is None:
            return incident
        settled = _at(resumed, 7, 30)
        self.move(
            actor,
            incident,
            State.RESOLVED,
            settled,
            what="Người lao động trở lại làm việc sau khi doanh nghiệp chấp nhận "
            + {
                Outcome.FULL: "các yêu cầu.",
                Outcome.PART: "một phần yêu cầu.",
                Outcome.NONE: "đối thoại; các yêu cầu chưa được đáp ứng.",
            }[outcome],
        )
        if state == State.CLOSED:
            self.move(
                self.approver_for(unit),
                incident,
                State.CLOSED,
                settled + DAY * rng.randint(2, 12),
                what="Đã báo cáo kết quả giải quyết; đóng hồ sơ.",
            )
        return incident

    def stoppages(self):
        targets = self.stoppage_targets()
        if not targets:
            return
        enterprises, weights = zip(*targets, strict=True)
        last_day = self.today - 25 * DAY
        for year in range(FIRST_YEAR, last_day.year + 1):
            for _n in range(STOPPAGES.get(year, STOPPAGES_LATER)):
                day = self.day_in(year, high=last_day)
                for _attempt in range(5):  # a union founded later than the day: another
                    enterprise = self.rng.choices(enterprises, weights)[0]
                    if day is None or self.stoppage(enterprise, day) is not None:
                        break
        # near today: one resolved but not closed, one under way, one not yet reported up
        zone_fdi = [e for e in enterprises if e.unit.path.startswith(self.kcn.path)]
        zone_fdi = [e for e in zone_fdi if e.ownership.code == Ownership.FDI] or zone_fdi
        police_zone = [e for e in zone_fdi if e.ward_id in self.police_wards] or zone_fdi
        if zone_fdi:
            self.stoppage(
                self.rng.choice(zone_fdi), self.today - 9 * DAY, state=State.RESOLVED, days=2
            )
            self.stoppage(self.rng.choice(zone_fdi), self.today - 3 * DAY, state=State.HANDLING)
            late = self.stoppage(
                self.rng.choice(police_zone),
                self.today - DAY - DAY,
                state=State.RECEIVED,
                rapid=False,
            )
            self.stats["overdue"] += late is not None

    # ------------------------------------------------------------ around the boarding houses

    def coverages(self):
        return list(
            BoardingHouseCoverage.objects.filter(
                group__kind__code="nha_tro", house__deleted_at__isnull=True
            )
            .select_related("house__ward", "group__unit")
            .order_by("id")
        )

    def house_case(self, coverage, kind, day, *, ends_in=None, rapid=True, started=None):
        """A case at a covered house, reported by the union that runs the group."""
        rng = self.rng
        unit = coverage.group.unit
        if unit.valid_from > day or (unit.valid_to and unit.valid_to < day):
            return None
        house = coverage.house
        title, summary = rng.choice(HOUSE_TEXTS[kind])
        n = rng.randint(2, 6) if kind != "tin_dung_den" else rng.choice([5, 10, 15, 20, 30])
        hour = rng.choice([1, 5, 14, 19, 21, 22, 23])
        started = started or _at(day, hour, rng.choice([0, 20, 40]))
        incident = self.open(
            self.editor_for(unit),
            unit,
            kind,
            started,
            boarding_house=house,
            title=title.format(house=house.name or house.address, n=n),
            summary=summary.format(n=n),
            place=house.address,
            people_involved=n if kind != "chay_no" else None,
        )
        if incident is None:
            return None
        self.stats["incidents"] += 1
        self.follow(incident, kind, started, ends_in=ends_in, rapid=rapid)
        return incident

    def follow(self, incident, kind, started, *, ends_in=None, rapid=True):
        """A case's handling: reported up in time, verified or taken in hand, handed to the
        police or settled, confirmed by the ward police, closed by an approver — or stopped
        at `ends_in`."""
        rng = self.rng
        unit = incident.unit
        actor = self.editor_for(unit)
        to_police = {k: p for k, _w, p in HOUSE_KINDS}.get(kind, False)
        if rapid and self.kinds[kind].report_hours:
            hours = self.kinds[kind].report_hours
            self.rapid_report(actor, incident, started + H * rng.uniform(2, hours * 0.9))
        if ends_in == State.RECEIVED:
            return
        first = State.VERIFYING if to_police else State.HANDLING
        if ends_in is not None or rng.random() < 0.4:  # an old case: its main steps only
            self.move(actor, incident, first, started + H * rng.uniform(4, 20))
            self.note(
                actor,
                incident,
                started + H * rng.uniform(6, 30),
                "Tổ tự quản báo cáo sự việc, công đoàn cơ sở đến khu trọ nắm tình hình, động "
                "viên người lao động.",
                actor_name=self.person(),
                authority="Tổ trưởng tổ tự quản",
            )
        elif not to_police:  # nothing is settled straight from "received"
            self.move(actor, incident, first, started + H * rng.uniform(4, 20))
        if ends_in == first:
            return
        settled = started + DAY * rng.uniform(1, 20)
        if to_police:
            self.move(
                actor,
                incident,
                State.TRANSFERRED,
                settled,
                what="Chuyển Công an phường thụ lý theo thẩm quyền.",
                authority="Công đoàn cơ sở",
            )
        else:
            self.move(
                actor,
                incident,
                State.RESOLVED,
                settled,
                what="Đã hòa giải, nhắc nhở; chủ nhà trọ cam kết chấn chỉnh.",
            )
        self.police_note(
            incident,
            settled + H * rng.uniform(2, 48),
            "Công an phường đã tiếp nhận, xác minh và xử lý theo quy định.",
        )
        if ends_in is None:
            self.move(
                self.approver_for(unit),
                incident,
                State.CLOSED,
                settled + DAY * rng.uniform(3, 25),
                what="Đã có kết quả xử lý; đóng hồ sơ.",
            )

    def house_cases(self, coverages):
        rng = self.rng
        by_police = [c for c in coverages if c.house.ward_id in self.police_wards]
        last_day = self.today - 50 * DAY
        kinds, weights = [k for k, _w, _p in HOUSE_KINDS], [w for _k, w, _p in HOUSE_KINDS]
        for year in range(FIRST_YEAR, last_day.year + 1):
            for _n in range(HOUSE_CASES):
                pool = by_police if by_police and rng.random() < 0.25 else coverages
                coverage = rng.choice(pool)
                end = coverage.end or last_day
                day = self.day_in(year, low=coverage.start, high=min(end, last_day))
                if day is not None:
                    self.house_case(coverage, rng.choices(kinds, weights)[0], day)
        # open cases near today, three of them past a deadline
        recent = [c for c in coverages if c.end is None]
        police_recent = [c for c in recent if c.house.ward_id in self.police_wards] or recent
        for kind, days_ago, state, rapid, pool, overdue in (
            ("ma_tuy", 4, State.RECEIVED, False, police_recent, True),
            ("tin_dung_den", 45, State.VERIFYING, True, recent, True),
            ("te_nan_xa_hoi", 35, State.HANDLING, True, recent, True),
            ("toi_pham", 0.8, State.VERIFYING, True, police_recent, False),
            ("mat_antt_nha_tro", 10, State.HANDLING, True, recent, False),
            ("chay_no", 20, State.RESOLVED, True, police_recent, False),
        ):
            if not pool:
                continue
            started = (self.now - DAY * days_ago).replace(second=0, microsecond=0)
            made = self.house_case(
                rng.choice(pool),
                kind,
                timezone.localdate(started),
                ends_in=state,
                rapid=rapid,
                started=started,
            )
            self.stats["overdue"] += bool(made and overdue)

    # ------------------------------------------------------------ tips

    def leaders(self, coverages):
        """Accounts for a few group leaders (they send tips signed in; no unit role)."""
        User = get_user_model()
        groups = sorted(
            {c.group for c in coverages if c.end is None and c.house.ward_id in self.police_wards}
            | {c.group for c in coverages[:40] if c.end is None},
            key=lambda g: g.pk,
        )[:3]
        out = []
        for group in groups:
            leader = (
                GroupMember.objects.filter(group=group, role=MemberRole.LEADER, left__isnull=True)
                .order_by("pk")
                .first()
            )
            if leader is None:
                continue
            username = f"totruong-{group.code.lower()}"
            user = User.objects.filter(username=username).first()
            if user is None:
                last, _sep, first = leader.full_name.rpartition(" ")
                user = User(username=username, first_name=first, last_name=last)
                user.set_unusable_password()
                user._history_user = self.admin
                user.save()
            out.append((user, group))
        return out

    def tips(self, coverages):
        rng = self.rng
        wards = sorted({c.house.ward for c in coverages if c.end is None}, key=lambda w: w.pk)
        police = [w for w in wards if w.pk in self.police_wards] or wards
        leaders = self.leaders(coverages)
        senders = [(None, None)] * 26 + [(u, g) for u, g in leaders for _ in range(3)]
        if self.coso is not None:
            senders += [(self.coso, None)] * 2
        rng.shuffle(senders)
        revealed = False
        for i, (sender, group) in enumerate(senders):
            if group is not None:
                ward = group.ward
            else:
                ward = rng.choice(police if rng.random() < 0.4 else wards)
            kind, what = rng.choice(TIP_TEXTS)
            # every sixth is a few days old, every ninth past its answer day, the rest older
            if i % 6 == 0:
                days_ago = rng.uniform(0.2, 6)
            elif i % 9 == 1:
                days_ago = rng.uniform(8, 28)
            else:
                days_ago = rng.uniform(1, 330)
            when = self.now - DAY * days_ago
            if sender is None:
                anonymous = rng.random() < 0.65
            else:
                anonymous = rng.random() < 0.2
            tip = services.submit_tip(
                ward=ward,
                what=what,
                place=rng.choice(["Dãy trọ phía sau chợ", "Hẻm vào khu trọ", "Gần cổng KCX", ""]),
                happened_on=timezone.localdate(when - DAY * rng.uniform(0, 2)),
                anonymous=anonymous,
                reporter_name="" if anonymous or sender else self.person(),
                reporter_phone="" if anonymous else f"09{rng.randint(0, 99_999_999):08d}",
                source="" if sender else "Cổng thông tin LĐLĐ Thành phố Hồ Chí Minh",
                sender=sender,
            )
            self.stats["tips"] += 1
            due = when + DAY * 7
            Tip.objects.filter(pk=tip.pk).update(created_at=when, answer_due=due)
            Tip.history.filter(id=tip.pk).update(created_at=when, answer_due=due)
            tip.refresh_from_db()
            if i % 6 == 0 and rng.random() < 0.6:
                continue  # a few days old, not answered yet
            if i % 9 == 1 and i % 6:
                self.stats["overdue"] += 1
                continue  # past its answer day, nobody has answered
            self.tip_life(tip, kind, when)
            if not revealed and self.identity is not None and not anonymous:
                services.reveal_sender(self.identity, tip)
                self.stamp(tip, self.past(when + DAY * 2))
                revealed = True

    def tip_life(self, tip, kind, when):
        """An answered tip: moved on with a word to the sender, or made a case."""
        rng = self.rng
        age = (self.now - when) / DAY
        actor = self.province
        answered = self.past(when + DAY * rng.uniform(0.3, min(6, age)))
        covered = (
            BoardingHouseCoverage.objects.filter(house__ward=tip.ward, end__isnull=True)
            .select_related("house", "group__unit")
            .order_by("pk")
            .first()
            if kind in HOUSE_TEXTS and age > 10 and rng.random() < 0.2
            else None
        )
        if covered is not None:
            started = _at(tip.happened_on, 20)
            title, summary = rng.choice(HOUSE_TEXTS[kind])
            house = covered.house
            incident = self.open(
                actor,
                tip.unit,
                kind,
                started,
                boarding_house=house,
                title=title.format(house=house.name or house.address, n=2),
                summary=f"{tip.what} (Từ tin báo {tip.code}.)",
                place=house.address,
                tip=tip,
            )
            if incident is not None:
                self.stats["incidents"] += 1
                Tip.objects.filter(pk=tip.pk).update(answered_at=answered)
                Incident.all_objects.filter(pk=incident.pk).update(created_at=answered)
                self.stamp(tip, answered)
                self.stamp(incident, answered)
                self.follow(incident, kind, answered)
                return
        state = rng.choices(
            [State.HANDLING, State.TRANSFERRED, State.RESOLVED, State.CLOSED], [25, 35, 30, 10]
        )[0]
        steps = [State.HANDLING, State.RESOLVED] if state == State.RESOLVED else [state]
        for step in steps:
            services.answer_tip(
                actor, tip, state=step, public_note=PUBLIC_NOTES[step], what=PUBLIC_NOTES[step]
            )
        Tip.objects.filter(pk=tip.pk).update(answered_at=answered)
        self.stamp(tip, answered)
        if self.police is not None and tip.ward_id in self.police_wards and rng.random() < 0.7:
            at = answered + DAY * rng.uniform(0.5, 3)
            if at < self.now:
                self.note(
                    self.police,
                    tip,
                    at,
                    "Công an phường đã kiểm tra địa bàn theo tin báo, xử lý theo quy định.",
                )


@transaction.atomic
def load(stdout=None):
    """Create the demo incidents and tips once (after the tree, enterprises and groups)."""
    if Incident.all_objects.exists():
        if stdout is not None:
            stdout.write("Vụ việc, tin báo: dữ liệu mẫu đã có, không thay đổi.")
        return {"stoppages": 0, "incidents": 0, "tips": 0, "overdue": 0}
    if not Unit.objects.filter(code=org_demo.KCN).exists():
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    loader = _Loader()
    coverages = loader.coverages()
    loader.stoppages()
    if coverages:
        loader.house_cases(coverages)
        loader.tips(coverages)
    stats = loader.stats
    if stdout is not None:
        stdout.write(
            "Vụ việc, tin báo: {stoppages} vụ ngừng việc tập thể, {incidents} vụ việc khác, "
            "{tips} tin báo ({overdue} vụ việc, tin báo quá hạn).".format(**stats)
        )
    return stats
