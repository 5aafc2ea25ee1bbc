"""Seed the reference lists (kinds, topics, audiences, channels) with their stable codes."""

from django.db import migrations

KINDS = [
    ("tuyen_truyen", "Tuyên truyền", True),
    ("hoi_nghi", "Hội nghị", True),
    ("hoi_thi", "Hội thi", True),
    ("hoi_thao", "Hội thao", True),
    ("giao_luu", "Giao lưu", True),
    ("tuyen_duong", "Tuyên dương, biểu dương", True),
    ("tap_huan", "Tập huấn, bồi dưỡng", True),
    ("to_roi", "Phát tờ rơi", False),
    ("long_ghep", "Sinh hoạt lồng ghép", True),
    ("khac", "Khác", True),
]
TOPICS = [
    ("phong_chong_toi_pham", "Phòng, chống tội phạm"),
    ("ma_tuy", "Phòng, chống ma túy"),
    ("mua_ban_nguoi", "Phòng, chống mua bán người"),
    ("tin_dung_den", "Phòng, chống tín dụng đen"),
    ("pccc", "Phòng cháy, chữa cháy"),
    ("phap_luat_lao_dong", "Pháp luật lao động"),
    ("an_ninh_trat_tu", "An ninh trật tự"),
    ("an_toan_giao_thong", "An toàn giao thông"),
    ("nam_khong_ba_phong", "“5 không, 3 phòng”"),
    ("khac", "Khác"),
]
AUDIENCES = [
    ("can_bo_cong_doan", "Cán bộ công đoàn"),
    ("doan_vien", "Đoàn viên công đoàn"),
    ("cnvcld", "Công nhân, viên chức, lao động"),
    ("chu_nha_tro", "Chủ nhà trọ"),
    ("nguoi_dan", "Người dân"),
    ("thanh_vien_to_tu_quan", "Thành viên tổ tự quản"),
]
CHANNELS = [
    ("truc_tiep", "Trực tiếp"),
    ("truc_tuyen", "Trực tuyến"),
    ("zalo", "Zalo"),
    ("email", "Email, hộp thư công vụ"),
    ("loa", "Loa, phát thanh"),
    ("xe_dua_ruoc", "Xe đưa rước công nhân"),
    ("giua_ca", "Giờ nghỉ giữa ca"),
    ("to_roi", "Tờ rơi, pano, áp phích"),
    ("mang_xa_hoi", "Mạng xã hội"),
]


def seed(apps, schema_editor):
    kind_model = apps.get_model("activities", "ActivityKind")
    for position, (code, name, counts) in enumerate(KINDS, 1):
        kind_model.objects.update_or_create(
            code=code, defaults=dict(name=name, position=position, counts_sessions=counts)
        )
    for model_name, rows in (("Topic", TOPICS), ("Audience", AUDIENCES), ("Channel", CHANNELS)):
        model = apps.get_model("activities", model_name)
        for position, (code, name) in enumerate(rows, 1):
            model.objects.update_or_create(code=code, defaults=dict(name=name, position=position))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
