"""No script survives into an article body or a tip: 26 classic XSS payloads are stripped."""

import datetime
import re

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import seal
from binhyen.incidents.models import Tip
from binhyen.portal import captcha
from binhyen.portal.sanitize import clean_html, plain_text

from . import helpers
from .conftest import BROWSER

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">bấm</a>',
    '<a href="JaVaScRiPt:alert(1)">bấm</a>',
    '<a href="&#106;avascript:alert(1)">bấm</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">bấm</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="x:expression(alert(1))">x</p>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '"><script>alert(document.cookie)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>@import 'javascript:alert(1)';</style>",
    "<video><source onerror=alert(1)></video>",
]
DANGEROUS = (
    "<script",
    "javascript:",
    "onerror",
    "onload",
    "ontoggle",
    "onfocus",
    "<iframe",
    "<object",
    "<embed",
    "<svg",
    "<style",
    "style=",
    "<meta",
    "<base",
    "<link",
    "data:text",
)


def dangerous_bits(text):
    return [d for d in DANGEROUS if d in text.lower()]


def test_there_are_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_body_keeps_no_script(payload):
    cleaned = clean_html(f"<p>Tin an ninh</p>{payload}<p>hết</p>")
    assert dangerous_bits(cleaned) == []
    assert "Tin an ninh" in cleaned


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plain_text_fields_keep_no_markup(payload):
    cleaned = plain_text(f"Trộm xe {payload} ở hẻm 5")
    assert "<" not in cleaned and ">" not in cleaned
    assert "<script" not in cleaned.lower()
    assert cleaned.startswith("Trộm xe")


def test_article_stored_and_shown_without_payloads(db, client):
    w = helpers.world()
    body = (
        "<p>Mở đầu <strong>Kết</strong> <a href='https://congdoan.example.org'>nguồn</a></p>"
        + "".join(PAYLOADS)
    )
    a = helpers.article(
        w["hcm"], "Bài có mã độc", body=body, summary="<b>Tóm</b> tắt <script>x</script>"
    )
    assert dangerous_bits(a.body) == []
    assert "<strong>Kết</strong>" in a.body
    assert 'rel="noopener noreferrer nofollow"' in a.body
    assert a.summary == "Tóm tắt"
    html = client.get(a.get_absolute_url()).content.decode()
    body_html = html.split('class="article-body">', 1)[1].split("</div>", 1)[0]
    assert dangerous_bits(body_html) == []


def test_images_only_from_our_media(db):
    cleaned = clean_html(
        '<img src="https://tracker.example.com/p.gif" alt="a"><img src="/media/portal/uploads/a.jpg" alt="b">'
    )
    assert "tracker" not in cleaned
    assert '<img src="/media/portal/uploads/a.jpg" alt="b">' in cleaned


def test_tip_fields_are_stored_as_plain_text(db):
    """Through the public form, the door the public uses."""
    from django.test import Client

    helpers.world()
    payload = " ".join(PAYLOADS)
    client = Client(HTTP_USER_AGENT=BROWSER)
    page = client.get("/tin-bao/", {"muc": "ldld-tp-ho-chi-minh"}).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/tin-bao/",
        {
            "muc": "ldld-tp-ho-chi-minh",
            "tinh": "79",
            "ward": f.area("26794").pk,
            "what": f"Có người lạ {payload} trong khu trọ",
            "place": f"Hẻm 5 {PAYLOADS[2]}",
            "happened_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "reporter_name": f"Bình {PAYLOADS[0]}",
            "reporter_phone": "0912 345 678",
            "captcha": str(captcha.answer_of(token)),
            "captcha_token": token,
        },
    )
    assert response.status_code == 200
    tip = Tip.objects.get()
    sender = seal.unseal(tip.sealed_sender)
    for value in (tip.what, tip.place, sender["name"]):
        assert "<" not in value and ">" not in value
    assert sender["name"] == "Bình"
    assert sender["phone"] == "0912345678"
