"""The kinds of incident with their deadlines, and the causes of work stoppages."""

from django.db import migrations

# code, name, order, rapid report due (hours after the start; None: none), settle within (days)
KINDS = [
    ("ngung_viec", "Ngừng việc tập thể", 1, 24, 15),
    ("toi_pham", "Tội phạm (trộm cắp, cướp, cố ý gây thương tích…)", 2, 48, 30),
    ("ma_tuy", "Ma túy", 3, 48, 30),
    ("tin_dung_den", "Tín dụng đen", 4, None, 30),
    ("mua_ban_nguoi", "Mua bán người", 5, 24, 30),
    ("chay_no", "Cháy, nổ", 6, 24, 15),
    ("te_nan_xa_hoi", "Tệ nạn xã hội", 7, None, 30),
    ("mat_antt_nha_tro", "Mất an ninh trật tự khu nhà trọ", 8, None, 30),
    ("khac", "Vụ việc khác", 99, None, 30),
]
CAUSES = [
    ("tien_luong", "Tiền lương", 1),
    ("thuong", "Tiền thưởng", 2),
    ("lam_them_gio", "Làm thêm giờ", 3),
    ("bhxh", "Nợ, chậm đóng bảo hiểm xã hội", 4),
    ("bua_an", "Bữa ăn ca", 5),
    ("dieu_kien", "Điều kiện làm việc", 6),
    ("ung_xu", "Cách quản lý, ứng xử của người sử dụng lao động", 7),
    ("khac", "Nguyên nhân khác", 99),
]


def load(apps, schema_editor):
    Kind = apps.get_model("incidents", "IncidentKind")
    for code, name, order, hours, days in KINDS:
        Kind.objects.update_or_create(
            code=code,
            defaults={"name": name, "order": order, "report_hours": hours, "resolve_days": days},
        )
    Cause = apps.get_model("incidents", "StoppageCause")
    for code, name, order in CAUSES:
        Cause.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
