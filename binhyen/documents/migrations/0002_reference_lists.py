"""Seed the document types (with their symbol abbreviations) and the outside issuing bodies."""

from django.db import migrations

# code, name, abbreviation, carries targets. Codes match binhyen.documents.citations.TYPES.
TYPES = [
    ("nghi_quyet", "Nghị quyết", "NQ", False),
    ("ket_luan", "Kết luận", "KL", False),
    ("chi_thi", "Chỉ thị", "CT", False),
    ("ke_hoach", "Kế hoạch", "KH", True),
    ("quyet_dinh", "Quyết định", "QĐ", False),
    ("chuong_trinh", "Chương trình", "CTr", True),
    ("chuong_trinh_phoi_hop", "Chương trình phối hợp", "CTrPH", True),
    ("quy_che", "Quy chế", "QC", False),
    ("cong_van", "Công văn", "", False),
    ("huong_dan", "Hướng dẫn", "HD", False),
    ("thong_bao", "Thông báo", "TB", False),
    ("bao_cao", "Báo cáo", "BC", False),
    ("luat", "Luật", "", False),
    ("nghi_dinh", "Nghị định", "NĐ", False),
    ("thong_tu", "Thông tư", "TT", False),
    ("khac", "Văn bản khác", "", False),
]

# code, name, short name, other ways reports write it (";"-separated)
ISSUERS = [
    ("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng", "BCH TW", "Ban Chấp hành Trung ương; Trung ương Đảng"),
    ("bo-chinh-tri", "Bộ Chính trị", "BCT", ""),
    ("ban-bi-thu", "Ban Bí thư", "", "Ban Bí thư Trung ương Đảng"),
    ("quoc-hoi", "Quốc hội", "QH", ""),
    ("uy-ban-thuong-vu-quoc-hoi", "Ủy ban Thường vụ Quốc hội", "UBTVQH", "Uỷ ban Thường vụ Quốc hội"),
    ("chinh-phu", "Chính phủ", "CP", ""),
    ("thu-tuong-chinh-phu", "Thủ tướng Chính phủ", "TTg", ""),
    ("bo-cong-an", "Bộ Công an", "BCA", ""),
    ("bo-noi-vu", "Bộ Nội vụ", "BNV", ""),
    ("bo-lao-dong-tbxh", "Bộ Lao động - Thương binh và Xã hội", "LĐTBXH", "Bộ Lao động, Thương binh và Xã hội"),
    ("ban-chi-dao-138-cp", "Ban Chỉ đạo 138/CP", "BCĐ 138/CP", "Ban Chỉ đạo 138 Chính phủ"),
    ("ban-chi-dao-138-hcm", "Ban Chỉ đạo 138 Thành phố Hồ Chí Minh", "BCĐ 138 TP.HCM",
     "BCĐ 138 Thành phố; BCĐ 138 TP; Ban Chỉ đạo 138 Thành phố; BCĐ 138 Thành phố Hồ Chí Minh"),
    ("ban-chi-dao-138-tien-giang", "Ban Chỉ đạo 138 tỉnh Tiền Giang", "BCĐ 138 Tiền Giang",
     "BCĐ 138 tỉnh; Ban Chỉ đạo 138 tỉnh"),
    ("cong-an-hcm", "Công an Thành phố Hồ Chí Minh", "CATP", "Công an Thành phố; Công an TP.HCM"),
    ("cong-an-tien-giang", "Công an tỉnh Tiền Giang", "", "Công an tỉnh"),
    ("cong-an-dong-thap", "Công an tỉnh Đồng Tháp", "", ""),
    ("ubnd-hcm", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "UBND TP.HCM", "UBND Thành phố; Ủy ban nhân dân Thành phố"),
    ("thanh-uy-hcm", "Thành ủy Thành phố Hồ Chí Minh", "", "Thành ủy"),
    ("co-quan-khac", "Cơ quan khác", "", ""),
]


def fold(text):
    import unicodedata

    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for position, (code, name, abbreviation, is_plan) in enumerate(TYPES, 1):
        DocumentType.objects.update_or_create(
            code=code, defaults=dict(name=name, abbreviation=abbreviation, is_plan=is_plan, position=position)
        )
    Issuer = apps.get_model("documents", "Issuer")
    for position, (code, name, short_name, aliases) in enumerate(ISSUERS, 1):
        Issuer.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name, short_name=short_name, aliases=aliases, position=position,
                # historical models do not run save(): fill the search column here
                search_text=fold(f"{name}; {short_name}; {aliases}"),
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
