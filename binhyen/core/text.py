"""Vietnamese text helpers: accent-free folding for search, and number/date formatting."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text):
    """Lower-case `text` and strip Vietnamese diacritics so "Tổ tự quản" matches "to tu quan"."""
    if not text:
        return ""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query):
    """The folded words of a search box, each of which must appear."""
    return [w for w in fold(query).split(" ") if w]


def format_number(value, trim=False):
    """3807 → "3.807", 840528 → "840.528" (Vietnamese thousands separator); a fraction gets
    two decimals ("97,30"), or only those it needs with `trim` ("23,5" for a bound)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.2f}".split(".")
        frac = frac.rstrip("0") if trim else frac
        return whole.replace(",", ".") + ("," + frac if frac else "")
    return f"{int(value):,}".replace(",", ".")


def format_date(value):
    """dd/mm/yyyy, as every Vietnamese form writes it."""
    return value.strftime("%d/%m/%Y") if value else ""


# --- normalisation at the edge ---------------------------------------------------------------
#
# Every text that enters (form, query string, API body, spreadsheet cell, offline sync) goes
# through `clean_text` once, so what is stored is what a reader sees and what an export can
# write: NFC (a decomposed "ộ" and a composed one compare equal and fold alike), no control
# characters (openpyxl refuses them, PostgreSQL refuses NUL), no format characters (a zero-width
# space hides a duplicate, a right-to-left override disguises a title), no lone surrogates
# (JSON can carry them; no database encoding can), no private-use characters. Unicode spaces
# become plain spaces. A single-line value has its line breaks and tabs turned into one space;
# a multi-line value keeps "\n" and "\t" and loses trailing spaces on each line.

# Cc except \t \n \r (handled below), Cf, Cs, Co and the noncharacters: the categories of
# Unicode 14 (Python 3.11's database); tests/test_text_cleaning.py checks the ranges against
# unicodedata so a newer Python cannot silently widen them.
_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # Cc
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"  # Cf
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
    "\ud800-\udfff"  # Cs: lone surrogates
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"  # Co
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters
)
_STRIP = re.compile(f"[{_INVISIBLE}]")
_UNICODE_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_LINE_SPACES = re.compile(r"[ \t\n]+")
_TRAILING = re.compile(r"[ \t]+(?=\n|$)")


def clean_text(value, multiline=False):
    """`value` as it may be stored: see the block comment above. None stays None; anything
    else becomes a string. An empty result means the field was empty (callers that require a
    value refuse it with their usual "hãy nhập …" message)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    # str.isprintable() is False for every Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs but the space:
    # ordinary text costs one pass in C.
    if (
        text.isprintable()
        and "  " not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    ):
        return text.strip()
    # Lone surrogates cannot be normalised: drop them (and the rest) first.
    text = _STRIP.sub("", _LINE_BREAKS.sub("\n", text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _UNICODE_SPACES.sub(" ", text)
    if multiline:
        return _TRAILING.sub("", text).strip()
    return _LINE_SPACES.sub(" ", text).strip()


def clean_tree(value, multiline=True):
    """`clean_text` applied to every string inside a parsed JSON value (dicts, lists)."""
    if isinstance(value, str):
        return clean_text(value, multiline)
    if isinstance(value, dict):
        return {clean_text(k): clean_tree(v, multiline) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v, multiline) for v in value]
    return value


def person_name(user):
    """A person's name in the Vietnamese order — family and middle names (Django's
    `last_name`) before the given name (`first_name`): "Trần Thị Hoa" —, else the username."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
