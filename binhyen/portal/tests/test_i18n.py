"""The portal in English for whoever chose it: the app's catalog is used (tests/test_catalogs.py
checks that it is complete), the articles stay as written, and what the cache keeps for one
language is not served in the other."""

import datetime
import re

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents.models import Tip
from binhyen.portal import captcha

from . import helpers
from .conftest import BROWSER

pytestmark = pytest.mark.usefixtures("english")


def _english():
    from django.test import Client

    client = Client(HTTP_USER_AGENT=BROWSER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_a_tip_sent_in_english(w):
    client = _english()
    page = client.get("/tin-bao/", {"muc": "ldld-tp-ho-chi-minh"}).content.decode()
    assert "Send a tip to the union" in page and "Gửi tin báo cho tổ chức Công đoàn" not in page
    question = re.search(r'for="id_captcha">([^<]+)', page).group(1)
    assert re.search(r"\b(plus|minus|away|word|day)\b", question), question  # asked in English
    assert not re.search(
        r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", question.lower()
    )
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    ward = f.area("26794")
    assert (
        ward.pk > 999 and f'<option value="{ward.pk}">' in page
    )  # an id, not a number with a comma
    sent = client.post(
        "/tin-bao/",
        {
            "muc": "ldld-tp-ho-chi-minh",
            "tinh": "79",
            "ward": ward.pk,
            "place": "Hẻm 12",
            "happened_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "what": "Nhóm người lạ bán ma tuý ở dãy trọ cuối hẻm.",
            "anonymous": "on",
            "captcha": str(captcha.answer_of(token)),
            "captcha_token": token,
        },
    ).content.decode()
    assert "Your tip has been received" in sent and Tip.objects.get().code in sent


def test_calendar_and_article_in_english(w):
    from binhyen.portal import services
    from binhyen.portal.models import DayPart

    services.save_schedule_entry(
        w["users"]["editor"],
        w["hcm"],
        day=datetime.date(2022, 11, 15),
        part=DayPart.MORNING,
        start=datetime.time(8, 0),
        content="Họp giao ban",
    )
    client = _english()
    week = client.get("/lich-cong-tac/ldld-tp-ho-chi-minh/", {"tuan": "2022-W46"}).content.decode()
    for english in (
        "Work calendar",
        "Monday",
        "Sunday",
        "Morning",
        "Week 46 (14/11/2022 to 20/11/2022)",
    ):
        assert english in week
    assert "Thứ Hai" not in week and "Họp giao ban" in week

    when = timezone.make_aware(datetime.datetime(2022, 11, 15, 8, 0))
    a = helpers.article(
        w["mt"],
        "LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW",
        publish_at=when,
        author="Ban Tuyên giáo",
    )
    page = client.get(a.get_absolute_url()).content.decode()
    for english in (
        "Tuesday, 15/11/2022",
        "Author:",
        "1 view",
        "Copy the link",
        "More in this section",
    ):
        assert english in page
    assert "LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW" in page  # the article stays as written


def test_the_cached_figures_of_one_language_are_not_served_in_the_other(w):
    from django.test import Client

    english = _english().get("/cong-thong-tin/ldld-tp-ho-chi-minh/").content.decode()
    assert "The movement in figures" in english and "From 01/01/" in english
    vietnamese = (
        Client(HTTP_USER_AGENT=BROWSER).get("/cong-thong-tin/ldld-tp-ho-chi-minh/").content.decode()
    )
    assert "Phong trào bằng số liệu" in vietnamese and "Từ 01/01/" in vietnamese
    assert "From 01/01/" not in vietnamese


def test_the_captcha_speaks_english_and_takes_english_answers():
    from django.utils import translation

    with translation.override("en"):
        assert [captcha.spell(n) for n in (20, 27, 31)] == ["twenty", "twenty-seven", "thirty-one"]
        assert captcha._canonical(captcha.DAY, "Thursday") == "5"
        challenge = captcha.new_challenge(captcha.WORD)
        assert "word of the sentence" in challenge.question or "what is the" in challenge.question
