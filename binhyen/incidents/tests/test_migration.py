"""A database upgraded across incidents 0003 (the portal's tips move to the incidents app, the
sender sealed) keeps every tip: its receipt code (senders follow it with it), its state on the
new workflow, its history row by row; a sender's name and phone survive only sealed, in no
plain column of any table, old history included."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents.models import Tip
from binhyen.incidents.seal import unseal

BEFORE = [("incidents", "0002_reference_data"), ("portal", "0001_initial")]
T0 = timezone.make_aware(datetime.datetime(2025, 9, 1, 8, 30))
# code, status, anonymous, name, phone, public note
OLD = [
    ("TB-AAAA-2222", "moi", True, "", "", ""),
    ("TB-BBBB-3333", "dang_xu_ly", False, "Trần Văn Bình", "0912345678", ""),
    ("TB-CCCC-4444", "da_chuyen", False, "Lê Thị Hoa", "", "Đã chuyển Công an phường."),
    ("TB-DDDD-5555", "da_xu_ly", True, "", "", "Đã xử lý xong."),
    ("TB-EEEE-6666", "khong_du_tin", False, "", "0987654321", ""),
]
STATES = {
    "TB-AAAA-2222": "tiep_nhan",
    "TB-BBBB-3333": "dang_xu_ly",
    "TB-CCCC-4444": "chuyen_co_quan",
    "TB-DDDD-5555": "da_giai_quyet",
    "TB-EEEE-6666": "dong",
}
SECRETS = ["Trần Văn Bình", "0912345678", "Lê Thị Hoa", "0987654321"]


def _old_tips(apps, unit, ward, user):
    OldTip = apps.get_model("portal", "Tip")
    OldHistory = apps.get_model("portal", "HistoricalTip")
    for n, (code, status, anonymous, name, phone, note) in enumerate(OLD):
        created = T0 + datetime.timedelta(days=n)
        fields = dict(
            code=code,
            what=f"Nội dung tin báo số {n + 1} về khu nhà trọ.",
            place="Hẻm 12",
            happened_on=created.date(),
            anonymous=anonymous,
            reporter_name=name,
            reporter_phone=phone,
            unit_id=unit.pk,
            ward_id=ward.pk,
        )
        tip = OldTip.objects.create(**fields, status=status, public_note=note)
        OldTip.objects.filter(pk=tip.pk).update(
            created_at=created, updated_at=created + datetime.timedelta(days=1)
        )
        # the old history carried the name and phone in clear: a row as sent, one as answered
        OldHistory.objects.create(
            **fields,
            id=tip.pk,
            status="moi",
            public_note="",
            created_at=created,
            history_date=created,
            history_type="+",
        )
        if status != "moi":
            OldHistory.objects.create(
                **fields,
                id=tip.pk,
                status=status,
                public_note=note,
                created_at=created,
                history_date=created + datetime.timedelta(days=1),
                history_type="~",
                history_user_id=user.pk,
            )


def _every_text_cell():
    """Every value of every column of every table, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if value is not None:
                        yield table, str(value)


@pytest.mark.django_db(transaction=True)
def test_old_portal_tips_move_with_codes_states_history_and_the_sender_sealed():
    tree = f.small_tree()
    officer = f.user(username="can-bo-cu")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    _old_tips(old, tree["hcm"], f.area("26794"), officer)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    tips = {t.code: t for t in Tip.objects.all()}
    assert sorted(tips) == [row[0] for row in OLD]
    for n, (code, _status, anonymous, name, phone, note) in enumerate(OLD):
        tip = tips[code]
        created = T0 + datetime.timedelta(days=n)
        assert tip.state == STATES[code]
        assert tip.anonymous == anonymous and tip.channel == "cong_thong_tin"
        assert (tip.unit_id, tip.ward.code, tip.public_note) == (tree["hcm"].pk, "26794", note)
        assert tip.created_at == created and tip.answer_due == created + datetime.timedelta(days=7)
        # answered: moved on, or a word written to the sender
        assert (tip.answered_at is not None) == (_status != "moi" or bool(note))
        if anonymous:
            assert tip.sealed_sender == ""
        else:
            assert unseal(tip.sealed_sender) == {"name": name, "phone": phone, "user": None}
        history = list(Tip.history.filter(id=tip.pk).order_by("history_date"))
        assert [h.history_type for h in history] == (["+"] if _status == "moi" else ["+", "~"])
        assert [h.state for h in history] == (
            ["tiep_nhan"] if _status == "moi" else ["tiep_nhan", STATES[code]]
        )
        assert history[0].history_date == created
        assert history[-1].history_user_id == (officer.pk if _status != "moi" else None)
    # no name, no phone in clear anywhere: the old tables are gone, the new ones seal them
    tables = connection.introspection.table_names()
    assert "portal_tip" not in tables and "portal_historicaltip" not in tables
    leaks = [(table, s) for table, cell in _every_text_cell() for s in SECRETS if s in cell]
    assert leaks == []
