"""The ownership kinds and industries the reports count enterprises by."""

from django.db import migrations

OWNERSHIP = [
    ("nha_nuoc", "Doanh nghiệp nhà nước", 1),
    ("tu_nhan", "Doanh nghiệp tư nhân trong nước", 2),
    ("fdi", "Doanh nghiệp có vốn đầu tư nước ngoài (FDI)", 3),
]
INDUSTRIES = [
    ("det_may", "Dệt may", 1),
    ("da_giay", "Da giày, túi xách", 2),
    ("dien_tu", "Điện, điện tử", 3),
    ("co_khi", "Cơ khí, chế tạo", 4),
    ("go_noi_that", "Gỗ, nội thất", 5),
    ("thuc_pham", "Chế biến thực phẩm, thủy sản", 6),
    ("hoa_chat_nhua", "Hóa chất, cao su, nhựa", 7),
    ("xay_dung", "Xây dựng, vật liệu xây dựng", 8),
    ("logistics", "Vận tải, kho bãi, logistics", 9),
    ("dich_vu", "Thương mại, dịch vụ", 10),
    ("khac", "Ngành khác", 99),
]


def load(apps, schema_editor):
    for model, rows in (("Ownership", OWNERSHIP), ("Industry", INDUSTRIES)):
        cls = apps.get_model("enterprises", model)
        for code, name, order in rows:
            cls.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
