"""The forms of award (Quyết định 999/QĐ-TLĐ of 2024 and the State's emulation law): codes are
stable, the demo and the indicator `awards.count[form=…]` name them."""

from django.db import migrations

# code, name, order, for collectives, for individuals
FORMS = [
    ("co_thi_dua_tld", "Cờ thi đua của Tổng Liên đoàn Lao động Việt Nam", 1, True, False),
    ("bang_khen_tld", "Bằng khen của Tổng Liên đoàn Lao động Việt Nam", 2, True, True),
    ("co_thi_dua_ubnd", "Cờ thi đua của Ủy ban nhân dân tỉnh, thành phố", 3, True, False),
    ("bang_khen_ubnd", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh, thành phố", 4, True, True),
    ("bang_khen_bo", "Bằng khen của Bộ, ngành trung ương", 5, True, True),
    ("co_thi_dua_ldld", "Cờ thi đua của Liên đoàn Lao động tỉnh, thành phố", 6, True, False),
    ("bang_khen_ldld", "Bằng khen của Liên đoàn Lao động tỉnh, thành phố", 7, True, True),
    ("giay_khen", "Giấy khen", 8, True, True),
]


def load(apps, schema_editor):
    Form = apps.get_model("emulation", "AwardForm")
    for code, name, order, collective, individual in FORMS:
        Form.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "order": order,
                "collective": collective,
                "individual": individual,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
