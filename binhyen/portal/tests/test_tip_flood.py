"""Flooding the tip form: the limits per client address and per network whatever the
User-Agent, the client address read through the trusted proxy only, a wait that doubles, a
captcha the outside probe's regular expression no longer solves, single-use tokens, and an
honest visitor who still gets through."""

import base64
import datetime
import json
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents.models import Tip
from binhyen.portal import captcha, throttle

from .conftest import BROWSER

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
PROXY = "10.0.0.2"
LIMITED = "quá nhiều tin báo gửi từ mạng của bạn"


def _browser(address="198.51.100.10", agent=BROWSER, forwarded=None):
    extra = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra)


def _behind_proxy(address, agent=BROWSER):
    return _browser(PROXY, agent, forwarded=f"192.0.2.99, {address}")  # the left hop is forged


def _question(page):
    return re.search(r'<label[^>]*for="id_captcha">([^<]+)', page).group(1)


def _send(client, answer=None, token=None):
    page = client.get("/tin-bao/", {"muc": "ldld-tp-ho-chi-minh"}).content.decode()
    token = token or re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/tin-bao/",
        {
            "muc": "ldld-tp-ho-chi-minh",
            "tinh": "79",
            "ward": f.area("26794").pk,
            "happened_on": YESTERDAY.isoformat(),
            "what": "Có người lạ cho vay nặng lãi ở dãy trọ số 3.",
            "anonymous": "on",
            "captcha_token": token,
            "captcha": captcha.answer_of(token) if answer is None else answer(page),
        },
    )


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved on by hand (the cache's own expiry is not involved)."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: now[0])
    return now


def test_a_new_user_agent_per_post_does_not_escape_the_limit(w, clock):
    statuses = [_send(_browser(agent=f"Mozilla/5.0 probe {i}")) for i in range(38)]
    assert [r.status_code for r in statuses[: throttle.ADDRESS.free]] == [
        200
    ] * throttle.ADDRESS.free
    refused = statuses[throttle.ADDRESS.free :]
    assert {r.status_code for r in refused} == {429}
    for response in refused:
        page = response.content.decode()
        assert LIMITED in page and 'role="alert"' in page
        assert "Có người lạ cho vay nặng lãi" in page  # the form comes back as filled in
    assert Tip.objects.count() == throttle.ADDRESS.free


def test_the_wait_doubles_after_the_free_tips(w, clock):
    for _ in range(throttle.ADDRESS.free):
        assert _send(_browser()).status_code == 200
    first = _send(_browser())
    assert first.status_code == 429 and "khoảng 1 phút" in first.content.decode()
    clock[0] += 61
    assert _send(_browser()).status_code == 200  # the 4th, a minute after the 3rd
    clock[0] += 61
    second = _send(_browser())
    assert (
        second.status_code == 429 and "khoảng 1 phút" in second.content.decode()
    )  # 2 minutes in all
    clock[0] += 60
    assert _send(_browser()).status_code == 200
    assert "khoảng 4 phút" in _send(_browser()).content.decode()
    assert Tip.objects.count() == throttle.ADDRESS.free + 2


def test_a_refused_or_failed_post_gives_its_place_back(w, clock):
    for _ in range(throttle.ADDRESS.free + 2):
        _send(_browser(), answer=lambda page: "1")  # wrong answers: nothing saved, nothing counted
    assert not Tip.objects.exists()
    for _ in range(throttle.ADDRESS.free):
        assert _send(_browser()).status_code == 200


def test_addresses_of_one_network_behind_the_proxy_share_its_limit(w, clock, settings):
    settings.BEHIND_PROXY = True
    free = throttle.NETWORK.free
    for i in range(free):  # spread over the /24, never more than the address allows
        assert _send(_behind_proxy(f"203.0.113.{10 + i // 2}")).status_code == 200
    fresh = _send(_behind_proxy("203.0.113.200"))  # an address never seen, in the same /24
    assert fresh.status_code == 429 and LIMITED in fresh.content.decode()
    assert (
        _send(_behind_proxy("203.0.114.200")).status_code == 200
    )  # the next /24 is another sender
    # IPv6: the /64 is one sender
    for i in range(free):
        assert _send(_behind_proxy(f"2001:db8:1:2::{i // 2 + 1:x}")).status_code == 200
    assert _send(_behind_proxy("2001:db8:1:2:ffff::9")).status_code == 429
    assert _send(_behind_proxy("2001:db8:1:3::1")).status_code == 200
    assert Tip.objects.count() == 2 * free + 2


def test_the_address_is_read_through_the_trusted_proxy_only(settings):
    rf = RequestFactory()

    def address(remote, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return throttle.client_address(rf.get("/", REMOTE_ADDR=remote, **extra))

    settings.BEHIND_PROXY = False
    assert address("198.51.100.7", "203.0.113.5") == "198.51.100.7"  # anyone can write the header
    settings.BEHIND_PROXY = True
    assert address(PROXY, "203.0.113.5") == "203.0.113.5"
    assert (
        address(PROXY, "1.2.3.4, 203.0.113.5") == "203.0.113.5"
    )  # the right-most hop, not the forged one
    assert (
        address(PROXY, "1.2.3.4, 203.0.113.5, 10.0.0.2") == "203.0.113.5"
    )  # the proxy itself skipped
    assert (
        address(PROXY, "1.2.3.4, 203.0.113.5, 172.16.0.9") == "172.16.0.9"
    )  # an unknown hop is the client
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    assert address(PROXY, "1.2.3.4, 203.0.113.5, 172.16.0.9") == "203.0.113.5"
    assert address(PROXY, "nonsense") == PROXY
    assert address(PROXY, "") == PROXY
    assert address(PROXY, "::ffff:203.0.113.5") == "203.0.113.5"
    assert throttle.network_of("203.0.113.77") == "203.0.113.0/24"
    assert throttle.network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert throttle.network_of("nonsense") is None


# The outside probe's solver: every digit and number word of the question, added up.
OLD_WORDS = {
    w: i
    for i, w in enumerate(
        ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")
    )
}


def old_solver(question):
    words = re.findall(r"\w+", question.lower())
    total = sum(OLD_WORDS.get(w, 0) for w in words) + sum(
        int(d) for d in re.findall(r"\d+", question)
    )
    return str(total)


def folded_old_solver(question):
    from binhyen.core.text import fold

    folded = {fold(k): v for k, v in OLD_WORDS.items()}
    return str(sum(folded.get(w, 0) for w in fold(question).split()))


def test_the_old_regex_solver_no_longer_answers(w):
    for _ in range(400):
        challenge = captcha.new_challenge()
        answer = captcha.answer_of(challenge.token)
        assert old_solver(challenge.question) != answer
        assert folded_old_solver(challenge.question) != answer
        assert not re.search(
            r"\d", challenge.question + challenge.help
        )  # no digit in the page to pick up
        # and the token gives nothing away: it is signed, the answer in it is encrypted
        payload = json.loads(base64.urlsafe_b64decode(challenge.token.split(":")[0] + "=="))
        assert set(payload) == {"k", "n", "a"} and answer not in (
            payload["k"],
            payload["n"],
            payload["a"],
        )
        sealed = base64.urlsafe_b64decode(payload["a"])
        assert len(sealed) == captcha.SEALED_BYTES and sealed != answer.encode().ljust(
            captcha.SEALED_BYTES, b"\0"
        )
    for _ in range(3):  # refused: a wrong answer, or (a "0" for a day) not an answer at all
        sent = _send(_browser(), answer=lambda page: old_solver(_question(page))).content.decode()
        assert 'id="id_captcha-error"' in sent and "Đã nhận tin báo" not in sent
    assert not Tip.objects.exists()


def test_a_token_is_good_for_one_attempt(w, clock):
    page = _browser().get("/tin-bao/").content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    assert _send(_browser(), token=token).status_code == 200
    replay = _send(_browser("198.51.100.77", agent="another browser"), token=token)
    assert "Câu hỏi kiểm tra này đã được dùng" in replay.content.decode()
    assert Tip.objects.count() == 1
    assert captcha.check(token, captcha.answer_of(token)) is not None


def test_an_honest_visitor_gets_through_whatever_the_question(w, clock):
    for kind in captcha.KINDS:
        challenge = captcha.new_challenge(kind)
        assert captcha.check(challenge.token, captcha.answer_of(challenge.token)) is None
    assert _send(_browser()).status_code == 200
    assert Tip.objects.get().unit == w["tree"]["ward_union"]


@pytest.mark.parametrize(
    "kind, question, answer, accepted, refused",
    [
        (
            captcha.SUM,
            "Viết bằng chữ số: hai mươi bảy cộng năm.",
            "32",
            ["32", " 32 ", "032"],
            ["31", "ba hai", ""],
        ),
        (
            captcha.WORD,
            "Trong câu «tổ tự quản giúp nhau giữ nhà», chữ thứ ba là chữ gì?",
            "quan",
            ["quản", "Quản", "quan", " QUAN. "],
            ["tự", "quả"],
        ),
        (
            captcha.DAY,
            "Hôm nay là Thứ Tư. Ngày mai là thứ mấy?",
            "5",
            ["5", "thứ 5", "Thứ Năm", "thu nam", "năm"],
            ["4", "thứ Tư", "chủ nhật"],
        ),
    ],
)
def test_answers_as_people_write_them(kind, question, answer, accepted, refused):
    for text in accepted:
        assert captcha._canonical(kind, text) == answer, text
    for text in refused:
        assert captcha._canonical(kind, text) != answer, text


def test_spelled_numbers():
    assert [captcha.spell(n) for n in (20, 21, 24, 25, 27, 99)] == [
        "hai mươi",
        "hai mươi mốt",
        "hai mươi tư",
        "hai mươi lăm",
        "hai mươi bảy",
        "chín mươi chín",
    ]


def test_the_question_is_the_label_of_the_answer_box(w):
    page = _browser().get("/tin-bao/").content.decode()
    label = re.search(r'<label class="form-label required" for="id_captcha">([^<]+)', page)
    assert label and label.group(1).strip().endswith(("?", "."))
    box = re.search(r'<input[^>]*name="captcha"[^>]*>', page).group(0)
    assert 'id="id_captcha"' in box and 'aria-describedby="id_captcha-help"' in box
    assert 'id="id_captcha-help">Trả lời bằng' in page
    assert "<img" not in page.split('for="id_captcha"')[1].split("</form>")[0]
