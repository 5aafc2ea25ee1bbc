"""Vietnam's administrative geography in org.Area: loaded from the packages' data files, read back by small helpers.

Two sources, read directly from the data files they ship (no per-row APIs, no network):

- `vietnam_provinces` (data/nested-divisions.json): the 34 provinces and the wards, communes and
  special zones in force since 2025-07-01, with their official codes and names. It is the
  reference for every current code and name.
- `vietnamadminunits` (data/dataset.db, data/converter_2025.json): the legacy 63 provinces, their
  districts and wards, centroids for old and new areas, and which 2025 ward each legacy ward went
  into. Its 2025 table disagrees with `vietnam_provinces` on the code of about 120 new wards, so
  new wards are matched between the two by province and name, never by code.
"""

import datetime
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from binhyen.core.text import fold, format_number

from .models import REFORM_DATE, Area, AreaLevel

LEGACY_VALID_TO = REFORM_DATE - datetime.timedelta(days=1)

# Parents and successors always point to an earlier level, so one pass in this order can
# resolve every reference to an id.
LEVEL_ORDER = (
    AreaLevel.PROVINCE,
    AreaLevel.WARD,
    AreaLevel.LEGACY_PROVINCE,
    AreaLevel.LEGACY_DISTRICT,
    AreaLevel.LEGACY_WARD,
)
COMPARED_FIELDS = (
    "name",
    "parent_id",
    "province_id",
    "valid_to",
    "successor_id",
    "latitude",
    "longitude",
    "search_text",
)


@dataclass(frozen=True)
class AreaRow:
    """One area as the sources describe it; references are (level, code) keys."""

    level: str
    code: str
    name: str
    parent: tuple | None = None
    province: tuple | None = None
    successor: tuple | None = None
    valid_to: datetime.date | None = None
    latitude: float | None = None
    longitude: float | None = None


def _clean(name):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def _match_key(name):
    # The packages write apostrophes and dashes differently (Cư M’gar / Cư M'gar,
    # Chân Mây – Lăng Cô / Chân Mây - Lăng Cô).
    return _clean(name).replace("’", "'").replace("–", "-")


def _data_dirs():
    # find_spec locates vietnamadminunits without importing it: its __init__ loads 4 MB of
    # parser tables this loader never uses.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(_("Thiếu gói vietnamadminunits (địa giới trước 01/07/2025)."))
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    return Path(NESTED_DIVISIONS_JSON_PATH), Path(spec.submodule_search_locations[0]) / "data"


def read_sources():
    """Every area the two packages describe, as AreaRows in LEVEL_ORDER."""
    nested_path, vau_dir = _data_dirs()
    with open(nested_path, encoding="utf-8") as fh:
        nested = json.load(fh)
    with open(vau_dir / "converter_2025.json", encoding="utf-8") as fh:
        converter = json.load(fh)
    with closing(sqlite3.connect(f"file:{vau_dir / 'dataset.db'}?mode=ro", uri=True)) as conn:
        new_rows = conn.execute(
            "SELECT provinceCode, province, provinceKey, provinceLat, provinceLon,"
            " wardCode, ward, wardKey, wardLat, wardLon FROM admin_units"
        ).fetchall()
        legacy_rows = conn.execute(
            "SELECT provinceCode, province, provinceKey, provinceLat, provinceLon,"
            " districtCode, district, districtKey, districtLat, districtLon,"
            " wardCode, ward, wardKey, wardLat, wardLon"
            " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()

    rows = []
    # 2025 provinces and wards: codes and ward names from vietnam_provinces; the full province
    # name ("Tỉnh Đồng Tháp", where vietnam_provinces writes "Đồng Tháp") and centroids from
    # vietnamadminunits.
    vau_province = {}
    vau_ward_by_name = {}
    vau_ward_by_code = {}
    new_key_to_row = {}
    for pcode, pname, pkey, plat, plon, wcode, wname, wkey, wlat, wlon in new_rows:
        vau_province[pcode] = (pname, pkey, plat, plon)
        vau_ward_by_name[(pcode, _match_key(wname))] = (wlat, wlon, pkey, wkey)
        vau_ward_by_code[(pcode, wcode)] = (wlat, wlon, pkey, wkey)
    folded = defaultdict(list)
    for key in vau_ward_by_name:
        folded[(key[0], fold(key[1]))].append(key)

    province_key_to_code = {}
    unmatched = []
    for province in nested:
        pcode = f"{province['code']:02d}"
        full_name, pkey, plat, plon = vau_province.get(pcode, (province["name"], None, None, None))
        province_key_to_code[pkey] = pcode
        rows.append(
            AreaRow(
                AreaLevel.PROVINCE,
                pcode,
                _clean(full_name),
                latitude=plat,
                longitude=plon,
            )
        )
        for ward in province["wards"]:
            wcode = f"{ward['code']:05d}"
            name = _clean(ward["name"])
            match = vau_ward_by_name.get((pcode, _match_key(name)))
            if match is None:
                # Same name but different tone-mark placement (Thuỷ / Thủy), if unambiguous.
                candidates = folded.get((pcode, fold(_match_key(name))), [])
                if len(candidates) == 1:
                    match = vau_ward_by_name[candidates[0]]
            if match is None:
                match = vau_ward_by_code.get((pcode, wcode))
            if match is None:
                unmatched.append(f"{name} ({wcode})")
                lat = lon = None
            else:
                lat, lon, _pkey, wkey = match
                new_key_to_row[(_pkey, wkey)] = (AreaLevel.WARD, wcode)
            ref = (AreaLevel.PROVINCE, pcode)
            rows.append(
                AreaRow(
                    AreaLevel.WARD,
                    wcode,
                    name,
                    parent=ref,
                    province=ref,
                    latitude=lat,
                    longitude=lon,
                )
            )
    if unmatched:
        raise RuntimeError(
            _("Không ghép được %(n)d phường/xã giữa hai nguồn dữ liệu: %(names)s")
            % {"n": len(unmatched), "names": ", ".join(unmatched[:10])}
        )

    # Where each legacy province and ward went.
    new_province_of = {
        old: province_key_to_code[new]
        for new, olds in converter["DICT_PROVINCE"].items()
        for old in olds
    }
    new_ward_of = {}
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, olds in wards.items():
            for old in olds:
                new_ward_of[old] = new_key_to_row[(new_pkey, new_wkey)]
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            # A divided ward succeeds to the part the package marks as its default, the one
            # most of it went into.
            main = next((p for p in parts if p["isDefaultNewWard"]), parts[0])
            new_ward_of.setdefault(old, new_key_to_row[(new_pkey, main["newWardKey"])])

    provinces, districts, wards = {}, {}, []
    district_successors = defaultdict(set)
    for (
        pcode,
        pname,
        pkey,
        plat,
        plon,
        dcode,
        dname,
        dkey,
        dlat,
        dlon,
        wcode,
        wname,
        wkey,
        wlat,
        wlon,
    ) in legacy_rows:
        if pcode not in provinces:
            provinces[pcode] = AreaRow(
                AreaLevel.LEGACY_PROVINCE,
                pcode,
                _clean(pname),
                successor=(AreaLevel.PROVINCE, new_province_of[pkey]),
                valid_to=LEGACY_VALID_TO,
                latitude=plat,
                longitude=plon,
            )
        province_ref = (AreaLevel.LEGACY_PROVINCE, pcode)
        if dcode not in districts:
            districts[dcode] = dict(
                code=dcode,
                name=_clean(dname),
                province=province_ref,
                latitude=dlat,
                longitude=dlon,
                new_province=new_province_of[pkey],
            )
        # Island districts (Côn Đảo, Lý Sơn…) had no wards: the district itself became a
        # special zone, keyed with an empty ward.
        successor = new_ward_of.get(f"{pkey}_{dkey}_{wkey or ''}")
        if successor is not None:
            district_successors[dcode].add(successor)
        if wcode:
            wards.append(
                AreaRow(
                    AreaLevel.LEGACY_WARD,
                    wcode,
                    _clean(wname),
                    parent=(AreaLevel.LEGACY_DISTRICT, dcode),
                    province=province_ref,
                    successor=successor,
                    valid_to=LEGACY_VALID_TO,
                    latitude=wlat,
                    longitude=wlon,
                )
            )
    rows.extend(provinces.values())
    for dcode, d in districts.items():
        went_to = district_successors[dcode]
        # A district that became exactly one ward (or special zone) succeeds to it; otherwise
        # to the 2025 province its wards lie in.
        successor = (
            next(iter(went_to)) if len(went_to) == 1 else (AreaLevel.PROVINCE, d["new_province"])
        )
        rows.append(
            AreaRow(
                AreaLevel.LEGACY_DISTRICT,
                dcode,
                d["name"],
                parent=d["province"],
                province=d["province"],
                successor=successor,
                valid_to=LEGACY_VALID_TO,
                latitude=d["latitude"],
                longitude=d["longitude"],
            )
        )
    rows.extend(wards)
    return rows


def _values(row, ids):
    def ref(key):
        return ids[key] if key is not None else None

    return {
        "name": row.name,
        "parent_id": ref(row.parent),
        "province_id": ref(row.province),
        "valid_to": row.valid_to,
        "successor_id": ref(row.successor),
        "latitude": row.latitude,
        "longitude": row.longitude,
        # The same formula as Area.save(), which bulk operations bypass.
        "search_text": fold(f"{row.name} {row.code}"),
    }


@transaction.atomic
def load_areas(stdout=None):
    """Create or update every area so the table matches the packages; returns, per level,
    {"total", "created", "updated", "stale"}. Idempotent: a second run compares and writes
    nothing. Areas the sources no longer list are kept (records may point to them) and
    counted as "stale"."""
    rows = read_sources()
    existing = {
        (v["level"], v["code"]): v
        for v in Area.objects.values("id", "level", "code", *COMPARED_FIELDS)
    }
    ids = {key: v["id"] for key, v in existing.items()}
    by_level = defaultdict(list)
    for row in rows:
        by_level[row.level].append(row)

    counts = {}
    for level in LEVEL_ORDER:
        to_create, to_update = [], []
        for row in by_level[level]:
            values = _values(row, ids)
            current = existing.get((level, row.code))
            if current is None:
                to_create.append(Area(level=level, code=row.code, **values))
            elif any(current[f] != values[f] for f in COMPARED_FIELDS):
                to_update.append(Area(id=current["id"], **values))
        if to_create:
            Area.objects.bulk_create(to_create, batch_size=2000)
            # Re-read ids rather than rely on bulk_create returning them on every backend.
            ids.update(
                ((level, code), pk)
                for code, pk in Area.objects.filter(level=level).values_list("code", "id")
            )
        if to_update:
            Area.objects.bulk_update(to_update, COMPARED_FIELDS, batch_size=500)
        source_codes = {row.code for row in by_level[level]}
        stale = sum(1 for lvl, code in existing if lvl == level and code not in source_codes)
        counts[level] = {
            "total": len(by_level[level]),
            "created": len(to_create),
            "updated": len(to_update),
            "stale": stale,
        }
        if stdout is not None:
            stdout.write(summary_line(level, counts[level]))
    return counts


def summary_line(level, count):
    """One line of the load report, in Vietnamese: "Phường/xã/đặc khu: 3.321 (tạo mới …)"."""
    numbers = {key: format_number(value) for key, value in count.items()}
    line = _("%(level)s: %(total)s (tạo mới %(created)s, cập nhật %(updated)s)") % {
        "level": AreaLevel(level).label,
        **numbers,
    }
    if count["stale"]:
        line += _("; %(stale)s không còn trong dữ liệu nguồn (giữ nguyên)") % numbers
    return line


def provinces():
    """The 34 provinces in force, in the official (GSO code) order."""
    return Area.objects.filter(level=AreaLevel.PROVINCE).order_by("code")


def wards_of(province):
    """The wards of a province (an Area or a current province code); a legacy province gives
    its legacy wards."""
    if isinstance(province, str):
        province = Area.objects.get(level=AreaLevel.PROVINCE, code=province)
    level = AreaLevel.LEGACY_WARD if province.is_legacy else AreaLevel.WARD
    return Area.objects.filter(level=level, province=province).order_by("name")


def map_legacy_ward(area):
    """The 2025 ward a legacy ward went into (most of it, when it was divided); a current ward
    maps to itself."""
    if area.level == AreaLevel.WARD:
        return area
    if area.level == AreaLevel.LEGACY_WARD and area.successor_id:
        return area.successor
    raise ValueError(_("%(area)s không phải là phường/xã.") % {"area": area})


def level_counts():
    """How many areas each level holds: {level: n}."""
    counts = dict.fromkeys(LEVEL_ORDER, 0)
    counts.update(
        Area.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return counts
