"""The cube stays equal to the raw activities through creates, edits, deletes, moves and imports."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from binhyen import factories as f
from binhyen.activities import cube as facts
from binhyen.activities.models import Activity, ActivityFact, Dim
from binhyen.org import services as org_services
from binhyen.reporting.tests.helpers import delete, edit, record

pytestmark = pytest.mark.django_db


def cell(ancestor, child, month="2022-03-01", dim=Dim.NONE, dim_id=0):
    row = (
        ActivityFact.objects.filter(
            ancestor_id=ancestor.pk, child_id=child.pk, month=month, dim=dim, dim_id=dim_id
        )
        .values_list("activities", "sessions", "attendances", "leaflets")
        .first()
    )
    return row or (0, 0, 0, 0)


def test_one_activity_adds_a_row_at_every_level_of_its_path(tree):
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, topics=("ma_tuy", "pccc"))
    assert cell(tree["root"], tree["hcm"]) == (1, 2, 50, 0)
    assert cell(tree["hcm"], tree["q9"]) == (1, 2, 50, 0)
    assert cell(tree["q9"], tree["cs1"]) == (1, 2, 50, 0)
    # a grassroots union has no row of its own: its parent's row for it holds the same sums
    assert cell(tree["cs1"], tree["cs1"]) == (0, 0, 0, 0)
    from binhyen.activities.models import Topic

    pccc = Topic.objects.get(code="pccc")
    # topic slots on the national and provincial rows only
    assert cell(tree["root"], tree["hcm"], dim=Dim.TOPIC, dim_id=pccc.pk) == (1, 2, 50, 0)
    assert cell(tree["hcm"], tree["q9"], dim=Dim.TOPIC, dim_id=pccc.pk) == (1, 2, 50, 0)
    assert cell(tree["q9"], tree["cs1"], dim=Dim.TOPIC, dim_id=pccc.pk) == (0, 0, 0, 0)
    assert facts.verify() == []


def test_a_district_keeps_a_row_of_its_own_records(tree):
    record(tree["q9"], "2022-03-05", sessions=3, attendances=90)
    assert cell(tree["q9"], tree["q9"]) == (1, 3, 90, 0)
    assert cell(tree["hcm"], tree["q9"]) == (1, 3, 90, 0)
    assert facts.verify() == []


def test_edit_moves_the_figures_between_units_months_and_topics(tree):
    a = record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    edit(a, unit=tree["cs3"], date="2022-04-02", attendances=70, topics=("pccc",))
    assert cell(tree["root"], tree["hcm"]) == (0, 0, 0, 0)
    assert cell(tree["root"], tree["tg"], month="2022-04-01") == (1, 2, 70, 0)
    assert facts.verify() == []


def test_soft_delete_takes_the_figures_out(tree):
    a = record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    record(tree["cs1"], "2022-03-06", sessions=1, attendances=5)
    delete(a)
    assert cell(tree["hcm"], tree["q9"]) == (1, 1, 5, 0)
    assert facts.verify() == []


def test_bulk_created_activities_are_aggregated_before_the_upsert(
    tree, django_assert_max_num_queries
):
    first = record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    second = record(tree["cs2"], "2022-03-07", sessions=1, attendances=20, channels=("zalo",))
    ActivityFact.objects.all().delete()
    with django_assert_max_num_queries(7):  # 4 link tables, the activities, one upsert
        facts.activities_created([first.pk, second.pk])
    assert cell(tree["root"], tree["hcm"]) == (2, 3, 70, 0)
    assert facts.verify() == []


def test_verify_reports_a_tampered_cell_and_rebuild_repairs_it(tree):
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    ActivityFact.objects.filter(ancestor_id=tree["hcm"].pk, dim=Dim.NONE).update(sessions=99)
    [(key, stored, expected)] = facts.verify()
    assert key[0] == tree["hcm"].pk and stored[1] == 99 and expected[1] == 2
    with pytest.raises(CommandError):
        call_command("verify-facts")
    call_command("rebuild-facts")
    assert facts.verify() == []


def test_move_keeps_the_cube_fresh_and_rebuild_agrees(tree):
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    org_services.move_unit(f.superuser(), tree["cs1"], tree["mt"], datetime.date(2023, 1, 1))
    assert facts.verify() == []  # move_unit carried the cube rows in its own transaction
    ActivityFact.objects.all().delete()
    call_command("rebuild-facts", unit="HCM-Q9-CS1")
    assert facts.verify() == []
    assert cell(tree["root"], tree["tg"]) == (1, 2, 50, 0)
    assert cell(tree["root"], tree["hcm"]) == (0, 0, 0, 0)


def test_rebuild_after_a_merge_through_the_target(tree):
    record(tree["cs1"], "2020-03-05", sessions=2, attendances=50)
    org_services.merge_units(f.superuser(), [tree["q9"]], tree["td"], datetime.date(2021, 1, 1))
    call_command("rebuild-facts", unit="HCM-TD")
    assert facts.verify() == []
    assert cell(tree["hcm"], tree["td"], month="2020-03-01") == (1, 2, 50, 0)


def test_soft_deleted_rows_never_count_in_rebuild(tree):
    a = record(tree["cs1"], "2022-03-05")
    delete(a)
    assert Activity.all_objects.filter(pk=a.pk).exists()
    facts.rebuild()
    assert not ActivityFact.objects.exists()


def test_unit_moved_carries_the_subtree_without_a_rebuild(tree, django_assert_max_num_queries):
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, channels=("zalo",))
    record(tree["q9"], "2022-04-05", kind="hoi_nghi", sessions=1, attendances=80)
    with django_assert_max_num_queries(4 + 13):  # both cubes: 4; the move itself: 13
        org_services.move_unit(f.superuser(), tree["q9"], tree["tg"], datetime.date(2023, 1, 1))
    assert facts.verify() == []
    assert cell(tree["root"], tree["tg"]) == (1, 2, 50, 0)
    assert cell(tree["tg"], tree["q9"], month="2022-04-01") == (1, 1, 80, 0)
    assert cell(tree["root"], tree["hcm"]) == (0, 0, 0, 0)


def test_merge_keeps_the_cube_fresh(tree):
    record(tree["cs1"], "2020-03-05", sessions=2, attendances=50)
    record(tree["cs2"], "2020-03-06", sessions=1, attendances=10)
    org_services.merge_units(f.superuser(), [tree["q9"]], tree["td"], datetime.date(2021, 1, 1))
    assert facts.verify() == []
    assert cell(tree["hcm"], tree["td"], month="2020-03-01") == (2, 3, 60, 0)


# ---------------------------------------------------------------- the document dimension


def _plans(tree):
    return f.document(tree["hcm"], number="329"), f.document(tree["hcm"], number="330")


def test_a_linked_plan_gets_its_own_cells_on_the_top_levels(tree):
    plan, other = _plans(tree)
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, documents=[plan, other])
    record(tree["cs2"], "2022-03-09", sessions=1, attendances=5)  # carries out no plan
    for ancestor, child in ((tree["root"], tree["hcm"]), (tree["hcm"], tree["q9"])):
        assert cell(ancestor, child, dim=Dim.DOCUMENT, dim_id=plan.pk) == (1, 2, 50, 0)
        assert cell(ancestor, child, dim=Dim.DOCUMENT, dim_id=other.pk) == (1, 2, 50, 0)
    # below the provincial level the raw activities answer a plan's figures (no slot rows)
    assert cell(tree["q9"], tree["cs1"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (0, 0, 0, 0)
    assert cell(tree["hcm"], tree["td"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (0, 0, 0, 0)
    assert cell(tree["hcm"], tree["td"]) == (1, 1, 5, 0)
    assert facts.verify() == []


def test_editing_an_activitys_documents_moves_its_document_cells(tree):
    plan, other = _plans(tree)
    a = record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, documents=[plan])
    edit(a, documents=[other])
    assert cell(tree["hcm"], tree["q9"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (0, 0, 0, 0)
    assert cell(tree["hcm"], tree["q9"], dim=Dim.DOCUMENT, dim_id=other.pk) == (1, 2, 50, 0)
    edit(a, attendances=70, unit=tree["cs3"])  # documents untouched: they follow the activity
    assert cell(tree["root"], tree["tg"], dim=Dim.DOCUMENT, dim_id=other.pk) == (1, 2, 70, 0)
    assert cell(tree["root"], tree["hcm"], dim=Dim.DOCUMENT, dim_id=other.pk) == (0, 0, 0, 0)
    edit(a, documents=[])
    assert cell(tree["root"], tree["tg"], dim=Dim.DOCUMENT, dim_id=other.pk) == (0, 0, 0, 0)
    assert facts.verify() == []
    edit(a, documents=[plan])
    delete(a)
    assert cell(tree["root"], tree["tg"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (0, 0, 0, 0)
    assert facts.verify() == []


def test_bulk_created_and_rebuilt_document_cells(tree):
    plan, _other = _plans(tree)
    first = record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, documents=[plan])
    second = record(tree["cs2"], "2022-03-07", sessions=1, attendances=20, documents=[plan])
    ActivityFact.objects.all().delete()
    facts.activities_created([first.pk, second.pk])
    assert cell(tree["root"], tree["hcm"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (2, 3, 70, 0)
    assert facts.verify() == []
    ActivityFact.objects.filter(dim=Dim.DOCUMENT).update(sessions=0)
    assert {key[4] for key, _s, _e in facts.verify()} == {Dim.DOCUMENT}
    facts.rebuild()
    assert facts.verify() == []


def test_a_unit_move_carries_its_document_cells(tree):
    plan, _other = _plans(tree)
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, documents=[plan])
    org_services.move_unit(f.superuser(), tree["q9"], tree["tg"], datetime.date(2023, 1, 1))
    assert cell(tree["root"], tree["tg"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (1, 2, 50, 0)
    assert cell(tree["root"], tree["hcm"], dim=Dim.DOCUMENT, dim_id=plan.pk) == (0, 0, 0, 0)
    assert facts.verify() == []


def _apps_at(node):
    """The models as the migration at `node` saw them (ActivityFact was then reporting's)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state(node).apps


def test_the_migrations_fill_the_document_cells_of_an_upgraded_database(tree):
    """Activities linked to plans before the cube had a document slot: migration 0005 writes
    their cells (at every level, as the cube then was) and 0007 prunes the cube to its lean
    form, so the cube is exact right after `migrate`."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("binhyen.reporting.migrations.0005_document_dimension")
    lean = importlib.import_module("binhyen.reporting.migrations.0007_lean_activity_cube")
    apps = _apps_at(("reporting", "0007_lean_activity_cube"))
    plan, other = _plans(tree)
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, documents=[plan, other])
    record(tree["q9"], "2022-04-05", kind="hoi_nghi", sessions=1, attendances=80, documents=[plan])
    delete(record(tree["cs2"], "2022-04-06", documents=[plan]))
    ActivityFact.objects.filter(dim=Dim.DOCUMENT).delete()  # the cube as the old code left it
    assert facts.verify() != []

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.fill_document_cells(apps, editor)
    lean.prune(apps, editor)
    assert facts.verify() == []
    assert cell(tree["hcm"], tree["q9"], month="2022-04-01", dim=Dim.DOCUMENT, dim_id=plan.pk) == (
        1,
        1,
        80,
        0,
    )
    migration.fill_document_cells(apps, editor)  # a second run writes the same cells
    lean.prune(apps, editor)
    assert facts.verify() == []


def test_the_lean_cube_migration_prunes_an_old_cube_exactly(tree):
    """A cube written by the older code (slots at every level, grassroots unions' own rows):
    0007 deletes the rows the cube no longer keeps and leaves it exact."""
    import importlib

    from django.db import connection

    lean = importlib.import_module("binhyen.reporting.migrations.0007_lean_activity_cube")
    apps = _apps_at(("reporting", "0007_lean_activity_cube"))
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50, topics=("ma_tuy",))
    record(tree["q9"], "2022-04-05", kind="hoi_nghi", sessions=1, attendances=80, topics=("pccc",))
    from binhyen.figures import cube as cube_library

    old = facts.DIM_LEVELS, facts.grassroots_kinds, cube_library.grassroots_kinds
    facts.DIM_LEVELS, facts.grassroots_kinds, cube_library.grassroots_kinds = (
        99,
        frozenset,
        frozenset,
    )
    try:
        facts.rebuild()  # the old cube
    finally:
        facts.DIM_LEVELS, facts.grassroots_kinds, cube_library.grassroots_kinds = old
    assert cell(tree["cs1"], tree["cs1"]) == (1, 2, 50, 0)
    assert facts.verify() != []

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    lean.prune(apps, editor)
    assert facts.verify() == []


def test_a_union_that_stops_being_grassroots_gets_its_own_rows(tree):
    """A grassroots union directly under the city federation is re-classed as a zone union:
    from then on it keeps rows of its own, and the cube stays exact both ways."""
    union = f.unit(tree["hcm"], kind_code="cd_co_so", code="CS-KCN")
    record(union, "2022-03-05", sessions=2, attendances=40)
    assert cell(union, union) == (0, 0, 0, 0)
    assert cell(tree["hcm"], union) == (1, 2, 40, 0)
    org_services.update_unit(f.superuser(), union, kind=f.kind("cd_kcn"))
    assert cell(union, union) == (1, 2, 40, 0)
    assert facts.verify() == []
    org_services.update_unit(f.superuser(), union, kind=f.kind("cd_co_so"))
    assert cell(union, union) == (0, 0, 0, 0)
    assert facts.verify() == []


def test_an_imported_document_column_fills_the_document_cells(tree):
    """The import's "Văn bản thực hiện" column: its links reach the cube with the rest of the
    batch, and a rollup by plan equals the raw activities of the plan."""
    from binhyen.activities.services import import_activities
    from binhyen.activities.tests.conftest import row, xlsx
    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    plan = f.document(
        tree["hcm"], number="329", symbol="329/KH-LĐLĐ", issued_on=datetime.date(2020, 3, 1)
    )
    rows = [
        row(
            **{
                "Mã đơn vị": ("HCM-Q9-CS1", "HCM-TD-CS1", "HCM-Q9")[n % 3],
                "Tên hoạt động": f"Buổi {n}",
                "Ngày": datetime.date(2020, 4 + n % 3, 1 + n),
                "Số cuộc/buổi": 1 + n % 2,
                "Văn bản thực hiện": "329/KH-LĐLĐ" if n % 4 else None,
            }
        )
        for n in range(12)
    ]
    result = import_activities(f.superuser(), xlsx(rows), file_name="hoat-dong.xlsx")
    assert result.ok and result.created == 12, [str(e) for e in result.errors]
    assert facts.verify() == []
    spec = f"activity.sessions[document={plan.pk}]"
    linked = Activity.objects.filter(documents=plan)
    assert linked.count() == 9
    for unit in (tree["root"], tree["hcm"], tree["q9"]):
        total = rollup(unit, parse_period("2020"), [spec], by="none")["total"][spec]
        assert total == sum(a.sessions for a in linked.filter(unit__path__startswith=unit.path))


def test_a_large_batch_of_cells_goes_in_by_copy_and_stays_exact(tree, monkeypatch):
    """On PostgreSQL a batch of more than COPY_FROM cells is copied into a temporary table and
    upserted from there (twice in one transaction here, as an import's flushes do)."""
    monkeypatch.setattr(facts, "COPY_FROM", 0)
    first = [
        record(tree["cs1"], f"2022-03-{d:02d}", sessions=d, attendances=10 * d, topics=("pccc",))
        for d in (1, 2)
    ]
    second = [record(tree["cs3"], "2022-04-05", sessions=4, attendances=40)]
    ActivityFact.objects.all().delete()
    assert facts.activities_created([a.pk for a in first]) > 0
    assert facts.activities_created([a.pk for a in second]) > 0
    assert facts.verify() == []
    assert cell(tree["q9"], tree["cs1"]) == (2, 3, 30, 0)


def test_sums_keyed_by_dim_anchors_spread_to_exactly_the_cells_of_per_unit_sums(tree):
    """An import sums an activity's topic/audience/channel/document slots under its unit's
    ancestor DIM_LEVELS below the root (facts.dim_anchor): the cells must be the same as when
    every unit keeps its own slot sums, for units at every depth, leaves or not."""
    import random

    from binhyen.org.models import Unit

    extra = [
        f.unit(
            tree["root"],
            "cd_co_so",
            code="CS-ROOT",
            name="Công đoàn cơ sở trực thuộc Tổng Liên đoàn",
        ),
        f.unit(
            tree["hcm"],
            "cd_co_so",
            code="HCM-CS",
            name="Công đoàn cơ sở trực thuộc Liên đoàn thành phố",
        ),
    ]
    units = [*tree.values(), *extra]
    rng = random.Random(7)
    per_unit, anchored = facts.Sums(), facts.Sums()
    for _ in range(400):
        unit = rng.choice(units)
        args = (
            unit.pk,
            datetime.date(2022, rng.randint(1, 3), rng.randint(1, 28)),
            rng.choice((1, 2)),
            rng.randint(0, 3),
            rng.randint(0, 90),
            rng.choice((None, 5)),
            {
                "topics": rng.sample(range(1, 6), rng.randint(0, 2)),
                "audiences": [rng.randint(1, 3)],
                "channels": rng.sample(range(1, 4), rng.randint(0, 2)),
                "documents": rng.choice(((), (9,))),
            },
        )
        per_unit.add(*args)
        anchored.add(*args, dim_unit=facts.dim_anchor(unit.path))
    paths = {u.pk: (u.path, u.kind_id) for u in Unit.objects.all()}
    assert len(anchored.base) < len(per_unit.base)  # the grassroots of a district share slot sums
    expected = {k: v for k, v in per_unit.cells(paths).items() if any(v)}
    assert {k: v for k, v in anchored.cells(paths).items() if any(v)} == expected
    assert any(key[5] != Dim.NONE for key in expected)  # slot cells were compared too
