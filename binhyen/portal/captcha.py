"""An offline captcha for the tip form: a short question in words, answered in a word or a
number, that a screen reader reads like any label (no outside service, no image).

Three kinds, each with a few phrasings, all in the reader's language:
- sums: "Viết bằng chữ số: hai mươi bảy cộng năm" (a two-digit number in words, so the
  answer is never the sum of the digit words a script finds in the page);
- words: "Trong câu «…», chữ thứ ba là chữ gì?" (a written syllable, as people count);
- days: "Hôm nay là Thứ Tư. Ngày mai là thứ mấy?".
No digit of the answer appears in the page. The token in the form is signed with Django's
signing and carries the answer encrypted with a key derived from SECRET_KEY (so the token
gives nothing away, and the check needs no server-side state). Every token is good for one
attempt, right or wrong, within MAX_AGE: its nonce is remembered in the cache until then.

This raises the cost of each tip; it does not stop a determined script on its own — the
per-address and per-network limits (throttle.py) do that.
"""

import base64
import re
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext, pgettext_lazy

from binhyen.core.text import fold

from .schedule import WEEKDAYS

SALT = "binhyen.portal.captcha"
MAX_AGE = 3600
SEALED_BYTES = 32
SUM, WORD, DAY = "sum", "word", "day"

# 0–9 in words, in the reader's language (a context: "năm" is also "year")
NUMBERS = (
    pgettext_lazy("số đếm", "không"),
    pgettext_lazy("số đếm", "một"),
    pgettext_lazy("số đếm", "hai"),
    pgettext_lazy("số đếm", "ba"),
    pgettext_lazy("số đếm", "bốn"),
    pgettext_lazy("số đếm", "năm"),
    pgettext_lazy("số đếm", "sáu"),
    pgettext_lazy("số đếm", "bảy"),
    pgettext_lazy("số đếm", "tám"),
    pgettext_lazy("số đếm", "chín"),
)
# the tens 20–90, and the units after them ("hai mươi mốt", "hai mươi tư", "hai mươi lăm")
TENS = (
    pgettext_lazy("hàng chục", "hai mươi"),
    pgettext_lazy("hàng chục", "ba mươi"),
    pgettext_lazy("hàng chục", "bốn mươi"),
    pgettext_lazy("hàng chục", "năm mươi"),
    pgettext_lazy("hàng chục", "sáu mươi"),
    pgettext_lazy("hàng chục", "bảy mươi"),
    pgettext_lazy("hàng chục", "tám mươi"),
    pgettext_lazy("hàng chục", "chín mươi"),
)
UNITS_AFTER_TENS = (
    pgettext_lazy("đơn vị sau hàng chục", "mốt"),
    pgettext_lazy("đơn vị sau hàng chục", "hai"),
    pgettext_lazy("đơn vị sau hàng chục", "ba"),
    pgettext_lazy("đơn vị sau hàng chục", "tư"),
    pgettext_lazy("đơn vị sau hàng chục", "lăm"),
    pgettext_lazy("đơn vị sau hàng chục", "sáu"),
    pgettext_lazy("đơn vị sau hàng chục", "bảy"),
    pgettext_lazy("đơn vị sau hàng chục", "tám"),
    pgettext_lazy("đơn vị sau hàng chục", "chín"),
)
PLUS = (
    gettext_noop("Viết bằng chữ số: %(a)s cộng %(b)s."),
    gettext_noop("%(a)s cộng thêm %(b)s là bao nhiêu? Viết bằng chữ số."),
)
MINUS = (
    gettext_noop("Viết bằng chữ số: %(a)s trừ %(b)s."),
    gettext_noop("Lấy %(a)s bớt đi %(b)s thì còn bao nhiêu? Viết bằng chữ số."),
)
# short sentences with no number word in them, one word of which is asked for
SENTENCES = (
    gettext_noop("công nhân đoàn kết giữ gìn bình yên"),
    gettext_noop("khu nhà trọ sạch đẹp và an toàn"),
    gettext_noop("thấy kẻ gian hãy báo ngay"),
    gettext_noop("cảnh giác với tín dụng đen"),
    gettext_noop("tổ tự quản giúp nhau giữ nhà"),
    gettext_noop("phòng cháy hơn chữa cháy"),
    gettext_noop("người lao động sống theo pháp luật"),
)
ORDINALS = (
    pgettext_lazy("chữ trong câu", "đầu tiên"),
    pgettext_lazy("chữ trong câu", "thứ hai"),
    pgettext_lazy("chữ trong câu", "thứ ba"),
    pgettext_lazy("chữ trong câu", "thứ tư"),
)
NTH_WORD = (
    gettext_noop("Trong câu «%(sentence)s», chữ %(nth)s là chữ gì?"),
    gettext_noop("Hãy gõ lại chữ %(nth)s của câu «%(sentence)s»."),
)
LAST_WORD = gettext_noop("Chữ cuối cùng của câu «%(sentence)s» là chữ gì?")
# (question, first day asked about, shift): days are Thứ Hai (0) … Thứ Bảy (5), never Sunday
DAY_QUESTIONS = (
    (gettext_noop("Hôm nay là %(day)s. Ngày mai là thứ mấy?"), 0, 1),
    (gettext_noop("Hôm qua là %(day)s. Hôm nay là thứ mấy?"), 0, 1),
    (gettext_noop("Ngày mai là %(day)s. Hôm nay là thứ mấy?"), 1, -1),
)


@dataclass(frozen=True)
class Challenge:
    question: str  # the label of the answer box
    help: str  # how to write the answer
    token: str  # the signed, encrypted answer: the form's hidden field
    numeric: bool  # a number is expected (the phone keyboard shows digits)


def spell(n):
    """20–99 in words in the reader's language: 27 → "hai mươi bảy", 31 → "ba mươi mốt"."""
    tens, units = divmod(n, 10)
    if not 2 <= tens <= 9:
        raise ValueError(n)
    if units == 0:
        return str(TENS[tens - 2])
    return pgettext("số có hai chữ số", "%(tens)s %(units)s") % {
        "tens": TENS[tens - 2],
        "units": UNITS_AFTER_TENS[units - 1],
    }


def _pick(items):
    return items[secrets.randbelow(len(items))]


def _sum_question():
    if secrets.randbelow(2):
        a, b = 20 + secrets.randbelow(80), 2 + secrets.randbelow(8)
        return _(_pick(PLUS)) % {"a": spell(a), "b": NUMBERS[b]}, str(a + b)
    a, b = 40 + secrets.randbelow(60), 2 + secrets.randbelow(8)
    return _(_pick(MINUS)) % {"a": spell(a), "b": NUMBERS[b]}, str(a - b)


def _word_question():
    sentence = _(_pick(SENTENCES))
    words = sentence.split()
    position = secrets.randbelow(len(ORDINALS) + 1)
    if position == len(ORDINALS):
        return _(LAST_WORD) % {"sentence": sentence}, _canonical(WORD, words[-1])
    return (
        _(_pick(NTH_WORD)) % {"sentence": sentence, "nth": ORDINALS[position]},
        _canonical(WORD, words[position]),
    )


def _day_question():
    text, first, shift = _pick(DAY_QUESTIONS)
    day = first + secrets.randbelow(5)  # Monday–Friday, or Tuesday–Saturday
    return _(text) % {"day": _(WEEKDAYS[day])}, str(day + shift + 2)  # Thứ Hai is day 2


KINDS = {
    SUM: (_sum_question, gettext_noop("Trả lời bằng chữ số.")),
    WORD: (_word_question, gettext_noop("Trả lời bằng một chữ, có dấu hay không dấu đều được.")),
    DAY: (_day_question, gettext_noop("Trả lời bằng chữ số hoặc bằng tên của thứ.")),
}


def _day_names():
    """Folded spellings of Thứ Hai … Thứ Bảy → 2 … 7, in Vietnamese and the reader's language."""
    names = {"tu": 4, "bon": 4}  # "thứ Tư", also heard as "thứ bốn"
    for i, name in enumerate(WEEKDAYS[:6]):
        for spelled in (fold(name), fold(_(name))):
            names[spelled] = names[spelled.removeprefix("thu ")] = i + 2
    return names


def _canonical(kind, text):
    """The answer as compared: digits for numbers and days, the folded word for words."""
    text = fold(str(text or ""))
    if kind == SUM:
        digits = re.sub(r"[\s.,]", "", text)
        return (digits.lstrip("0") or "0") if re.fullmatch(r"[0-9]+", digits) else ""
    if kind == DAY:
        digits = re.sub(r"\D", "", text)
        if digits:
            return digits.lstrip("0")
        day = _day_names().get(re.sub(r"[^\w ]", "", text).strip())
        return str(day) if day else ""
    return re.sub(r"[^\w]", "", text)


def _keystream(nonce, length):
    out = b""
    block = 0
    while len(out) < length:
        out += salted_hmac(SALT + ".stream", f"{nonce}:{block}").digest()
        block += 1
    return out[:length]


def _seal(nonce, answer):
    raw = answer.encode().ljust(
        SEALED_BYTES, b"\0"
    )  # every token the same length whatever the answer
    return base64.urlsafe_b64encode(
        bytes(a ^ b for a, b in zip(raw, _keystream(nonce, len(raw)), strict=True))
    ).decode()


def _open(nonce, sealed):
    raw = base64.urlsafe_b64decode(sealed.encode())
    return (
        bytes(a ^ b for a, b in zip(raw, _keystream(nonce, len(raw)), strict=True))
        .rstrip(b"\0")
        .decode()
    )


def new_challenge(kind=None):
    """A fresh question of a random kind (or the one named, for tests)."""
    kind = kind or _pick(tuple(KINDS))
    build, help_text = KINDS[kind]
    question, answer = build()
    question = question[:1].upper() + question[1:]
    nonce = secrets.token_hex(12)
    token = signing.dumps({"k": kind, "n": nonce, "a": _seal(nonce, answer)}, salt=SALT)
    return Challenge(question=question, help=_(help_text), token=token, numeric=kind == SUM)


def _load(token):
    data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise signing.BadSignature("not a captcha token")
    return data


def check(token, answer):
    """None when right, else the Vietnamese message for the `captcha` field. A token is spent
    by its first attempt, right or wrong: the form then asks a new question."""
    try:
        data = _load(token)
    except signing.SignatureExpired:
        return _("Câu hỏi kiểm tra đã hết hạn, hãy trả lời câu hỏi mới.")
    except signing.BadSignature:
        return _("Câu hỏi kiểm tra không hợp lệ, hãy trả lời câu hỏi mới.")
    if not cache.add(f"portal:captcha:used:{data['n']}", 1, timeout=MAX_AGE):
        return _("Câu hỏi kiểm tra này đã được dùng, hãy trả lời câu hỏi mới.")
    given = _canonical(data["k"], answer)
    if not given:
        return _(KINDS[data["k"]][1])
    if not constant_time_compare(given, _open(data["n"], data["a"])):
        return _("Câu trả lời kiểm tra chưa đúng, hãy trả lời câu hỏi mới.")
    return None


def answer_of(token):
    """The expected answer, read with the server's key (tests and the load script use it, as
    a person would read the question)."""
    data = _load(token)
    return _open(data["n"], data["a"])
