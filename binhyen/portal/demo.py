"""Demo portal: LĐLĐ TP Hồ Chí Minh's section, LĐLĐ TP Mỹ Tho's as an archive (the unit closed
on 30/06/2025; its grassroots unions now sit under Đồng Tháp's ward unions) and Đồng Tháp's,
with categories, articles written for the demo that report the demo data's own figures (read
through the rollup engine at load time), a calendar around the current week, covers drawn
locally and a few tips. A second run adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from binhyen.core import periods
from binhyen.core.periods import Period
from binhyen.core.text import format_number as n
from binhyen.incidents import services as incident_services
from binhyen.incidents.models import Tip
from binhyen.org import demo as org_demo
from binhyen.org.models import Area, AreaLevel, Unit

from . import services
from .images import draw_cover
from .models import (
    Article,
    ArticleStatus,
    Category,
    DayPart,
    PortalSection,
    ScheduleEntry,
    week_start,
)

HCM_SLUG = "ldld-tp-ho-chi-minh"
MY_THO_SLUG = "ldld-tp-my-tho"
DONG_THAP_SLUG = "ldld-tinh-dong-thap"
CATEGORIES = (
    ("Tin tức - Sự kiện", "Hoạt động của tổ chức Công đoàn các cấp."),
    ("Phòng chống tội phạm", "Công nhân, lao động tham gia phong trào Toàn dân bảo vệ ANTQ."),
    ("Pháp luật", "Kiến thức pháp luật cho người lao động."),
    ("Gương điển hình", "Tập thể, cá nhân tiêu biểu trong phong trào."),
)
NAVY = ((120, 170, 220), (96, 140, 90), (176, 48, 40))
DUSK = ((232, 170, 120), (110, 120, 80), (150, 40, 50))
MORNING = ((170, 210, 235), (120, 160, 100), (40, 90, 160))


def _figures(unit, start, end, as_of=None, kind=None):
    """Figures of the demo data through the rollup engine (never counted here)."""
    from binhyen.reporting.rollup import rollup

    suffix = f"[kind={kind}]" if kind else ""
    codes = [
        f"groups.active{suffix}",
        f"groups.members{suffix}",
        f"groups.wards{suffix}",
        "activity.sessions",
        "activity.attendances",
    ]
    total = rollup(
        unit, Period(start, end, f"{start}..{end}", "range"), codes, by="none", as_of=as_of
    )["total"]
    return {
        "groups": total[codes[0]],
        "members": total[codes[1]],
        "wards": total[codes[2]],
        "sessions": total[codes[3]],
        "attendances": total[codes[4]],
    }


def _p(*paragraphs):
    return "".join(f"<p>{p}</p>" if not p.startswith("<") else p for p in paragraphs)


def _hcm_articles(hcm, today):
    year = today.year
    f23 = _figures(hcm, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), kind="nha_tro")
    now = _figures(hcm, datetime.date(year, 1, 1), today)
    activity = ""
    if now["sessions"]:
        activity = (
            f"Cũng từ đầu năm đến nay, các cấp công đoàn thành phố đã tổ chức {n(now['sessions'])} "
            f"cuộc tuyên truyền, hội nghị về phòng, chống tội phạm với {n(now['attendances'])} lượt "
            "người tham dự, phần lớn diễn ra ngay tại khu nhà trọ vào buổi tối, khi công nhân đã tan ca."
        )
    return [
        dict(
            category="Phòng chống tội phạm",
            featured=True,
            days_ago=2,
            motif="houses",
            palette=NAVY,
            author="Thanh Tâm",
            title="Tổ tự quản khu nhà trọ giữ bình yên cho công nhân thành phố",
            summary=(
                f"Đến cuối năm 2023, Thành phố Hồ Chí Minh có {n(f23['groups'])} tổ công nhân tự quản "
                f"khu nhà trọ với {n(f23['members'])} thành viên. Mô hình do Công đoàn và Công an cùng "
                "xây dựng đã trở thành chỗ dựa của người lao động xa quê."
            ),
            caption="Một dãy nhà trọ công nhân có tổ tự quản phụ trách (ảnh minh hoạ).",
            alt="Hình minh hoạ dãy nhà trọ mái đỏ, cửa sổ sáng đèn vào buổi chiều.",
            body=_p(
                f"Số liệu tổng hợp của Liên đoàn Lao động Thành phố cho thấy, tính đến ngày 31/12/2023, "
                f"toàn thành phố có {n(f23['groups'])} tổ công nhân tự quản khu nhà trọ đang hoạt động, "
                f"quy tụ {n(f23['members'])} thành viên, có mặt tại {n(f23['wards'])} phường, xã.",
                "<h2>Người trong khu trọ tự giữ bình yên cho nhau</h2>",
                "Mỗi tổ thường gồm chủ nhà trọ, một vài công nhân có uy tín và cán bộ công đoàn cơ sở "
                "nơi các thành viên làm việc. Tổ nhắc nhau khoá cửa, gửi xe đúng chỗ, để ý người lạ ra "
                "vào và báo ngay cho Công an phường khi thấy dấu hiệu mua bán, sử dụng ma tuý hay cho "
                "vay nặng lãi.",
                "Những buổi sinh hoạt tổ được tổ chức ngắn gọn, thường vào tối cuối tuần. Ngoài chuyện "
                "an ninh, công nhân còn được hướng dẫn phòng cháy trong phòng trọ, cách đọc hợp đồng "
                "lao động và nơi tìm đến khi bị chủ sử dụng lao động nợ lương.",
                "<h2>Gắn với phong trào Toàn dân bảo vệ ANTQ</h2>",
                "Liên đoàn Lao động Thành phố xác định việc củng cố mạng lưới tổ tự quản là một phần "
                "của phong trào Toàn dân bảo vệ ANTQ trong công nhân, lao động. Trong thời "
                "gian tới, các cấp công đoàn sẽ tiếp tục rà soát, kiện toàn những tổ hoạt động chưa đều "
                "và nhân rộng mô hình ở các khu lưu trú mới hình thành.",
            ),
        ),
        dict(
            category="Tin tức - Sự kiện",
            featured=True,
            days_ago=1,
            motif="hall",
            palette=MORNING,
            author="Ban Tuyên giáo LĐLĐ Thành phố",
            title=f"Mạng lưới tổ, mô hình tự quản năm {year} qua số liệu",
            summary=(
                f"Từ đầu năm {year} đến nay, mạng lưới tổ, mô hình tự quản do công đoàn các cấp phụ "
                f"trách duy trì {n(now['groups'])} tổ với {n(now['members'])} thành viên."
            ),
            caption="Hội trường nơi diễn ra buổi sơ kết phong trào (ảnh minh hoạ).",
            alt="Hình minh hoạ một hội trường mái ngói đỏ với hàng cột trắng.",
            body=_p(
                f"Theo số liệu trên hệ thống Bình Yên, tính đến ngày {today:%d/%m/%Y}, các tổ công nhân "
                "tự quản khu nhà trọ, tổ tự quản của nghiệp đoàn xe ôm, tổ dư luận xã hội và lực lượng "
                f"nòng cốt do công đoàn thành phố phụ trách có tổng cộng {n(now['groups'])} tổ, "
                f"{n(now['members'])} thành viên, hoạt động tại {n(now['wards'])} phường, xã.",
                activity,
                "Sau khi sắp xếp lại tổ chức công đoàn từ ngày 01/07/2025, các tổ trước đây thuộc "
                "Liên đoàn Lao động quận, huyện nay do công đoàn phường, xã trực tiếp theo dõi. Việc "
                "bàn giao được thực hiện trên cùng một hệ thống, nên số liệu của từng tổ vẫn liền mạch "
                "qua hai giai đoạn.",
                "Các công đoàn phường, xã được đề nghị cập nhật danh sách thành viên và nhà trọ phụ "
                "trách hằng tháng, để số liệu trên cổng thông tin luôn phản ánh đúng thực tế.",
            ),
        ),
        dict(
            category="Pháp luật",
            featured=False,
            days_ago=4,
            motif="houses",
            palette=DUSK,
            author="Minh Khoa",
            title="Năm điều công nhân cần biết để không sa vào bẫy tín dụng đen",
            summary=(
                "Vay nhanh qua tờ rơi, ứng dụng lạ hay người quen giới thiệu có thể đẩy người lao động "
                "vào vòng nợ lãi cắt cổ. Dưới đây là những lưu ý ngắn gọn và địa chỉ nhờ giúp đỡ."
            ),
            caption="Tờ rơi cho vay dán ở cột điện gần khu trọ là dấu hiệu cần cảnh giác (ảnh minh hoạ).",
            alt="Hình minh hoạ dãy nhà trọ lúc hoàng hôn.",
            body=_p(
                "Những khoản vay không cần giấy tờ, giải ngân trong ngày thường đi kèm lãi suất vượt xa "
                "mức pháp luật cho phép và cách đòi nợ đe doạ, bôi nhọ người vay. Công nhân, lao động "
                "nên ghi nhớ mấy điều sau:",
                "<ol><li>Bộ luật Dân sự giới hạn lãi suất thoả thuận ở mức 20%/năm; cho vay cao hơn "
                "nhiều lần có thể bị xử lý hình sự.</li><li>Không đưa căn cước, thẻ ATM hay cho ứng dụng "
                "truy cập danh bạ để đổi lấy khoản vay.</li><li>Đọc kỹ và giữ lại giấy tờ vay; không ký "
                "giấy trắng.</li><li>Khi bị đe doạ, hãy báo ngay cho Công an phường và công đoàn cơ "
                "sở.</li><li>Khi cần tiền gấp, hỏi công đoàn về các quỹ hỗ trợ, cho vay vốn ưu đãi dành "
                "cho đoàn viên.</li></ol>",
                "Người lao động có thể gửi tin báo về hoạt động cho vay nặng lãi qua mục Gửi tin báo "
                "trên cổng thông tin này, kể cả gửi ẩn danh.",
            ),
        ),
        dict(
            category="Gương điển hình",
            featured=False,
            days_ago=6,
            motif="houses",
            palette=MORNING,
            author="Thanh Tâm",
            title="Tổ trưởng tổ tự quản và những buổi tối gõ cửa từng phòng trọ",
            summary=(
                "Làm ca ở xưởng giày, tối về chị tổ trưởng lại đi một vòng khu trọ nhắc bà con khoá "
                "cửa, tắt bếp. Câu chuyện nhỏ về một mô hình lớn."
            ),
            caption="Khu nhà trọ nơi tổ tự quản sinh hoạt hằng tuần (ảnh minh hoạ).",
            alt="Hình minh hoạ khu nhà trọ nhiều tầng trong nắng sớm.",
            body=_p(
                "Khu trọ chị phụ trách có gần bốn mươi phòng, phần lớn là công nhân từ các tỉnh miền "
                "Tây và miền Trung. Tổ tự quản của khu lập một nhóm nhắn tin chung; ai thấy người lạ "
                "lảng vảng, xe không khoá hay mùi khét là nhắn ngay.",
                "Chị kể, việc khó nhất không phải tuần tra mà là giữ được lòng tin của các phòng trọ. "
                "Khi một công nhân trẻ bị nhóm cho vay đến tận phòng đòi tiền, tổ đã cùng Công an "
                "phường và công đoàn cơ sở của công ty giúp em làm đơn trình báo, và công đoàn hỗ trợ "
                "một khoản để em trả nợ gốc.",
                "<blockquote>Người ở trọ chỉ cần biết có người để gọi khi gặp chuyện.</blockquote>",
                "Câu chuyện của tổ được chọn giới thiệu trong chuyên mục Gương điển hình như một cách "
                "cảm ơn những người lặng lẽ giữ bình yên cho khu trọ.",
            ),
        ),
        dict(
            category="Tin tức - Sự kiện",
            featured=False,
            days_ago=3,
            motif="hall",
            palette=NAVY,
            author="Ban Tuyên giáo LĐLĐ Thành phố",
            title="Gửi tin báo về an ninh, trật tự cho Công đoàn qua cổng thông tin",
            summary=(
                "Công nhân và người dân có thể báo cho Công đoàn những việc bất thường ở nơi ở, nơi làm "
                "việc, có thể ẩn danh, và theo dõi kết quả bằng mã tiếp nhận."
            ),
            caption="Cán bộ công đoàn tiếp nhận tin báo của công nhân (ảnh minh hoạ).",
            alt="Hình minh hoạ trụ sở công đoàn với hàng cột trắng.",
            body=_p(
                "Mục Gửi tin báo trên cổng thông tin cho phép người lao động báo những việc như "
                "mua bán, sử dụng ma tuý, cho vay nặng lãi, trộm cắp ở khu trọ hay nguy cơ cháy nổ.",
                "<h2>Cách gửi</h2>",
                "<ul><li>Chọn phường, xã nơi xảy ra sự việc: tin báo sẽ được chuyển thẳng đến công "
                "đoàn phụ trách địa bàn đó.</li><li>Mô tả sự việc, thời gian, địa điểm cụ thể nếu "
                "biết.</li><li>Để lại họ tên, số điện thoại hoặc đánh dấu gửi ẩn danh.</li>"
                "<li>Trả lời câu hỏi kiểm tra đơn giản rồi bấm Gửi.</li></ul>",
                "Sau khi gửi, hệ thống cấp một mã tiếp nhận dạng TB-XXXX-XXXX. Người báo tin dùng mã này "
                "ở mục Tra cứu tin báo để xem tin đang được xử lý đến đâu, không cần tài khoản.",
                "Trường hợp khẩn cấp, đe doạ tính mạng, hãy gọi ngay 113.",
            ),
        ),
    ]


def _my_tho_articles(my_tho):
    last = my_tho.valid_to
    f = _figures(my_tho, datetime.date(last.year, 1, 1), last, as_of=last)
    return [
        dict(
            category="Phòng chống tội phạm",
            featured=True,
            publish=datetime.datetime(2022, 11, 15, 8, 0),
            motif="hall",
            palette=MORNING,
            author="Ban Tuyên giáo LĐLĐ TP Mỹ Tho",
            title="LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW",
            summary=(
                "Một năm triển khai Kết luận 13-KL/TW của Bộ Chính trị về phòng, chống tội phạm, "
                "Liên đoàn Lao động thành phố Mỹ Tho đã đưa nội dung đến từng công đoàn cơ sở và "
                "nghiệp đoàn trực thuộc."
            ),
            caption="Hội nghị quán triệt tại hội trường Liên đoàn Lao động thành phố (ảnh minh hoạ).",
            alt="Hình minh hoạ hội trường với mái ngói đỏ.",
            body=_p(
                "Sau khi Bộ Chính trị ban hành Kết luận 13-KL/TW ngày 16/8/2021, Ban Thường vụ Liên đoàn "
                "Lao động thành phố Mỹ Tho đã cụ thể hoá bằng các kế hoạch phòng, chống tội phạm, phòng, "
                "chống ma tuý và phòng, chống mua bán người trong năm 2022.",
                "Trong một năm, các buổi tuyên truyền dành cho cán bộ công đoàn thành phố đạt 16 cuộc, "
                "thu hút 1.116 lượt người. Văn bản được chuyển đến công đoàn cơ sở qua thư điện tử công "
                "vụ và nhóm Zalo để kịp phổ biến tới đoàn viên.",
                "Liên đoàn Lao động thành phố cũng lưu ý công nhân cảnh giác với tín dụng đen và các "
                "hình thức lừa đảo qua mạng, đồng thời đề nghị các cơ quan, đơn vị đăng ký danh hiệu "
                "an toàn về an ninh, trật tự.",
            ),
        ),
        dict(
            category="Tin tức - Sự kiện",
            featured=False,
            publish=datetime.datetime(2025, 6, 27, 9, 30),
            motif="houses",
            palette=DUSK,
            author="Văn phòng LĐLĐ TP Mỹ Tho",
            title="Khép lại chặng đường của Liên đoàn Lao động thành phố Mỹ Tho",
            summary=(
                "Ngày 30/06/2025, Liên đoàn Lao động thành phố Mỹ Tho kết thúc hoạt động; các công đoàn "
                "cơ sở chuyển về công đoàn phường thuộc tỉnh Đồng Tháp."
            ),
            caption="Khu dân cư, nhà trọ công nhân ở Mỹ Tho (ảnh minh hoạ).",
            alt="Hình minh hoạ dãy nhà lúc chiều tà.",
            body=_p(
                "Thực hiện chủ trương sắp xếp tổ chức bộ máy, từ ngày 01/07/2025 không còn công đoàn cấp "
                "huyện. Các công đoàn cơ sở, nghiệp đoàn của thành phố Mỹ Tho được chuyển về công đoàn "
                "các phường mới của tỉnh Đồng Tháp.",
                f"Đến ngày {last:%d/%m/%Y}, mạng lưới tổ tự quản do Liên đoàn Lao động thành phố theo dõi "
                f"có {n(f['groups'])} tổ với {n(f['members'])} thành viên, hoạt động tại "
                f"{n(f['wards'])} phường, xã. Toàn bộ hồ sơ, số liệu được giữ nguyên trên hệ thống để "
                "đơn vị tiếp nhận tiếp tục theo dõi.",
                "Trang thông tin này được lưu lại để cán bộ, đoàn viên tra cứu tin bài đã đăng.",
            ),
        ),
    ]


def _dong_thap_articles(dong_thap, today):
    f = _figures(dong_thap, datetime.date(today.year, 1, 1), today)
    return [
        dict(
            category="Tin tức - Sự kiện",
            featured=True,
            days_ago=5,
            motif="houses",
            palette=MORNING,
            author="Ban Tuyên giáo LĐLĐ tỉnh Đồng Tháp",
            title="Công đoàn các phường ở Mỹ Tho tiếp nối phong trào phòng, chống tội phạm",
            summary=(
                "Sau sắp xếp, công đoàn các phường Mỹ Tho nhận bàn giao các công đoàn cơ sở và tổ "
                "tự quản, giữ nhịp hoạt động của phong trào."
            ),
            caption="Khu nhà trọ công nhân tại phường Mỹ Tho (ảnh minh hoạ).",
            alt="Hình minh hoạ dãy nhà trọ buổi sáng.",
            body=_p(
                f"Từ đầu năm {today.year} đến nay, các tổ, mô hình tự quản do công đoàn tỉnh Đồng Tháp "
                f"phụ trách ghi nhận {n(f['groups'])} tổ với {n(f['members'])} thành viên tại "
                f"{n(f['wards'])} phường, xã.",
                "Công đoàn các phường được hướng dẫn rà soát danh sách tổ viên, cập nhật nhà trọ phụ "
                "trách và phối hợp với Công an phường trong việc tiếp nhận tin báo của người lao động.",
            ),
        ),
    ]


def _ensure_section(actor, unit, slug, title, tagline, order, stats):
    section = PortalSection.objects.filter(slug=slug).first()
    if section is None:
        section = services.create_section(
            actor, unit=unit, slug=slug, title=title, tagline=tagline, order=order
        )
        stats["sections"] += 1
    categories = {c.name: c for c in Category.objects.filter(section=section)}
    for i, (name, description) in enumerate(CATEGORIES):
        if name not in categories:
            categories[name] = services.save_category(
                actor, section, name=name, description=description, order=i + 1
            )
    return section, categories


def _ensure_article(actor, section, categories, spec, today, stats):
    # titles carry no figure, so a re-run on a later day finds the article it wrote before
    slug = services.slugify_vi(spec["title"])
    if Article.objects.filter(section=section, title=spec["title"]).exists():
        return None
    cover = ContentFile(
        draw_cover(spec["title"], spec["palette"], motif=spec["motif"]), name=f"{slug[:60]}.jpg"
    )
    article = services.create_article(
        actor,
        section=section,
        category=categories[spec["category"]],
        title=spec["title"],
        summary=spec["summary"],
        body=spec["body"],
        author_name=spec["author"],
        featured=spec["featured"],
        cover_caption=spec["caption"],
        cover_alt=spec["alt"],
        cover=cover,
    )
    if "publish" in spec:
        when = timezone.make_aware(spec["publish"])
    else:
        when = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=spec["days_ago"]),
                datetime.time(7, 30 + spec["days_ago"]),
            )
        )
    if spec.get("status") == ArticleStatus.PENDING:
        services.submit_article(actor, article)
    else:
        services.publish_article(actor, article, publish_at=when)
    stats["articles"] += 1
    return article


HCM_WEEK = (
    (
        0,
        DayPart.MORNING,
        (8, 0),
        "Họp giao ban Thường trực Liên đoàn Lao động Thành phố.",
        "Chủ tịch LĐLĐ Thành phố",
        "Thường trực, Trưởng các ban",
        "Phòng họp số 1",
    ),
    (
        0,
        DayPart.AFTERNOON,
        (14, 0),
        "Làm việc với Công an Thành phố về kế hoạch phối hợp phòng, chống tội phạm trong công nhân.",
        "Phó Chủ tịch Thường trực",
        "Ban Tuyên giáo, Ban Chính sách pháp luật",
        "Trụ sở Công an Thành phố",
    ),
    (
        1,
        DayPart.MORNING,
        (7, 30),
        "Kiểm tra hoạt động tổ công nhân tự quản khu nhà trọ tại phường Linh Xuân.",
        "Phó Chủ tịch",
        "Ban Tuyên giáo; Công đoàn phường Linh Xuân",
        "Phường Linh Xuân",
    ),
    (
        2,
        DayPart.MORNING,
        (8, 30),
        "Hội nghị tuyên truyền phòng, chống tín dụng đen cho công nhân các khu chế xuất.",
        "Trưởng Ban Tuyên giáo",
        "Cán bộ công đoàn cơ sở các KCX-KCN",
        "Hội trường Công đoàn các KCX-KCN",
    ),
    (
        2,
        DayPart.AFTERNOON,
        (14, 0),
        "Duyệt tin bài, lịch công tác tuần sau trên cổng thông tin.",
        "Chánh Văn phòng",
        "Tổ biên tập cổng thông tin",
        "Văn phòng LĐLĐ Thành phố",
    ),
    (
        3,
        DayPart.MORNING,
        (8, 0),
        "Sơ kết phong trào Toàn dân bảo vệ ANTQ trong công nhân, viên chức, lao động.",
        "Chủ tịch LĐLĐ Thành phố",
        "Đại diện công đoàn phường, xã, công đoàn ngành",
        "Hội trường A",
    ),
    (
        4,
        DayPart.AFTERNOON,
        (15, 0),
        "Tiếp nhận, phân loại tin báo của người lao động trong tuần.",
        "Trưởng Ban Chính sách pháp luật",
        "Cán bộ phụ trách tin báo",
        "Phòng tiếp công dân",
    ),
    (
        5,
        DayPart.MORNING,
        (7, 0),
        "Ra quân tuyên truyền phòng cháy, chữa cháy tại khu nhà trọ công nhân.",
        "Phó Chủ tịch",
        "Đoàn viên thanh niên công nhân, tổ tự quản",
        "Phường Tân Thuận",
    ),
)
DT_WEEK = (
    (
        0,
        DayPart.MORNING,
        (7, 30),
        "Giao ban công đoàn các phường Mỹ Tho sau sắp xếp.",
        "Phó Chủ tịch LĐLĐ tỉnh",
        "Chủ tịch công đoàn các phường",
        "Phường Mỹ Tho",
    ),
    (
        2,
        DayPart.AFTERNOON,
        (14, 0),
        "Tập huấn tiếp nhận tin báo cho cán bộ công đoàn phường.",
        "Trưởng Ban Chính sách pháp luật",
        "Cán bộ công đoàn phường",
        "Hội trường LĐLĐ tỉnh",
    ),
    (
        4,
        DayPart.MORNING,
        (8, 0),
        "Kiểm tra nghiệp đoàn xe ôm thực hiện mô hình tự quản.",
        "Phó Chủ tịch LĐLĐ tỉnh",
        "Ban Tuyên giáo",
        "Phường Mỹ Tho",
    ),
)


def _ensure_week(actor, section, monday, rows, stats):
    if ScheduleEntry.objects.filter(
        section=section, day__gte=monday, day__lte=monday + datetime.timedelta(days=6)
    ).exists():
        return
    for offset, part, (h, m), content, host, participants, place in rows:
        services.save_schedule_entry(
            actor,
            section,
            day=monday + datetime.timedelta(days=offset),
            part=part,
            start=datetime.time(h, m),
            content=content,
            host=host,
            participants=participants,
            place=place,
        )
        stats["entries"] += 1


TIPS = (
    (
        "Phường Thủ Đức",
        "Nhiều người lạ tụ tập trong phòng trọ cuối dãy vào ban đêm, nghi có sử dụng ma tuý.",
        "Hẻm sau dãy trọ số 12",
        True,
    ),
    (
        "Phường Tân Thuận",
        "Có tờ rơi cho vay tiền không cần thế chấp dán khắp cột điện gần cổng khu chế xuất.",
        "Đường dẫn vào cổng KCX",
        False,
    ),
    (
        "Phường Linh Xuân",
        "Bình gas trong phòng trọ tầng hai bị rò, đã nhắc chủ trọ nhưng chưa thay.",
        "Khu trọ gần chợ",
        True,
    ),
)


def _ensure_tips(today, stats):
    """Three fresh tips from the portal's form (the incidents demo, loaded earlier, has the
    older ones, the group leaders' and the officers')."""
    if Tip.objects.filter(what=TIPS[0][1]).exists():
        return
    for ward_name, what, place, anonymous in TIPS:
        ward = Area.objects.filter(
            level=AreaLevel.WARD, province__code=org_demo.HCM_PROVINCE, name=ward_name
        ).first()
        if ward is None:
            continue
        incident_services.submit_tip(
            ward=ward,
            what=what,
            place=place,
            happened_on=today - datetime.timedelta(days=1),
            anonymous=anonymous,
            reporter_name="" if anonymous else "Trần Văn Bình",
            reporter_phone="" if anonymous else "0912345678",
        )
        stats["tips"] += 1


@transaction.atomic
def load(stdout=None):
    stats = {"sections": 0, "articles": 0, "entries": 0, "tips": 0}
    actor = get_user_model().objects.filter(username=org_demo.ACCOUNTS[0].username).first()
    units = Unit.objects.in_bulk(
        [org_demo.HCM, org_demo.MY_THO, org_demo.DONG_THAP], field_name="code"
    )
    if actor is None or len(units) < 3:
        if stdout is not None:
            stdout.write("Bỏ qua cổng thông tin: chưa có cây tổ chức demo.")
        return stats
    today = periods.today()
    hcm, my_tho, dong_thap = units[org_demo.HCM], units[org_demo.MY_THO], units[org_demo.DONG_THAP]
    hcm_section, hcm_cats = _ensure_section(
        actor,
        hcm,
        HCM_SLUG,
        "Liên đoàn Lao động Thành phố Hồ Chí Minh",
        "Vì cuộc sống bình yên của công nhân, viên chức, lao động",
        1,
        stats,
    )
    dt_section, dt_cats = _ensure_section(
        actor,
        dong_thap,
        DONG_THAP_SLUG,
        "Liên đoàn Lao động tỉnh Đồng Tháp",
        "Công đoàn đồng hành cùng người lao động",
        2,
        stats,
    )
    mt_section, mt_cats = _ensure_section(
        actor,
        my_tho,
        MY_THO_SLUG,
        "Liên đoàn Lao động thành phố Mỹ Tho",
        "Trang lưu trữ (đến 30/06/2025)",
        3,
        stats,
    )
    if mt_section.successor_id is None:
        mt_section.successor = dt_section
        mt_section._history_user = actor
        mt_section.save(update_fields=["successor"])
    for spec in _hcm_articles(hcm, today):
        _ensure_article(actor, hcm_section, hcm_cats, spec, today, stats)
    for spec in _my_tho_articles(my_tho):
        _ensure_article(actor, mt_section, mt_cats, spec, today, stats)
    for spec in _dong_thap_articles(dong_thap, today):
        _ensure_article(actor, dt_section, dt_cats, spec, today, stats)
    monday = week_start(today)
    for week in (-1, 0, 1):
        day = monday + datetime.timedelta(days=7 * week)
        rows = HCM_WEEK if week == 0 else HCM_WEEK[::3]
        _ensure_week(actor, hcm_section, day, rows, stats)
    _ensure_week(actor, dt_section, monday, DT_WEEK, stats)
    _ensure_tips(today, stats)
    if stdout is not None:
        stdout.write(
            f"Cổng thông tin: {stats['sections']} cổng, {stats['articles']} bài viết, "
            f"{stats['entries']} dòng lịch công tác, {stats['tips']} tin báo được tạo mới."
        )
    return stats
