"""Seed the kinds of standing initiatives; the codes are stable (reports and imports use them)."""

from django.db import migrations

KINDS = [
    ("nha_tro", "Tổ công nhân tự quản khu nhà trọ", "Tổ tự quản nhà trọ", 1),
    ("xe_om", "Tổ tự quản phòng chống tội phạm của nghiệp đoàn xe ôm", "Tổ xe ôm tự quản", 2),
    ("du_luan_xa_hoi", "Tổ dư luận xã hội", "Tổ dư luận xã hội", 3),
    ("nong_cot", "Lực lượng nòng cốt", "Lực lượng nòng cốt", 4),
    ("khac", "Mô hình khác", "Khác", 9),
]


def seed(apps, schema_editor):
    GroupKind = apps.get_model("groups", "GroupKind")
    for code, name, short, order in KINDS:
        GroupKind.objects.update_or_create(
            code=code, defaults=dict(name=name, short_name=short, order=order)
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
