"""Targets: validated against the indicator registry, cascaded as a copy per unit (as the tree
stood for the period), and their progress read from the rollup engine. A target's value has one
bound (documents.models.TARGET_VALUE) that the API schema, the form, the service and the
database share (the API's side: test_targets_api.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.documents.models import Target, TargetAssignment
from binhyen.documents.tests import conftest as documents_tests
from binhyen.documents.tests.conftest import login, record
from binhyen.org import services as org_services
from binhyen.reporting import progress
from binhyen.reporting import targets as services
from binhyen.reporting.rollup import rollup

D = datetime.date
SESSIONS = "activity.sessions[kind=tuyen_truyen]"
HUGE = 2**63 - 1

# the documents tests' people: a viewer and an editor at HCMC, editors at Quận 9, at its
# grassroots union and at Mỹ Tho
people = documents_tests.people


@pytest.fixture
def mt_world(tree):
    """LĐLĐ Mỹ Tho with three grassroots unions (one closed before 2022) and its plan."""
    mt = tree["mt"]
    cs4 = f.unit(mt, "cd_co_so", code="TG-MT-CS4", name="Công đoàn cơ sở Công ty May Mỹ Tho")
    old = f.unit(mt, "cd_co_so", code="TG-MT-CS9", name="Công đoàn cơ sở Nhà máy Xay xát cũ")
    org_services.close_unit(f.superuser(), old, D(2020, 6, 30))
    plan = f.document(mt, number="329", symbol="329/KH-LĐLĐ")
    return dict(mt=mt, cs3=tree["cs3"], cs4=cs4, old=old, plan=plan)


def set_target(plan, **fields):
    values = dict(indicator=SESSIONS, period="2022", value=2, applies_to="grassroots")
    values.update(fields)
    return services.set_target(f.superuser(), plan, **values)


def copies(target):
    return sorted(TargetAssignment.objects.filter(target=target).values_list("unit__code", "value"))


def test_grassroots_target_cascades_to_the_unions_open_in_the_period(mt_world):
    target = set_target(mt_world["plan"])
    assert copies(target) == [("TG-MT-CS1", 2), ("TG-MT-CS4", 2)]
    assert target.indicator == SESSIONS and (target.period_start, target.period_end) == (
        D(2022, 1, 1),
        D(2022, 12, 31),
    )
    assert TargetAssignment.history.filter(history_type="+").count() == 2


def test_children_target_and_list_target(tree):
    plan = f.document(tree["hcm"], number="118")
    children = set_target(plan, applies_to="children", value=40)
    assert [code for code, _v in copies(children)] == ["HCM-Q9", "HCM-TD"]
    listed = set_target(plan, applies_to="list", units=[tree["cs1"]], value=3)
    assert copies(listed) == [("HCM-Q9-CS1", 3)]
    own = set_target(plan, applies_to="unit", indicator="units.outreach_share", value=100)
    assert copies(own) == [("HCM", 100)]


def test_changing_a_target_changes_every_copy(mt_world):
    target = set_target(mt_world["plan"])
    services.update_target(
        f.superuser(), target, value=5, applies_to="list", units=[mt_world["cs4"]]
    )
    assert copies(target) == [("TG-MT-CS4", 5)]
    services.delete_target(f.superuser(), target)
    assert not Target.objects.exists() and not TargetAssignment.objects.exists()


@pytest.mark.parametrize(
    "fields,field,words",
    [
        (dict(indicator="activity.buoi"), "indicator", "Không có chỉ tiêu “activity.buoi”"),
        (dict(indicator="activity.sessions[kind=khong_co]"), "indicator", "Không có mã “khong_co”"),
        (dict(period="2022Q5"), "period", "không hợp lệ"),
        (dict(value=0), "value", "lớn hơn 0"),
        (
            dict(indicator="units.outreach_share", value=120, applies_to="children"),
            "value",
            "tối đa là 100",
        ),
        (
            dict(indicator="units.outreach_share", value=100),
            "applies_to",
            "không giao cho từng công đoàn cơ sở",
        ),
        (dict(applies_to="list"), "units", "Hãy chọn ít nhất một đơn vị"),
    ],
)
def test_bad_targets_are_refused_and_nothing_saved(mt_world, fields, field, words):
    with pytest.raises(ValidationError) as info:
        set_target(mt_world["plan"], **fields)
    assert words in info.value.message_dict[field][0]
    assert not Target.objects.exists() and not TargetAssignment.objects.exists()


def test_a_listed_unit_must_belong_to_the_plans_unit(mt_world, tree):
    with pytest.raises(ValidationError) as info:
        set_target(mt_world["plan"], applies_to="list", units=[tree["cs1"]])
    assert (
        "không thuộc hệ thống của Liên đoàn Lao động thành phố Mỹ Tho"
        in info.value.message_dict["units"][0]
    )


def test_only_plans_of_union_units_carry_targets(mt_world):
    letter = f.document(mt_world["mt"], "cong_van", number="2016")
    with pytest.raises(ValidationError) as info:
        set_target(letter)
    assert "Chỉ kế hoạch, chương trình mới đặt được chỉ tiêu" in info.value.message_dict["plan"][0]


# --- progress ---------------------------------------------------------------------------------


def test_progress_per_unit_equals_the_rollup(mt_world):
    target = set_target(mt_world["plan"])
    record(mt_world["cs3"], "2022-04-10", sessions=1)
    record(mt_world["cs3"], "2022-09-01", sessions=2)
    record(mt_world["cs4"], "2022-05-05", sessions=1)
    record(mt_world["cs4"], "2022-05-06", kind="hoi_thi", sessions=5)  # not an outreach session
    record(mt_world["cs4"], "2023-01-10", sessions=4)  # outside the period
    table = progress.target_progress(target, day=D(2023, 2, 1))
    rows = {r.code: r for r in table.rows}
    assert (rows["TG-MT-CS1"].actual, rows["TG-MT-CS1"].percent, rows["TG-MT-CS1"].status) == (
        3,
        150.0,
        "reached",
    )
    assert (rows["TG-MT-CS4"].actual, rows["TG-MT-CS4"].percent, rows["TG-MT-CS4"].status) == (
        1,
        50.0,
        "missed",
    )
    assert [r.code for r in table.behind] == ["TG-MT-CS4"]
    assert (table.total_target, table.total_actual) == (4, 4)
    engine = rollup(mt_world["mt"], parse_period("2022"), [SESSIONS], by="child")
    assert {row["unit"]["code"]: row["values"][SESSIONS] for row in engine["rows"]} == {
        "TG-MT-CS1": 3,
        "TG-MT-CS4": 1,
    }


def test_behind_means_below_an_even_pace_while_the_period_runs(mt_world):
    target = set_target(mt_world["plan"], value=12)
    record(mt_world["cs3"], "2022-02-01", sessions=6)
    record(mt_world["cs4"], "2022-02-01", sessions=3)
    table = progress.target_progress(target, day=D(2022, 6, 30))  # half the year gone
    rows = {r.code: r.status for r in table.rows}
    assert rows == {"TG-MT-CS1": "on_track", "TG-MT-CS4": "behind"}
    assert 0.49 < table.share < 0.5


def test_a_ratio_target_reads_the_registrys_ratio(mt_world):
    target = set_target(
        mt_world["plan"], indicator="units.outreach_share", value=100, applies_to="unit"
    )
    record(mt_world["cs3"], "2022-04-10")
    table = progress.target_progress(target, day=D(2023, 1, 5))
    (row,) = table.rows
    expected = rollup(mt_world["mt"], parse_period("2022"), ["units.outreach_share"], by="none")[
        "total"
    ]["units.outreach_share"]
    assert row.own and row.actual == expected == 50.0  # one of the two unions open in 2022
    assert (row.percent, row.status) == (50.0, "missed")


def test_progress_follows_the_tree_as_it_stood_in_the_period(mt_world, tree):
    """Mỹ Tho's unions moved to a new unit in 2025; its 2022 plan still counts them."""
    target = set_target(mt_world["plan"])
    record(mt_world["cs4"], "2022-05-05", sessions=2)
    ward_union = f.unit(
        tree["tg"], "cd_xa", code="DT-PMT", name="Công đoàn phường Mỹ Tho", valid_from=D(2025, 7, 1)
    )
    org_services.move_unit(f.superuser(), mt_world["cs4"], ward_union, D(2025, 7, 1))
    table = progress.target_progress(target)
    assert {r.code: r.actual for r in table.rows} == {"TG-MT-CS1": 0, "TG-MT-CS4": 2}
    services.cascade_target(f.superuser(), target)
    assert copies(target) == [("TG-MT-CS1", 2), ("TG-MT-CS4", 2)]


def test_rows_group_copies_below_each_child_and_open_one_level_down(tree):
    plan = f.document(tree["hcm"], number="118")
    cs5 = f.unit(tree["td"], "cd_co_so", code="HCM-TD-CS5")
    target = set_target(plan, applies_to="grassroots", value=4)
    record(tree["cs2"], "2022-03-03", sessions=4)
    record(cs5, "2022-03-03", sessions=1)
    record(tree["td"], "2022-03-04", sessions=10)  # the district's own conference
    top = {r.code: r for r in progress.target_progress(target, day=D(2023, 1, 1)).rows}
    assert (top["HCM-TD"].target, top["HCM-TD"].assigned, top["HCM-TD"].direct) == (8, 2, False)
    assert top["HCM-TD"].actual == 15  # the rollup of the whole subtree
    below = {
        r.code: (r.target, r.actual, r.direct)
        for r in progress.target_progress(target, tree["td"], D(2023, 1, 1)).rows
    }
    assert below == {"HCM-TD-CS1": (4, 4, True), "HCM-TD-CS5": (4, 1, True)}


def test_a_person_sees_only_the_rows_of_their_units(tree, people):
    plan = f.document(tree["hcm"], number="118")
    target = set_target(plan, applies_to="grassroots", value=4)
    record(tree["cs1"], "2022-03-03", sessions=4)
    mine = progress.target_progress(target, tree["q9"], D(2023, 1, 1), user=people["cs1_editor"])
    assert [r.code for r in mine.rows] == ["HCM-Q9-CS1"]
    # Quận 9 reads its own line of the city's plan, not the city's totals
    top = progress.target_progress(target, day=D(2023, 1, 1), user=people["q9_editor"])
    assert [r.code for r in top.rows] == ["HCM-Q9"] and top.level_actual is None
    city = progress.target_progress(target, day=D(2023, 1, 1), user=people["hcm_viewer"])
    assert sorted(r.code for r in city.rows) == ["HCM-Q9", "HCM-TD"] and city.level_actual == 4


def test_the_cascade_command_follows_a_new_union(mt_world):
    from io import StringIO

    from django.core.management import call_command

    target = set_target(mt_world["plan"])
    f.unit(mt_world["mt"], "cd_co_so", code="TG-MT-CS7", valid_from=D(2022, 6, 1))
    out = StringIO()
    call_command("cascade-targets", stdout=out)
    assert "thêm 1 bản giao cho đơn vị, bỏ 0 bản" in out.getvalue()
    assert ("TG-MT-CS7", 2) in copies(target)


@pytest.mark.parametrize(
    "spec, limited",
    [
        ("activity.sessions", "activity.sessions[document={pk}]"),
        (
            "activity.sessions[kind=tuyen_truyen]",
            "activity.sessions[kind=tuyen_truyen;document={pk}]",
        ),
        ("activity.attendances[]", "activity.attendances[document={pk}]"),
        (
            "units.reporting[kind=tuyen_truyen;topic=ma_tuy]",
            "units.reporting[kind=tuyen_truyen;topic=ma_tuy;document={pk}]",
        ),
    ],
)
def test_a_spec_limited_to_the_plan_and_back(tree, spec, limited):
    plan = f.document(tree["mt"], number="329")
    limited = limited.format(pk=plan.pk)
    assert services.plan_only(spec, plan) == limited
    assert services.plan_only(limited, plan) == limited  # once only
    assert services.split_plan_only(limited, plan) == (spec.replace("[]", ""), True)
    assert services.split_plan_only(spec, plan) == (spec, False)


def test_a_target_may_name_only_a_document_its_author_sees(tree, people):
    plan = f.document(tree["mt"], number="329")
    other = f.document(tree["q9"], number="7")  # Quận 9's plan: not seen from Mỹ Tho
    with pytest.raises(ValidationError) as exc:
        services.set_target(
            people["mt_editor"],
            plan,
            indicator=f"activity.sessions[document={other.pk}]",
            period="2022",
            value=1,
            applies_to="grassroots",
        )
    assert "Không có văn bản" in exc.value.message_dict["indicator"][0]
    target = services.set_target(
        people["mt_editor"],
        plan,
        indicator=f"activity.sessions[document={plan.symbol}]",
        period="2022",
        value=1,
        applies_to="grassroots",
    )
    assert target.indicator == f"activity.sessions[document={plan.pk}]"  # stored by id


# --- the target's value: the service, the form, the database -------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        (10_000_001, "Mức chỉ tiêu tối đa 10.000.000 cho mỗi đơn vị; 10.000.001 là quá lớn."),
        (True, "Mức chỉ tiêu phải là số nguyên lớn hơn 0."),
        (2.5, "Mức chỉ tiêu phải là số nguyên lớn hơn 0."),
    ],
)
def test_the_service_refuses_it_too(mt_world, value, message):
    with pytest.raises(ValidationError) as caught:
        services.set_target(
            f.superuser(),
            mt_world["plan"],
            indicator=SESSIONS,
            period="2022",
            value=value,
            applies_to="grassroots",
        )
    assert caught.value.message_dict["value"] == [message]


def test_the_form_refuses_it_next_to_the_field(people, mt_world):
    client = login(people["mt_editor"])
    response = client.post(
        f"/van-ban/{mt_world['plan'].pk}/chi-tieu/them/",
        {
            "indicator": SESSIONS,
            "period": "2022",
            "value": str(HUGE),
            "applies_to": "grassroots",
            "units": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["value"] == [
        "Mức chỉ tiêu tối đa 10.000.000 cho mỗi đơn vị."
    ]
    assert Target.objects.count() == 0


def test_the_database_refuses_a_value_written_around_the_service(mt_world):
    target = services.set_target(
        f.superuser(),
        mt_world["plan"],
        indicator=SESSIONS,
        period="2022",
        value=2,
        applies_to="grassroots",
    )
    for queryset in (
        Target.objects.filter(pk=target.pk),
        TargetAssignment.objects.filter(target=target),
    ):
        for value in (10_000_001, 0):
            with pytest.raises(IntegrityError), transaction.atomic():
                queryset.update(value=value)
