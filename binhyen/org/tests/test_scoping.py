"""The write-side rules of org/scoping.py: the named unit sets, `require_role_over` and the
scope's subtree filter, for every role, closed units, units beside the scope and no unit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from binhyen import factories as f
from binhyen.org.models import Area, AreaLevel, Assignment, Unit
from binhyen.org.scoping import (
    ADMIN_ROLES,
    EDIT_ROLES,
    Role,
    Scope,
    holds_role_over,
    may_record,
    require_editable,
    require_role_over,
    scope_of,
)

ADMIN_REFUSAL = "Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị."
RECORD_REFUSAL = "Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu."
Q9_SUBTREE = {"q9", "cs1"}


def names(tree, units):
    by_pk = {u.pk: name for name, u in tree.items()}
    return {by_pk[u.pk] for u in units}


def refusal(actor, unit, roles, **kwargs):
    """The {field: [message]} require_role_over raises, or None when it lets the actor through."""
    try:
        require_role_over(actor, unit, roles, **kwargs)
    except ValidationError as exc:
        return exc.message_dict
    return None


@pytest.mark.parametrize(
    "role, administered, recordable",
    [
        (Role.VIEWER, set(), set()),
        (Role.EDITOR, set(), Q9_SUBTREE),
        (Role.APPROVER, set(), set()),
        (Role.ADMIN, Q9_SUBTREE, Q9_SUBTREE),
    ],
)
def test_the_named_unit_sets_follow_the_role_over_the_subtree(tree, role, administered, recordable):
    person = f.user(role=role, unit=tree["q9"])
    assert names(tree, Unit.objects.administered_by(person)) == administered
    assert names(tree, Unit.objects.recordable_by(person)) == recordable
    assert may_record(person) == bool(recordable)
    for name, unit in tree.items():
        assert holds_role_over(person, ADMIN_ROLES, unit) == (name in administered)
        assert holds_role_over(person, EDIT_ROLES, unit) == (name in recordable)


def test_a_police_liaison_neither_administers_nor_records(tree):
    ward = Area.objects.filter(level=AreaLevel.WARD).order_by("code").first()
    Unit.objects.filter(pk=tree["cs1"].pk).update(ward=ward)
    police = f.user(role=Role.POLICE, unit=tree["hcm"], wards=[ward])
    assert Unit.objects.visible_to(police).filter(pk=tree["cs1"].pk).exists()
    assert not Unit.objects.administered_by(police).exists()
    assert not Unit.objects.recordable_by(police).exists()
    assert not may_record(police)
    assert refusal(police, tree["cs1"], EDIT_ROLES) == {"unit": [RECORD_REFUSAL]}


def test_a_superuser_acts_everywhere_and_nobody_acts_without_an_active_role(tree):
    boss = f.superuser()
    assert Unit.objects.administered_by(boss).count() == Unit.objects.count()
    assert may_record(boss) and refusal(boss, tree["cs3"], ADMIN_ROLES) is None
    nobody = f.user()
    assert not Unit.objects.recordable_by(nobody).exists() and not may_record(nobody)
    locked_out = f.user(role=Role.ADMIN, unit=tree["q9"], is_active=False)
    assert not Unit.objects.administered_by(locked_out).exists()
    assert refusal(locked_out, tree["q9"], ADMIN_ROLES) == {"unit": [ADMIN_REFUSAL]}


def test_closed_units_stay_in_the_sets(tree):
    # a closed unit keeps its records: its people still correct them (the locks judge the days)
    Unit.objects.filter(pk=tree["cs1"].pk).update(valid_to=datetime.date(2020, 12, 31))
    closed = Unit.objects.get(pk=tree["cs1"].pk)
    editor = f.user(role=Role.EDITOR, unit=tree["q9"])
    assert Unit.objects.recordable_by(editor).filter(pk=closed.pk).exists()
    assert refusal(editor, closed, EDIT_ROLES) is None


def test_require_role_over_refuses_beside_the_scope_with_words_that_confirm_nothing(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["q9"])
    assert refusal(admin, tree["cs1"], ADMIN_ROLES) is None
    for outside in ("hcm", "td", "cs2", "cs3"):
        assert refusal(admin, tree[outside], ADMIN_ROLES) == {"unit": [ADMIN_REFUSAL]}
    # an unsaved unit (no row) is refused like an unknown one, whatever its path says
    ghost = Unit(code="X", name="X", path=tree["cs1"].path)
    assert refusal(admin, ghost, ADMIN_ROLES, field="parent") == {"parent": [ADMIN_REFUSAL]}


def test_require_role_over_words_by_roles_or_given_by_the_caller(tree):
    editor = f.user(role=Role.EDITOR, unit=tree["q9"])
    assert refusal(editor, tree["cs1"], EDIT_ROLES) is None
    assert refusal(editor, tree["cs1"], ADMIN_ROLES) == {"unit": [ADMIN_REFUSAL]}
    assert refusal(editor, tree["td"], EDIT_ROLES) == {"unit": [RECORD_REFUSAL]}
    assert refusal(
        editor, tree["td"], EDIT_ROLES, field="issuer_unit", message="Ngoài phạm vi."
    ) == {"issuer_unit": ["Ngoài phạm vi."]}


def test_no_unit_is_refused_or_asked_for(tree):
    editor = f.user(role=Role.EDITOR, unit=tree["q9"])
    assert refusal(editor, None, EDIT_ROLES) == {"unit": [RECORD_REFUSAL]}
    assert refusal(editor, None, EDIT_ROLES, missing="Hãy chọn đơn vị.") == {
        "unit": ["Hãy chọn đơn vị."]
    }
    # `missing` is for no unit only: a unit beside the scope still gets the refusal
    assert refusal(editor, tree["td"], EDIT_ROLES, missing="Hãy chọn đơn vị.") == {
        "unit": [RECORD_REFUSAL]
    }
    assert not holds_role_over(f.superuser(), ADMIN_ROLES, None)


def test_require_editable_is_the_records_own_rule(tree):
    # an assignment is changed by the admins of its unit (Assignment.scope_edit_roles)
    held = Assignment.objects.get(user=f.user(role=Role.VIEWER, unit=tree["cs1"]))
    admin, editor = (
        f.user(role=Role.ADMIN, unit=tree["q9"]),
        f.user(role=Role.EDITOR, unit=tree["q9"]),
    )
    require_editable(admin, held, "Không sửa được.")
    for refused in (editor, f.user(role=Role.ADMIN, unit=tree["td"])):
        with pytest.raises(ValidationError) as exc:
            require_editable(refused, held, "Không sửa được.", field="assignment")
        assert exc.value.message_dict == {"assignment": ["Không sửa được."]}
    with pytest.raises(ValidationError):
        require_editable(
            f.superuser(), Assignment(unit=tree["cs1"], role=Role.VIEWER), "Không sửa được."
        )


def test_the_scope_q_is_the_subtrees_of_the_scope(tree):
    editor = f.user(role=Role.EDITOR, unit=tree["q9"])
    f.user(role=Role.EDITOR, unit=tree["tg"])  # someone else's scope does not leak in
    scope = scope_of(editor, EDIT_ROLES)
    assert names(tree, Unit.objects.filter(scope.q())) == Q9_SUBTREE
    assert Scope(everything=True).q() == Q()
    assert not Unit.objects.filter(Scope().q()).exists()
    both = Scope(paths=[tree["q9"].path, tree["mt"].path])
    assert names(tree, Unit.objects.filter(both.q("path"))) == {"q9", "cs1", "mt", "cs3"}
