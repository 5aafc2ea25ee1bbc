"""Finding references to official documents ("Kế hoạch số 329/KH-LĐLĐ ngày 23/03/2022") in Vietnamese text.

Pure Python (no Django): `find_citations(text)` returns every reference with its type, number,
symbol, date or year and the exact span in `text`; `parse_reference(text)` reads the one box a
clerk types a document's heading into. Matching runs on an accent-free, lower-case copy of the
text whose characters map back to the original, so "KẾ HOẠCH SỐ", "kế hoạch số" and
"ke hoach so" are read alike while spans and symbols come from what was written.

What counts as a reference (precision matters as much as recall — a report is full of
numbers):
- a type word (Nghị quyết, Kết luận, Chỉ thị, Kế hoạch, …) followed by a number with a symbol
  ("44-KL/TW", "09/NQ-CP", "96/2019/QH14", "2016/LĐLĐ"), "số" optional;
- a type word, "số", then a bare number ("chương trình phối hợp số 478") — without "số" a bare
  number is too often something else ("kế hoạch 2022", "báo cáo 6 tháng");
- further symbols listed after one type word ("Kế hoạch số 329/KH-LĐLĐ, 330/KH-LĐLĐ");
- a symbol standing alone whose first code is a type abbreviation written in capitals
  ("theo 1945/QĐ-BCĐ").
An optional "ngày 16/8/2021" or "ngày 16 tháng 8 năm 2019" right after belongs to the reference.
"""

import datetime
import re
import unicodedata
from dataclasses import asdict, dataclass

# code, Vietnamese name, symbol abbreviation (None: the type puts none in its symbol),
# accent-free pattern of the name. Codes are those of the DocumentType table.
TYPES = (
    (
        "chuong_trinh_phoi_hop",
        "Chương trình phối hợp",
        "CTrPH",
        r"chuong\s+trinh\s+phoi\s+hop(?:\s+lien\s+tich)?",
    ),
    ("chuong_trinh", "Chương trình", "CTr", r"chuong\s+trinh(?:\s+lien\s+tich|\s+hanh\s+dong)?"),
    ("nghi_quyet", "Nghị quyết", "NQ", r"nghi\s+quyet(?:\s+lien\s+tich)?"),
    ("ket_luan", "Kết luận", "KL", r"ket\s+luan"),
    ("chi_thi", "Chỉ thị", "CT", r"chi\s+thi"),
    ("ke_hoach", "Kế hoạch", "KH", r"ke\s+hoach(?:\s+lien\s+tich|\s+phoi\s+hop)?"),
    ("quyet_dinh", "Quyết định", "QĐ", r"quyet\s+dinh"),
    ("quy_che", "Quy chế", "QC", r"quy\s+che(?:\s+phoi\s+hop)?"),
    ("cong_van", "Công văn", None, r"cong\s+van"),
    ("huong_dan", "Hướng dẫn", "HD", r"huong\s+dan"),
    ("thong_bao", "Thông báo", "TB", r"thong\s+bao(?:\s+ket\s+luan)?"),
    ("bao_cao", "Báo cáo", "BC", r"bao\s+cao"),
    ("luat", "Luật", None, r"luat"),
    ("nghi_dinh", "Nghị định", "NĐ", r"nghi\s+dinh"),
    ("thong_tu", "Thông tư", "TT", r"thong\s+tu(?:\s+lien\s+tich)?"),
    ("khac", "Văn bản khác", None, r"van\s+ban"),
)
TYPE_NAMES = {code: name for code, name, _abbr, _pattern in TYPES}
TYPE_ABBREVIATIONS = {code: abbr for code, _name, abbr, _pattern in TYPES if abbr}
# A symbol's first code → type ("329/KH-LĐLĐ" is a plan). Compared on the upper-cased code.
ABBREVIATION_TYPES = {abbr.upper(): code for code, abbr in TYPE_ABBREVIATIONS.items()}
ABBREVIATION_TYPES.update(
    {
        "QCPH": "quy_che",
        "NQLT": "nghi_quyet",
        "TTLT": "thong_tu",
        "CTPH": "chuong_trinh_phoi_hop",
        "KHPH": "ke_hoach",
    }
)

# --- the grammar, over the folded text ------------------------------------------------------

_NUMBER = r"\d{1,5}[a-z]?"
_SEGMENT = r"[a-z0-9]+(?:\.[a-z0-9]+)*"
# "/" may carry spaces or a line break around it; "-" only a line break after it (a word
# wrapped at the end of a line), since " - " in prose separates items.
_SEP = r"(?:[ \t]*\n?[ \t]*/[ \t]*\n?[ \t]*|-(?:[ \t]*\n[ \t]*)?)"
_SYMBOL = rf"{_NUMBER}(?:{_SEP}{_SEGMENT}){{0,4}}(?![a-z0-9])"
_SYMBOL_WITH_CODES = rf"{_NUMBER}(?:{_SEP}{_SEGMENT}){{1,4}}(?![a-z0-9])"
_DATE = (
    r"(?P<date>(?:\s*,)?\s+(?:ban\s+hanh\s+)?ngay\s+(?P<d>\d{1,2})"
    r"(?:\s*(?P<dsep>[/.-])\s*(?P<m>\d{1,2})\s*(?P=dsep)\s*(?P<y>\d{4})"
    r"|\s+thang\s+(?P<m2>\d{1,2})\s*,?\s+nam\s+(?P<y2>\d{4}))(?!\d))"
)
_TYPE_WORDS = "|".join(
    f"(?P<t_{code}>{pattern})" for code, _n, _a, pattern in TYPES if code != "luat"
)

_TYPED = re.compile(
    rf"(?<![a-z0-9])(?:{_TYPE_WORDS})(?P<so>\s+so(?:\s+hieu)?(?:\s*:)?)?\s*(?P<symbol>{_SYMBOL}){_DATE}?"
)
# "Luật Phòng, chống ma túy số 73/2021/QH14": the law's name may sit between the word and "số".
_LAW = re.compile(
    rf"(?<![a-z0-9])luat(?P<name>(?:\s+[^\s\d.;:()/]+){{0,10}}?)\s+so\s*:?\s*(?P<symbol>{_SYMBOL_WITH_CODES}){_DATE}?"
)
_MORE = re.compile(
    rf"\s*(?:,|;|\bva\b|\bhoac\b)\s*(?:so\s*:?\s*)?(?P<symbol>{_SYMBOL_WITH_CODES}){_DATE}?"
)
_BARE = re.compile(rf"(?<![a-z0-9/.\-])(?P<symbol>{_SYMBOL_WITH_CODES}){_DATE}?")
_SEPARATORS = re.compile(r"\s*([/-])\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Citation:
    """One reference found in a text: `text[start:end]` is exactly what was written."""

    type: str | None  # a TYPES code; None when nothing names the type ("2016/LĐLĐ" alone)
    number: str
    symbol: str | None  # "329/KH-LĐLĐ"; None for a bare number ("chương trình phối hợp số 478")
    date: datetime.date | None
    year: int | None  # from the date, else from the symbol ("96/2019/QH14" → 2019)
    start: int
    end: int
    text: str

    @property
    def type_name(self):
        return TYPE_NAMES.get(self.type, "") if self.type else ""

    @property
    def label(self):
        """ "Kế hoạch số 329/KH-LĐLĐ ngày 23/03/2022" as a register writes it."""
        parts = [self.type_name or "Văn bản", "số", self.symbol or self.number]
        if self.date:
            parts.append(f"ngày {self.date:%d/%m/%Y}")
        return " ".join(parts)

    def as_dict(self):
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


def fold_with_map(text):
    """(folded text, positions): lower-case, accents and đ removed, one entry of `positions`
    per folded character giving its index in `text`, plus len(text) at the end."""
    out, positions = [], []
    for i, ch in enumerate(text):
        if ch in "đĐ":
            folded = "d"
        elif ch.isascii():
            folded = ch.lower()
        else:
            decomposed = unicodedata.normalize("NFD", ch)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        for c in folded:
            out.append(c)
            positions.append(i)
    positions.append(len(text))
    return "".join(out), positions


def fold(text):
    return fold_with_map(text or "")[0]


class _Text:
    def __init__(self, text):
        self.text = text
        self.folded, self.positions = fold_with_map(text)

    def span(self, start, end):
        """Original (start, end) of the folded span [start, end)."""
        return self.positions[start], self.positions[end] if end > start else self.positions[start]

    def original(self, start, end):
        a, b = self.span(start, end)
        return self.text[a:b]


def normalize_symbol(raw):
    """ "329 / kh-lđlđ" → "329/KH-LĐLĐ": no spaces, codes in capitals (a written "CTr" and
    "CTrPH" keep their small r, as the format rules spell them)."""
    compact = _SEPARATORS.sub(r"\1", _WHITESPACE.sub(" ", raw.strip()))
    compact = _WHITESPACE.sub("", compact)
    parts = re.split(r"([/-])", compact)
    out = []
    for part in parts:
        if part.upper() in ("CTR", "CTRPH"):
            out.append("CTr" + part[3:].upper())
        else:
            out.append(part.upper())
    return "".join(out)


def symbol_key(symbol):
    """The accent-free lower-case form two symbols are compared on ("329/kh-ldld")."""
    return fold(normalize_symbol(symbol or ""))


def split_symbol(symbol):
    """("329", ["KH", "LĐLĐ"]) for "329/KH-LĐLĐ"."""
    parts = re.split(r"[/-]", symbol)
    return parts[0], [p for p in parts[1:]]


def _valid_date(d, m, y):
    try:
        day = datetime.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2100 else None


def _date_of(match):
    if not match.group("date"):
        return None
    if match.group("y"):
        return _valid_date(match.group("d"), match.group("m"), match.group("y"))
    return _valid_date(match.group("d"), match.group("m2"), match.group("y2"))


def _year_in(codes):
    # isdecimal, not isdigit: "²" is a digit that int() cannot read (a 500 once)
    for code in codes:
        if code.isdecimal() and len(code) == 4 and 1945 <= int(code) <= 2100:
            return int(code)
    return None


def _first_letter_code(codes):
    for code in codes:
        if not code.isdigit():
            return code
    return None


def _symbol_parts(doc, match):
    """(number, symbol or None, codes) of the symbol group, or None when it is no symbol."""
    raw = doc.original(match.start("symbol"), match.end("symbol"))
    symbol = normalize_symbol(raw)
    number, codes = split_symbol(symbol)
    if not codes:
        return number, None, codes
    if all(code.isdigit() for code in codes):
        # 16/8/2021 is a date, 2.000.000 is money; only "30/2020" (number/year) passes.
        if len(codes) != 1 or _year_in(codes) is None:
            return None
    if any(not code for code in codes):
        return None
    return number, symbol, codes


def _citation(doc, kind, match, start):
    parts = _symbol_parts(doc, match)
    if parts is None:
        return None
    number, symbol, codes = parts
    if kind is None:
        kind = _type_from_codes(codes)
    date = _date_of(match)
    end = match.end("date") if date else match.end("symbol")
    if not date and match.group("date"):
        end = match.end("symbol")  # "ngày 31/02/2022" is no date: leave it out of the span
    a, b = doc.span(start, end)
    year = date.year if date else _year_in(codes)
    return Citation(kind, number, symbol, date, year, a, b, doc.text[a:b])


def _type_from_codes(codes):
    code = _first_letter_code(codes)
    return ABBREVIATION_TYPES.get(code.upper()) if code else None


def _abbreviation_written(doc, match):
    """The symbol's first code is a type abbreviation written in capitals ("KH", "QĐ", "CTr"),
    followed by the issuer's code: "329/KH-LĐLĐ", not a room number "329/KH"."""
    raw = normalize_symbol(doc.original(match.start("symbol"), match.end("symbol")))
    _number, codes = split_symbol(raw)
    first = _first_letter_code(codes)
    if not first or first.upper() not in ABBREVIATION_TYPES:
        return False
    if codes.index(first) == len(codes) - 1:
        return False
    original = doc.original(match.start("symbol"), match.end("symbol"))
    return first in original or first.upper() in original


def _typed_kind(match):
    for key, value in match.groupdict().items():
        if key.startswith("t_") and value is not None:
            return key[2:]
    return None


# Types a report names by number alone ("Chỉ thị 48", "Nghị quyết 09"); for the others a bare
# number without "số" is too often something else ("kế hoạch 2022", "báo cáo 6 tháng").
_NUMBER_ALONE_TYPES = {"nghi_quyet", "ket_luan", "chi_thi", "quyet_dinh", "nghi_dinh", "thong_tu"}
# Words that make the number a quantity: "kết luận 13 điểm", "nghị quyết 3 năm".
_QUANTITY = re.compile(
    r"\s*(?:%|diem|nam|thang|ngay|tuan|gio|nguoi|cuoc|luot|buoi|lan|don\s+vi|noi\s+dung|"
    r"van\s+de|muc|ty|trieu|nghin|ngan|dong|trang|chuong|dieu)(?![a-z])"
)


def _number_alone_ok(doc, kind, citation, match):
    if kind not in _NUMBER_ALONE_TYPES:
        return False
    if citation.date is not None:
        return True  # "Chỉ thị 48 ngày 22/10/2010"
    number = citation.number
    if not number.isdecimal() or (len(number) == 4 and 1945 <= int(number) <= 2100):
        return False
    return _QUANTITY.match(doc.folded, match.end("symbol")) is None


def _find_typed(doc):
    found = []
    pos = 0
    while True:
        match = _TYPED.search(doc.folded, pos)
        if match is None:
            break
        kind = _typed_kind(match)
        citation = _citation(doc, kind, match, match.start())
        if citation is not None and citation.symbol is None and not match.group("so"):
            if not _number_alone_ok(doc, kind, citation, match):
                citation = None
        if citation is not None and kind == "khac":
            # "văn bản số 12/KH-…" names its type only through the symbol, if at all
            if citation.symbol is None:
                citation = None
            else:
                kind = _type_from_codes(split_symbol(citation.symbol)[1])
                citation = Citation(**{**asdict(citation), "type": kind})
        if citation is None:
            pos = match.end(f"t_{_typed_kind(match)}")
            continue
        found.append(citation)
        end = match.end("date") if citation.date else match.end("symbol")
        if citation.symbol:
            end = _find_more(doc, kind, end, found)
        pos = end
    return found


def _find_more(doc, kind, end, found):
    """Symbols listed after the first one under the same type word."""
    while True:
        match = _MORE.match(doc.folded, end)
        if match is None:
            return end
        citation = _citation(doc, kind, match, match.start("symbol"))
        if citation is None or citation.symbol is None:
            return end
        found.append(citation)
        end = match.end("date") if citation.date else match.end("symbol")


def _find_laws(doc):
    found = []
    for match in _LAW.finditer(doc.folded):
        citation = _citation(doc, "luat", match, match.start())
        if citation is not None and citation.symbol is not None:
            found.append(citation)
    return found


def _find_bare(doc):
    found = []
    for match in _BARE.finditer(doc.folded):
        if not _abbreviation_written(doc, match):
            continue
        citation = _citation(doc, None, match, match.start("symbol"))
        if citation is not None and citation.type is not None:
            found.append(citation)
    return found


def find_citations(text):
    """Every document reference in `text`, in order of appearance, none overlapping."""
    if not text:
        return []
    doc = _Text(text)
    chosen = []
    for group in (_find_typed(doc), _find_laws(doc), _find_bare(doc)):
        for citation in group:
            if not any(citation.start < c.end and c.start < citation.end for c in chosen):
                chosen.append(citation)
    return sorted(chosen, key=lambda c: c.start)


# --- what surrounds a reference: issuer and summary ----------------------------------------

_ISSUER = re.compile(r"[ \t]*,?[ \t]*cua\s+(?P<issuer>[^,;.()\n]+?)(?=\s+(?:ve|v/v)\s|[,;.()\n]|$)")
_ABOUT = re.compile(r"[ \t]*,?[ \t]*(?:ve\s+viec|ve|v/v)\s+")
_ONE_BOX_LEAD = re.compile(r"[\s,;:\-–—]*")
# "của Bộ Chính trị và [Chỉ thị …]": the link word belongs to the list, not to the issuer
_TRAILING_LINK = re.compile(r"(?:\s+(?:và|hoặc|cùng|va|hoac|cung))+\s*$", re.IGNORECASE)


def context_after(text, citation, until=None, limit=300):
    """(issuer words, summary) written right after a citation, up to `until` (the next
    citation's start): "… của Bộ Chính trị về tăng cường …" gives ("Bộ Chính trị", "Tăng
    cường …"). A summary is only taken when it is introduced by "về"/"về việc", so the rest
    of a sentence is never mistaken for one."""
    stop = min(citation.end + limit, until if until is not None else len(text))
    return _context(text[citation.end : stop], one_box=False)


def with_context(text):
    """[(citation, issuer words, summary)] for every reference in `text`."""
    citations = find_citations(text)
    out = []
    for i, citation in enumerate(citations):
        until = citations[i + 1].start if i + 1 < len(citations) else None
        out.append((citation, *context_after(text, citation, until)))
    return out


def _context(tail, one_box):
    doc = _Text(tail)
    issuer, offset = "", 0
    m = _ISSUER.match(doc.folded)
    if m:
        issuer = _TRAILING_LINK.sub("", doc.original(m.start("issuer"), m.end("issuer"))).strip()
        offset = m.end()
    about = _ABOUT.match(doc.folded, offset)
    if about:
        offset = about.end()
    elif one_box:
        offset = _ONE_BOX_LEAD.match(doc.folded, offset).end()
    else:
        return issuer, ""
    rest = doc.original(offset, len(doc.folded))
    if not one_box:
        rest = re.split(r"[;\n]|\.(?:\s|$)", rest, maxsplit=1)[0]
    rest = _WHITESPACE.sub(" ", rest).strip(" ,.;:")
    if not one_box and len(rest) > 200:
        rest = rest[:200].rsplit(" ", 1)[0].rstrip(" ,") + "…"
    return issuer, (rest[:1].upper() + rest[1:]) if rest else ""


@dataclass(frozen=True)
class Reference:
    """What one typed heading says: the citation, who issued it and what it is about."""

    citation: Citation
    issuer: str  # the words after "của" ("Bộ Chính trị"), to be matched to an issuer
    summary: str  # trích yếu: what follows, without a leading "về việc"


def parse_reference(text):
    """The reference a clerk typed into one box, or None when there is none.

    "Kế hoạch số 329/KH-LĐLĐ ngày 23/03/2022 triển khai phòng chống tội phạm năm 2022" gives
    type ke_hoach, number 329, symbol 329/KH-LĐLĐ, date 2022-03-23 and the summary; a bare
    "2016/LĐLĐ" gives the number and symbol and leaves the type to be chosen.
    """
    text = (text or "").strip()
    if not text:
        return None
    citations = find_citations(text)
    if not citations:
        doc = _Text(text)
        match = re.match(rf"\s*(?:so\s*:?\s*)?(?P<symbol>{_SYMBOL_WITH_CODES}){_DATE}?", doc.folded)
        citation = _citation(doc, None, match, match.start("symbol")) if match else None
        if citation is None:
            return None
        citations = [citation]
    citation = citations[0]
    issuer, summary = _context(text[citation.end :], one_box=True)
    return Reference(citation, issuer, summary)


# --- checking what a clerk entered ----------------------------------------------------------

_SYMBOL_SHAPE = re.compile(r"^(?P<number>\d{1,5}[^\W\d_]?)(?:[/-][^\W_]+(?:\.[^\W_]+)*){0,5}$")
# The same shape as typed, before normalize_symbol() takes the spaces out ("329 / kh - lđlđ"),
# for the API schema (a JSON Schema pattern: no named groups); documents/tests/test_bounds.py checks that
# it accepts exactly what _SYMBOL_SHAPE accepts after normalising. Empty: no symbol.
_W = r"[^\W_]"
_TYPED_SEGMENT = rf"{_W}(?: ?{_W})*(?: ?\. ?{_W}(?: ?{_W})*)*"
SYMBOL_PATTERN = rf"^(?:\d(?: ?\d){{0,4}}(?: ?[^\W\d_])?(?: ?[/-] ?{_TYPED_SEGMENT}){{0,5}})?$"

SHAPE, NUMBER, DATE_LIKE, TYPE_MISMATCH, NO_ISSUER = (
    "shape",
    "number",
    "date_like",
    "type_mismatch",
    "no_issuer",
)


def symbol_issue(symbol, number=None, type_code=None):
    """What is wrong with `symbol` for a document of `type_code` numbered `number`: None, or
    (problem, detail) with problem one of SHAPE, NUMBER, DATE_LIKE, TYPE_MISMATCH, NO_ISSUER
    (detail: the type the symbol's abbreviation names). The Django layer words the message."""
    if not symbol:
        return None
    symbol = normalize_symbol(symbol)
    m = _SYMBOL_SHAPE.match(symbol)
    if m is None:
        return SHAPE, None
    if (
        number not in (None, "")
        and m.group("number").lstrip("0").upper() != str(number).strip().lstrip("0").upper()
    ):
        return NUMBER, None
    codes = split_symbol(symbol)[1]
    if codes and all(c.isdigit() for c in codes) and not (len(codes) == 1 and _year_in(codes)):
        return DATE_LIKE, None
    written = _type_from_codes(codes)
    if type_code and type_code != "khac" and written and written != type_code:
        return TYPE_MISMATCH, written
    if written and codes[-1] == _first_letter_code(codes):
        return NO_ISSUER, written  # "330/KH": the issuer's code is missing
    return None
