"""An offline captcha: a small sum written in words, its answer signed into the form with
Django's signing (no third-party service, no image a screen reader cannot read). A token is
good for one use within an hour."""

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

SALT = "binhyen.portal.captcha"
MAX_AGE = 3600
# the numbers in words, in the reader's language (a context: "năm" is also "year")
NUMBERS = (
    pgettext_lazy("số đếm", "không"), pgettext_lazy("số đếm", "một"), pgettext_lazy("số đếm", "hai"),
    pgettext_lazy("số đếm", "ba"), pgettext_lazy("số đếm", "bốn"), pgettext_lazy("số đếm", "năm"),
    pgettext_lazy("số đếm", "sáu"), pgettext_lazy("số đếm", "bảy"), pgettext_lazy("số đếm", "tám"),
    pgettext_lazy("số đếm", "chín"), pgettext_lazy("số đếm", "mười"),
)


def new_challenge():
    """(question, token): "Ba cộng bốn bằng mấy?" and the signed answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    question = _("%(a)s cộng %(b)s bằng mấy? (trả lời bằng chữ số)") % {
        "a": str(NUMBERS[a]).capitalize(), "b": NUMBERS[b]
    }
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=SALT)
    return question, token


def check(token, answer):
    """None when right, else the Vietnamese message for the `captcha` field."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return _("Câu hỏi kiểm tra đã hết hạn, hãy trả lời câu hỏi mới.")
    except signing.BadSignature:
        return _("Câu hỏi kiểm tra không hợp lệ, hãy trả lời câu hỏi mới.")
    try:
        value = int(str(answer).strip())
    except (TypeError, ValueError):
        return _("Hãy trả lời câu hỏi kiểm tra bằng chữ số, ví dụ 7.")
    if value != data["s"]:
        return _("Câu trả lời kiểm tra chưa đúng.")
    if not cache.add(f"portal:captcha:used:{data['n']}", 1, timeout=MAX_AGE):
        return _("Câu hỏi kiểm tra này đã được dùng, hãy trả lời câu hỏi mới.")
    return None


def answer_of(token):
    """The expected answer (tests and the load script use it, as a person would read it)."""
    return signing.loads(token, salt=SALT, max_age=MAX_AGE)["s"]
