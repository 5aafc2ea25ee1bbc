"""Converting cells: one converter per column type (text, whole numbers, dates, codes from a
reference list), and `RowReader`, which matches the header row to the spec and turns each
data row into {key: value}, naming the row and column of every value it cannot take."""

import datetime
import re

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from binhyen.core.text import clean_text, fold, format_number

from .errors import CellError
from .spec import CODE, CODES, DATE, INTEGER, LIST_SHEET, MAX_CELL_LENGTH, TEXT, col_letter


class BadValue(Exception):
    pass


_GROUPED_INT = re.compile(r"^[+-]?\d{1,3}([. ]\d{3})+$")
_INT = re.compile(r"^[+-]?\d+$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
_SPLIT_LINES = re.compile(r"[;\n]+")


def _shown(value):
    if isinstance(value, float):
        # A cell's number as a Vietnamese reader writes it: 1,5 not 1.5.
        value = int(value) if value.is_integer() else str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _to_text(column):
    limit = column.max_length or MAX_CELL_LENGTH
    multiline = column.multiline

    def convert(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime.datetime):
            value = value.strftime("%d/%m/%Y")
        text = clean_text(value, multiline)
        if not text:
            # only invisible characters: as good as an empty cell
            if column.required:
                raise BadValue(_("bắt buộc nhập."))
            return None
        if len(text) > limit:
            raise BadValue(
                _("dài %(n)s ký tự, tối đa %(max)s ký tự.")
                % {"n": format_number(len(text)), "max": format_number(limit)}
            )
        return text

    return convert


def _to_int(column):
    low, high = column.min_value, column.max_value
    if low is not None and low >= 0:
        kind = _("phải là số nguyên không âm")
    else:
        kind = _("phải là số nguyên")

    def convert(value):
        if isinstance(value, bool):
            raise BadValue(_("'%(v)s' %(kind)s.") % {"v": _shown(value), "kind": kind})
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise BadValue(
                    _("'%(v)s' %(kind)s (không có phần thập phân).")
                    % {"v": _shown(value), "kind": kind}
                )
            number = int(value)
        elif isinstance(value, str):
            text = value.strip()
            if _INT.match(text):
                number = int(text)
            elif _GROUPED_INT.match(text):
                number = int(text.replace(".", "").replace(" ", ""))
            else:
                raise BadValue(
                    _("'%(v)s' %(kind)s (ví dụ 120).") % {"v": _shown(value), "kind": kind}
                )
        else:
            raise BadValue(_("'%(v)s' %(kind)s (ví dụ 120).") % {"v": _shown(value), "kind": kind})
        if low is not None and number < low:
            if low == 0:
                raise BadValue(_("'%(v)s' %(kind)s.") % {"v": _shown(value), "kind": kind})
            raise BadValue(_("phải từ %(min)s trở lên.") % {"min": format_number(low)})
        if high is not None and number > high:
            raise BadValue(
                _("'%(v)s' quá lớn (tối đa %(max)s).")
                % {"v": format_number(number), "max": format_number(high)}
            )
        return number

    return convert


def _to_date(column):
    def convert(value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            text = value.strip()
            for fmt in _DATE_FORMATS:
                try:
                    return datetime.datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
        raise BadValue(
            _("'%(v)s' không phải là ngày hợp lệ; hãy nhập dạng dd/mm/yyyy, ví dụ 15/03/2022.")
            % {"v": _shown(value)}
        )

    return convert


def _unknown(lookup, token):
    if lookup.unknown_message:
        return lookup.unknown_message % {"value": _shown(token)}
    where = lookup.sheet or LIST_SHEET
    return _("'%(v)s' không có trong danh mục %(list)s (xem trang '%(sheet)s').") % {
        "v": _shown(token),
        "list": lookup.title,
        "sheet": where,
    }


def _to_code(column, lookup):
    def convert(value):
        token = _shown(value) if not isinstance(value, str) else value
        found = lookup.find(token)
        if found is None:
            raise BadValue(_unknown(lookup, token.strip()))
        return found

    return convert


def _to_codes(column, lookup):
    def pieces(text):
        """Codes or labels separated by ";", newlines or commas; a label may itself hold a
        comma ("Phòng, chống tội phạm"), so the longest run of comma parts that names an item
        wins."""
        for part in _SPLIT_LINES.split(text):
            part = part.strip()
            if not part:
                continue
            if lookup.find(part) is not None:
                yield part, lookup.find(part)
                continue
            bits = [b.strip() for b in part.split(",")]
            i = 0
            while i < len(bits):
                for j in range(len(bits), i, -1):
                    token = ", ".join(b for b in bits[i:j] if b)
                    item = lookup.find(token) if token else None
                    if item is not None:
                        yield token, item
                        i = j
                        break
                else:
                    if bits[i]:
                        yield bits[i], None
                    i += 1

    def convert(value):
        text = _shown(value) if not isinstance(value, str) else value
        found = []
        for token, item in pieces(text):
            if item is None:
                raise BadValue(_unknown(lookup, token))
            if item not in found:
                found.append(item)
        if not found and column.required:
            raise BadValue(_("bắt buộc nhập ít nhất một mã."))
        return tuple(found)

    return convert


class _Memo:
    """Cache conversions of repeated values (codes, unit codes, dates repeat all file long)."""

    LIMIT = 20_000

    def __init__(self, convert):
        self.convert = convert
        self.cache = {}

    def __call__(self, value):
        key = (type(value), value)
        hit = self.cache.get(key)
        if hit is None:
            try:
                hit = (True, self.convert(value))
            except BadValue as exc:
                hit = (False, str(exc))
            if len(self.cache) < self.LIMIT:
                self.cache[key] = hit
        return hit


def _plain(convert):
    def call(value):
        try:
            return True, convert(value)
        except BadValue as exc:
            return False, str(exc)

    return call


def converter_for(column, lookups):
    if column.type == TEXT:
        return _plain(_to_text(column))
    if column.type == INTEGER:
        return _Memo(_to_int(column))
    if column.type == DATE:
        return _Memo(_to_date(column))
    if column.type in (CODE, CODES):
        lookup = lookups[column.lookup]
        make = _to_code if column.type == CODE else _to_codes
        return _Memo(make(column, lookup))
    raise ValueError(f"unknown column type {column.type}")


def header_keys(header):
    """The folded forms a header is recognised by: in the reader's language, and for a lazily
    translated header in the site's own language too, so a Vietnamese template still imports
    for someone using the English interface."""
    keys = {_header_key(header)}
    if isinstance(header, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            keys.add(_header_key(str(header)))
    return keys


def _header_key(text):
    text = fold(str(text)).replace("(*)", "").replace("*", "")
    return " ".join(text.split())


def _empty(column):
    return () if column.type == CODES else None


class RowReader:
    """Match the header row to the spec, then convert each data row to {key: value}."""

    def __init__(self, spec, lookups, header_cells):
        self.spec = spec
        self.errors = []
        seen = self._match_headers(header_cells)
        for column in spec.input_columns:
            if column.key not in seen and column.required:
                self.errors.append(
                    CellError(
                        1,
                        column.header,
                        _(
                            "Thiếu cột bắt buộc '%(h)s'. Hãy dùng đúng tệp mẫu, không đổi tên hay xóa cột."
                        )
                        % {"h": column.header},
                    )
                )
        self.known = set(header_cells)
        self.converters = [
            (i, c, converter_for(c, lookups)) for i, c in sorted(self.positions.items())
        ]
        self.missing = [c for c in spec.input_columns if c.key not in seen]

    def _match_headers(self, header_cells):
        """Find the spec's column under each header cell: sets `positions` ({column index:
        Column} of the columns imported), notes unknown and repeated headers in `errors`, and
        returns {key: column index} of every column found."""
        by_key = {}
        for c in self.spec.columns:
            for key in header_keys(c.header):
                by_key.setdefault(key, c)
        seen = {}
        self.positions = {}
        for index in sorted(header_cells):
            label = str(header_cells[index]).strip()
            column = by_key.get(_header_key(label))
            if column is None:
                self.errors.append(
                    CellError(
                        1,
                        label,
                        _(
                            "Cột '%(h)s' (cột %(l)s) không có trong mẫu. Hãy xóa cột này hoặc tải lại tệp mẫu."
                        )
                        % {"h": label, "l": col_letter(index)},
                    )
                )
                continue
            if column.key in seen:
                self.errors.append(
                    CellError(
                        1,
                        column.header,
                        _("Cột '%(h)s' xuất hiện hai lần (cột %(a)s và %(b)s).")
                        % {
                            "h": column.header,
                            "a": col_letter(seen[column.key]),
                            "b": col_letter(index),
                        },
                    )
                )
                continue
            seen[column.key] = index
            if not column.export_only:
                self.positions[index] = column
        return seen

    def convert(self, row, cells, errors):
        """{key: value} for a clean row, else None with the row's errors added to `errors`."""
        values = {}
        ok = True
        for index, column, convert in self.converters:
            raw = cells.get(index)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if column.required:
                    errors.add(row, column.header, _("bắt buộc nhập."))
                    ok = False
                values[column.key] = _empty(column)
                continue
            good, value = convert(raw)
            if good:
                values[column.key] = value
            else:
                errors.add(row, column.header, value)
                ok = False
        for column in self.missing:
            values[column.key] = _empty(column)
        stray = cells.keys() - self.known
        if stray:
            for index in sorted(stray):
                errors.add(
                    row,
                    col_letter(index),
                    _("có dữ liệu ở cột %(l)s nhưng cột này không có tiêu đề trong mẫu.")
                    % {"l": col_letter(index)},
                )
            ok = False
        return values if ok else None
