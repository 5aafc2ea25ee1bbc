"""Demo enterprises: the employers of the demo tree's grassroots unions, and a few hundred more
in Hồ Chí Minh City's export-processing and industrial zones and wards, without a union.

Shape, not real firms: every name, tax code and figure comes from one seeded generator. The
export-processing zones (KCX) are nearly all foreign-invested, mostly from Japan, Taiwan and
Korea; the industrial parks (KCN) about half, with Korea, Taiwan and China ahead; outside the
zones few are. A union stands where the demo tree has one (the grassroots union's own
employer, and some of its branches); the other enterprises, mostly smaller, have none and are
kept by the zones' union or the ward union. Written through the service, so each has its audit
row; a second run changes nothing.
"""

import math
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from binhyen.org import demo as org_demo
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.models import Ownership as UnitOwnership

from . import services
from .models import Enterprise, Industry, Ownership

SEED = 2304
ZONE_EXTRAS = 170  # enterprises without a union in the zones
WARD_EXTRAS = 95  # and in the wards outside them

# (zone, size weight): the export-processing zones first
ZONE_WEIGHTS = {
    "Tân Thuận": 25,
    "Linh Trung": 20,
    "Linh Trung II": 10,
    "Hiệp Phước": 20,
    "Tân Tạo": 25,
    "Tân Bình": 20,
    "Vĩnh Lộc": 20,
    "Tây Bắc Củ Chi": 15,
    "Lê Minh Xuân": 20,
}
FDI_SHARE = {"KCX": 0.86, "KCN": 0.48, None: 0.08}
COUNTRIES = {
    "KCX": [("JP", 30), ("TW", 25), ("KR", 15), ("HK", 8), ("SG", 6), ("CN", 6), ("US", 4)]
    + [("DE", 2), ("FR", 2), ("NL", 2)],
    "KCN": [("KR", 25), ("TW", 20), ("CN", 18), ("JP", 15), ("SG", 7), ("HK", 5)]
    + [("MY", 3), ("TH", 3), ("VG", 4)],
    None: [("KR", 22), ("JP", 20), ("SG", 14), ("TW", 12), ("CN", 10), ("US", 8)]
    + [("HK", 6), ("FR", 3), ("GB", 3), ("AU", 2)],
}
# Invented brand syllables with the sound of the investor's country.
BRANDS = {
    "KR": (
        ["Dong", "Seo", "Jin", "Kum", "Won", "Bo", "Yeon", "Han", "Nam"],
        ["il", "kwang", "shin", "san", "woo", "bit", "mun"],
    ),
    "JP": (
        ["Naka", "Yama", "Asa", "Hira", "Kiku", "Mori", "Tama", "Kawa"],
        ["mura", "seiki", "shima", "tec", "kogyo", "den"],
    ),
    "TW": (
        ["Chen", "Lien", "Hsin", "Kuo", "Yung", "Tai", "Sheng", "Chia"],
        ["feng", "hua", "yang", "chang", "li", "tech"],
    ),
    "CN": (
        ["Hua", "Jia", "Xin", "Zhong", "Long", "Tian", "Rui"],
        ["xing", "da", "yuan", "sheng", "hui", "tong"],
    ),
}
GENERIC_BRANDS = (
    ["Ka", "To", "Mi", "Sa", "Ha", "Lin", "Ta", "Ri", "Ko", "Se", "Asa", "Vel", "Or"],
    ["tec", "lex", "nic", "tron", "vis", "mark", "sys", "ora"],
)
FDI_LINES = [
    ("Điện tử", "dien_tu", 14),
    ("Linh kiện điện tử", "dien_tu", 10),
    ("May mặc", "det_may", 14),
    ("Dệt kim", "det_may", 5),
    ("Giày da", "da_giay", 7),
    ("Túi xách", "da_giay", 4),
    ("Cơ khí chính xác", "co_khi", 8),
    ("Khuôn mẫu", "co_khi", 4),
    ("Bao bì", "hoa_chat_nhua", 5),
    ("Nhựa kỹ thuật", "hoa_chat_nhua", 6),
    ("Đồ gỗ", "go_noi_that", 4),
    ("Thực phẩm", "thuc_pham", 6),
    ("Thiết bị y tế", "khac", 4),
    ("Quang học", "dien_tu", 3),
    ("Dây cáp điện", "dien_tu", 3),
    ("Logistics", "logistics", 3),
]
DOMESTIC_LINES = [
    ("May mặc", "det_may", 14),
    ("Cơ khí", "co_khi", 12),
    ("Thực phẩm", "thuc_pham", 10),
    ("Bao bì", "hoa_chat_nhua", 8),
    ("Nhựa", "hoa_chat_nhua", 7),
    ("Xây dựng", "xay_dung", 9),
    ("Vật liệu xây dựng", "xay_dung", 5),
    ("Vận tải", "logistics", 7),
    ("Giao nhận kho vận", "logistics", 6),
    ("Thương mại dịch vụ", "dich_vu", 10),
    ("Gỗ nội thất", "go_noi_that", 5),
    ("Giày dép", "da_giay", 5),
    ("In ấn", "khac", 4),
]
# Keywords of an employer's name → industry (the demo tree's employers; first match wins).
KEYWORDS = [
    ("Linh kiện điện tử", "dien_tu"),
    ("Điện tử", "dien_tu"),
    ("Dây cáp", "dien_tu"),
    ("Quang học", "dien_tu"),
    ("Điện lạnh", "dien_tu"),
    ("May mặc", "det_may"),
    ("Dệt", "det_may"),
    ("Giày", "da_giay"),
    ("Túi xách", "da_giay"),
    ("Cơ khí", "co_khi"),
    ("Khuôn mẫu", "co_khi"),
    ("Đóng tàu", "co_khi"),
    ("Bao bì", "hoa_chat_nhua"),
    ("Nhựa", "hoa_chat_nhua"),
    ("Gỗ", "go_noi_that"),
    ("Thực phẩm", "thuc_pham"),
    ("Bánh kẹo", "thuc_pham"),
    ("thủy sản", "thuc_pham"),
    ("Lương thực", "thuc_pham"),
    ("trái cây", "thuc_pham"),
    ("Thức ăn", "thuc_pham"),
    ("Nước mắm", "thuc_pham"),
    ("Xay xát", "thuc_pham"),
    ("Xây dựng", "xay_dung"),
    ("Vật liệu", "xay_dung"),
    ("Công trình", "xay_dung"),
    ("Vận tải", "logistics"),
    ("Xe khách", "logistics"),
    ("Xe buýt", "logistics"),
    ("Taxi", "logistics"),
    ("Cảng", "logistics"),
    ("Giao nhận", "logistics"),
    ("Thương mại", "dich_vu"),
    ("Dịch vụ", "dich_vu"),
    ("Môi trường", "dich_vu"),
    ("Cấp thoát nước", "dich_vu"),
]
# Tax-office prefixes: Hồ Chí Minh City's codes start 03; Tiền Giang's (now Đồng Tháp) 12.
TAX_PREFIX = {org_demo.HCM_PROVINCE: "03", org_demo.TIEN_GIANG_PROVINCE: "12"}
MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code(first9):
    """The 10-digit code with its check digit (the tax office's rule), or None when the nine
    digits have none (the office never issues those)."""
    check = 10 - sum(int(d) * w for d, w in zip(first9, MST_WEIGHTS, strict=True)) % 11
    return None if check == 10 else f"{first9}{check}"


def industry_of(name):
    for word, code in KEYWORDS:
        if word.lower() in name.lower():
            return code
    return "khac"


class _Maker:
    def __init__(self, taken_names):
        self.rng = random.Random(SEED)
        self.names = set(taken_names)
        self.codes = set(Enterprise.all_objects.values_list("tax_code", flat=True))

    def weighted(self, rows):
        return self.rng.choices([r[0] for r in rows], weights=[r[-1] for r in rows])[0]

    def tax_code(self, province):
        prefix = TAX_PREFIX.get(province, "03")
        while True:
            code = tax_code(f"{prefix}{self.rng.randint(0, 9_999_999):07d}")
            if code and code not in self.codes:
                self.codes.add(code)
                return code

    def brand(self, country):
        heads, tails = BRANDS.get(country, GENERIC_BRANDS)
        return self.rng.choice(heads) + self.rng.choice(tails)

    def unique(self, make):
        for _attempt in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("demo enterprise names exhausted")

    def workforce(self, low, high):
        value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return int(round(value, -1)) if value >= 100 else int(value)


def _current_ward(area):
    if area is None:
        return None
    return area.successor if area.level == AreaLevel.LEGACY_WARD else area


def _zone_wards():
    """{zone name: (kind "KCX"/"KCN", its 2025 ward)} for the zones found in the geography."""
    out = {}
    for name, kind, place in org_demo.ZONES:
        ward = Area.objects.filter(
            level=AreaLevel.WARD, province__code=place.province, name=place.name
        ).first()
        if ward is not None:
            out[name] = (kind, ward)
    return out


def _of_tree(maker, kcn):
    """The employers of the tree's open grassroots unions (schools, hospitals and agencies are
    not enterprises), each represented by its union; a large foreign one sometimes has a
    second factory (a branch: the code's 13-digit form) that the same union represents."""
    rows = []
    zones = {ward.pk: (name, kind) for name, (kind, ward) in _zone_wards().items()}
    units = (
        Unit.objects.filter(kind__is_grassroots=True, valid_to__isnull=True, ward__isnull=False)
        .exclude(enterprise_name="")
        .select_related("ward__successor", "province")
        .order_by("code")
    )
    for unit in units:
        name = unit.enterprise_name
        if not name.startswith(("Công ty", "Hợp tác xã")):
            continue
        ward = _current_ward(unit.ward)
        if ward is None:
            continue
        in_zones = unit.path.startswith(kcn.path)
        zone = zones.get(ward.pk) if in_zones else None
        ownership = {
            UnitOwnership.FDI: Ownership.FDI,
            UnitOwnership.STATE: Ownership.STATE,
        }.get(unit.ownership, Ownership.PRIVATE)
        country = ""
        if ownership == Ownership.FDI:
            country = maker.weighted(COUNTRIES[zone[1] if zone else None])
        province = ward.province.code if ward.province_id else org_demo.HCM_PROVINCE
        code = maker.tax_code(province)
        where = (
            f"{'Khu chế xuất' if zone[1] == 'KCX' else 'Khu công nghiệp'} {zone[0]}" if zone else ""
        )
        rows.append(
            dict(
                unit=unit,
                name=name,
                tax_code=code,
                ownership=ownership,
                investor_country=country,
                industry=industry_of(name),
                ward=ward,
                address=_address(maker, where, ward),
                workforce=unit.workforce or 0,
                union=unit,
            )
        )
        maker.names.add(name)
        if (
            ownership == Ownership.FDI
            and (unit.workforce or 0) >= 1500
            and maker.rng.random() < 0.5
        ):
            branch_ward = ward
            rows.append(
                dict(
                    unit=unit,
                    name=f"Chi nhánh {name} - Nhà máy số 2",
                    tax_code=f"{code}-001",
                    ownership=ownership,
                    investor_country=country,
                    industry=industry_of(name),
                    ward=branch_ward,
                    address=_address(maker, where, branch_ward),
                    workforce=maker.workforce(300, max(400, unit.workforce // 2)),
                    union=unit,
                )
            )
    return rows


def _address(maker, zone_label, ward):
    rng = maker.rng
    if zone_label:
        return f"Lô {rng.choice('ABCDEFGHKLMN')}{rng.randint(1, 40)}, {zone_label}, {ward.name}"
    street = rng.choice(org_demo.PERSONS)
    return f"{rng.randint(1, 520)} đường {street}, {ward.name}"


def _extras(maker, kcn):
    """Enterprises without a union: in the zones (kept by the zones' union) and in the wards
    that have a ward union (kept by it), mostly smaller than those with one."""
    rows = []
    zones = _zone_wards()
    names = sorted(zones)
    weights = [ZONE_WEIGHTS.get(n, 10) for n in names]
    ward_unions = list(
        Unit.objects.filter(
            kind__code="cd_xa",
            valid_to__isnull=True,
            ward__isnull=False,
            path__startswith=Unit.objects.get(code=org_demo.HCM).path,
        )
        .select_related("ward__province")
        .order_by("code")
    )
    places = (
        [(maker.rng.choices(names, weights)[0], None) for _ in range(ZONE_EXTRAS)] if names else []
    )
    places += (
        [(None, maker.rng.choice(ward_unions)) for _ in range(WARD_EXTRAS)] if ward_unions else []
    )
    for zone, ward_union in places:
        if zone is not None:
            kind, ward = zones[zone]
            keeper = kcn
            label = f"{'Khu chế xuất' if kind == 'KCX' else 'Khu công nghiệp'} {zone}"
        else:
            kind, ward, keeper, label = None, ward_union.ward, ward_union, ""
        fdi = maker.rng.random() < FDI_SHARE[kind]
        if fdi:
            country = maker.weighted(COUNTRIES[kind])
            line, industry, _w = maker.rng.choices(FDI_LINES, [r[2] for r in FDI_LINES])[0]
            name = maker.unique(
                lambda c=country, li=line: f"Công ty TNHH {li} {maker.brand(c)} Việt Nam"
            )
            workforce = maker.workforce(60, 2500)
        else:
            country = ""
            line, industry, _w = maker.rng.choices(DOMESTIC_LINES, [r[2] for r in DOMESTIC_LINES])[
                0
            ]
            name = maker.unique(
                lambda li=line: "Công ty {} {} {}".format(
                    maker.rng.choice(["TNHH", "TNHH", "TNHH MTV", "Cổ phần"]),
                    li,
                    maker.rng.choice(org_demo.TRADE_NAMES),
                )
            )
            workforce = maker.workforce(12, 600)
        rows.append(
            dict(
                unit=keeper,
                name=name,
                tax_code=maker.tax_code(org_demo.HCM_PROVINCE),
                ownership=Ownership.FDI if fdi else Ownership.PRIVATE,
                investor_country=country,
                industry=industry,
                ward=ward,
                address=_address(maker, label, ward),
                workforce=workforce,
                union=None,
            )
        )
    return rows


@transaction.atomic
def load(stdout=None):
    """Create the demo enterprises once; a second run changes nothing."""
    if Enterprise.all_objects.exists():
        if stdout is not None:
            stdout.write("Doanh nghiệp: dữ liệu mẫu đã có, không thay đổi.")
        return {"enterprises": 0}
    actor = get_user_model().objects.filter(username=org_demo.ACCOUNTS[0].username).first()
    kcn = Unit.objects.filter(code=org_demo.KCN).first()
    if actor is None or kcn is None:
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    maker = _Maker(Unit.objects.values_list("enterprise_name", flat=True))
    rows = _of_tree(maker, kcn) + _extras(maker, kcn)
    ownerships = {o.code: o for o in Ownership.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    for row in rows:
        row["ownership"] = ownerships[row["ownership"]]
        row["industry"] = industries.get(row["industry"])
        services.create_enterprise(actor, **row)
    fdi = sum(1 for r in rows if r["ownership"].code == Ownership.FDI)
    unionless = sum(1 for r in rows if r["union"] is None)
    if stdout is not None:
        stdout.write(
            f"Doanh nghiệp: {len(rows)} doanh nghiệp ({fdi} có vốn đầu tư nước ngoài, "
            f"{unionless} chưa có tổ chức công đoàn)."
        )
    return {"enterprises": len(rows), "fdi": fdi, "without_union": unionless}
