"""Seed the unit kinds of the union system (data, editable later; codes are stable)."""

from django.db import migrations

KINDS = [
    ("tong_lien_doan", "Tổng Liên đoàn Lao động Việt Nam", "TLĐ", 0, False, False),
    ("ldld_tinh", "Liên đoàn Lao động tỉnh, thành phố", "LĐLĐ", 1, False, False),
    ("cd_nganh", "Công đoàn ngành", "CĐN", 2, False, False),
    ("cd_kcn", "Công đoàn các khu công nghiệp - khu chế xuất", "CĐ KCN-KCX", 2, False, False),
    ("ldld_huyen", "Liên đoàn Lao động quận, huyện, thị xã, thành phố thuộc tỉnh", "LĐLĐ", 2, False, True),
    ("cd_xa", "Công đoàn xã, phường, đặc khu", "CĐ", 2, False, False),
    ("cd_co_so", "Công đoàn cơ sở", "CĐCS", 3, True, False),
    ("nghiep_doan", "Nghiệp đoàn", "NĐ", 3, True, False),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    for code, name, short, rank, grassroots, legacy in KINDS:
        UnitKind.objects.update_or_create(
            code=code,
            defaults=dict(name=name, short_name=short, rank=rank, is_grassroots=grassroots, is_legacy=legacy),
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
