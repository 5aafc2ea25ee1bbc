"""Who sees and changes which document, generated like the project's permission matrix: every
role held on LĐLĐ Quận 9 × every position of a document relative to it × view/edit × page/API.

The rule (DocumentQuerySet): a union unit's document follows the unit scoping; an outside
body's document is shared reference data every logged-in person reads; a plan also reaches the
units it gives a target to. Out of scope is 404; seen but not editable is 403 on the API."""

import itertools

import pytest
from django.test import Client

from binhyen import factories as f
from binhyen.api.services import issue_token
from binhyen.documents.models import Document, TargetAssignment
from binhyen.documents.tests.conftest import give_target, login
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import EDIT_ROLES, VIEW_ROLES, Role

ROLES = [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN, Role.POLICE]
# position → (unit key, how the document is made)
POSITIONS = {
    "own": ("q9", "unit"),
    "child": ("cs1", "unit"),
    "parent": ("hcm", "unit"),
    "parent, with a target for Quận 9": ("hcm", "addressed"),
    "sibling": ("td", "unit"),
    "cousin": ("cs2", "unit"),
    "other province": ("mt", "unit"),
    "outside body, registered in another province": ("mt", "shared"),
}
INSIDE = {"own", "child"}


def expected(role, position, action):
    if action == "view":
        if position.startswith("outside"):
            return True
        if role == Role.POLICE:
            return False
        return role in VIEW_ROLES and (position in INSIDE or position.startswith("parent, with"))
    return role in EDIT_ROLES and position in INSIDE


@pytest.fixture
def world(tree):
    ward = Area.objects.filter(level=AreaLevel.WARD, province__code="79").order_by("code").first()
    users = {
        role: f.user(
            role=role,
            unit=tree["q9"] if role != Role.POLICE else tree["hcm"],
            wards=[ward] if role == Role.POLICE else (),
        )
        for role in ROLES
    }
    docs = {}
    for n, (position, (key, how)) in enumerate(POSITIONS.items(), 1):
        if how == "shared":
            docs[position] = f.document(
                tree[key], "ket_luan", number=str(n), symbol=f"{n}-KL/TW", outside="bo-chinh-tri"
            )
        else:
            docs[position] = f.document(tree[key], number=str(n))
        if how == "addressed":
            give_target(
                docs[position],
                Unit.objects.filter(parent=tree[key]),
                value=10,
                applies_to="children",
            )
    return tree, users, docs


def api_client(user):
    _t, key = issue_token(user, name="matrix")
    return Client(headers={"Authorization": f"Bearer {key}"})


def can_view(channel, user, doc):
    if channel == "page":
        client = login(user)
        detail = client.get(f"/van-ban/{doc.pk}/").status_code
        listed = (
            f"/van-ban/{doc.pk}/" in client.get("/van-ban/", {"q": doc.symbol}).content.decode()
        )
    else:
        client = api_client(user)
        detail = client.get(f"/api/v1/documents/{doc.pk}").status_code
        items = client.get("/api/v1/documents", {"q": doc.symbol, "page_size": 200}).json()["items"]
        listed = doc.pk in [i["id"] for i in items]
    if detail == 200 and listed:
        return True
    if detail == 404 and not listed:
        return False
    return f"inconsistent: detail {detail}, listed {listed}"


def try_edit(channel, user, doc, may_view):
    before = Document.objects.get(pk=doc.pk).summary
    if channel == "page":
        client = login(user)
        form = client.get(f"/van-ban/{doc.pk}/sua/").status_code
        if form == 200:
            return True
        posted = client.post(
            f"/van-ban/{doc.pk}/sua/", {"summary": "đã sửa", "number": doc.number}
        ).status_code
        codes = {form, posted}
    else:
        client = api_client(user)
        patched = client.patch(
            f"/api/v1/documents/{doc.pk}", {"summary": "đã sửa"}, content_type="application/json"
        )
        if patched.status_code == 200:
            return Document.objects.get(pk=doc.pk).summary == "đã sửa"
        codes = {patched.status_code}
    unchanged = Document.objects.get(pk=doc.pk).summary == before
    refused = codes <= ({403, 404} if may_view else {404})
    return False if unchanged and refused else f"refused badly: {codes}, unchanged {unchanged}"


@pytest.mark.django_db
def test_document_permission_matrix_has_no_leaks(world):
    _tree, users, docs = world
    leaks, tried = [], 0
    for role, position, action, channel in itertools.product(
        ROLES, POSITIONS, ["view", "edit"], ["page", "api"]
    ):
        doc = docs[position]
        allowed = expected(role, position, action)
        if action == "view":
            got = can_view(channel, users[role], doc)
        else:
            got = try_edit(channel, users[role], doc, expected(role, position, "view"))
        tried += 1
        if got is not allowed:
            leaks.append(f"{role} {action} {position} via {channel}: expected {allowed}, got {got}")
    print(f"\ndocuments permission matrix: {tried} cases, {len(leaks)} leaks")
    assert leaks == []
    assert tried == len(ROLES) * len(POSITIONS) * 4


def test_anonymous_sees_nothing(world, client):
    _tree, _users, docs = world
    assert not Document.objects.visible_to(None).exists()
    response = client.get(f"/van-ban/{docs['outside body, registered in another province'].pk}/")
    assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"]
    assert client.get("/api/v1/documents").status_code == 401


def test_a_person_without_any_role_reads_only_shared_documents(world):
    _tree, _users, docs = world
    nobody = f.user()
    assert list(Document.objects.visible_to(nobody)) == [
        docs["outside body, registered in another province"]
    ]


def test_target_copies_are_scoped_to_their_unit(world, people):
    _tree, _users, docs = world
    plan = docs["parent, with a target for Quận 9"]
    assert list(
        TargetAssignment.objects.visible_to(people["q9_editor"]).values_list(
            "unit__code", flat=True
        )
    ) == ["HCM-Q9"]
    assert (
        TargetAssignment.objects.visible_to(people["hcm_viewer"]).filter(target__plan=plan).count()
        == 2
    )
    assert not TargetAssignment.objects.visible_to(people["mt_editor"]).exists()
