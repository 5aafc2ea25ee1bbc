"""The permission matrix, generated: every role × every position of a unit relative to the
assignment × every action, through the pages and through the API. A case "leaks" when a user
sees or changes what their role does not give them, or when a refusal confirms existence (403
instead of 404 outside the scope). The test prints how many cases it tried."""

import itertools

import pytest
from django.test import Client

from binhyen import factories as f
from binhyen.api.services import issue_token
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.scoping import ADMIN_ROLES, VIEW_ROLES, Role

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
        patched = client.patch(f"/api/v1/units/{unit.code}", {"name": new_name}, content_type="application/json")
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
                channel, user, unit, allowed,
                may_view=expected(role, position, "view", police_sees=(key == "cs2")),
            )
        )
        TRIED.append((role, position, action, channel))
        if not ok:
            leaks.append(f"{role} {action} {position} via {channel}: expected {'allowed' if allowed else 'refused'}")
    print(f"\npermission matrix: {len(TRIED)} cases tried, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)
    assert len(TRIED) == len(ROLES) * len(POSITIONS) * len(ACTIONS) * len(CHANNELS)
