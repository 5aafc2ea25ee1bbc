"""A database upgraded across migration 0007 (the import key becomes a UUID column) keeps
every activity and its key, so a re-import still recognises what is already there."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from binhyen import factories as f
from binhyen.activities.excel import existing_keys
from binhyen.activities.models import Activity, ActivityKind, natural_key_for

BEFORE = [("activities", "0006_link_reference_columns_unindexed")]


@pytest.mark.django_db(transaction=True)
def test_keys_written_before_the_uuid_column_survive_the_upgrade():
    tree = f.small_tree()
    MigrationExecutor(connection).migrate(BEFORE)
    kind = ActivityKind.objects.get(code="tuyen_truyen").pk
    day = datetime.date(2022, 3, 5)
    key = natural_key_for(tree["cs1"].pk, day, kind, "Tuyên truyền phòng, chống ma túy")
    now = timezone.now()
    with connection.cursor() as cursor:
        for title, old_key in (
            ("Tuyên truyền phòng, chống ma túy", key),
            ("Hoạt động giả lập 5", "gen1-5"),
        ):
            cursor.execute(
                "INSERT INTO activities_activity (unit_id, kind_id, date, title, sessions, attendances, place, "
                "notes, document_ref, natural_key, search_text, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, 1, 30, '', '', '', %s, '', %s, %s)",
                [tree["cs1"].pk, kind, day, title, old_key, now, now],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    keys = dict(Activity.all_objects.values_list("title", "natural_key"))
    assert keys["Tuyên truyền phòng, chống ma túy"].hex == key
    # a key the old generate-national wrote ("gen<seed>-<id>") becomes its MD5
    assert keys["Hoạt động giả lập 5"].hex == hashlib.md5(b"gen1-5").hexdigest()
    assert list(existing_keys([key])) == [key]  # the import's duplicate check finds it
