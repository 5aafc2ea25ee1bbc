"""The work calendar: weeks Thứ Hai … Chủ Nhật, sáng/chiều rows, navigation, the PDF."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from binhyen.portal import schedule, services
from binhyen.portal.models import DayPart, ScheduleEntry, week_start

D = datetime.date


def test_week_codes_and_vietnamese_day_names():
    assert schedule.parse_week("2022-W46", D(2026, 1, 1)) == D(2022, 11, 14)
    assert schedule.parse_week("rác", D(2022, 11, 17)) == D(2022, 11, 14)
    assert schedule.parse_week("2022-W99", D(2022, 11, 17)) == D(2022, 11, 14)
    assert schedule.week_code(D(2022, 11, 14)) == "2022-W46"
    assert schedule.long_date(D(2022, 11, 15)) == "Thứ Ba, 15/11/2022"
    assert schedule.long_date(D(2022, 11, 20)) == "Chủ Nhật, 20/11/2022"


def _entry(w, day, part, content, start=None, **kw):
    return services.save_schedule_entry(
        w["users"]["editor"], w["hcm"], day=day, part=part, start=start, content=content, **kw
    )


def test_week_page_lists_days_parts_and_moves_week_by_week(w, client):
    monday = D(2022, 11, 14)
    _entry(
        w,
        monday,
        DayPart.MORNING,
        "Họp giao ban",
        datetime.time(8, 0),
        host="Chủ tịch",
        place="Phòng họp 1",
        participants="Thường trực",
    )
    _entry(
        w,
        monday + datetime.timedelta(days=2),
        DayPart.AFTERNOON,
        "Kiểm tra tổ tự quản",
        datetime.time(14, 0),
    )
    _entry(w, monday + datetime.timedelta(days=7), DayPart.MORNING, "Việc tuần sau")
    page = client.get("/lich-cong-tac/ldld-tp-ho-chi-minh/", {"tuan": "2022-W46"}).content.decode()
    for day in ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"):
        assert day in page
    assert "Tuần 46 (từ 14/11/2022 đến 20/11/2022)" in page
    assert (
        "Họp giao ban" in page and "08:00" in page and "Chủ tịch" in page and "Phòng họp 1" in page
    )
    assert "Sáng" in page and "Chiều" in page and "Kiểm tra tổ tự quản" in page
    assert "Việc tuần sau" not in page
    assert "?tuan=2022-W45" in page and "?tuan=2022-W47" in page
    nxt = client.get("/lich-cong-tac/ldld-tp-ho-chi-minh/", {"tuan": "2022-W47"}).content.decode()
    assert "Việc tuần sau" in nxt and "Họp giao ban" not in nxt


def test_default_week_is_this_week(w, client):
    today = timezone.localdate()
    _entry(w, today, DayPart.MORNING, "Việc hôm nay")
    page = client.get("/lich-cong-tac/").content.decode()
    assert "Việc hôm nay" in page and "Hôm nay" in page
    assert schedule.week_code(week_start(today)) in page


def test_pdf_download(w, client):
    _entry(w, D(2022, 11, 15), DayPart.MORNING, "Hội nghị tuyên truyền phòng, chống tội phạm")
    response = client.get("/lich-cong-tac/ldld-tp-ho-chi-minh/pdf/", {"tuan": "2022-W46"})
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="lich-cong-tac-ldld-tp-ho-chi-minh-2022-W46.pdf"'
        in response["Content-Disposition"]
    )
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000  # a font with Vietnamese letters is embedded


def test_pdf_text_is_vietnamese(w):
    _entry(w, D(2022, 11, 15), DayPart.MORNING, "Hội nghị tuyên truyền phòng, chống tội phạm")
    pdf = schedule.week_pdf(w["hcm"], schedule.week_of(w["hcm"], D(2022, 11, 14), D(2022, 11, 15)))
    pypdf = pytest.importorskip("pypdf")
    import io

    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "LỊCH CÔNG TÁC" in text and "Thứ Ba" in text and "chống tội phạm" in text


def test_only_the_sections_editors_manage_the_calendar(w, client_as):
    with pytest.raises(ValidationError):
        services.save_schedule_entry(
            w["users"]["mt_editor"],
            w["hcm"],
            day=D(2022, 11, 15),
            part=DayPart.MORNING,
            content="Không được",
        )
    e = _entry(w, D(2022, 11, 15), DayPart.MORNING, "Họp <script>x</script>")
    assert e.content == "Họp"
    c = client_as(w["users"]["editor"])
    c.post(
        f"/cong-thong-tin/quan-tri/ldld-tp-ho-chi-minh/lich/{e.pk}/",
        {
            "day": "2022-11-16",
            "part": "chieu",
            "start": "14:00",
            "content": "Họp chiều",
            "host": "",
            "participants": "",
            "place": "",
        },
    )
    e.refresh_from_db()
    assert (e.day, e.part, e.content) == (D(2022, 11, 16), "chieu", "Họp chiều")
    assert (
        client_as(w["users"]["mt_editor"])
        .post(f"/cong-thong-tin/quan-tri/lich/{e.pk}/xoa/")
        .status_code
        == 404
    )
    c.post(f"/cong-thong-tin/quan-tri/lich/{e.pk}/xoa/")
    assert not ScheduleEntry.objects.filter(pk=e.pk).exists()
