"""Opening an upload: the checks before any parsing (empty, too big, an old .xls, not a zip,
a zip bomb), finding the data sheet, and `SheetStream`, which streams one worksheet's XML
through expat so memory stays flat however long the file is.

openpyxl reads the workbook's parts (manifest, shared strings, styles, sheet list) but not
the worksheet: its read-only worksheet parser manages about 9,000 rows/s, and it scans the
whole sheet once more when the file has no <dimension> element.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from binhyen.core.text import fold, format_number

from .errors import broken_file_message, file_error
from .spec import col_index

UNPACK_RATIO, UNPACK_FLOOR = 40, 400 * 1048576  # beyond both, an upload is a zip bomb


def max_upload_bytes():
    return int(getattr(settings, "SPREADSHEET_MAX_UPLOAD_MB", 15)) * 1024 * 1024


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
        raise file_error(_("Tệp rỗng (0 byte). Hãy chọn tệp Excel đã điền dữ liệu."))
    if size > max_bytes:
        raise file_error(
            _(
                "Tệp quá lớn (%(size)s MB); mỗi lần chỉ nhập được tệp tối đa %(max)s MB. Hãy chia nhỏ tệp."
            )
            % {
                "size": format_number(round(size / 1048576, 1)),
                "max": format_number(max_bytes // 1048576),
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(
            _(
                "Tệp là định dạng Excel cũ (.xls) hoặc đang đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu "
                "và lưu lại dưới dạng “Excel Workbook (.xlsx)”."
            )
        )
    not_xlsx = _(
        "Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống và lưu "
        "dưới dạng “Excel Workbook (.xlsx)”."
    )
    if not head.startswith(b"PK\x03\x04"):
        raise file_error(not_xlsx)
    try:
        archive = zipfile.ZipFile(upload)
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise file_error(broken_file_message()) from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise file_error(not_xlsx)
    # A few hundred MB unpacked from a 15 MB upload is a zip bomb, not a spreadsheet.
    if unpacked > max(UNPACK_RATIO * size, UNPACK_FLOOR):
        raise file_error(_("Tệp Excel bị hỏng hoặc chứa dữ liệu bất thường khi giải nén."))
    return archive


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

    def rows(self):
        ready = []
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = (
            self._handlers(ready.append)
        )
        with self.archive.open(self.path) as source:
            while True:
                chunk = source.read(self.CHUNK)
                parser.Parse(chunk, not chunk)
                if ready:
                    yield from ready
                    ready.clear()
                if not chunk:
                    break

    def _handlers(self, emit):
        """expat's start, end and character callbacks for one sheet; `emit` receives each
        non-empty (row number, cells). They are closures over the state of the cell being
        read (its column, type, style and text) rather than methods: they run for every one
        of the sheet's millions of elements."""
        value_of = self._value
        merged = self.merged
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
                        col = columns[letters] = col_index(letters)
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
                value = value_of(text[0] if len(text) == 1 else "".join(text), kind, style)
                if value is not None and value != "":
                    cells[col] = value
            elif name == "v" or name == "t":
                collect = False
            elif name == "row":
                if cells:
                    emit((row, dict(cells)))

        return start, end, chars

    def _value(self, raw, kind, style):
        """A cell's value from its text and its type (`t`) and style (`s`) attributes: shared
        and inline strings, booleans, ISO dates, numbers (a date when the style says so);
        what does not parse stays the text it is, for the converter to name."""
        if kind == "s":
            try:
                return self.shared_strings[int(raw)]
            except (ValueError, IndexError):
                return raw
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw)
            except ValueError:
                return raw
        if raw == "":
            return None
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                return raw
        if style is not None and style in self.date_styles:
            return self._date(value)
        return value

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
        reader = ExcelReader(
            upload, read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files
        ]
    except Exception:  # openpyxl raises many kinds on a broken package; all mean the same here
        archive.close()
        raise file_error(broken_file_message()) from None
    if not sheets:
        raise file_error(_("Tệp Excel không có trang tính nào."))
    wanted = fold(spec.sheet_name)
    name, path = next(((n, p) for n, p in sheets if fold(n) == wanted), sheets[0])
    wb = reader.wb
    date_styles = {str(i) for i in wb._date_formats} | {
        str(i) for i in getattr(wb, "_timedelta_formats", ())
    }
    stream = SheetStream(reader.archive, path, reader.shared_strings, date_styles, wb.epoch)
    return OpenSheet(stream=stream, archive=reader.archive, sheet_name=name)
