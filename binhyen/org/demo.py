"""The demo union tree (HCMC, Tiền Giang → Đồng Tháp, before and after the 2025 reform) and the demo accounts.

Everything is written through org.services, so the demo has the same dated events and audit
trail as real data. The tree is generated from a seeded random generator: the same codes,
names and figures on every machine, so later demo loaders (activities, groups) can attach
their data to the constants below.
"""

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from binhyen.org.scoping import Role

from . import services
from .models import (
    REFORM_DATE,
    Area,
    AreaLevel,
    Assignment,
    Ownership,
    Unit,
    UnitEvent,
    UnitEventKind,
    UnitKind,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
SEED = 2018
DEFAULT_PASSWORD = "binhyen2025"
REFORM_EVE = REFORM_DATE - ONE_DAY  # last day of the district-level federations
THU_DUC_MERGE = D(2021, 1, 1)  # Quận 2, Quận 9 and Quận Thủ Đức become Thành phố Thủ Đức

# Codes of the units later demo loaders attach their data to.
ROOT = "TLD"
HCM = "LDLD-HCM"
Q2 = "LDLD-HCM-Q2"
Q9 = "LDLD-HCM-Q9"
Q_THU_DUC = "LDLD-HCM-QTD"  # the district (quận) Thủ Đức, merged on 01/01/2021
THU_DUC = "LDLD-HCM-TD"  # the city (thành phố) Thủ Đức, 01/01/2021 – 30/06/2025
Q7 = "LDLD-HCM-Q7"
BINH_TAN = "LDLD-HCM-BTAN"
CU_CHI = "LDLD-HCM-CUCHI"
Q12 = "LDLD-HCM-Q12"
KCN = "CD-HCM-KCN"
GTVT = "CDN-HCM-GTVT"
XE_OM = "ND-HCM-Q7-XEOM"
TIEN_GIANG = "LDLD-TG"
MY_THO = "LDLD-TG-MT"
VIEN_CHUC_TG = "CDVC-TG"
XE_OM_MY_THO = "ND-TG-MT-XEOM"
DONG_THAP = "LDLD-DT"
COSO = "CS-HCM-TD-01"  # the grassroots union demo-coso edits
HCM_DISTRICTS = (Q2, Q9, Q_THU_DUC, THU_DUC, Q7, BINH_TAN, CU_CHI, Q12)

HCM_PROVINCE = "79"
# Tiền Giang's code went to the merged Đồng Tháp on 01/07/2025 (the old Đồng Tháp was 87).
TIEN_GIANG_PROVINCE = "82"
DONG_THAP_PROVINCE = "82"
POLICE_WARDS = ("Phường Thủ Đức", "Phường Tân Thuận")  # demo-congan's two HCMC wards


def ward_union_code(province, ward_code):
    """The code of the công đoàn phường/xã opened on 01/07/2025 for a 2025 ward."""
    return f"CDX-{province}-{ward_code}"


@dataclass(frozen=True)
class Place:
    """Where a unit sits: its ward before the reform (GSO code and name) and the 2025 ward it
    went into (official code and name)."""

    province: str
    legacy_code: str
    legacy_name: str
    code: str
    name: str


def _places(province, rows):
    return [Place(province, *row) for row in rows]


# Legacy wards (GSO codes, as they stood until 30/06/2025) and the 2025 ward each went into.
# Quận 2, Quận 9 and Quận Thủ Đức's wards kept their codes inside Thành phố Thủ Đức.
WARDS = {
    Q9: _places(
        HCM_PROVINCE,
        [
            ("26830", "Phường Long Bình", "26833", "Phường Long Bình"),
            ("26836", "Phường Tân Phú", "26842", "Phường Tăng Nhơn Phú"),
            ("26839", "Phường Hiệp Phú", "26842", "Phường Tăng Nhơn Phú"),
            ("26842", "Phường Tăng Nhơn Phú A", "26842", "Phường Tăng Nhơn Phú"),
            ("26845", "Phường Tăng Nhơn Phú B", "26842", "Phường Tăng Nhơn Phú"),
            ("26848", "Phường Phước Long B", "26848", "Phường Phước Long"),
            ("26863", "Phường Phước Bình", "26848", "Phường Phước Long"),
            ("26857", "Phường Long Phước", "26857", "Phường Long Phước"),
            ("26860", "Phường Long Trường", "26860", "Phường Long Trường"),
            ("26866", "Phường Phú Hữu", "26860", "Phường Long Trường"),
        ],
    ),
    Q2: _places(
        HCM_PROVINCE,
        [
            ("27088", "Phường Thảo Điền", "27118", "Phường An Khánh"),
            ("27094", "Phường An Khánh", "27118", "Phường An Khánh"),
            ("27097", "Phường Bình Trưng Đông", "27097", "Phường Bình Trưng"),
            ("27100", "Phường Bình Trưng Tây", "27097", "Phường Bình Trưng"),
            ("27109", "Phường Cát Lái", "27112", "Phường Cát Lái"),
            ("27112", "Phường Thạnh Mỹ Lợi", "27112", "Phường Cát Lái"),
        ],
    ),
    Q_THU_DUC: _places(
        HCM_PROVINCE,
        [
            ("26815", "Phường Linh Chiểu", "26824", "Phường Thủ Đức"),
            ("26824", "Phường Bình Thọ", "26824", "Phường Thủ Đức"),
            ("26827", "Phường Trường Thọ", "26824", "Phường Thủ Đức"),
            ("26794", "Phường Linh Xuân", "26794", "Phường Linh Xuân"),
            ("26803", "Phường Tam Bình", "26797", "Phường Tam Bình"),
            ("26812", "Phường Hiệp Bình Chánh", "26812", "Phường Hiệp Bình"),
        ],
    ),
    Q7: _places(
        HCM_PROVINCE,
        [
            ("27466", "Phường Tân Thuận Đông", "27478", "Phường Tân Thuận"),
            ("27469", "Phường Tân Thuận Tây", "27478", "Phường Tân Thuận"),
            ("27478", "Phường Bình Thuận", "27478", "Phường Tân Thuận"),
            ("27475", "Phường Tân Hưng", "27475", "Phường Tân Hưng"),
            ("27490", "Phường Tân Phong", "27475", "Phường Tân Hưng"),
            ("27484", "Phường Phú Thuận", "27484", "Phường Phú Thuận"),
            ("27487", "Phường Tân Phú", "27487", "Phường Tân Mỹ"),
        ],
    ),
    BINH_TAN: _places(
        HCM_PROVINCE,
        [
            ("27436", "Phường Bình Hưng Hòa", "27439", "Phường Bình Hưng Hòa"),
            ("27442", "Phường Bình Hưng Hòa B", "27442", "Phường Bình Tân"),
            ("27445", "Phường Bình Trị Đông", "27448", "Phường Bình Trị Đông"),
            ("27460", "Phường An Lạc", "27460", "Phường An Lạc"),
            ("27463", "Phường An Lạc A", "27460", "Phường An Lạc"),
            ("27454", "Phường Tân Tạo", "27457", "Phường Tân Tạo"),
        ],
    ),
    CU_CHI: _places(
        HCM_PROVINCE,
        [
            ("27496", "Thị trấn Củ Chi", "27496", "Xã Tân An Hội"),
            ("27553", "Xã Tân Phú Trung", "27553", "Xã Củ Chi"),
            ("27556", "Xã Tân Thông Hội", "27553", "Xã Củ Chi"),
            ("27511", "Xã Nhuận Đức", "27511", "Xã Nhuận Đức"),
            ("27517", "Xã Phú Hòa Đông", "27541", "Xã Phú Hòa Đông"),
            ("27550", "Xã Bình Mỹ", "27544", "Xã Bình Mỹ"),
            ("27538", "Xã Thái Mỹ", "27526", "Xã Thái Mỹ"),
        ],
    ),
    Q12: _places(
        HCM_PROVINCE,
        [
            ("26773", "Phường Thới An", "26773", "Phường Thới An"),
            ("26782", "Phường Tân Thới Hiệp", "26782", "Phường Tân Thới Hiệp"),
            ("26785", "Phường Trung Mỹ Tây", "26785", "Phường Trung Mỹ Tây"),
            ("26788", "Phường Đông Hưng Thuận", "26791", "Phường Đông Hưng Thuận"),
            ("26791", "Phường Tân Thới Nhất", "26791", "Phường Đông Hưng Thuận"),
            ("26779", "Phường An Phú Đông", "26767", "Phường An Phú Đông"),
        ],
    ),
    MY_THO: _places(
        TIEN_GIANG_PROVINCE,
        [
            ("28261", "Phường 1", "28261", "Phường Mỹ Tho"),
            ("28264", "Phường 2", "28261", "Phường Mỹ Tho"),
            ("28279", "Phường Tân Long", "28261", "Phường Mỹ Tho"),
            ("28249", "Phường 5", "28249", "Phường Đạo Thạnh"),
            ("28252", "Phường 4", "28249", "Phường Đạo Thạnh"),
            ("28282", "Xã Đạo Thạnh", "28249", "Phường Đạo Thạnh"),
            ("28270", "Phường 6", "28270", "Phường Thới Sơn"),
            ("28591", "Xã Thới Sơn", "28270", "Phường Thới Sơn"),
            ("28273", "Phường 9", "28273", "Phường Mỹ Phong"),
            ("28288", "Xã Mỹ Phong", "28273", "Phường Mỹ Phong"),
            ("28291", "Xã Tân Mỹ Chánh", "28273", "Phường Mỹ Phong"),
            ("28276", "Phường 10", "28285", "Phường Trung An"),
            ("28285", "Xã Trung An", "28285", "Phường Trung An"),
        ],
    ),
}
WARDS[THU_DUC] = WARDS[Q9] + WARDS[Q2] + WARDS[Q_THU_DUC]

# Export-processing and industrial zones of HCMC, with the ward each lies in.
ZONES = [
    (
        "Tân Thuận",
        "KCX",
        Place(HCM_PROVINCE, "27466", "Phường Tân Thuận Đông", "27478", "Phường Tân Thuận"),
    ),
    (
        "Linh Trung",
        "KCX",
        Place(HCM_PROVINCE, "26800", "Phường Linh Trung", "26794", "Phường Linh Xuân"),
    ),
    (
        "Linh Trung II",
        "KCX",
        Place(HCM_PROVINCE, "26797", "Phường Bình Chiểu", "26797", "Phường Tam Bình"),
    ),
    ("Hiệp Phước", "KCN", Place(HCM_PROVINCE, "27661", "Xã Hiệp Phước", "27658", "Xã Hiệp Phước")),
    ("Tân Tạo", "KCN", Place(HCM_PROVINCE, "27457", "Phường Tân Tạo A", "27457", "Phường Tân Tạo")),
    (
        "Tân Bình",
        "KCN",
        Place(HCM_PROVINCE, "27013", "Phường Tây Thạnh", "27013", "Phường Tây Thạnh"),
    ),
    (
        "Vĩnh Lộc",
        "KCN",
        Place(HCM_PROVINCE, "27442", "Phường Bình Hưng Hòa B", "27442", "Phường Bình Tân"),
    ),
    (
        "Tây Bắc Củ Chi",
        "KCN",
        Place(HCM_PROVINCE, "27532", "Xã Tân An Hội", "27496", "Xã Tân An Hội"),
    ),
    (
        "Lê Minh Xuân",
        "KCN",
        Place(HCM_PROVINCE, "27610", "Xã Lê Minh Xuân", "27610", "Xã Bình Lợi"),
    ),
]


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    valid_from: datetime.date
    ends: datetime.date | None = None  # last day, when the unit no longer exists today
    short_name: str = ""
    province: str | None = None  # for units without a ward
    place: Place | None = None
    enterprise_name: str = ""
    ownership: str = ""
    workforce: int | None = None
    members: int | None = None
    ends_note: str = ""

    @property
    def legacy(self):
        """Closed before the reform: its areas are the legacy ones it stood in."""
        return self.ends is not None and self.ends < REFORM_DATE


# ------------------------------------------------------------------ invented names and figures

PERSONS = [
    "Lê Văn Việt",
    "Nguyễn Văn Trỗi",
    "Trần Quốc Toản",
    "Võ Thị Sáu",
    "Lê Quý Đôn",
    "Nguyễn Du",
    "Phan Bội Châu",
    "Trương Định",
    "Hùng Vương",
    "Nguyễn Trãi",
    "Chu Văn An",
    "Lý Thường Kiệt",
    "Trần Hưng Đạo",
    "Nguyễn Thị Minh Khai",
    "Lương Thế Vinh",
    "Đinh Tiên Hoàng",
    "Kim Đồng",
    "Phan Chu Trinh",
    "Huỳnh Thúc Kháng",
    "Ngô Quyền",
    "Nguyễn Đình Chiểu",
    "Thủ Khoa Huân",
    "Lê Ngọc Hân",
    "Trần Văn Ơn",
    "Nguyễn Hiền",
    "Bùi Thị Xuân",
    "Tô Vĩnh Diện",
    "Phạm Ngũ Lão",
]
FLOWERS = [
    "Hoa Sen",
    "Hoa Mai",
    "Sơn Ca",
    "Họa Mi",
    "Vành Khuyên",
    "Bông Hồng",
    "Hướng Dương",
    "Tuổi Thơ",
    "Ánh Dương",
    "Sao Mai",
    "Hoa Cúc",
    "Thỏ Ngọc",
]
TRADE_NAMES = [
    "Phương Nam",
    "Hòa Bình",
    "Thành Công",
    "Tân Tiến",
    "Đại Phát",
    "Minh Khang",
    "An Phú Hưng",
    "Hưng Thịnh",
    "Gia Phát",
    "Trường Sơn",
    "Vạn Lợi",
    "Thuận Phát",
    "Bảo Long",
    "Nam Việt",
    "Sao Mai",
    "Đông Á",
    "Kim Ngân",
    "Thiên Phúc",
    "Phú Cường",
    "Tín Nghĩa",
    "Hoàng Long",
    "Việt Thắng",
    "Quang Minh",
    "Hải Đăng",
    "Thịnh Vượng",
    "Tâm An",
    "Ngọc Lan",
    "Đức Tín",
    "Nhật Quang",
    "Hồng Phúc",
    "Sông Tiền",
    "Cửu Long",
]
PRIVATE_INDUSTRIES = [
    "Xây dựng",
    "Vận tải",
    "Thực phẩm",
    "May mặc",
    "In ấn bao bì",
    "Nhựa",
    "Cơ khí",
    "Dược phẩm",
    "Thương mại dịch vụ",
    "Gỗ nội thất",
    "Vật liệu xây dựng",
    "Điện lạnh",
    "Giày dép",
    "Bánh kẹo",
    "Giao nhận kho vận",
    "Dịch vụ bảo vệ",
]
DELTA_INDUSTRIES = [
    "Chế biến thủy sản",
    "Lương thực",
    "Chế biến trái cây",
    "Thức ăn chăn nuôi",
    "Đóng tàu",
    "Nước mắm",
    "Xay xát gạo",
    "Vật tư nông nghiệp",
]
FDI_INDUSTRIES = [
    "Điện tử",
    "Linh kiện điện tử",
    "May mặc",
    "Giày da",
    "Cơ khí chính xác",
    "Bao bì",
    "Nhựa kỹ thuật",
    "Dệt kim",
    "Thiết bị y tế",
    "Đồ gỗ",
    "Thực phẩm",
    "Quang học",
    "Dây cáp điện",
    "Túi xách",
    "Đồ chơi",
    "Khuôn mẫu",
]
# Syllables for invented foreign brand names (Katec, Sunhwa…).
BRAND_HEADS = [
    "Ka",
    "To",
    "Mi",
    "Sa",
    "Ha",
    "Jin",
    "Won",
    "Lin",
    "Yo",
    "Ta",
    "Ri",
    "Ko",
    "Se",
    "Dae",
    "Mei",
    "Asa",
    "Sun",
]
BRAND_TAILS = [
    "wa",
    "tec",
    "sei",
    "mori",
    "kang",
    "feng",
    "tron",
    "lex",
    "moto",
    "yang",
    "nic",
    "hwa",
]
STATE_FIRMS = [
    "Công ty TNHH MTV Dịch vụ công ích {trade}",
    "Công ty Cổ phần Cấp thoát nước {trade}",
    "Công ty TNHH MTV Môi trường đô thị {trade}",
    "Công ty Cổ phần Công trình giao thông {trade}",
]
AGENCIES = [
    "Kho bạc Nhà nước {where}",
    "Chi cục Thống kê {where}",
    "Trung tâm Văn hóa - Thể thao {where}",
    "Bưu điện {where}",
    "Ban Quản lý chợ {trade}",
    "Trung tâm Giáo dục nghề nghiệp {where}",
]

HOSPITALS = [
    "Trung tâm Y tế {where}",
    "Bệnh viện Đa khoa khu vực {where}",
    "Bệnh viện Y học cổ truyền {where}",
    "Bệnh viện Phục hồi chức năng {trade}",
]

# (profile, weight): what kinds of employers a district's grassroots unions are.
URBAN = [
    ("private", 45),
    ("school", 20),
    ("agency", 10),
    ("state", 10),
    ("fdi", 10),
    ("clinic", 3),
    ("hospital", 2),
]
RURAL = [("private", 40), ("school", 30), ("agency", 15), ("state", 10), ("fdi", 5)]
ZONE = [("fdi", 75), ("private", 25)]
TOWN = [
    ("school", 30),
    ("agency", 15),
    ("private", 20),
    ("delta", 15),
    ("state", 5),
    ("hospital", 10),
    ("clinic", 5),
]


class _Generator:
    """Invented employers with plausible figures, drawn from one seeded generator."""

    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.used = set()

    def _unique(self, make):
        for _attempt in range(200):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("demo name generator exhausted")

    def _workforce(self, low, high):
        # Log-uniform: many small employers, a few large ones.
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return int(round(value, -1)) if value >= 100 else int(value)

    def _members(self, workforce, low, high):
        return max(1, min(workforce, int(workforce * self.rng.uniform(low, high))))

    def _brand(self):
        return self.rng.choice(BRAND_HEADS) + self.rng.choice(BRAND_TAILS)

    def employer(self, profile, where="", zone=None):
        """(enterprise name, ownership, workforce, members) for one grassroots union."""
        rng = self.rng
        if profile == "fdi":
            industry = rng.choice(FDI_INDUSTRIES)
            if zone and rng.random() < 0.35:
                suffix = rng.choice(["Việt", "Vina", "Sài Gòn"])
                name = self._unique(
                    lambda: f"Công ty TNHH {rng.choice(FDI_INDUSTRIES)} {zone} {suffix}"
                )
            else:
                name = self._unique(lambda: f"Công ty TNHH {industry} {self._brand()} Việt Nam")
            workforce = self._workforce(300, 9000)
            return name, Ownership.FDI, workforce, self._members(workforce, 0.62, 0.95)
        if profile in ("private", "delta"):
            industries = DELTA_INDUSTRIES if profile == "delta" else PRIVATE_INDUSTRIES
            name = self._unique(
                lambda: "Công ty {} {} {}".format(
                    rng.choice(["TNHH", "TNHH", "Cổ phần"]),
                    rng.choice(industries),
                    rng.choice(TRADE_NAMES),
                )
            )
            workforce = self._workforce(40, 1500)
            return name, Ownership.NON_STATE, workforce, self._members(workforce, 0.5, 0.9)
        if profile == "state":
            name = self._unique(
                lambda: rng.choice(STATE_FIRMS).format(trade=rng.choice(TRADE_NAMES))
            )
            workforce = self._workforce(80, 700)
            return name, Ownership.STATE, workforce, self._members(workforce, 0.9, 1.0)
        if profile == "school":

            def school():
                level = rng.choice(
                    ["Mầm non", "Tiểu học", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông"]
                )
                person = rng.choice(FLOWERS if level == "Mầm non" else PERSONS)
                return f"Trường {level} {person}"

            name = self._unique(school)
            workforce = self.rng.randint(35, 120)
            return name, Ownership.STATE, workforce, self._members(workforce, 0.92, 1.0)
        if profile == "clinic":
            name = self._unique(
                lambda: "{} {}".format(
                    rng.choice(["Phòng khám Đa khoa", "Bệnh viện Đa khoa", "Nhà thuốc"]),
                    rng.choice(TRADE_NAMES),
                )
            )
            workforce = self._workforce(20, 400)
            return name, Ownership.NON_STATE, workforce, self._members(workforce, 0.6, 0.95)
        if profile == "hospital":
            name = self._unique(
                lambda: rng.choice(HOSPITALS).format(where=where, trade=rng.choice(TRADE_NAMES))
            )
            workforce = self._workforce(150, 900)
            return name, Ownership.STATE, workforce, self._members(workforce, 0.9, 1.0)
        if profile == "agency":
            name = self._unique(
                lambda: rng.choice(AGENCIES).format(where=where, trade=rng.choice(TRADE_NAMES))
            )
            workforce = self.rng.randint(15, 90)
            return name, Ownership.STATE, workforce, self._members(workforce, 0.95, 1.0)
        raise ValueError(profile)

    def profile(self, weights):
        names, w = zip(*weights, strict=True)
        return self.rng.choices(names, weights=w)[0]

    def date(self, first, last):
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))


def _grassroots(gen, tag, parent, count, weights, founded, places, where, first=1, zones=None):
    specs = []
    for i in range(first, first + count):
        zone = None
        if zones:
            zone, _zone_kind, place = gen.rng.choice(zones)
        else:
            # Round-robin over a shuffled list spreads the unions over every ward.
            if (i - first) % len(places) == 0:
                order = gen.rng.sample(places, len(places))
            place = order[(i - first) % len(places)]
        profile = gen.profile(weights)
        name, ownership, workforce, members = gen.employer(profile, where=where, zone=zone)
        specs.append(
            UnitSpec(
                code=f"CS-{tag}-{i:02d}",
                name=f"Công đoàn cơ sở {name}",
                kind="cd_co_so",
                parent=parent,
                valid_from=gen.date(*founded),
                place=place,
                enterprise_name=name,
                ownership=ownership,
                workforce=workforce,
                members=members,
            )
        )
    return specs


def _close(spec, day, note):
    spec.ends = day
    spec.ends_note = note
    spec.valid_from = min(spec.valid_from, day - datetime.timedelta(days=400))
    return spec


def tree_spec():
    """Every unit of the demo, parents before children, as the same list on every run."""
    gen = _Generator()
    out = [
        UnitSpec(
            ROOT,
            "Tổng Liên đoàn Lao động Việt Nam",
            "tong_lien_doan",
            None,
            D(1929, 7, 28),
            short_name="TLĐLĐVN",
        ),
        UnitSpec(
            HCM,
            "Liên đoàn Lao động Thành phố Hồ Chí Minh",
            "ldld_tinh",
            ROOT,
            D(1975, 5, 4),
            short_name="LĐLĐ TP.HCM",
            province=HCM_PROVINCE,
        ),
        UnitSpec(
            TIEN_GIANG,
            "Liên đoàn Lao động tỉnh Tiền Giang",
            "ldld_tinh",
            ROOT,
            D(1976, 3, 1),
            ends=REFORM_EVE,
            short_name="LĐLĐ Tiền Giang",
            province=TIEN_GIANG_PROVINCE,
        ),
    ]
    districts = [
        (Q2, "Liên đoàn Lao động Quận 2", "LĐLĐ Quận 2", D(1997, 4, 1), THU_DUC_MERGE - ONE_DAY),
        (Q9, "Liên đoàn Lao động Quận 9", "LĐLĐ Quận 9", D(1997, 4, 1), THU_DUC_MERGE - ONE_DAY),
        (
            Q_THU_DUC,
            "Liên đoàn Lao động Quận Thủ Đức",
            "LĐLĐ Quận Thủ Đức",
            D(1997, 4, 1),
            THU_DUC_MERGE - ONE_DAY,
        ),
        (
            THU_DUC,
            "Liên đoàn Lao động Thành phố Thủ Đức",
            "LĐLĐ TP Thủ Đức",
            THU_DUC_MERGE,
            REFORM_EVE,
        ),
        (Q7, "Liên đoàn Lao động Quận 7", "LĐLĐ Quận 7", D(1997, 4, 1), REFORM_EVE),
        (
            BINH_TAN,
            "Liên đoàn Lao động Quận Bình Tân",
            "LĐLĐ Quận Bình Tân",
            D(2003, 12, 5),
            REFORM_EVE,
        ),
        (CU_CHI, "Liên đoàn Lao động Huyện Củ Chi", "LĐLĐ Huyện Củ Chi", D(1977, 1, 1), REFORM_EVE),
        (Q12, "Liên đoàn Lao động Quận 12", "LĐLĐ Quận 12", D(1997, 4, 1), REFORM_EVE),
    ]
    for code, name, short, start, end in districts:
        out.append(
            UnitSpec(
                code,
                name,
                "ldld_huyen",
                HCM,
                start,
                ends=end,
                short_name=short,
                province=HCM_PROVINCE,
            )
        )
    out += [
        UnitSpec(
            KCN,
            "Công đoàn các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
            "cd_kcn",
            HCM,
            D(1992, 7, 1),
            short_name="CĐ các KCX-KCN TP.HCM",
            province=HCM_PROVINCE,
        ),
        UnitSpec(
            GTVT,
            "Công đoàn ngành Giao thông vận tải Thành phố Hồ Chí Minh",
            "cd_nganh",
            HCM,
            D(1976, 1, 1),
            short_name="CĐ ngành GTVT TP.HCM",
            province=HCM_PROVINCE,
        ),
    ]

    old_range = (D(1998, 1, 1), D(2018, 12, 31))
    q9 = _grassroots(gen, "HCM-Q9", Q9, 8, URBAN, old_range, WARDS[Q9], "Quận 9")
    _close(q9[-1], D(2019, 9, 30), "Giải thể do doanh nghiệp chấm dứt hoạt động.")
    q2 = _grassroots(gen, "HCM-Q2", Q2, 5, URBAN, old_range, WARDS[Q2], "Quận 2")
    qtd = _grassroots(
        gen, "HCM-QTD", Q_THU_DUC, 7, URBAN, old_range, WARDS[Q_THU_DUC], "Quận Thủ Đức"
    )
    # Unions founded under the new city, the first in Phường Bình Thọ (now Phường Thủ Đức).
    td = _grassroots(
        gen,
        "HCM-TD",
        THU_DUC,
        3,
        URBAN,
        (D(2021, 3, 1), D(2024, 12, 31)),
        WARDS[THU_DUC],
        "thành phố Thủ Đức",
    )
    td[0].place = WARDS[Q_THU_DUC][1]
    q7 = _grassroots(gen, "HCM-Q7", Q7, 8, URBAN, old_range, WARDS[Q7], "Quận 7")
    _close(q7[-1], D(2022, 3, 31), "Giải thể do doanh nghiệp chuyển địa điểm sản xuất.")
    xe_om = UnitSpec(
        XE_OM,
        "Nghiệp đoàn Xe ôm Quận 7",
        "nghiep_doan",
        Q7,
        D(2009, 5, 1),
        place=WARDS[Q7][2],
        short_name="NĐ Xe ôm Quận 7",
        members=gen.rng.randint(40, 70),
    )
    btan = _grassroots(
        gen,
        "HCM-BTAN",
        BINH_TAN,
        7,
        URBAN,
        (D(2004, 3, 1), D(2019, 12, 31)),
        WARDS[BINH_TAN],
        "Quận Bình Tân",
    )
    cuchi = _grassroots(
        gen,
        "HCM-CUCHI",
        CU_CHI,
        7,
        RURAL,
        (D(1995, 1, 1), D(2019, 12, 31)),
        WARDS[CU_CHI],
        "huyện Củ Chi",
    )
    q12 = _grassroots(gen, "HCM-Q12", Q12, 7, URBAN, old_range, WARDS[Q12], "Quận 12")
    kcn = _grassroots(
        gen, "HCM-KCN", KCN, 17, ZONE, (D(1993, 1, 1), D(2019, 12, 31)), None, "", zones=ZONES
    )
    _close(kcn[-1], D(2023, 12, 31), "Giải thể do doanh nghiệp FDI rút khỏi khu chế xuất.")
    # The transport sector's unions, in wards where ports and bus stations are.
    gtvt = [
        ("Công ty Cổ phần Xe khách Miền Tây Phương Nam", Ownership.NON_STATE, WARDS[BINH_TAN][3]),
        ("Hợp tác xã Vận tải Xe buýt Quyết Thắng", Ownership.NON_STATE, WARDS[Q12][1]),
        ("Công ty TNHH Cảng Container Cát Lái Phương Nam", Ownership.STATE, WARDS[Q2][4]),
        ("Công ty Cổ phần Taxi Sao Mai", Ownership.NON_STATE, WARDS[Q12][3]),
        ("Công ty TNHH MTV Cảng Tân Thuận Đông", Ownership.STATE, WARDS[Q7][0]),
    ]
    gtvt_specs = []
    for i, (name, ownership, place) in enumerate(gtvt, 1):
        workforce = gen._workforce(120, 2500)
        gtvt_specs.append(
            UnitSpec(
                f"CS-HCM-GTVT-{i:02d}",
                f"Công đoàn cơ sở {name}",
                "cd_co_so",
                GTVT,
                gen.date(D(1995, 1, 1), D(2015, 12, 31)),
                place=place,
                enterprise_name=name,
                ownership=ownership,
                workforce=workforce,
                members=gen._members(workforce, 0.7, 0.95),
            )
        )
    out += q9 + q2 + qtd + td + q7 + [xe_om] + btan + cuchi + q12 + kcn + gtvt_specs

    out += [
        UnitSpec(
            MY_THO,
            "Liên đoàn Lao động thành phố Mỹ Tho",
            "ldld_huyen",
            TIEN_GIANG,
            D(1976, 3, 1),
            ends=REFORM_EVE,
            short_name="LĐLĐ TP Mỹ Tho",
            province=TIEN_GIANG_PROVINCE,
        ),
        UnitSpec(
            VIEN_CHUC_TG,
            "Công đoàn Viên chức tỉnh Tiền Giang",
            "cd_nganh",
            TIEN_GIANG,
            D(2008, 1, 1),
            short_name="CĐ Viên chức Tiền Giang",
            province=DONG_THAP_PROVINCE,
        ),
    ]
    my_tho = _grassroots(
        gen,
        "TG-MT",
        MY_THO,
        23,
        TOWN,
        (D(1990, 1, 1), D(2020, 12, 31)),
        WARDS[MY_THO],
        "thành phố Mỹ Tho",
    )
    _close(my_tho[-1], D(2020, 6, 30), "Giải thể do sáp nhập trường.")
    xe_om_my_tho = UnitSpec(
        XE_OM_MY_THO,
        "Nghiệp đoàn Xe ôm thành phố Mỹ Tho",
        "nghiep_doan",
        MY_THO,
        D(2011, 9, 1),
        place=WARDS[MY_THO][0],
        short_name="NĐ Xe ôm Mỹ Tho",
        members=gen.rng.randint(30, 60),
    )
    vien_chuc = _grassroots(
        gen,
        "TG-VC",
        VIEN_CHUC_TG,
        3,
        [("agency", 1)],
        (D(2008, 1, 1), D(2015, 12, 31)),
        WARDS[MY_THO][:3],
        "tỉnh Tiền Giang",
    )
    out += my_tho + [xe_om_my_tho] + vien_chuc

    out.append(
        UnitSpec(
            DONG_THAP,
            "Liên đoàn Lao động tỉnh Đồng Tháp",
            "ldld_tinh",
            ROOT,
            REFORM_DATE,
            short_name="LĐLĐ Đồng Tháp",
            province=DONG_THAP_PROVINCE,
        )
    )
    out += [_ward_union(place, HCM) for place in _reform_places(out, HCM_DISTRICTS)]
    out += [_ward_union(place, DONG_THAP) for place in _reform_places(out, (MY_THO,))]
    return out


def _ward_union(place, parent):
    name = place.name[0].lower() + place.name[1:]
    return UnitSpec(
        ward_union_code(place.province, place.code),
        f"Công đoàn {name}",
        "cd_xa",
        parent,
        REFORM_DATE,
        short_name=f"CĐ {name}",
        place=Place(place.province, "", "", place.code, place.name),
    )


def _reform_places(specs, districts):
    """The 2025 wards of the grassroots unions still open under `districts` at the reform."""
    seen = {}
    for spec in specs:
        if spec.parent in districts and spec.place and spec.ends is None:
            seen.setdefault(spec.place.code, spec.place)
    return sorted(seen.values(), key=lambda p: p.code)


def reform_moves(specs):
    """(grassroots code, ward union code): where each open grassroots union of a district
    federation went on 01/07/2025."""
    districts = set(HCM_DISTRICTS) | {MY_THO}
    return [
        (s.code, ward_union_code(s.place.province, s.place.code))
        for s in specs
        if s.parent in districts and s.place and s.ends is None
    ]


# ------------------------------------------------------------------ geography


class _Areas:
    """Looks the demo's places up in org.Area; a missing area leaves the field empty."""

    def __init__(self):
        self.cache = {}
        self.missing = set()

    def _get(self, key, *queries):
        if key not in self.cache:
            found = None
            for query in queries:
                rows = list(Area.objects.filter(**query)[:2])
                if len(rows) == 1:
                    found = rows[0]
                    break
            if found is None:
                self.missing.add(key)
            self.cache[key] = found
        return self.cache[key]

    def province(self, code, legacy):
        level = AreaLevel.LEGACY_PROVINCE if legacy else AreaLevel.PROVINCE
        return self._get((level, code), {"level": level, "code": code})

    def ward(self, place, legacy):
        if legacy:
            return self._get(
                (AreaLevel.LEGACY_WARD, place.legacy_code),
                {"level": AreaLevel.LEGACY_WARD, "code": place.legacy_code},
                {
                    "level": AreaLevel.LEGACY_WARD,
                    "province__code": place.province,
                    "name": place.legacy_name,
                },
            )
        return self._get(
            (AreaLevel.WARD, place.name),
            {"level": AreaLevel.WARD, "province__code": place.province, "name": place.name},
            {"level": AreaLevel.WARD, "province__code": place.province, "code": place.code},
        )

    def of(self, spec):
        """(province, ward) for a unit: the legacy areas if it closed before the reform."""
        ward = self.ward(spec.place, spec.legacy) if spec.place else None
        if ward is not None:
            return ward.province, ward
        code = spec.place.province if spec.place else spec.province
        return (self.province(code, spec.legacy) if code else None), None


# ------------------------------------------------------------------ loading


def _fields(spec, kinds, areas):
    province, ward = areas.of(spec)
    return dict(
        name=spec.name,
        short_name=spec.short_name,
        kind=kinds[spec.kind],
        province=province,
        ward=ward,
        valid_from=spec.valid_from,
        enterprise_name=spec.enterprise_name,
        ownership=spec.ownership,
        workforce=spec.workforce,
        members=spec.members,
    )


def _differs(unit, name, value):
    if name in ("kind", "province", "ward"):  # compare ids: no query per unit on a re-run
        return getattr(unit, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(unit, name) != value


def _ensure_unit(actor, spec, unit, units, kinds, areas, stats):
    fields = _fields(spec, kinds, areas)
    if unit is None:
        if spec.parent is None:
            unit = services.create_root_unit(actor=actor, code=spec.code, **fields)
        else:
            unit = services.create_unit(actor, parent=units[spec.parent], code=spec.code, **fields)
        stats["created"] += 1
    else:
        changed = {k: v for k, v in fields.items() if _differs(unit, k, v)}
        if changed:
            unit = services.update_unit(actor, unit, **changed)
            stats["updated"] += 1
    units[spec.code] = unit
    return unit


def _state():
    """{code: (valid_to, parent id)}: what the guards below read, in one query per phase."""
    return {
        code: (valid_to, parent)
        for code, valid_to, parent in Unit.objects.values_list("code", "valid_to", "parent_id")
    }


def _apply_events(actor, specs, units, stats):
    """The tree's dated changes, in the order they happened; each is skipped once done.
    Services re-read the units they change, so the objects in `units` may be stale."""
    state = _state()
    for spec in specs:
        if spec.kind in ("cd_co_so", "nghiep_doan") and spec.ends and state[spec.code][0] is None:
            services.close_unit(actor, units[spec.code], spec.ends, note=spec.ends_note)
            stats["events"] += 1

    # 01/01/2021: Quận 2, Quận 9 and Quận Thủ Đức merge into Thành phố Thủ Đức.
    open_sources = [units[c] for c in (Q2, Q9, Q_THU_DUC) if state[c][0] is None]
    if open_sources:
        services.merge_units(
            actor,
            open_sources,
            units[THU_DUC],
            THU_DUC_MERGE,
            note="Thành lập thành phố Thủ Đức trên cơ sở Quận 2, Quận 9 và Quận Thủ Đức.",
        )
        stats["events"] += 1

    # 01/07/2025: no more district level; grassroots unions pass to the ward unions.
    state = _state()
    for child_code, ward_union in reform_moves(specs):
        valid_to, parent_id = state[child_code]
        if valid_to is None and parent_id != units[ward_union].pk:
            services.move_unit(
                actor,
                units[child_code],
                units[ward_union],
                REFORM_DATE,
                note="Sắp xếp tổ chức công đoàn theo chính quyền địa phương hai cấp.",
            )
            stats["events"] += 1
    for code in (*HCM_DISTRICTS, MY_THO):
        if state[code][0] is None:
            services.close_unit(
                actor,
                units[code],
                REFORM_EVE,
                note="Kết thúc hoạt động công đoàn cấp huyện từ 01/07/2025.",
            )
            stats["events"] += 1

    # Tiền Giang merges into Đồng Tháp: its remaining units pass to Đồng Tháp.
    if state[TIEN_GIANG][0] is None:
        services.merge_units(
            actor,
            [units[TIEN_GIANG]],
            units[DONG_THAP],
            REFORM_DATE,
            note="Hợp nhất tỉnh Tiền Giang và tỉnh Đồng Tháp thành tỉnh Đồng Tháp.",
        )
        stats["events"] += 1


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit: str | None
    roles: tuple
    superuser: bool = False


ACCOUNTS = (
    DemoAccount("demo-admin", "Phạm Minh Tuấn", ROOT, (Role.ADMIN,), superuser=True),
    DemoAccount("demo-tinh", "Trần Thị Thu Hà", HCM, (Role.ADMIN,)),
    # A mid-level union that is open throughout 2018–today (the district federations closed
    # in 2025), so its editor sees a living subtree.
    DemoAccount("demo-huyen", "Lê Văn Hùng", KCN, (Role.EDITOR, Role.APPROVER)),
    DemoAccount("demo-coso", "Nguyễn Thị Lan", COSO, (Role.EDITOR,)),
    DemoAccount("demo-congan", "Võ Thành Nam", HCM, (Role.POLICE,)),
    # Đồng Tháp now holds Mỹ Tho's grassroots unions (through the new ward unions).
    DemoAccount("demo-mytho", "Huỳnh Văn Phúc", DONG_THAP, (Role.ADMIN,)),
    # Reads who sent a tip (the sealed identity) over HCMC, beside a reader's role; no admin,
    # not even demo-admin, holds it.
    DemoAccount("demo-bimat", "Đặng Thị Mai", HCM, (Role.VIEWER, Role.IDENTITY)),
)


def _check_password(password, user):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _set_password(user, password):
    """Reset to the shared password; a matching hash is left alone so a re-run writes nothing."""
    if check_password(password, user.password):
        return
    _check_password(password, user)
    # The password is excluded from the audit history, so no history row is due.
    type(user).objects.filter(pk=user.pk).update(password=make_password(password))


def _admin_account(password):
    """demo-admin, the superuser the loader acts as (so the audit trail names it)."""
    User = get_user_model()
    spec = ACCOUNTS[0]
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        last, _sep, first = spec.full_name.rpartition(" ")
        user = User(
            username=spec.username,
            first_name=first,
            last_name=last,
            is_superuser=True,
            is_staff=True,
        )
        _check_password(password, user)
        user.set_password(password)
        user._history_user = None
        user.save()
        return user
    if not (user.is_superuser and user.is_staff and user.is_active):
        user.is_superuser = user.is_staff = user.is_active = True
        user._history_user = user
        user.save(update_fields=["is_superuser", "is_staff", "is_active"])
    _set_password(user, password)
    return user


def police_wards():
    return list(
        Area.objects.filter(
            level=AreaLevel.WARD, province__code=HCM_PROVINCE, name__in=POLICE_WARDS
        )
    )


def _ensure_accounts(actor, password, units, stdout):
    User = get_user_model()
    wards = police_wards()
    for spec in ACCOUNTS:
        unit = units[spec.unit]
        if Role.POLICE in spec.roles and len(wards) < len(POLICE_WARDS):
            if stdout is not None:
                stdout.write(
                    f"Bỏ qua {spec.username}: chưa có địa giới (hãy chạy binhyen load-areas)."
                )
            continue
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = services.create_user(
                actor,
                username=spec.username,
                full_name=spec.full_name,
                password=password,
                unit=unit,
                role=spec.roles[0],
                wards=wards if spec.roles[0] == Role.POLICE else (),
            )
        elif user != actor:
            _set_password(user, password)
        for role in spec.roles:
            held = Assignment.objects.filter(user=user, unit=unit, role=role, active=True).first()
            if held is None:
                services.assign_role(
                    actor, user, unit, role, wards=wards if role == Role.POLICE else ()
                )
            elif role == Role.POLICE and set(held.wards.all()) != set(wards):
                held._history_user = actor
                held.wards.set(wards)


@transaction.atomic
def load(stdout=None, password=DEFAULT_PASSWORD):
    """Create or complete the demo tree and accounts; a second run changes nothing.
    Returns {"created", "updated", "events"} counts of this run."""
    stats = Counter(created=0, updated=0, events=0)
    actor = _admin_account(password)
    kinds = {k.code: k for k in UnitKind.objects.all()}
    areas = _Areas()
    specs = tree_spec()
    units = {}
    existing = Unit.objects.in_bulk([spec.code for spec in specs], field_name="code")
    for spec in specs:
        _ensure_unit(actor, spec, existing.get(spec.code), units, kinds, areas, stats)
    _apply_events(actor, specs, units, stats)
    _ensure_accounts(actor, password, units, stdout)
    if stdout is not None and areas.missing:
        stdout.write(
            f"Chưa tìm thấy {len(areas.missing)} địa bàn trong bảng địa giới; các đơn vị đó để trống "
            "tỉnh/phường (chạy binhyen load-areas rồi chạy lại lệnh này)."
        )
    return dict(stats)


# ------------------------------------------------------------------ reading the demo back


def parents_on(day):
    """{unit id: parent id} as the tree stood on `day`, replayed from the dated events."""
    parents = {}
    rows = (
        UnitEvent.objects.filter(
            kind__in=[UnitEventKind.CREATED, UnitEventKind.MOVED], date__lte=day
        )
        .order_by("date", "id")
        .values_list("unit_id", "new_parent_id")
    )
    for unit_id, parent_id in rows:
        parents[unit_id] = parent_id
    return parents


def grassroots(under=HCM, on=None):
    """Grassroots unions (and nghiệp đoàn) under the unit coded `under`: in today's tree, or,
    given a date, in the tree as it stood that day (LĐLĐ TP Mỹ Tho's unions in 2022)."""
    top = Unit.objects.get(code=under)
    qs = Unit.objects.filter(kind__is_grassroots=True)
    if on is None:
        return qs.filter(path__startswith=top.path)
    parents = parents_on(on)
    ids = []
    for unit_id in qs.open_on(on).values_list("id", flat=True):
        node = parents.get(unit_id)
        while node is not None and node != top.pk:
            node = parents.get(node)
        if node == top.pk:
            ids.append(unit_id)
    return qs.filter(pk__in=ids)


def account_rows():
    """(username, roles, scope) of each demo account, as the commands print them."""
    User = get_user_model()
    rows = []
    for spec in ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            continue
        assignments = list(
            Assignment.objects.filter(user=user, active=True)
            .select_related("unit")
            .prefetch_related("wards")
        )
        roles = ", ".join(str(Role(a.role).label) for a in assignments)
        if user.is_superuser:
            roles = "Quản trị hệ thống (superuser)" + (f"; {roles}" if roles else "")
            scope = "Toàn bộ hệ thống, trang quản trị /admin/"
        elif any(a.role == Role.POLICE for a in assignments):
            wards = sorted({w.name for a in assignments for w in a.wards.all()})
            scope = ", ".join(wards) + " (Thành phố Hồ Chí Minh)"
        else:
            scope = "; ".join(sorted({a.unit.name for a in assignments}))
        visible = Unit.objects.visible_to(user).count()
        rows.append((user.username, roles, f"{scope} — thấy {visible} đơn vị"))
    return rows
