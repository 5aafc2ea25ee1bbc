"""Demo data of periodic reports (run by `binhyen load-demo` after the other apps' data): the
requests federations send at the end of a period, and reports at every step short of approval,
so each page of the workflow has something to show.

- Tổng Liên đoàn asks the provinces for the 2018 – 2023 review: Hồ Chí Minh City's report is
  written from the data and sent (demo-admin can return or approve it); Tiền Giang's is missing.
- LĐLĐ Hồ Chí Minh asks its units for 2023: the export-processing zones' union (demo-huyen) has
  a draft written from the data; Quận 7 sent its report and had it returned with a comment.
- LĐLĐ Tiền Giang asks for the year from 16/08/2021: Mỹ Tho's report is written and sent.

Nothing is approved: approval locks every record of the period, and the demo stays editable.
Mail goes to a local outbox while loading, so the notices do not flood the console.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from binhyen.core import periods
from binhyen.core.periods import parse_period
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

from . import services
from .models import ReportRequest, Submission

REVIEW = "Báo cáo tổng kết công tác phòng, chống tội phạm giai đoạn 2018 - 2023"
YEAR_2023 = "Báo cáo công tác phòng, chống tội phạm năm 2023"
MY_THO_YEAR = "Báo cáo kết quả một năm thực hiện Kết luận số 13-KL/TW (16/8/2021 - 15/8/2022)"

ASSESSMENT = {
    org_demo.HCM: "Công tác phòng, chống tội phạm được các cấp công đoàn triển khai đồng bộ, gắn với "
    "chăm lo đời sống công nhân ở khu nhà trọ; mô hình tổ tự quản phát triển cả về số "
    "tổ và số thành viên.",
    org_demo.MY_THO: "Các công đoàn cơ sở chủ động phối hợp với công an phường, xã trong tuyên truyền "
    "pháp luật; cán bộ công đoàn cơ sở được tập huấn đầy đủ.",
    org_demo.Q7: "Đơn vị duy trì sinh hoạt định kỳ của các tổ tự quản khu nhà trọ.",
}
SHORTCOMINGS = {
    org_demo.HCM: "Một số công đoàn cơ sở khu vực ngoài nhà nước chưa tổ chức tuyên truyền thường xuyên.",
}
PROPOSALS = {
    org_demo.HCM: "Đề nghị Tổng Liên đoàn hỗ trợ tài liệu tuyên truyền về phòng, chống ma túy và "
    "lừa đảo qua mạng cho công nhân.",
}


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _request(actor, unit_code, period, title, days):
    found = ReportRequest.objects.filter(unit__code=unit_code, title=title).first()
    if found is not None:
        return found, False
    unit = Unit.objects.get(code=unit_code)
    return services.issue_request(
        actor,
        unit=unit,
        period=parse_period(period),
        title=title,
        deadline=periods.today() + datetime.timedelta(days=days),
    ), True


def _submission(request, unit_code):
    return Submission.objects.select_related("request__unit", "request__template", "unit").get(
        request=request, unit__code=unit_code
    )


def _write(actor, request, unit_code, send=False):
    s = _submission(request, unit_code)
    s = services.save_draft(
        actor,
        s,
        version=s.version,
        generate=True,
        assessment=ASSESSMENT.get(unit_code, ""),
        shortcomings=SHORTCOMINGS.get(unit_code, ""),
        proposals=PROPOSALS.get(unit_code, ""),
    )
    if send:
        s = services.submit(actor, s, version=s.version, accept_missing=True)
    return s


def load(stdout=None):
    if Unit.objects.filter(code=org_demo.HCM).first() is None:
        raise RuntimeError("load the demo tree first (binhyen load-demo)")
    admin = _user("demo-admin")
    writers = {
        code: _user(name) or admin
        for code, name in ((org_demo.HCM, "demo-tinh"), (org_demo.KCN, "demo-huyen"))
    }
    created = 0
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        review, new = _request(admin, org_demo.ROOT, "2018-01-01..2023-12-31", REVIEW, 20)
        if new:
            created += 1
            _write(writers[org_demo.HCM], review, org_demo.HCM, send=True)
        year, new = _request(admin, org_demo.HCM, "2023", YEAR_2023, 30)
        if new:
            created += 1
            _write(writers[org_demo.KCN], year, org_demo.KCN)
            q7 = _write(admin, year, org_demo.Q7, send=True)
            services.return_submission(
                admin,
                q7,
                version=q7.version,
                comment="Đề nghị bổ sung số liệu hội nghị của quý IV và ý kiến đề xuất.",
            )
        my_tho, new = _request(
            admin, org_demo.TIEN_GIANG, "2021-08-16..2022-08-15", MY_THO_YEAR, 25
        )
        if new:
            created += 1
            _write(admin, my_tho, org_demo.MY_THO, send=True)
    if stdout is not None:
        if created:
            stdout.write(
                f"Báo cáo định kỳ: {created} yêu cầu báo cáo, "
                f"{Submission.objects.filter(request__title__in=[REVIEW, YEAR_2023, MY_THO_YEAR]).count()} "
                "báo cáo của đơn vị (đang soạn, đã gửi, bị trả lại)."
            )
        else:
            stdout.write("Báo cáo định kỳ: dữ liệu mẫu đã có, không thay đổi.")
    return {"created": created}
