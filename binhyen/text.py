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


def format_number(value):
    """3807 → "3.807", 840528 → "840.528" (Vietnamese thousands separator)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.2f}".split(".")
        return whole.replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def format_date(value):
    """dd/mm/yyyy, as every Vietnamese form writes it."""
    return value.strftime("%d/%m/%Y") if value else ""
