"""Fixtures of the documents tests: a small tree with people at each level, activities
recorded through the activities services with the rollup cube kept, and API clients."""

import datetime

import pytest
from django.test import Client

from binhyen import factories as f
from binhyen.org.scoping import Role


def record(
    unit,
    date,
    kind="tuyen_truyen",
    sessions=1,
    attendances=10,
    document_ref="",
    title=None,
    documents=(),
):
    """One activity through the activities service (which keeps the rollup cube itself)."""
    from binhyen.activities import services
    from binhyen.activities.models import Activity, ActivityKind, Audience, Topic

    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    activity = services.record_activity(
        f.superuser(),
        unit=unit,
        date=date,
        kind=ActivityKind.objects.get(code=kind),
        title=title or f"Buổi tuyên truyền {Activity.all_objects.count() + 1}",
        topics=list(Topic.objects.filter(code="phong_chong_toi_pham")),
        audiences=list(Audience.objects.filter(code="cnvcld")),
        sessions=sessions,
        attendances=attendances,
        document_ref=document_ref,
        documents=list(documents),
    )
    return activity


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # people get real passwords; hashing them slowly measures nothing here
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(tree):
    """A viewer and an editor at HCMC, an editor at Quận 9, one at its grassroots union, one
    at Mỹ Tho (another province)."""
    return {
        "hcm_viewer": f.user(role=Role.VIEWER, unit=tree["hcm"]),
        "hcm_editor": f.user(role=Role.EDITOR, unit=tree["hcm"]),
        "q9_editor": f.user(role=Role.EDITOR, unit=tree["q9"]),
        "cs1_editor": f.user(role=Role.EDITOR, unit=tree["cs1"]),
        "mt_editor": f.user(role=Role.EDITOR, unit=tree["mt"]),
    }


def give_target(
    plan,
    units,
    indicator="activity.sessions",
    period="2022",
    value=2,
    description="",
    applies_to="grassroots",
):
    """A target of `plan` and a copy of it for each of `units`, written straight to the tables:
    setting a target through its service (which reads the indicator registry and the tree) is
    the reporting app's, and tested there."""
    from binhyen.core.periods import parse_period
    from binhyen.documents.models import Target, TargetAssignment

    span = parse_period(period)
    target = Target.objects.create(
        plan=plan,
        indicator=indicator,
        description=description,
        period=span.code,
        period_start=span.start,
        period_end=span.end,
        value=value,
        applies_to=applies_to,
    )
    TargetAssignment.objects.bulk_create(
        TargetAssignment(
            target=target, unit=unit, indicator=indicator, period=span.code, value=value
        )
        for unit in units
    )
    return target


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api_as(db):
    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def mt_docs(tree):
    """Mỹ Tho's chain: Kết luận 13-KL/TW → kế hoạch 329/KH-LĐLĐ → công văn 2188/LĐLĐ."""
    kl = f.document(
        tree["tg"],
        "ket_luan",
        number="13",
        symbol="13-KL/TW",
        outside="bo-chinh-tri",
        issued_on=datetime.date(2021, 8, 16),
        summary="Về việc Đảng lãnh đạo chặt chẽ hơn khâu phòng, chống tội phạm",
    )
    kh = f.document(
        tree["mt"],
        number="329",
        symbol="329/KH-LĐLĐ",
        implements=[kl],
        summary="Phòng, chống tội phạm trong năm 2022",
    )
    cv = f.document(
        tree["mt"],
        "cong_van",
        number="2188",
        symbol="2188/LĐLĐ",
        issued_on=datetime.date(2022, 10, 5),
        implements=[kh],
        summary="Về việc phòng ngừa nạn tín dụng đen trong công nhân",
    )
    return dict(kl=kl, kh=kh, cv=cv)


@pytest.fixture
def chained(tree):
    """Kết luận 13-KL/TW ← Mỹ Tho's 329/KH-LĐLĐ ← Công văn 2016/LĐLĐ; and HCMC's plan ← Quận 9's."""
    kl = f.document(
        tree["tg"],
        "ket_luan",
        number="13",
        symbol="13-KL/TW",
        outside="bo-chinh-tri",
        issued_on=datetime.date(2021, 8, 16),
    )
    kh = f.document(tree["mt"], number="329", symbol="329/KH-LĐLĐ", implements=[kl])
    cv = f.document(
        tree["mt"],
        "cong_van",
        number="2016",
        symbol="2016/LĐLĐ",
        issued_on=datetime.date(2022, 5, 24),
        implements=[kh],
    )
    hcm = f.document(
        tree["hcm"], number="118", issued_on=datetime.date(2022, 2, 24), implements=[kl]
    )
    q9 = f.document(
        tree["q9"], number="7", issued_on=datetime.date(2022, 3, 1), implements=[hcm, kl]
    )
    return dict(kl=kl, kh=kh, cv=cv, hcm=hcm, q9=q9)
