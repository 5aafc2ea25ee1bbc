"""Test factories in one place: small functions that build valid objects through the services."""

import datetime
import itertools

from django.contrib.auth.models import User

from binhyen.org import services
from binhyen.org.models import Unit, UnitKind
from binhyen.org.scoping import Role

_seq = itertools.count(1)


def kind(code):
    return UnitKind.objects.get(code=code)


def root_unit(code="TLD", name="Tổng Liên đoàn Lao động Việt Nam"):
    existing = Unit.objects.filter(code=code).first()
    return existing or services.create_root_unit(
        code=code, name=name, kind=kind("tong_lien_doan"), valid_from=datetime.date(1929, 7, 28)
    )


def superuser():
    user, _ = User.objects.get_or_create(
        username="factory-root", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def unit(parent=None, kind_code=None, code=None, name=None, **fields):
    """A unit under `parent` (default: a new province under the root), one rank below it."""
    parent = parent or root_unit()
    if kind_code is None:
        kind_code = {0: "ldld_tinh", 1: "ldld_huyen", 2: "cd_co_so"}.get(
            parent.kind.rank, "cd_co_so"
        )
    n = next(_seq)
    fields.setdefault("valid_from", datetime.date(2015, 1, 1))
    return services.create_unit(
        superuser(),
        parent=parent,
        kind=kind(kind_code),
        code=code or f"U{n:05d}",
        name=name or f"Đơn vị thử {n}",
        **fields,
    )


def user(username=None, role=None, unit=None, password="mat-khau-Thu-9", wards=(), **fields):
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password=password, **fields
    )
    if role is not None:
        services.assign_role(superuser(), user, unit, role, wards=wards)
    return user


def small_tree():
    """root → two provinces → districts → grassroots; returned as a dict by short names."""
    root = root_unit()
    hcm = unit(root, "ldld_tinh", code="HCM", name="Liên đoàn Lao động Thành phố Hồ Chí Minh")
    tg = unit(root, "ldld_tinh", code="TG", name="Liên đoàn Lao động tỉnh Tiền Giang")
    q9 = unit(hcm, "ldld_huyen", code="HCM-Q9", name="Liên đoàn Lao động Quận 9")
    td = unit(hcm, "ldld_huyen", code="HCM-TD", name="Liên đoàn Lao động Thành phố Thủ Đức")
    mt = unit(tg, "ldld_huyen", code="TG-MT", name="Liên đoàn Lao động thành phố Mỹ Tho")
    cs1 = unit(q9, "cd_co_so", code="HCM-Q9-CS1", name="Công đoàn cơ sở Công ty Điện tử Sài Gòn")
    cs2 = unit(td, "cd_co_so", code="HCM-TD-CS1", name="Công đoàn cơ sở Công ty May Thủ Đức")
    cs3 = unit(mt, "cd_co_so", code="TG-MT-CS1", name="Công đoàn cơ sở Trường Tiểu học Mỹ Tho")
    return dict(root=root, hcm=hcm, tg=tg, q9=q9, td=td, mt=mt, cs1=cs1, cs2=cs2, cs3=cs3)


ROLES = Role


# ---------------------------------------------------------------- groups app


def area(code, level="ward"):
    """An area of the loaded geography by its GSO code (tests never create areas)."""
    from binhyen.org.models import Area

    return Area.objects.get(level=level, code=code)


def group_tree():
    """A tree whose units know their province: HCMC (2025 province 79) with a ward union and
    a grassroots union, and the pre-2025 Tiền Giang federation (legacy province 82, now in
    Đồng Tháp) with LĐLĐ Mỹ Tho."""
    root = root_unit()
    hcm = unit(
        root,
        "ldld_tinh",
        code="G-HCM",
        name="Liên đoàn Lao động Thành phố Hồ Chí Minh",
        province=area("79", "province"),
    )
    ward_union = unit(
        hcm,
        "cd_xa",
        code="G-HCM-LT",
        name="Công đoàn phường Linh Xuân",
        ward=area("26794"),
        province=area("79", "province"),
    )
    cs = unit(
        ward_union, "cd_co_so", code="G-HCM-LT-CS1", name="Công đoàn cơ sở Công ty Giày Linh Xuân"
    )
    tg = unit(
        root,
        "ldld_tinh",
        code="G-TG",
        name="Liên đoàn Lao động tỉnh Tiền Giang",
        province=area("82", "legacy_province"),
        valid_to=datetime.date(2025, 6, 30),
    )
    mt = unit(
        tg,
        "ldld_huyen",
        code="G-TG-MT",
        name="Liên đoàn Lao động thành phố Mỹ Tho",
        valid_to=datetime.date(2025, 6, 30),
    )
    return dict(root=root, hcm=hcm, ward_union=ward_union, cs=cs, tg=tg, mt=mt)


def group(unit, ward=None, kind="nha_tro", name=None, founded=datetime.date(2020, 1, 1), **fields):
    """A group of `unit` in `ward` (default: the first ward of the unit's province)."""
    from binhyen.groups import services as group_services

    ward = ward or group_services.wards_for_unit(unit).first()
    return group_services.create_group(
        superuser(),
        unit=unit,
        kind=kind,
        name=name or f"Tổ tự quản thử {next(_seq)}",
        ward=ward,
        founded=founded,
        **fields,
    )


def member(group, full_name=None, joined=None, **fields):
    from binhyen.groups import services as group_services

    return group_services.add_member(
        superuser(),
        group,
        full_name=full_name or f"Nguyễn Văn Thử {next(_seq)}",
        joined=joined or group.founded,
        **fields,
    )


# ---------------------------------------------------------------- documents app


def doc_type(code):
    from binhyen.documents.models import DocumentType

    return DocumentType.objects.get(code=code)


def issuer(code="bo-chinh-tri"):
    from binhyen.documents.models import Issuer

    return Issuer.objects.get(code=code)


def document(
    unit,
    type_code="ke_hoach",
    number=None,
    symbol=None,
    issued_on=datetime.date(2022, 3, 23),
    outside=None,
    implements=(),
    actor=None,
    **fields,
):
    """A document registered through the service: issued by `unit` itself, or, with
    `outside="bo-chinh-tri"`, an outside body's document that `unit` registers."""
    from binhyen.documents import services as document_services

    n = number or str(next(_seq))
    dt = doc_type(type_code)
    if symbol is None:
        symbol = f"{n}/{dt.abbreviation}-LĐLĐ" if dt.abbreviation else f"{n}/LĐLĐ"
    owner = dict(issuer=issuer(outside), unit=unit) if outside else dict(issuer_unit=unit)
    return document_services.register_document(
        actor or superuser(),
        doc_type=dt,
        number=n,
        symbol=symbol,
        issued_on=issued_on,
        implements=list(implements),
        **owner,
        **fields,
    )


# ---------------------------------------------------------------- activities app


def same_symbol_plans(tree):
    """Three plans with the same symbol 329/KH-LĐLĐ (HCMC's, Quận 9's and Tiền Giang's) and
    HCMC's 330/KH-LĐLĐ, on small_tree()."""
    return {
        "hcm": document(
            tree["hcm"], number="329", symbol="329/KH-LĐLĐ", issued_on=datetime.date(2020, 3, 1)
        ),
        "q9": document(
            tree["q9"], number="329", symbol="329/KH-LĐLĐ", issued_on=datetime.date(2020, 4, 1)
        ),
        "tg": document(
            tree["tg"], number="329", symbol="329/KH-LĐLĐ", issued_on=datetime.date(2020, 3, 1)
        ),
        "hcm_330": document(
            tree["hcm"], number="330", symbol="330/KH-LĐLĐ", issued_on=datetime.date(2020, 3, 2)
        ),
    }


def activity(
    unit,
    date=datetime.date(2022, 3, 15),
    kind="tuyen_truyen",
    title=None,
    topics=("ma_tuy",),
    audiences=("cnvcld",),
    channels=("truc_tiep",),
    sessions=1,
    attendances=10,
    actor=None,
    **fields,
):
    """An activity recorded through the service (by a superuser unless `actor` is given)."""
    from binhyen.activities import services as activity_services
    from binhyen.activities.models import ActivityKind, Audience, Channel, Topic

    return activity_services.record_activity(
        actor or superuser(),
        unit=unit,
        date=date,
        kind=ActivityKind.objects.get(code=kind),
        title=title or f"Hoạt động thử {next(_seq)}",
        topics=list(Topic.objects.filter(code__in=topics)),
        audiences=list(Audience.objects.filter(code__in=audiences)),
        channels=list(Channel.objects.filter(code__in=channels)),
        sessions=sessions,
        attendances=attendances,
        **fields,
    )


# ---------------------------------------------------------------- enterprises and incidents


def enterprise(unit, ward=None, ownership="fdi", name=None, workforce=1200, union=None, **fields):
    """An enterprise kept by `unit` (FDI from Korea by default) in `ward` (a 2025 ward code or
    an Area; default Phường Linh Xuân, HCMC), through the service."""
    from binhyen.enterprises.services import create_enterprise
    from binhyen.org.models import Area

    n = next(_seq)
    if not isinstance(ward, Area):
        ward = area(ward or "26794")
    fields.setdefault("investor_country", "KR" if ownership == "fdi" else "")
    fields.setdefault("tax_code", f"{3600000000 + n:010d}")
    return create_enterprise(
        superuser(),
        unit=unit,
        name=name or f"Công ty TNHH Thử Nghiệm {n}",
        ownership=ownership,
        ward=ward,
        workforce=workforce,
        union=union,
        **fields,
    )


def incident(unit, kind="toi_pham", started_at=None, actor=None, **fields):
    """An incident reported by `unit` through the service (in Phường Linh Xuân unless an
    enterprise, a boarding house or a ward is given); a stoppage needs `enterprise` and gets
    100 workers involved unless `stoppage` says otherwise."""
    from django.utils import timezone

    from binhyen.incidents.services import open_incident

    n = next(_seq)
    if started_at is None:
        started_at = timezone.now() - datetime.timedelta(hours=2)
    elif not isinstance(started_at, datetime.datetime):
        started_at = timezone.make_aware(datetime.datetime.combine(started_at, datetime.time(8)))
    if not any(k in fields for k in ("enterprise", "boarding_house", "ward")):
        fields["ward"] = area("26794")
    stoppage = fields.pop("stoppage", None)
    if kind == "ngung_viec" and stoppage is None:
        stoppage = {"workers_involved": 100}
    return open_incident(
        actor or superuser(),
        unit=unit,
        kind=kind,
        title=fields.pop("title", f"Vụ việc thử {n}"),
        summary=fields.pop("summary", "Diễn biến vụ việc để thử nghiệm."),
        started_at=started_at,
        stoppage=stoppage,
        **fields,
    )
