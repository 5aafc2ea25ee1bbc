"""Demo documents: the directives the seeds cite, and the plans of LĐLĐ TP Hồ Chí Minh and LĐLĐ
TP Mỹ Tho that carry them out (the plans' targets are the reporting app's demo).

Numbers, symbols, dates and issuers of the seeds' documents are theirs (Kết luận 13-KL/TW of
16/8/2021, Kế hoạch 329/KH-LĐLĐ of 23/3/2022, …); the HCMC federation's yearly plans and its
district plans are demo documents with made-up numbers. The activities demo, which loads after
this one (INSTALLED_APPS order), records activities carrying out these plans. Everything goes
through services.py; a second run changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

from . import services
from .citations import symbol_key
from .models import Document, DocumentType, Issuer

D = datetime.date

# (key, type, number, symbol, issuer code or unit code, date, summary, registering unit, carries out)
# An issuer starting with "@" is a unit of the demo tree (org.demo constants).
OUTSIDE = [
    (
        "CT48",
        "chi_thi",
        "48",
        "48-CT/TW",
        "bo-chinh-tri",
        D(2010, 10, 22),
        "Đảng tăng cường lãnh đạo công tác phòng, chống tội phạm trước yêu cầu của giai đoạn mới",
        org_demo.HCM,
        [],
    ),
    (
        "CT09",
        "chi_thi",
        "09",
        "09-CT/TW",
        "ban-bi-thu",
        D(2011, 12, 1),
        "Đảng tăng cường lãnh đạo, đưa phong trào Toàn dân bảo vệ ANTQ đáp ứng yêu cầu giai đoạn mới",
        org_demo.HCM,
        [],
    ),
    (
        "KL44",
        "ket_luan",
        "44",
        "44-KL/TW",
        "ban-bi-thu",
        D(2019, 1, 22),
        "Về việc tiếp tục thực hiện Chỉ thị số 09-CT/TW của Ban Bí thư khóa XI",
        org_demo.HCM,
        ["CT09"],
    ),
    (
        "NQ09",
        "nghi_quyet",
        "09",
        "09/NQ-CP",
        "chinh-phu",
        None,
        "Công tác phòng, chống tội phạm trước yêu cầu của giai đoạn mới",
        org_demo.HCM,
        [],
    ),
    (
        "KH3769",
        "ke_hoach",
        "3769",
        "3769/KH-BCĐ",
        "ban-chi-dao-138-hcm",
        None,
        "Triển khai công tác phòng, chống tội phạm trên địa bàn Thành phố",
        org_demo.HCM,
        [],
    ),
    (
        "QD1945",
        "quyet_dinh",
        "1945",
        "1945/QĐ-BCĐ",
        "ban-chi-dao-138-hcm",
        None,
        "Ban hành chương trình công tác phòng, chống tội phạm của Ban Chỉ đạo 138 Thành phố",
        org_demo.HCM,
        [],
    ),
    (
        "KL13",
        "ket_luan",
        "13",
        "13-KL/TW",
        "bo-chinh-tri",
        D(2021, 8, 16),
        "Đảng tiếp tục tăng cường lãnh đạo công tác phòng, chống tội phạm trong giai đoạn mới",
        org_demo.MY_THO,
        ["CT48"],
    ),
    (
        "NQ96",
        "nghi_quyet",
        "96",
        "96/2019/QH14",
        "quoc-hoi",
        D(2019, 11, 27),
        "Công tác phòng, chống vi phạm pháp luật và tội phạm",
        org_demo.MY_THO,
        [],
    ),
]

UNION = [
    # HCMC: the coordination programme with the city police, then a yearly plan
    (
        "CTPH478",
        "chuong_trinh_phoi_hop",
        "478",
        "",
        "@" + org_demo.HCM,
        None,
        "Phối hợp giữa Liên đoàn Lao động Thành phố và Công an Thành phố trong công tác bảo đảm an ninh, "
        "trật tự, phòng, chống tội phạm trong công nhân, viên chức, lao động",
        None,
        [],
    ),
    *[
        (
            f"HCM{year}",
            "ke_hoach",
            number,
            f"{number}/KH-LĐLĐ",
            "@" + org_demo.HCM,
            day,
            "Công đoàn phát huy vai trò phòng, chống tội phạm, tập trung vào các khu nhà trọ, "
            f"khu lưu trú công nhân năm {year}",
            None,
            ["KL44", "CT09", "CT48", "NQ09", "KH3769", "QD1945", "CTPH478"]
            + (["KL13"] if year >= 2022 else []),
        )
        for year, number, day in [
            (2019, "96", D(2019, 2, 26)),
            (2020, "112", D(2020, 2, 20)),
            (2021, "105", D(2021, 3, 2)),
            (2022, "118", D(2022, 2, 24)),
            (2023, "127", D(2023, 2, 22)),
        ]
    ],
    (
        "TD2022",
        "ke_hoach",
        "07",
        "07/KH-LĐLĐ",
        "@" + org_demo.THU_DUC,
        D(2022, 3, 15),
        "Thực hiện công tác phòng, chống tội phạm trong công nhân lao động thành phố Thủ Đức năm 2022",
        None,
        ["HCM2022"],
    ),
    (
        "KCN2022",
        "ke_hoach",
        "21",
        "21/KH-CĐKCXKCN",
        "@" + org_demo.KCN,
        D(2022, 3, 10),
        "Tuyên truyền phòng, chống tội phạm, tệ nạn xã hội trong công nhân các khu chế xuất, khu công nghiệp năm 2022",
        None,
        ["HCM2022"],
    ),
    # Mỹ Tho (seeds): carrying out Kết luận 13-KL/TW in 2022
    (
        "NQ08",
        "nghi_quyet",
        "08",
        "08-NQ/CB",
        "@" + org_demo.MY_THO,
        D(2022, 2, 22),
        "Năm 2022 củng cố, nâng chất danh hiệu cơ quan an toàn về ANTT, cơ quan không ma túy và "
        "đơn vị tiên tiến trong phòng cháy, chữa cháy",
        None,
        ["KL13"],
    ),
    (
        "KH329",
        "ke_hoach",
        "329",
        "329/KH-LĐLĐ",
        "@" + org_demo.MY_THO,
        D(2022, 3, 23),
        "Triển khai phòng, chống tội phạm trong năm 2022",
        None,
        ["KL13", "NQ96"],
    ),
    (
        "KH330",
        "ke_hoach",
        "330",
        "330/KH-LĐLĐ",
        "@" + org_demo.MY_THO,
        D(2022, 3, 24),
        "Năm 2022 triển khai Chương trình phòng, chống ma túy cho công nhân, viên chức, lao động trên địa bàn Mỹ Tho",
        None,
        ["KL13"],
    ),
    (
        "KH311",
        "ke_hoach",
        "311",
        "311/KH-LĐLĐ",
        "@" + org_demo.MY_THO,
        D(2022, 3, 24),
        "Triển khai tại thành phố Mỹ Tho Chương trình phòng, chống mua bán người năm 2022",
        None,
        ["KL13"],
    ),
    (
        "CV2016",
        "cong_van",
        "2016",
        "2016/LĐLĐ",
        "@" + org_demo.MY_THO,
        D(2022, 5, 24),
        "Quản lý, giáo dục đối tượng và tuyên truyền phòng, chống tội phạm tại thành phố Mỹ Tho",
        None,
        ["KH329"],
    ),
    (
        "CV2188",
        "cong_van",
        "2188",
        "2188/LĐLĐ",
        "@" + org_demo.MY_THO,
        D(2022, 10, 5),
        "Đẩy mạnh tuyên truyền để công nhân lao động phòng ngừa, ngăn chặn nạn “tín dụng đen”",
        None,
        ["KH329"],
    ),
]


def _actor():
    return get_user_model().objects.filter(username=org_demo.ACCOUNTS[0].username).first()


def _existing(doc_type, number, symbol, issuer=None, issuer_unit=None):
    same = Document.objects.filter(doc_type=doc_type, symbol_key=symbol_key(symbol or number))
    return (
        same.filter(issuer=issuer).first()
        if issuer
        else same.filter(issuer_unit=issuer_unit).first()
    )


def registered(key):
    """The demo document `key` (of OUTSIDE or UNION) as load() registered it, or None."""
    _key, type_code, number, symbol, issued_by, *_rest = next(
        e for e in OUTSIDE + UNION if e[0] == key
    )
    doc_type = DocumentType.objects.get(code=type_code)
    if issued_by.startswith("@"):
        return _existing(
            doc_type, number, symbol, issuer_unit=Unit.objects.filter(code=issued_by[1:]).first()
        )
    return _existing(doc_type, number, symbol, issuer=Issuer.objects.filter(code=issued_by).first())


@transaction.atomic
def load(stdout=None):
    """Register the demo documents and their links; a second run changes nothing.
    Returns {"documents", "links"}: what this run created."""
    actor = _actor()
    units = Unit.objects.in_bulk(
        [org_demo.HCM, org_demo.MY_THO, org_demo.THU_DUC, org_demo.KCN], field_name="code"
    )
    if actor is None or len(units) < 4:
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    types = {t.code: t for t in DocumentType.objects.all()}
    issuers = {i.code: i for i in Issuer.objects.all()}
    created = {"documents": 0, "links": 0}
    docs = {}
    links = []
    for key, type_code, number, symbol, issued_by, day, summary, registrar, implements in (
        OUTSIDE + UNION
    ):
        doc_type = types[type_code]
        if issued_by.startswith("@"):
            where = dict(issuer_unit=units[issued_by[1:]])
        else:
            where = dict(issuer=issuers[issued_by], unit=units[registrar])
        doc = _existing(doc_type, number, symbol, where.get("issuer"), where.get("issuer_unit"))
        if doc is None:
            doc = services.register_document(
                actor,
                doc_type=doc_type,
                number=number,
                symbol=symbol,
                issued_on=day,
                summary=summary,
                **where,
            )
            created["documents"] += 1
        docs[key] = doc
        links.append((key, implements))
    for key, implements in links:
        doc = docs[key]
        have = set(doc.implements.values_list("pk", flat=True))
        missing = [docs[k] for k in implements if docs[k].pk not in have]
        if missing:
            services.link_implements(actor, doc, missing)
            created["links"] += len(missing)
    if stdout is not None:
        if any(created.values()):
            stdout.write(
                f"Văn bản: {created['documents']} văn bản, {created['links']} liên kết thực hiện mới."
            )
        else:
            stdout.write("Văn bản: dữ liệu mẫu đã có, không thay đổi.")
    return created
