"""The portal's tip inbox moves here: each tip keeps its code (senders follow it with it), its
unit, ward, text and dates; its status maps onto the workflow's states; the name and phone of
a sender who gave them are sealed; its audit history comes along row by row."""

import datetime

from django.db import migrations

STATES = {
    "moi": "tiep_nhan",
    "dang_xu_ly": "dang_xu_ly",
    "da_chuyen": "chuyen_co_quan",
    "da_xu_ly": "da_giai_quyet",
    "khong_du_tin": "dong",
}
COPIED = ("code", "what", "place", "happened_on", "happened_time", "anonymous", "public_note")


def copy(apps, schema_editor):
    from binhyen.core.text import fold
    from binhyen.incidents.seal import seal

    Old = apps.get_model("portal", "Tip")
    OldHistory = apps.get_model("portal", "HistoricalTip")
    New = apps.get_model("incidents", "Tip")
    NewHistory = apps.get_model("incidents", "HistoricalTip")
    ids = {}
    for old in Old.objects.select_related("section").order_by("id"):
        answered = old.status != "moi" or bool(old.public_note)
        new = New.objects.create(
            **{f: getattr(old, f) for f in COPIED},
            channel="cong_thong_tin",
            source=old.section.title[:120] if old.section_id else "",
            unit_id=old.unit_id,
            ward_id=old.ward_id,
            state=STATES.get(old.status, "tiep_nhan"),
            sealed_sender=""
            if old.anonymous
            else seal(old.reporter_name, old.reporter_phone, None),
            created_at=old.created_at,
            answer_due=old.created_at + datetime.timedelta(days=7),
            answered_at=old.updated_at if answered else None,
            search_text=fold(f"{old.code} {old.what[:400]} {old.place}")[:600],
        )
        New.objects.filter(pk=new.pk).update(updated_at=old.updated_at)
        ids[old.pk] = new.pk
    for row in OldHistory.objects.order_by("history_id"):
        if row.id not in ids:
            continue
        NewHistory.objects.create(
            **{f: getattr(row, f) for f in COPIED},
            id=ids[row.id],
            channel="cong_thong_tin",
            source="",
            unit_id=row.unit_id,
            ward_id=row.ward_id,
            state=STATES.get(row.status, "tiep_nhan"),
            created_at=row.created_at,
            answer_due=row.created_at + datetime.timedelta(days=7),
            history_date=row.history_date,
            history_type=row.history_type,
            history_user_id=row.history_user_id,
            history_change_reason=row.history_change_reason,
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_reference_data"), ("portal", "0001_initial")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
