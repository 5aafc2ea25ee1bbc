"""The permission matrix, generated: every role × every position of a unit relative to the
assignment × every action, through the pages and through the API. A case "leaks" when a user
sees or changes what their role does not give them, or when a refusal confirms existence (403
instead of 404 outside the scope). The test prints how many cases it tried."""

import datetime
import itertools

import pytest
from django.test import Client

from binhyen import factories as f
from binhyen.api.services import issue_token
from binhyen.core import periods
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import ADMIN_ROLES, VIEW_ROLES, Role, ScopedQuerySet

# Where the target unit stands relative to the unit the role is held on (HCM-Q9).
POSITIONS = {
    "own": "q9",
    "child": "cs1",
    "parent": "hcm",
    "sibling": "td",
    "cousin": "cs2",
    "other province": "mt",
}
INSIDE = {"own", "child"}
ROLES = [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN, Role.POLICE]
ACTIONS = ["view", "edit"]
CHANNELS = ["page", "api"]
TRIED = []


def expected(role, position, action, police_sees):
    if role == Role.POLICE:
        return action == "view" and police_sees
    inside = position in INSIDE
    if action == "view":
        return inside and role in VIEW_ROLES
    return inside and role in ADMIN_ROLES


@pytest.fixture
def world(tree):
    ward = Area.objects.filter(level=AreaLevel.WARD, province__code="79").order_by("code").first()
    # The police liaison's ward holds exactly one unit of the tree: the sibling's grassroots union.
    Unit.objects.filter(pk=tree["cs2"].pk).update(province=ward.province, ward=ward)
    users = {}
    for role in ROLES:
        if role == Role.POLICE:
            users[role] = f.user(role=role, unit=tree["hcm"], wards=[ward])
        else:
            users[role] = f.user(role=role, unit=tree["q9"])
    return tree, users


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def api_client(user):
    _token, key = issue_token(user, name="matrix")
    return Client(headers={"Authorization": f"Bearer {key}"})


def check_view(channel, user, unit, allowed):
    if channel == "page":
        client = page_client(user)
        detail = client.get(f"/don-vi/{unit.code}/")
        listed = client.get("/don-vi/", {"q": unit.name}).content.decode()
        shown = f"/don-vi/{unit.code}/" in listed
    else:
        client = api_client(user)
        detail = client.get(f"/api/v1/units/{unit.code}")
        items = client.get("/api/v1/units", {"q": unit.name, "page_size": 200}).json()["items"]
        shown = unit.code in [i["code"] for i in items]
    if allowed:
        return detail.status_code == 200 and shown
    return detail.status_code == 404 and not shown


def check_edit(channel, user, unit, allowed, may_view):
    before = Unit.objects.get(pk=unit.pk).name
    new_name = before + " (đã sửa)"
    if channel == "page":
        client = page_client(user)
        form = client.get(f"/don-vi/{unit.code}/sua/")
        if allowed:
            return form.status_code == 200
        posted = client.post(f"/don-vi/{unit.code}/sua/", {"name": new_name})
        codes = {form.status_code, posted.status_code}
    else:
        client = api_client(user)
        patched = client.patch(
            f"/api/v1/units/{unit.code}", {"name": new_name}, content_type="application/json"
        )
        if allowed:
            return patched.status_code == 200 and Unit.objects.get(pk=unit.pk).name == new_name
        codes = {patched.status_code}
    unchanged = Unit.objects.get(pk=unit.pk).name == before
    # A refusal must not confirm that an unseen unit exists; for a unit the user may see, 403
    # is honest.
    refused = codes <= ({403, 404} if may_view else {404})
    return unchanged and refused


@pytest.mark.django_db
def test_permission_matrix_has_no_leaks(world):
    tree, users = world
    leaks = []
    for role, (position, key), action, channel in itertools.product(
        ROLES, POSITIONS.items(), ACTIONS, CHANNELS
    ):
        unit = Unit.objects.get(pk=tree[key].pk)
        allowed = expected(role, position, action, police_sees=(key == "cs2"))
        user = users[role]
        ok = (
            check_view(channel, user, unit, allowed)
            if action == "view"
            else check_edit(
                channel,
                user,
                unit,
                allowed,
                may_view=expected(role, position, "view", police_sees=(key == "cs2")),
            )
        )
        TRIED.append((role, position, action, channel))
        if not ok:
            leaks.append(
                f"{role} {action} {position} via {channel}: expected {'allowed' if allowed else 'refused'}"
            )
    print(f"\npermission matrix: {len(TRIED)} cases tried, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
    assert len(TRIED) == len(ROLES) * len(POSITIONS) * len(ACTIONS) * len(CHANNELS)


# --- figures --------------------------------------------------------------------------------
#
# Figures are objects of the matrix too: every figure endpoint and page, for each demo-like
# role and each unit of the tree, answers exactly what the records that role can list
# (`visible_to`) add up to — or 404 for a unit the role does not see, and nothing at all for an
# indicator whose records the role cannot list (a police liaison and the activities).

FIGURE_ROLES = ["police only", "grassroots editor", "provincial admin", "outsider"]
FIGURE_UNITS = ["hcm", "q9", "cs1", "td", "cs2", "mt"]
PERIOD = "2025"
PERIOD_START, PERIOD_END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
GROUP_FIGURES = [
    "groups.active",
    "groups.members",
    "groups.wards",
    "groups.boarding_houses",
    "groups.resident_workers",
    "cameras.working",
    "units.count",
]
ACTIVITY_FIGURES = [
    "activity.count",
    "activity.sessions",
    "activity.attendances",
    "units.outreach_share",
]
DASHBOARD = [
    "activity.count",
    "activity.sessions",
    "activity.attendances",
    "groups.active",
    "groups.members",
    "units.outreach_share",
]
FIGURE_OBJECTS = [
    "rollup api",
    "rollup api by child",
    "groups stats api",
    "dashboard page",
    "dashboard excel",
    "figure source page",
    "groups list panel",
]
FIGURES_TRIED = []


@pytest.fixture
def figure_world(tree):
    """The small tree placed in Hồ Chí Minh City and Tiền Giang, with groups (and members,
    boarding houses, cameras) in and out of the police liaison's two wards, and activities."""
    from binhyen.groups import services as group_services
    from binhyen.groups.models import FunderKind
    from binhyen.reporting.tests.helpers import record

    hcm_province = f.area("79", "province")
    w, t = f.area("26794"), f.area("27478")  # the liaison's wards
    x = (
        Area.objects.filter(level=AreaLevel.WARD, province=hcm_province)
        .exclude(pk__in=[w.pk, t.pk])
        .order_by("code")[0]
    )
    Unit.objects.filter(pk=tree["hcm"].pk).update(province=hcm_province)
    Unit.objects.filter(pk=tree["tg"].pk).update(province=f.area("82", "legacy_province"))
    Unit.objects.filter(pk__in=[tree["td"].pk, tree["cs2"].pk]).update(
        ward=w
    )  # the liaison sees td and cs2
    units = {key: Unit.objects.get(pk=tree[key].pk) for key in tree}
    root = f.superuser()
    founded = datetime.date(2020, 1, 1)
    made = {}
    for key, unit_key, ward, kind, members in [
        ("cs1 in w", "cs1", w, "nha_tro", 2),
        ("cs1 out", "cs1", x, "nha_tro", 3),
        ("q9 in t", "q9", t, "xe_om", 1),
        ("td out", "td", x, "nha_tro", 4),
        ("cs2 in w", "cs2", w, "nha_tro", 5),
        ("cs2 in t", "cs2", t, "du_luan_xa_hoi", 6),
        ("cs2 out", "cs2", x, "nha_tro", 7),
        ("mt", "mt", f.area("28261", "legacy_ward"), "nha_tro", 8),
    ]:
        made[key] = f.group(units[unit_key], ward=ward, kind=kind, founded=founded)
        for _n in range(members):
            f.member(made[key])
    group_services.create_boarding_house(
        root,
        unit=units["cs2"],
        address="1 Đường A",
        ward=w,
        resident_workers=11,
        group=made["cs2 in w"],
        coverage_start=founded,
    )
    group_services.create_boarding_house(
        root,
        unit=units["td"],
        address="2 Đường B",
        ward=x,
        resident_workers=13,
        group=made["td out"],
        coverage_start=founded,
    )
    for unit_key, ward in (("cs2", w), ("cs2", x), ("q9", t)):
        group_services.create_camera(
            root,
            unit=units[unit_key],
            place=f"Camera {unit_key} {ward.code}",
            ward=ward,
            funder_kind=FunderKind.UNION,
            installed=founded,
        )
    for unit_key, attendances in (
        ("cs1", 101),
        ("q9", 203),
        ("td", 307),
        ("cs2", 401),
        ("mt", 509),
    ):
        record(units[unit_key], "2025-05-05", sessions=2, attendances=attendances)
    record(units["cs2"], "2025-06-06", kind="hoi_nghi", sessions=1, attendances=17)
    users = {
        "police only": f.user(role=Role.POLICE, unit=units["hcm"], wards=[w, t]),
        "grassroots editor": f.user(role=Role.EDITOR, unit=units["cs1"]),
        "provincial admin": f.user(role=Role.ADMIN, unit=units["hcm"]),
        "outsider": f.user(role=Role.VIEWER, unit=units["tg"]),
    }
    return units, users


def recomputed(user, unit, day=PERIOD_END):
    """The figures of `unit`'s subtree counted from the records `user` can list."""
    from django.db.models import Q, Sum

    from binhyen.activities.models import Activity
    from binhyen.groups.models import BoardingHouseCoverage, Camera, Group, GroupMember

    groups = Group.objects.visible_to(user).filter(unit__path__startswith=unit.path).active_on(day)
    houses = (
        BoardingHouseCoverage.objects.visible_to(user)
        .active_on(day)
        .filter(group__in=groups, house__deleted_at__isnull=True)
    )
    acts = Activity.objects.visible_to(user).filter(
        unit__path__startswith=unit.path, date__gte=PERIOD_START, date__lte=PERIOD_END
    )
    grassroots = (
        Unit.objects.visible_to(user)
        .filter(path__startswith=unit.path, kind__is_grassroots=True)
        .exclude(pk=unit.pk)
        .filter(valid_from__lte=PERIOD_END)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=PERIOD_START))
    )
    held = (
        acts.filter(kind__code="tuyen_truyen", unit__in=grassroots)
        .values("unit")
        .distinct()
        .count()
    )
    return {
        "groups.active": groups.count(),
        "groups.members": GroupMember.objects.visible_to(user)
        .active_on(day)
        .filter(group__in=groups)
        .count(),
        "groups.wards": groups.values("ward").distinct().count(),
        "groups.boarding_houses": houses.values("house").distinct().count(),
        "groups.resident_workers": houses.aggregate(n=Sum("house__resident_workers"))["n"] or 0,
        "cameras.working": Camera.objects.visible_to(user)
        .filter(unit__path__startswith=unit.path)
        .working_on(day)
        .count(),
        "units.count": Unit.objects.visible_to(user)
        .filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .open_on(day)
        .count(),
        "activity.count": acts.count(),
        "activity.sessions": acts.aggregate(n=Sum("sessions"))["n"] or 0,
        "activity.attendances": acts.aggregate(n=Sum("attendances"))["n"] or 0,
        "units.outreach_share": round(100.0 * held / grassroots.count(), 1)
        if grassroots.count()
        else None,
    }


def lists_activities(user):
    """Whether the role can list activities at all (a police liaison cannot)."""
    from binhyen.org.scoping import scope_of

    return not scope_of(user, VIEW_ROLES).empty


def _shown(value):
    from binhyen.core.text import format_number

    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"
    return format_number(value)


def check_figures(obj, user, unit, problems):
    """Append to `problems` every way `obj` answers other than the records allow."""
    import io
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from binhyen.org.scoping import figure_scope

    sees = Unit.objects.visible_to(user).filter(pk=unit.pk).exists()
    activities = lists_activities(user)
    want = recomputed(user, unit) if sees else None
    allowed = [c for c in DASHBOARD if activities or c not in ACTIVITY_FIGURES]
    query = {"unit": unit.code, "period": PERIOD}

    def expect(condition, what):
        if not condition:
            problems.append(what)

    if obj in ("rollup api", "rollup api by child"):
        client = api_client(user)
        by = "child" if obj.endswith("child") else "none"
        asked = GROUP_FIGURES + ACTIVITY_FIGURES
        answer = client.get("/api/v1/rollup", {**query, "indicators": ",".join(asked), "by": by})
        if not sees:
            return expect(answer.status_code == 404, f"status {answer.status_code}, not 404")
        if not activities:
            expect(
                answer.status_code == 403 and "không thuộc phạm vi xem" in answer.json()["detail"],
                f"activity indicators not refused: {answer.status_code}",
            )
            answer = client.get(
                "/api/v1/rollup", {**query, "indicators": ",".join(GROUP_FIGURES), "by": by}
            )
            asked = GROUP_FIGURES
        body = answer.json()
        expect(
            body["total"] == {k: want[k] for k in asked},
            f"total {body['total']} != { ({k: want[k] for k in asked}) }",
        )
        if by == "child":
            for row in body["rows"]:
                code = row["unit"]["code"]
                part = Unit.objects.get(code=code)
                if code == unit.code:  # the unit's own records: the subtree less its children
                    continue
                mine = recomputed(user, part)
                expect(
                    all(row["values"][k] == mine[k] for k in ("groups.active", "groups.members")),
                    f"row {code} {row['values']} != {mine}",
                )
                expect(
                    figure_scope(user, unit).full or any(row["values"].values()),
                    f"row {code} listed without figures",
                )
    elif obj == "groups stats api":
        answer = api_client(user).get("/api/v1/groups/stats", {"unit": unit.code})
        if not sees:
            return expect(answer.status_code == 404, f"status {answer.status_code}, not 404")
        today = periods.today()
        now = recomputed(user, unit, today)
        body = answer.json()
        got = {
            k: body[k]
            for k in (
                "groups",
                "members",
                "wards",
                "boarding_houses",
                "resident_workers",
                "cameras_working",
            )
        }
        expect(
            got
            == {
                "groups": now["groups.active"],
                "members": now["groups.members"],
                "wards": now["groups.wards"],
                "boarding_houses": now["groups.boarding_houses"],
                "resident_workers": now["groups.resident_workers"],
                "cameras_working": now["cameras.working"],
            },
            f"stats {got} != {now}",
        )
    elif obj == "dashboard page":
        client = page_client(user)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get("/tong-hop/", query)
        if not sees:
            return expect(answer.status_code == 404, f"status {answer.status_code}, not 404")
        expect(len(queries) <= 15, f"{len(queries)} queries")
        html = answer.content.decode()
        table = html.split('id="table-title"', 1)[1]
        columns = re.findall(r'<th scope="col" class="text-end">(.*?)</th>', table)
        total = re.findall(
            r'<td class="text-end">(.*?)</td>', table.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
        )
        from binhyen.figures import registry as indicators

        labels = [str(indicators.get(c).label) for c in allowed]
        expect(columns == labels, f"columns {columns} != {labels}")
        expect(
            total == [_shown(want[c]) for c in allowed],
            f"total {total} != {[_shown(want[c]) for c in allowed]}",
        )
        expect(("<svg" in html) == activities, "the activity trend shown or hidden wrongly")
        expect(("không thuộc phạm vi xem" in html.lower()) != activities, "the out-of-scope note")
    elif obj == "dashboard excel":
        from django.test import TestCase

        client = page_client(user)
        with TestCase.captureOnCommitCallbacks(execute=True):  # the job runs once queued
            answer = client.post("/tong-hop/xuat-excel/", query)
        if not sees:
            return expect(answer.status_code == 404, f"status {answer.status_code}, not 404")
        download = client.get(answer["Location"] + "tep/")  # the job's file
        data = b"".join(download.streaming_content)
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        header = next(r for r in rows if r[0] == "Mã đơn vị")
        expect(len(header) == 2 + len(allowed), f"columns {header}")
        got = list(rows[-1][2:])
        expect(got == [want[c] for c in allowed], f"total {got} != {[want[c] for c in allowed]}")
    elif obj == "figure source page":
        client = page_client(user)
        for code in ("groups.members", "activity.attendances"):
            answer = client.get("/tong-hop/nguon-so-lieu/", {**query, "indicator": code})
            if not sees:
                expect(answer.status_code == 404, f"{code}: status {answer.status_code}, not 404")
            elif code in ACTIVITY_FIGURES and not activities:
                expect(answer.status_code == 403, f"{code}: status {answer.status_code}, not 403")
            else:
                shown = re.search(r'id="figure-total">(.*?)</div>', answer.content.decode())
                expect(
                    shown and shown.group(1) == _shown(want[code]),
                    f"{code}: {shown and shown.group(1)} != {want[code]}",
                )
    elif obj == "groups list panel":
        html = page_client(user).get("/mo-hinh/", {"unit": unit.code}).content.decode()
        named = f"{unit.name} và các đơn vị trực thuộc" in html
        if not sees:
            return expect(not named, "a panel for an unseen unit")
        now = recomputed(user, unit, periods.today())
        line = (
            f"<strong>{_shown(now['groups.active'])}</strong> tổ với <strong>{_shown(now['groups.members'])}</strong> "
            f"thành viên, hoạt động tại <strong>{_shown(now['groups.wards'])}</strong> phường, xã"
        )
        expect(named and line in html, f"panel without {line}")
    return None


@pytest.mark.django_db
def test_figures_answer_what_the_records_add_up_to(figure_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the exports' job files
    units, users = figure_world
    leaks = []
    for role, key, obj in itertools.product(FIGURE_ROLES, FIGURE_UNITS, FIGURE_OBJECTS):
        problems = []
        check_figures(obj, users[role], units[key], problems)
        FIGURES_TRIED.append((role, key, obj))
        leaks += [f"{role} · {obj} · {units[key].code}: {p}" for p in problems]
    print(f"\nfigure matrix: {len(FIGURES_TRIED)} cases tried, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
    assert len(FIGURES_TRIED) == len(FIGURE_ROLES) * len(FIGURE_UNITS) * len(FIGURE_OBJECTS)


# --- a successor reads its closed predecessor, read-only -------------------------------------
#
# The 2025 reform in the small tree: LĐLĐ Mỹ Tho (mt) closes on 30/06/2025 without a successor
# and its grassroots union (cs3) moves on 01/07/2025 to a new ward union of Hồ Chí Minh City,
# the heir, over which each role is held; a grassroots union closed earlier stays under Mỹ Tho.
# Every role × every unit around them × view and edit, through the pages and the API; then the
# predecessor's records: its activities, dashboard and reports are read, never written.

HEIR_POSITIONS = {
    "heir": "ward",
    "moved to the heir": "cs3",
    "closed predecessor": "mt",
    "left under the predecessor": "gone",
    "predecessor's parent": "tg",
    "heir's parent": "hcm",
}
HEIR_INSIDE = {"heir", "moved to the heir"}
PREDECESSOR = {"closed predecessor", "left under the predecessor"}
READS = ["activity list", "activity page", "dashboard", "report page"]
WRITES = [
    "edit its activity",
    "record for it",
    "submit its report",
    "approve what it asked",
    "administer it",
]
HEIRS_TRIED = []


def heir_expected(role, position, action):
    if role == Role.POLICE:  # a liaison's wards hold none of these units; wards are not inherited
        return False
    if action == "view":
        return position in HEIR_INSIDE | PREDECESSOR
    return position in HEIR_INSIDE and role in ADMIN_ROLES


@pytest.fixture
def heir_world(tree):
    from binhyen.org import services as org_services
    from binhyen.reports import services as report_services
    from binhyen.reports.models import Submission

    root = f.superuser()
    reform = datetime.date(2025, 7, 1)
    gone = f.unit(tree["mt"], "cd_co_so", code="TG-MT-CS2", name="Công đoàn cơ sở Đông lạnh")
    ward = f.unit(
        tree["hcm"], "cd_xa", code="HCM-LX", name="Công đoàn phường Linh Xuân", valid_from=reform
    )
    acts = {
        key: f.activity(tree["mt"] if key == "mt" else gone, date=datetime.date(2022, 3, 15))
        for key in ("mt", "gone")
    }
    mine = report_services.issue_request(
        root, unit=tree["tg"], period="2022", deadline=periods.today()
    )
    asked = report_services.issue_request(
        root, unit=tree["mt"], period="2022", deadline=periods.today()
    )
    report = Submission.objects.get(request=mine, unit=tree["mt"])
    sent = Submission.objects.get(request=asked, unit=gone)
    sent = report_services.submit(root, sent, version=sent.version)
    org_services.close_unit(root, gone, datetime.date(2023, 12, 31))
    org_services.move_unit(root, tree["cs3"], Unit.objects.get(pk=ward.pk), reform)
    org_services.close_unit(root, tree["mt"], reform - datetime.timedelta(days=1))
    units = {
        key: Unit.objects.get(pk=u.pk) for key, u in {**tree, "gone": gone, "ward": ward}.items()
    }
    police_ward = Area.objects.filter(level=AreaLevel.WARD, province__code="79").order_by("code")[0]
    users = {
        role: f.user(role=role, unit=units["hcm"], wards=[police_ward])
        if role == Role.POLICE
        else f.user(role=role, unit=units["ward"])
        for role in ROLES
    }
    return units, users, {"acts": acts, "report": report, "sent": sent}


def heir_may(user, action, units, made):
    """Whether `user` managed to do `action` to the closed predecessor (Mỹ Tho)."""
    from django.core.exceptions import ValidationError

    from binhyen.activities.models import Activity
    from binhyen.org import services as org_services
    from binhyen.reports import services as report_services

    client = page_client(user)
    activity = made["acts"]["mt"]
    if action == "activity list":
        page = client.get("/hoat-dong/", {"unit": units["mt"].code}).content.decode()
        listed = all(a.title in page for a in made["acts"].values())
        return listed and "Không tìm thấy đơn vị" not in page
    if action == "activity page":
        return client.get(f"/hoat-dong/{activity.pk}/").status_code == 200
    if action == "dashboard":
        query = {"unit": units["mt"].code, "period": "2022"}
        return client.get("/tong-hop/", query).status_code == 200
    if action == "report page":
        return client.get(f"/tong-hop/bao-cao/{made['report'].pk}/").status_code == 200
    if action == "edit its activity":
        form = client.get(f"/hoat-dong/{activity.pk}/sua/").status_code
        return form == 200 or Activity.objects.editable_by(user).filter(pk=activity.pk).exists()
    attempts = {
        "record for it": lambda: f.activity(units["mt"], actor=user),
        "submit its report": lambda: report_services.submit(
            user, made["report"], version=made["report"].version
        ),
        "approve what it asked": lambda: report_services.approve(
            user, made["sent"], version=made["sent"].version
        ),
        "administer it": lambda: org_services.assign_role(user, f.user(), units["mt"], Role.VIEWER),
    }
    try:
        attempts[action]()
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
def test_a_successor_reads_its_closed_predecessor_and_writes_nothing_of_it(heir_world):
    units, users, made = heir_world
    leaks = []
    for role, (position, key), action, channel in itertools.product(
        ROLES, HEIR_POSITIONS.items(), ACTIONS, CHANNELS
    ):
        unit = Unit.objects.get(pk=units[key].pk)
        allowed = heir_expected(role, position, action)
        ok = (
            check_view(channel, users[role], unit, allowed)
            if action == "view"
            else check_edit(
                channel,
                users[role],
                unit,
                allowed,
                may_view=heir_expected(role, position, "view"),
            )
        )
        HEIRS_TRIED.append((role, position, action, channel))
        if not ok:
            leaks.append(f"{role} {action} {position} via {channel}: expected {allowed}")
    for role, action in itertools.product(ROLES, READS + WRITES):
        allowed = action in READS and role in VIEW_ROLES
        HEIRS_TRIED.append((role, "closed predecessor", action, "page"))
        if heir_may(users[role], action, units, made) != allowed:
            leaks.append(f"{role} {action} of the closed predecessor: expected {allowed}")
    print(f"\nsuccessor matrix: {len(HEIRS_TRIED)} cases tried, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
    assert len(HEIRS_TRIED) == len(ROLES) * (
        len(HEIR_POSITIONS) * len(ACTIONS) * len(CHANNELS) + len(READS) + len(WRITES)
    )


# --- incidents, their files, their timelines and tips ------------------------------------
#
# The incidents app's objects (a registry: object → its actions) × every role around them ×
# every position of the record's unit, through the services and the scoping querysets (what
# pages, API, imports and the demo all call), then through the pages and the API where they
# read. The roles: the four unit roles held on HCM-Q9, the police liaison of the records' ward
# and of another ward, the identity role alone and beside a reader's role, and a superuser.
# Every record stands in the police liaison's ward, whatever its unit. Each attempt runs in a
# savepoint rolled back at its end, so one role's step never changes what the next one meets.

CASE_ROLES = [
    "viewer",
    "editor",
    "approver",
    "admin",
    "police here",
    "police elsewhere",
    "identity only",
    "viewer + identity",
    "superuser",
]
CASE_OBJECTS = {
    "enterprise": ["view", "edit"],
    "incident": ["view", "edit", "move", "close", "police confirm"],
    "stoppage": ["view", "edit"],
    "attachment": ["add", "remove"],
    "timeline step": ["note", "police confirm"],
    "tip": ["view", "move", "close", "police confirm", "reveal"],
}
CASE_CHANNELS = {  # what pages, the API and exports show of each object: read, and the reveal
    ("incident", "view"): ["page", "api", "export"],
    ("tip", "view"): ["page", "api"],
    ("tip", "reveal"): ["page", "api"],
}
SENDER = {"name": "Phạm Thị Kín Đáo", "phone": "0909123456"}
CASES_TRIED = []


def case_expected(role, position, action):
    if role == "superuser":  # everything a unit role gives, never a police or identity step
        return action not in ("police confirm", "reveal")
    inside = position in INSIDE
    if action == "view":
        return role == "police here" or (
            inside and role in ("viewer", "editor", "approver", "admin", "viewer + identity")
        )
    if action in ("edit", "move", "add", "remove", "note"):
        return inside and role in ("editor", "admin")
    if action == "close":
        return inside and role in ("approver", "admin")
    if action == "police confirm":
        return role == "police here"
    if action == "reveal":  # the identity role opens only a tip its holder reads
        return inside and role == "viewer + identity"
    raise AssertionError(action)


@pytest.fixture
def case_world(tree, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from binhyen.incidents import services as incident_services
    from binhyen.incidents.models import Tip

    settings.MEDIA_ROOT = tmp_path / "media"
    here, elsewhere = f.area("26794"), f.area("27478")
    Unit.objects.filter(pk=tree["hcm"].pk).update(province=f.area("79", "province"))
    root = f.superuser()
    records = {}
    for key in POSITIONS.values():
        unit = tree[key]
        enterprise = f.enterprise(unit, ward=here, workforce=800)
        tip = incident_services.submit_tip(
            ward=here,
            what="Công nhân ngừng việc trước cổng công ty, đòi trả lương đúng hạn.",
            happened_on=periods.today(),
            anonymous=False,
            reporter_name=SENDER["name"],
            reporter_phone=SENDER["phone"],
        )
        Tip.objects.filter(pk=tip.pk).update(unit=unit)
        # the case came from the tip: its page, answer and export never carry the sender
        incident = f.incident(
            unit,
            kind="ngung_viec",
            enterprise=enterprise,
            started_at=timezone.now() - datetime.timedelta(hours=5),
            tip=Tip.objects.get(pk=tip.pk),
        )
        attachment = incident_services.attach(
            root, incident, SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban")
        )
        records[key] = {
            "enterprise": enterprise,
            "incident": incident,
            "attachment": attachment,
            "tip": Tip.objects.get(pk=tip.pk),
        }
    q9 = tree["q9"]
    users = {
        "viewer": f.user(role=Role.VIEWER, unit=q9),
        "editor": f.user(role=Role.EDITOR, unit=q9),
        "approver": f.user(role=Role.APPROVER, unit=q9),
        "admin": f.user(role=Role.ADMIN, unit=q9),
        "police here": f.user(role=Role.POLICE, unit=tree["hcm"], wards=[here]),
        "police elsewhere": f.user(role=Role.POLICE, unit=tree["hcm"], wards=[elsewhere]),
        "identity only": f.user(role=Role.IDENTITY, unit=q9),
        "viewer + identity": f.user(role=Role.VIEWER, unit=q9),
        "superuser": f.user(is_superuser=True, is_staff=True),
    }
    from binhyen.org import services as org_services

    org_services.assign_role(root, users["viewer + identity"], q9, Role.IDENTITY)
    return records, users


class _Undo(Exception):
    pass


def case_may(user, obj, action, made):
    """Whether `user` managed `action` on `obj` through the services and querysets; whatever
    it did is rolled back."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from binhyen.enterprises import services as enterprise_services
    from binhyen.enterprises.models import Enterprise
    from binhyen.incidents import services as s
    from binhyen.incidents.models import Action, ActionKind, Incident, Stoppage, Tip

    incident, tip = made["incident"], made["tip"]
    record = tip if obj == "tip" else incident
    if action == "view":
        model = {"enterprise": Enterprise, "incident": Incident, "stoppage": Stoppage, "tip": Tip}
        target = made["enterprise"] if obj == "enterprise" else record
        records = model[obj].objects.all()
        if not hasattr(records, "visible_to"):  # no scoped manager (the stoppage file): the
            records = ScopedQuerySet(model=model[obj])  # scope its model declares
        return records.visible_to(user).filter(pk=target.pk).exists()

    def noted(kind):
        field = "tip" if obj == "tip" else "incident"
        return Action.objects.filter(**{field: record}, kind=kind, actor=user).exists()

    attempts = {
        ("enterprise", "edit"): lambda: enterprise_services.update_enterprise(
            user, made["enterprise"], notes="Đã cập nhật."
        ),
        ("incident", "edit"): lambda: s.update_incident(
            user, incident, summary="Diễn biến đã cập nhật."
        ),
        ("stoppage", "edit"): lambda: s.update_incident(
            user, incident, stoppage={"demands": "Tăng lương cơ bản"}
        ),
        ("incident", "move"): lambda: s.move_incident(user, incident, "xac_minh"),
        ("incident", "close"): lambda: s.move_incident(
            user, incident, "dong", what="Đã giải quyết xong."
        ),
        ("attachment", "add"): lambda: s.attach(user, incident, _upload()),
        ("attachment", "remove"): lambda: s.remove_attachment(user, made["attachment"]),
        ("tip", "move"): lambda: s.answer_tip(
            user, tip, state="dang_xu_ly", public_note="Đang xác minh."
        ),
        ("tip", "close"): lambda: s.answer_tip(
            user, tip, state="dong", public_note="Không đủ thông tin.", what="Đóng."
        ),
    }
    try:
        with transaction.atomic():
            if action == "reveal":
                if s.reveal_sender(user, tip) != {**SENDER, "user": None}:
                    return False
            elif action == "police confirm":
                s.note_step(user, record, what="Công an phường đã xác minh, xử lý.")
                if not noted(ActionKind.POLICE):
                    return False
            elif action == "note":
                s.note_step(user, incident, what="Đã làm việc với doanh nghiệp.")
                if not noted(ActionKind.NOTE):
                    return False
            else:
                attempts[(obj, action)]()
            raise _Undo
    except _Undo:
        return True
    except ValidationError:
        return False


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("anh-hien-truong.jpg", b"\xff\xd8\xff anh")


def case_channel_ok(channel, user, obj, action, made, allowed, may_view):
    """The page or API answer for `action` on `obj`: allowed is a 200 (with the sender for a
    reveal); refused is a 404, or a 403 where the user sees the record. The sender's name and
    phone appear in nothing but an allowed reveal."""
    record = made["tip"] if obj == "tip" else made["incident"]
    if channel == "export":
        import io

        from openpyxl import load_workbook

        answer = page_client(user).get("/vu-viec/xuat-excel/")
        if answer.status_code != 200:
            return not allowed and answer.status_code == 404
        book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
        cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
        shown = any(SENDER["name"] in c or SENDER["phone"] in c for c in cells)
        return (record.code in cells) == allowed and not shown
    if obj == "incident":
        url = f"/vu-viec/{record.pk}/" if channel == "page" else f"/api/v1/incidents/{record.pk}"
    elif action == "view":
        url = f"/vu-viec/tin-bao/{record.pk}/" if channel == "page" else f"/api/v1/tips/{record.pk}"
    else:
        url = (
            f"/vu-viec/tin-bao/{record.pk}/danh-tinh/"
            if channel == "page"
            else f"/api/v1/tips/{record.pk}/reveal"
        )
    client = page_client(user) if channel == "page" else api_client(user)
    answer = client.post(url) if action == "reveal" else client.get(url)
    body = answer.content.decode()
    shown = SENDER["name"] in body or SENDER["phone"] in body
    if allowed:
        return answer.status_code == 200 and shown == (action == "reveal")
    refused = {403, 404} if may_view else {404}
    return answer.status_code in refused and not shown


@pytest.mark.django_db
def test_incidents_and_tips_permission_matrix_has_no_leaks(case_world):
    records, users = case_world
    leaks = []
    for role, (position, key), (obj, actions) in itertools.product(
        CASE_ROLES, POSITIONS.items(), CASE_OBJECTS.items()
    ):
        for action in actions:
            allowed = case_expected(role, position, action)
            got = case_may(users[role], obj, action, records[key])
            CASES_TRIED.append((role, position, obj, action, "service"))
            if got != allowed:
                leaks.append(f"{role} {action} {obj} of {position}: expected {allowed}, got {got}")
            for channel in CASE_CHANNELS.get((obj, action), ()):
                may_view = case_expected(role, position, "view")
                # a page or an endpoint reveals only what its reader may also see
                ok = case_channel_ok(
                    channel, users[role], obj, action, records[key], allowed and may_view, may_view
                )
                CASES_TRIED.append((role, position, obj, action, channel))
                if not ok:
                    leaks.append(f"{role} {action} {obj} of {position} via {channel}")
    print(f"\nincidents matrix: {len(CASES_TRIED)} cases tried, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
    per_position = sum(
        1 + len(CASE_CHANNELS.get((o, a), ())) for o, acts in CASE_OBJECTS.items() for a in acts
    )
    assert len(CASES_TRIED) == len(CASE_ROLES) * len(POSITIONS) * per_position


@pytest.mark.django_db
def test_a_tips_sealed_sender_is_in_no_plain_column_and_no_history_row(case_world):
    from binhyen.incidents.models import Tip

    records, _users = case_world
    for made in records.values():
        tip = Tip.objects.get(pk=made["tip"].pk)
        plain = [str(v) for k, v in Tip.objects.filter(pk=tip.pk).values()[0].items()]
        history = [str(v) for row in Tip.history.filter(id=tip.pk).values() for v in row.values()]
        assert "sealed_sender" not in {f.name for f in Tip.history.model._meta.fields}
        for secret in SENDER.values():
            assert not any(secret in cell for cell in plain + history)
