"""Excel templates in and out: column specs, the template/export writer, a streaming reader that
checks every cell, and an all-or-nothing import runner. Shared by every app that imports data.

An app describes its sheet once as a `Spec` (columns with Vietnamese headers, types, required
flags, the reference list a code column draws from) and gets from here:

- `write_workbook(spec, lookups, rows=…)`: the template (no rows) or an export (rows), with a
  "Hướng dẫn" sheet (instructions, column table, an example row), a "Danh mục" sheet listing
  the codes behind the drop-downs, and any lookup that wants a sheet of its own (unit codes);
- `run_import(upload, spec, lookups, handler)`: checks the upload (empty, too big, not an
  .xlsx, zip bomb), the headers (missing, unknown, duplicated), merged cells and every cell,
  collecting `CellError(row, column, message)`; the app's handler validates each converted
  row and writes batches; everything happens in one transaction that is rolled back when
  anything is wrong (or on a dry run).

Reading streams the worksheet XML through expat, so memory stays flat however long the file
is. A long sheet is read and converted in a forked child process while this one checks and
writes the rows it has already received (`_rows_from_child`): the two halves of an import
take about the same time, and the machines have two cores. openpyxl reads the workbook's parts (manifest, shared strings, styles, sheet list) but
not the worksheet: its read-only worksheet parser manages about 9,000 rows/s, and it scans
the whole sheet once more when the file has no <dimension> element.
"""

import datetime
import io
import os
import pickle
import re
import signal
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.text import clean_text, fold, format_number

TEXT, INTEGER, DATE, CODE, CODES = "text", "integer", "date", "code", "codes"
TYPE_LABELS = {
    TEXT: gettext_lazy("Chữ"),
    INTEGER: gettext_lazy("Số nguyên"),
    DATE: gettext_lazy("Ngày (dd/mm/yyyy)"),
    CODE: gettext_lazy("Mã trong danh mục"),
    CODES: gettext_lazy("Một hay nhiều mã, cách nhau bằng dấu phẩy"),
}
DATA_SHEET = "Dữ liệu"
HELP_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh mục"
MAX_ERRORS = 500  # shown to a person; the count beyond this is still reported
MAX_CELL_LENGTH = 32767  # Excel's own limit per cell
UNPACK_RATIO, UNPACK_FLOOR = 40, 400 * 1048576  # beyond both, an upload is a zip bomb


def max_upload_bytes():
    return int(getattr(settings, "SPREADSHEET_MAX_UPLOAD_MB", 15)) * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Describing a sheet


@dataclass(frozen=True)
class Column:
    """One column of a sheet. `lookup` names the reference list a code column draws from."""

    key: str
    header: str
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = 2_000_000_000
    lookup: str | None = None
    help: str = ""
    example: object = None
    width: int = 16
    export_only: bool = False  # written by exports, ignored (but accepted) by imports
    multiline: bool = False  # text that keeps its line breaks (notes)


@dataclass
class Lookup:
    """A reference list: `items` are (code, label, *extra) rows; `values` maps a code to what
    the import stores (a model id, an object). Codes match ignoring case; labels match
    ignoring case and accents, so "Tuyên truyền" is as good as "tuyen_truyen"."""

    name: str
    title: str
    items: list
    values: dict
    sheet: str | None = None  # its own sheet (e.g. "Đơn vị") instead of a block in Danh mục
    extra_headers: tuple = ()
    code_header: str = gettext_lazy("Mã")
    label_header: str = gettext_lazy("Tên")
    match_labels: bool = True
    unknown_message: str = ""  # overrides the default "không có trong danh mục" message

    def __post_init__(self):
        index = {}
        if self.match_labels:
            for code, label, *_rest in self.items:
                if code in self.values:
                    index.setdefault(fold(label), self.values[code])
        for code, value in self.values.items():
            index[str(code).strip().lower()] = value
        self._index = index

    def find(self, token):
        token = token.strip()
        value = self._index.get(token.lower())
        if value is None and self.match_labels:
            value = self._index.get(fold(token))
        return value


@dataclass
class Spec:
    title: str
    columns: list
    instructions: list = field(default_factory=list)
    sheet_name: str = DATA_SHEET
    max_rows: int = 100_000

    @property
    def input_columns(self):
        return [c for c in self.columns if not c.export_only]

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    def header(self, key):
        return self.column(key).header


# ---------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class CellError:
    """A problem with the file (row None), a row (column ""), or one cell."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return _("Dòng %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)d, cột '%(column)s': %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message,
        }

    def as_dict(self):
        return {"row": self.row, "column": self.column or None, "message": self.message}


class ErrorList:
    """Collects errors (and notices, like skipped duplicates) with a cap on what it keeps."""

    def __init__(self, limit=None):
        self.limit = MAX_ERRORS if limit is None else limit
        self.items = []
        self.count = 0

    def add(self, row, column, message):
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(CellError(row, str(column or ""), str(message)))

    def __bool__(self):
        return self.count > 0

    def __len__(self):
        return self.count

    def __iter__(self):
        return iter(self.items)

    @property
    def hidden(self):
        return self.count - len(self.items)


class SpreadsheetError(Exception):
    """The file cannot be read at all (empty, too big, not an .xlsx, broken headers)."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


def _file_error(message):
    return SpreadsheetError([CellError(None, "", message)])


# ---------------------------------------------------------------------------------------------
# Opening an upload


def _size_of(upload):
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    return size


def check_upload(upload, max_bytes=None):
    """Reject what is not a readable .xlsx before any parsing; returns the open ZipFile."""
    max_bytes = max_bytes or max_upload_bytes()
    size = _size_of(upload)
    if not size:
        raise _file_error(_("Tệp rỗng (0 byte). Hãy chọn tệp Excel đã điền dữ liệu."))
    if size > max_bytes:
        raise _file_error(
            _("Tệp quá lớn (%(size)s MB); mỗi lần chỉ nhập được tệp tối đa %(max)s MB. Hãy chia nhỏ tệp.")
            % {"size": format_number(round(size / 1048576, 1)), "max": format_number(max_bytes // 1048576)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _("Tệp là định dạng Excel cũ (.xls) hoặc đang đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu "
              "và lưu lại dưới dạng “Excel Workbook (.xlsx)”.")
        )
    not_xlsx = _("Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống và lưu "
                 "dưới dạng “Excel Workbook (.xlsx)”.")
    if not head.startswith(b"PK\x03\x04"):
        raise _file_error(not_xlsx)
    try:
        archive = zipfile.ZipFile(upload)
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _file_error(_("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel và lưu lại.")) from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _file_error(not_xlsx)
    # A few hundred MB unpacked from a 15 MB upload is a zip bomb, not a spreadsheet.
    if unpacked > max(UNPACK_RATIO * size, UNPACK_FLOOR):
        raise _file_error(_("Tệp Excel bị hỏng hoặc chứa dữ liệu bất thường khi giải nén."))
    return archive


def _col_index(ref):
    """"AB12" → 27 (0-based column index)."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        elif 97 <= o <= 122:
            n = n * 26 + o - 96
        else:
            break
    return n - 1


def _col_letter(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class SheetStream:
    """Stream the rows of one worksheet part: `rows()` yields (row number, {column index:
    value}) for each non-empty row; `merged` lists the merged ranges once the stream ends."""

    CHUNK = 1 << 16

    def __init__(self, archive, path, shared_strings, date_styles, epoch):
        self.archive = archive
        self.path = path
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.merged = []
        self._dates = {}

    def _date(self, number):
        value = self._dates.get(number)
        if value is None:
            from openpyxl.utils.datetime import from_excel

            try:
                value = from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                value = number
            if len(self._dates) < 50_000:
                self._dates[number] = value
        return value

    def rows(self):
        strings = self.shared_strings
        date_styles = self.date_styles
        merged = self.merged
        ready = []
        cells = {}
        text = []
        columns = {}  # "AB" → 27: the letters repeat on every row
        digits = "0123456789"
        row = 0
        col = -1
        kind = style = None
        collect = False
        prefix = None

        def start(name, attrs):
            nonlocal row, col, kind, style, collect, prefix
            if prefix:
                name = name[prefix:]
            if name == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip(digits)
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = _col_index(letters)
                else:
                    col += 1
                kind = attrs.get("t")
                style = attrs.get("s")
                text.clear()
            elif name == "v" or name == "t":
                collect = True
            elif name == "row":
                r = attrs.get("r")
                row = int(r) if r else row + 1
                col = -1
                cells.clear()
            elif name == "mergeCell":
                merged.append(attrs.get("ref", ""))
            elif prefix is None:
                # The root element tells whether tags carry a namespace prefix ("x:c").
                prefix = name.index(":") + 1 if ":" in name else 0

        def chars(data):
            if collect:
                text.append(data)

        def end(name):
            nonlocal collect
            if prefix:
                name = name[prefix:]
            if name == "c":
                raw = text[0] if len(text) == 1 else "".join(text)
                if kind == "s":
                    try:
                        value = strings[int(raw)]
                    except (ValueError, IndexError):
                        value = raw
                elif kind == "inlineStr" or kind == "str" or kind == "e":
                    value = raw
                elif kind == "b":
                    value = raw == "1"
                elif kind == "d":
                    try:
                        value = datetime.datetime.fromisoformat(raw)
                    except ValueError:
                        value = raw
                elif raw == "":
                    value = None
                else:
                    try:
                        value = int(raw)
                    except ValueError:
                        try:
                            value = float(raw)
                        except ValueError:
                            value = raw
                    if style is not None and style in date_styles and not isinstance(value, str):
                        value = self._date(value)
                if value is not None and value != "":
                    cells[col] = value
            elif name == "v" or name == "t":
                collect = False
            elif name == "row":
                if cells:
                    ready.append((row, dict(cells)))

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        with self.archive.open(self.path) as source:
            while True:
                chunk = source.read(self.CHUNK)
                parser.Parse(chunk, not chunk)
                if ready:
                    yield from ready
                    ready.clear()
                if not chunk:
                    break


@dataclass
class OpenSheet:
    stream: SheetStream
    archive: zipfile.ZipFile
    sheet_name: str


def open_sheet(upload, spec, max_bytes=None):
    """Check the upload and find the data sheet (by name, else the first sheet)."""
    archive = check_upload(upload, max_bytes)
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        reader = ExcelReader(upload, read_only=True, data_only=True, keep_links=False, keep_vba=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files]
    except Exception:  # openpyxl raises many kinds on a broken package; all mean the same here
        archive.close()
        raise _file_error(_("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel và lưu lại.")) from None
    if not sheets:
        raise _file_error(_("Tệp Excel không có trang tính nào."))
    wanted = fold(spec.sheet_name)
    name, path = next(((n, p) for n, p in sheets if fold(n) == wanted), sheets[0])
    wb = reader.wb
    date_styles = {str(i) for i in wb._date_formats} | {str(i) for i in getattr(wb, "_timedelta_formats", ())}
    stream = SheetStream(reader.archive, path, reader.shared_strings, date_styles, wb.epoch)
    return OpenSheet(stream=stream, archive=reader.archive, sheet_name=name)


# ---------------------------------------------------------------------------------------------
# Converting cells


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
            raise BadValue(_("dài %(n)s ký tự, tối đa %(max)s ký tự.") % {
                "n": format_number(len(text)), "max": format_number(limit)})
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
                raise BadValue(_("'%(v)s' %(kind)s (không có phần thập phân).") % {
                    "v": _shown(value), "kind": kind})
            number = int(value)
        elif isinstance(value, str):
            text = value.strip()
            if _INT.match(text):
                number = int(text)
            elif _GROUPED_INT.match(text):
                number = int(text.replace(".", "").replace(" ", ""))
            else:
                raise BadValue(_("'%(v)s' %(kind)s (ví dụ 120).") % {"v": _shown(value), "kind": kind})
        else:
            raise BadValue(_("'%(v)s' %(kind)s (ví dụ 120).") % {"v": _shown(value), "kind": kind})
        if low is not None and number < low:
            if low == 0:
                raise BadValue(_("'%(v)s' %(kind)s.") % {"v": _shown(value), "kind": kind})
            raise BadValue(_("phải từ %(min)s trở lên.") % {"min": format_number(low)})
        if high is not None and number > high:
            raise BadValue(_("'%(v)s' quá lớn (tối đa %(max)s).") % {
                "v": format_number(number), "max": format_number(high)})
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
        raise BadValue(_("'%(v)s' không phải là ngày hợp lệ; hãy nhập dạng dd/mm/yyyy, ví dụ 15/03/2022.")
                       % {"v": _shown(value)})

    return convert


def _unknown(lookup, token):
    if lookup.unknown_message:
        return lookup.unknown_message % {"value": _shown(token)}
    where = lookup.sheet or LIST_SHEET
    return _("'%(v)s' không có trong danh mục %(list)s (xem trang '%(sheet)s').") % {
        "v": _shown(token), "list": lookup.title, "sheet": where}


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


class RowReader:
    """Match the header row to the spec, then convert each data row to {key: value}."""

    def __init__(self, spec, lookups, header_cells):
        self.spec = spec
        self.errors = []
        by_key = {}
        for c in spec.columns:
            for key in header_keys(c.header):
                by_key.setdefault(key, c)
        seen = {}
        self.positions = {}
        for index in sorted(header_cells):
            raw = header_cells[index]
            label = str(raw).strip()
            key = _header_key(label)
            column = by_key.get(key)
            if column is None:
                self.errors.append(CellError(1, label, _(
                    "Cột '%(h)s' (cột %(l)s) không có trong mẫu. Hãy xóa cột này hoặc tải lại tệp mẫu."
                ) % {"h": label, "l": _col_letter(index)}))
                continue
            if column.key in seen:
                self.errors.append(CellError(1, column.header, _(
                    "Cột '%(h)s' xuất hiện hai lần (cột %(a)s và %(b)s)."
                ) % {"h": column.header, "a": _col_letter(seen[column.key]), "b": _col_letter(index)}))
                continue
            seen[column.key] = index
            if not column.export_only:
                self.positions[index] = column
        for column in spec.input_columns:
            if column.key not in seen and column.required:
                self.errors.append(CellError(1, column.header, _(
                    "Thiếu cột bắt buộc '%(h)s'. Hãy dùng đúng tệp mẫu, không đổi tên hay xóa cột."
                ) % {"h": column.header}))
        self.known = set(header_cells)
        self.converters = [(i, c, converter_for(c, lookups)) for i, c in sorted(self.positions.items())]
        self.missing = [c for c in spec.input_columns if c.key not in seen]

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
                values[column.key] = () if column.type == CODES else None
                continue
            good, value = convert(raw)
            if good:
                values[column.key] = value
            else:
                errors.add(row, column.header, value)
                ok = False
        for column in self.missing:
            values[column.key] = () if column.type == CODES else None
        stray = cells.keys() - self.known
        if stray:
            for index in sorted(stray):
                errors.add(row, _col_letter(index), _(
                    "có dữ liệu ở cột %(l)s nhưng cột này không có tiêu đề trong mẫu."
                ) % {"l": _col_letter(index)})
            ok = False
        return values if ok else None


# ---------------------------------------------------------------------------------------------
# Importing


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    dry_run: bool = False
    errors: ErrorList = field(default_factory=ErrorList)
    notices: ErrorList = field(default_factory=ErrorList)
    batch: object = None

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return {
            "rows": self.rows,
            "created": self.created if self.ok else 0,
            "skipped": self.skipped if self.ok else 0,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
            "errors_total": self.errors.count,
            "notices": [e.as_dict() for e in self.notices],
        }


class ImportHandler:
    """What an app supplies to `run_import`: validate one converted row, write a batch."""

    batch_size = 1000
    # validate() reads no database (begin() loaded what it needs) and keeps no state that
    # write() needs: on a long sheet it runs in the reader's child process
    validate_in_child = False

    def begin(self, result):
        """Called inside the transaction before the first row."""

    def validate(self, row, values, errors):
        """Return the object to write for a clean row (or None after adding errors)."""
        raise NotImplementedError

    def write(self, items, result):
        """Write a batch; add duplicates/locks to result.errors or result.notices."""
        raise NotImplementedError

    def finish(self, result):
        """Called inside the transaction after the last row (even when there are errors)."""


def _merge_errors(merged, reader):
    found = []
    for ref in merged:
        first = ref.split(":")[0]
        row_digits = "".join(ch for ch in first if ch.isdigit())
        row = int(row_digits) if row_digits else None
        column = reader.positions.get(_col_index(first)) if reader else None
        header = column.header if column else _col_letter(_col_index(first))
        found.append((row, header, _(
            "có ô bị gộp (%(ref)s). Hãy bỏ gộp ô (Merge & Center) và nhập giá trị vào từng ô."
        ) % {"ref": ref}))
    return found


PARALLEL_MIN_BYTES = 1 << 20  # a sheet part this long (about 15,000 rows) is read by a child
PARALLEL_BATCH = 500  # converted rows per message from the child


class _RowErrors:
    """Collects one row's conversion errors as plain (row, column, message) tuples."""

    __slots__ = ("items",)

    def __init__(self):
        self.items = []

    def add(self, row, column, message):
        self.items.append((row, str(column or ""), str(message)))

    def take(self):
        items, self.items = self.items, []
        return items


def _converted(rows, reader, validate=None):
    """(row number, {key: value} or None, [(row, column, message), …]) for each data row; with
    `validate` (a handler's), the validated item instead of the values."""
    bad = _RowErrors()
    for row, cells in rows:
        values = reader.convert(row, cells, bad)
        if values is not None and validate is not None:
            values = validate(row, values, bad)
        yield row, values, bad.take() if bad.items else ()


_READ_ERRORS = {cls.__name__: cls for cls in (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError)}


PIPE_BYTES = 1 << 20


def _widen(fd):
    """Let the child run a few thousand rows ahead (Linux pipes hold 64 KB by default, about
    300 rows: the child would wait on every batch the parent writes to the database)."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass  # elsewhere, or a lower system limit: the pipe keeps its size


def _rows_from_child(rows, reader, stream, validate=None):
    """`_converted(rows, reader, validate)`, computed in a forked child process.

    The child continues the sheet's row generator (the parent has read the header row) and
    sends converted rows through a pipe in pickled batches; the pipe's buffer keeps the two
    processes in step, so memory stays flat. The child only parses, converts and (for a
    handler that says its `validate` needs no database) validates: it touches no database
    connection, writes no log, and leaves with os._exit, so nothing of the parent's (its
    connection, its files) is closed or flushed twice. A read error in the
    child is raised again here, so run_import answers it as it would in-process."""
    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb", buffering=1 << 16) as out:
                try:
                    batch = []
                    for item in _converted(rows, reader, validate):
                        batch.append(item)
                        if len(batch) >= PARALLEL_BATCH:
                            pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
                            batch = []
                    if batch:
                        pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
                    pickle.dump(("end", stream.merged), out, pickle.HIGHEST_PROTOCOL)
                except tuple(_READ_ERRORS.values()) as exc:
                    pickle.dump(("failed", type(exc).__name__, str(exc)), out, pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # a bug: raised again in the parent, not swallowed
                    pickle.dump(("crashed", f"{type(exc).__name__}: {exc}"), out, pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write_end)
    source = os.fdopen(read_end, "rb", buffering=1 << 16)
    finished = False
    try:
        while True:
            try:
                message = pickle.load(source)
            except EOFError:
                raise RuntimeError("the spreadsheet reader process ended without an answer") from None
            if isinstance(message, list):
                yield from message
                continue
            finished = True
            if message[0] == "end":
                stream.merged[:] = message[1]
                return
            if message[0] == "failed":
                cls = _READ_ERRORS[message[1]]
                raise cls(message[2])
            raise RuntimeError(f"the spreadsheet reader process failed: {message[1]}")
    finally:
        source.close()
        if not finished:  # stopped early (too many rows, an error here): the child stops too
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)


def _sheet_size(sheet):
    try:
        return sheet.archive.getinfo(sheet.stream.path).file_size
    except KeyError:
        return 0


def run_import(upload, spec, lookups, handler, *, dry_run=False, max_bytes=None):
    """Check and import a whole file in one transaction: every row or none."""
    result = ImportResult(dry_run=dry_run)
    try:
        sheet = open_sheet(upload, spec, max_bytes)
    except SpreadsheetError as exc:
        for e in exc.errors:
            result.errors.add(e.row, e.column, e.message)
        return result
    errors = result.errors
    converted = None
    try:
        rows = sheet.stream.rows()
        try:
            header_row, header_cells = next(rows)
        except StopIteration:
            errors.add(None, "", _("Trang '%(s)s' trống: không có tiêu đề cột và không có dòng dữ liệu nào.")
                       % {"s": sheet.sheet_name})
            return result
        reader = RowReader(spec, lookups, header_cells)
        if reader.errors:
            for e in reader.errors:
                errors.add(header_row, e.column, e.message)
            for _row in rows:  # still read to the end, to report merged cells too
                pass
            for row, column, message in _merge_errors(sheet.stream.merged, None):
                errors.add(row, column, message)
            return result
        parallel = hasattr(os, "fork") and _sheet_size(sheet) >= PARALLEL_MIN_BYTES
        early = handler.validate if parallel and handler.validate_in_child else None
        with transaction.atomic():
            handler.begin(result)
            # the child, if any, starts here: after begin(), which prepares what validate reads
            converted = (_rows_from_child(rows, reader, sheet.stream, early) if parallel
                         else _converted(rows, reader))
            pending = []
            for row, values, bad in converted:
                result.rows += 1
                if result.rows > spec.max_rows:
                    errors.add(None, "", _(
                        "Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn."
                    ) % {"max": format_number(spec.max_rows)})
                    break
                for error in bad:
                    errors.add(*error)
                if values is None:
                    continue
                item = values if early else handler.validate(row, values, errors)
                if item is not None:
                    pending.append(item)
                    if len(pending) >= handler.batch_size:
                        handler.write(pending, result)
                        pending = []
            if pending:
                handler.write(pending, result)
            for row, column, message in _merge_errors(sheet.stream.merged, reader):
                errors.add(row, column, message)
            if result.rows == 0:
                errors.add(None, "", _("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."))
            handler.finish(result)
            if errors or dry_run:
                transaction.set_rollback(True)
    except expat.ExpatError:
        errors.add(None, "", _("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel và lưu lại."))
    except (zipfile.BadZipFile, EOFError, OSError):
        errors.add(None, "", _("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel và lưu lại."))
    except IntegrityError:
        errors.add(None, "", _("Dữ liệu vừa được người khác thay đổi trong lúc nhập; chưa có dòng nào "
                               "được ghi. Hãy tải tệp lên lại."))
    except DatabaseError:
        errors.add(None, "", _("Lỗi cơ sở dữ liệu khi ghi; chưa có dòng nào được ghi. Hãy thử lại."))
    finally:
        if converted is not None:
            converted.close()  # a reader process stopped early is stopped and waited for
        sheet.archive.close()
    if not result.ok:
        result.created = 0
        result.skipped = 0
    return result


# ---------------------------------------------------------------------------------------------
# Writing templates and exports


def excel_text(value):
    """`value` as text a workbook can hold: the characters XML 1.0 forbids (openpyxl raises on
    them) are dropped, so a record saved before input was cleaned cannot break an export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def text_cell(sheet, value):
    """A write-only cell holding `value` as a string, never a formula: a title typed as
    =HYPERLINK(…) is shown as typed and runs nothing. Every cell an export writes from what a
    person typed goes through here (or `put_text` on an ordinary sheet)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=excel_text(value))
    cell.data_type = "s"
    return cell


def put_text(cell, value):
    """Set an ordinary worksheet cell to `value` as a string, never a formula."""
    cell.value = excel_text(value)
    cell.data_type = "s"
    return cell


def append_text_row(sheet, values):
    """`sheet.append(values)` on an ordinary worksheet, strings written as text cells."""
    sheet.append([excel_text(v) if isinstance(v, (str, Promise)) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def safe_row(sheet, values):
    """A row for `sheet.append` (write-only sheets): strings become text cells, the rest
    (numbers, dates, cells already built, None) passes as it is."""
    return [text_cell(sheet, v) if isinstance(v, (str, Promise)) else v for v in values]


def write_workbook(spec, lookups, rows=(), out=None, *, summary=(), example=None, list_order=None):
    """Write the template (no rows) or an export (rows: dicts keyed like the spec's columns)
    to `out` (a path or binary file; default: a new BytesIO, returned)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    out = io.BytesIO() if out is None else out
    wb = Workbook(write_only=True)
    data = wb.create_sheet(spec.sheet_name)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    wrap = Alignment(wrap_text=True, vertical="center")

    columns = spec.columns
    for index, column in enumerate(columns):
        letter = _col_letter(index)
        data.column_dimensions[letter].width = column.width
    data.freeze_panes = "A2"

    # Where each lookup's codes live, for the drop-downs.
    lookup_order = list_order or [c.lookup for c in columns if c.lookup]
    lookup_order = list(dict.fromkeys(lookup_order))
    ranges = {}
    block = 0
    for name in lookup_order:
        lookup = lookups[name]
        n = len(lookup.items)
        if lookup.sheet:
            ranges[name] = f"'{lookup.sheet}'!$A$2:$A${max(n + 1, 2)}"
        else:
            letter = _col_letter(block * 3)
            ranges[name] = f"'{LIST_SHEET}'!${letter}$3:${letter}${max(n + 2, 3)}"
            block += 1

    last_row = spec.max_rows + 1
    for index, column in enumerate(columns):
        if column.export_only:
            continue
        letter = _col_letter(index)
        area = f"{letter}2:{letter}{last_row}"
        dv = None
        if column.type in (CODE, CODES) and lookups[column.lookup].items:
            multi = column.type == CODES
            dv = DataValidation(type="list", formula1=ranges[column.lookup], allow_blank=True,
                                showErrorMessage=True, errorStyle="information" if multi else "stop")
            dv.errorTitle = str(column.header)
            dv.error = (_("Có thể nhập nhiều mã, cách nhau bằng dấu phẩy; mỗi mã phải có trong danh mục.")
                        if multi else _("Hãy chọn một mã trong danh sách."))
        elif column.type == INTEGER:
            dv = DataValidation(type="whole", operator="between",
                                formula1=str(column.min_value or 0), formula2=str(column.max_value),
                                allow_blank=True, showErrorMessage=True)
            dv.errorTitle = str(column.header)
            dv.error = _("Hãy nhập một số nguyên không âm.")
        elif column.type == DATE:
            dv = DataValidation(type="date", operator="greaterThan", formula1="1",
                                allow_blank=True, showErrorMessage=True)
            dv.errorTitle = str(column.header)
            dv.error = _("Hãy nhập ngày dạng dd/mm/yyyy.")
        if dv is not None:
            if column.help:
                dv.promptTitle = str(column.header)[:32]
                dv.prompt = str(column.help)[:255]
                dv.showInputMessage = True
            dv.add(area)
            data.data_validations.append(dv)

    header = []
    for column in columns:
        cell = WriteOnlyCell(data, value=str(column.header))
        cell.font = bold
        cell.fill = required_fill if column.required else header_fill
        cell.alignment = wrap
        if column.help and not rows:
            cell.comment = Comment(str(column.help), "Bình Yên", width=300, height=120)
        header.append(cell)
    data.append(header)

    date_cells = {}

    def date_cell(value):
        # One styled cell per distinct date, reused: rows are written as they are appended.
        cell = WriteOnlyCell(data, value=value)
        cell.number_format = "DD/MM/YYYY"
        if len(date_cells) < 10_000:
            date_cells[value] = cell
        return cell

    kinds = [c.type for c in columns]
    keys = [c.key for c in columns]
    for record in rows:
        line = []
        for key, kind in zip(keys, kinds, strict=True):
            value = record.get(key)
            if kind == DATE and value is not None:
                value = date_cells.get(value) or date_cell(value)
            elif kind == CODES and value is not None and not isinstance(value, str):
                value = ", ".join(value)
            if isinstance(value, str):
                value = text_cell(data, value)
            line.append(value)
        data.append(line)

    _write_help(wb, spec, lookups, example, bold, header_fill, required_fill, wrap)
    _write_lists(wb, lookups, lookup_order, bold, header_fill)
    if summary:
        sheet = wb.create_sheet(_("Tổng hợp"))
        sheet.column_dimensions["A"].width = 34
        sheet.column_dimensions["B"].width = 60
        for label, value in summary:
            sheet.append(safe_row(sheet, [str(label), value]))
    wb.save(out)
    if isinstance(out, io.BytesIO):
        out.seek(0)
    return out


def _write_help(wb, spec, lookups, example, bold, header_fill, required_fill, wrap):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = wb.create_sheet(HELP_SHEET)
    for letter, width in zip("ABCDEFGHIJKLMNOP", (26, 12, 30, 70, 16, 16, 16, 16), strict=False):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=str(spec.title))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([])
    for line in spec.instructions:
        sheet.append([str(line)])
    sheet.append([])
    head = []
    for text in (_("Cột"), _("Bắt buộc"), _("Kiểu dữ liệu"), _("Ghi chú")):
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        cell.fill = header_fill
        head.append(cell)
    sheet.append(head)
    for column in spec.input_columns:
        kind = str(TYPE_LABELS[column.type])
        if column.lookup:
            lookup = lookups[column.lookup]
            kind = f"{kind} — {lookup.title} (trang '{lookup.sheet or LIST_SHEET}')"
        note = WriteOnlyCell(sheet, value=str(column.help))
        note.alignment = wrap
        sheet.append([str(column.header), _("Có") if column.required else _("Không"), kind, note])
    if example:
        sheet.append([])
        label = WriteOnlyCell(sheet, value=_("Ví dụ một dòng hợp lệ (chép sang trang '%(s)s' rồi sửa lại):")
                              % {"s": spec.sheet_name})
        label.font = bold
        sheet.append([label])
        row_head = []
        for column in spec.input_columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = bold
            cell.fill = required_fill if column.required else header_fill
            row_head.append(cell)
        sheet.append(row_head)
        line = []
        for column in spec.input_columns:
            value = example.get(column.key)
            if column.type == DATE and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                value = cell
            line.append(value)
        sheet.append(safe_row(sheet, line))


def _write_lists(wb, lookups, order, bold, header_fill):
    from openpyxl.cell import WriteOnlyCell

    def head(sheet, text):
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        cell.fill = header_fill
        return cell

    blocks = [lookups[n] for n in order if not lookups[n].sheet]
    if blocks:
        sheet = wb.create_sheet(LIST_SHEET)
        for i in range(len(blocks)):
            sheet.column_dimensions[_col_letter(i * 3)].width = 24
            sheet.column_dimensions[_col_letter(i * 3 + 1)].width = 34
            sheet.column_dimensions[_col_letter(i * 3 + 2)].width = 3
        titles = []
        subheads = []
        for lookup in blocks:
            titles += [head(sheet, lookup.title), None, None]
            subheads += [head(sheet, lookup.code_header), head(sheet, lookup.label_header), None]
        sheet.append(titles)
        sheet.append(subheads)
        longest = max(len(lookup.items) for lookup in blocks)
        for i in range(longest):
            line = []
            for lookup in blocks:
                if i < len(lookup.items):
                    code, label, *_rest = lookup.items[i]
                    line += safe_row(sheet, [code, str(label), None])
                else:
                    line += [None, None, None]
            sheet.append(line)
    for lookup in (lookups[n] for n in order if lookups[n].sheet):
        sheet = wb.create_sheet(lookup.sheet)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 60
        for i in range(len(lookup.extra_headers)):
            sheet.column_dimensions[_col_letter(i + 2)].width = 16
        sheet.append([head(sheet, lookup.code_header), head(sheet, lookup.label_header)]
                     + [head(sheet, h) for h in lookup.extra_headers])
        sheet.freeze_panes = "A2"
        for code, label, *extra in lookup.items:
            sheet.append(safe_row(sheet, [code, str(label), *extra]))
