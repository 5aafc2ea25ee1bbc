"""Importing a whole file in one transaction, every row or none: `run_import` with the app's
`ImportHandler`, and the forked child that reads and converts a long sheet.

A long sheet is read and converted in a forked child process while this one checks and writes
the rows it has already received (`_rows_from_child`): the two halves of an import take about
the same time, and the machines have two cores.
"""

import os
import pickle
import signal
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from binhyen.core.text import format_number

from .convert import RowReader
from .errors import ErrorList, SpreadsheetError, broken_file_message
from .read import open_sheet
from .spec import col_index, col_letter

PARALLEL_MIN_BYTES = 1 << 20  # a sheet part this long (about 15,000 rows) is read by a child
PARALLEL_BATCH = 500  # converted rows per message from the child
PIPE_BYTES = 1 << 20


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


# ---------------------------------------------------------------------------------------------
# The import, step by step


def run_import(upload, spec, lookups, handler, *, dry_run=False, max_bytes=None):
    """Check and import a whole file in one transaction: every row or none."""
    result = ImportResult(dry_run=dry_run)
    errors = result.errors
    try:
        sheet = open_sheet(upload, spec, max_bytes)
    except SpreadsheetError as exc:
        for e in exc.errors:
            errors.add(e.row, e.column, e.message)
        return result
    converted = None
    try:
        rows = sheet.stream.rows()
        reader = _read_header(sheet, rows, spec, lookups, errors)
        if reader is None:
            return result
        with transaction.atomic():
            handler.begin(result)
            # the child, if any, starts here: after begin(), which prepares what validate reads
            converted, validated = _conversion(sheet, rows, reader, handler)
            _write_rows(converted, validated, spec, handler, result)
            _add_merge_errors(errors, sheet.stream.merged, reader)
            if result.rows == 0:
                errors.add(None, "", _("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."))
            handler.finish(result)
            if errors or dry_run:
                transaction.set_rollback(True)
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError):
        errors.add(None, "", broken_file_message())
    except IntegrityError:
        errors.add(
            None,
            "",
            _(
                "Dữ liệu vừa được người khác thay đổi trong lúc nhập; chưa có dòng nào "
                "được ghi. Hãy tải tệp lên lại."
            ),
        )
    except DatabaseError:
        errors.add(
            None, "", _("Lỗi cơ sở dữ liệu khi ghi; chưa có dòng nào được ghi. Hãy thử lại.")
        )
    finally:
        if converted is not None:
            converted.close()  # a reader process stopped early is stopped and waited for
        sheet.archive.close()
    if not result.ok:
        result.created = 0
        result.skipped = 0
    return result


def _read_header(sheet, rows, spec, lookups, errors):
    """The RowReader for the sheet's first row; None, with the errors added, when the sheet is
    empty or its headers do not match the spec (then the rest is still read, to report merged
    cells too)."""
    try:
        header_row, header_cells = next(rows)
    except StopIteration:
        errors.add(
            None,
            "",
            _("Trang '%(s)s' trống: không có tiêu đề cột và không có dòng dữ liệu nào.")
            % {"s": sheet.sheet_name},
        )
        return None
    reader = RowReader(spec, lookups, header_cells)
    if not reader.errors:
        return reader
    for e in reader.errors:
        errors.add(header_row, e.column, e.message)
    for _row in rows:
        pass
    _add_merge_errors(errors, sheet.stream.merged, None)
    return None


def _conversion(sheet, rows, reader, handler):
    """(the converted rows, whether they come validated): a long sheet is converted, and for a
    handler that allows it validated, by a child process."""
    parallel = hasattr(os, "fork") and _sheet_size(sheet) >= PARALLEL_MIN_BYTES
    early = handler.validate if parallel and handler.validate_in_child else None
    if parallel:
        return _rows_from_child(rows, reader, sheet.stream, early), early is not None
    return _converted(rows, reader), False


def _write_rows(converted, validated, spec, handler, result):
    """Validate the converted rows (unless the child did) and hand them to the handler in
    batches; stops at the spec's row limit."""
    errors = result.errors
    pending = []
    for row, values, bad in converted:
        result.rows += 1
        if result.rows > spec.max_rows:
            errors.add(
                None,
                "",
                _("Tệp có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                % {"max": format_number(spec.max_rows)},
            )
            break
        for error in bad:
            errors.add(*error)
        if values is None:
            continue
        item = values if validated else handler.validate(row, values, errors)
        if item is not None:
            pending.append(item)
            if len(pending) >= handler.batch_size:
                handler.write(pending, result)
                pending = []
    if pending:
        handler.write(pending, result)


def _add_merge_errors(errors, merged, reader):
    for ref in merged:
        first = ref.split(":")[0]
        row_digits = "".join(ch for ch in first if ch.isdigit())
        row = int(row_digits) if row_digits else None
        column = reader.positions.get(col_index(first)) if reader else None
        header = column.header if column else col_letter(col_index(first))
        errors.add(
            row,
            header,
            _("có ô bị gộp (%(ref)s). Hãy bỏ gộp ô (Merge & Center) và nhập giá trị vào từng ô.")
            % {"ref": ref},
        )


def _sheet_size(sheet):
    try:
        return sheet.archive.getinfo(sheet.stream.path).file_size
    except KeyError:
        return 0


# ---------------------------------------------------------------------------------------------
# Converting rows, here or in a forked child


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


_READ_ERRORS = {
    cls.__name__: cls for cls in (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError)
}


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
                _send_rows(out, _converted(rows, reader, validate), stream)
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
                raise RuntimeError(
                    "the spreadsheet reader process ended without an answer"
                ) from None
            if isinstance(message, list):
                yield from message
                continue
            finished = True
            _answer(message, stream)
            return
    finally:
        source.close()
        if not finished:  # stopped early (too many rows, an error here): the child stops too
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)


def _send_rows(out, converted, stream):
    """The child's side: lists of converted rows, then one last message, ("end", the merged
    ranges), ("failed", error class, text) for a read error, or ("crashed", text) for a bug."""

    def send(message):
        pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)

    try:
        batch = []
        for item in converted:
            batch.append(item)
            if len(batch) >= PARALLEL_BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
        send(("end", stream.merged))
    except tuple(_READ_ERRORS.values()) as exc:
        send(("failed", type(exc).__name__, str(exc)))
    except BaseException as exc:  # a bug: raised again in the parent, not swallowed
        send(("crashed", f"{type(exc).__name__}: {exc}"))


def _answer(message, stream):
    """The parent's side of the child's last message: the merged ranges, or its error raised."""
    if message[0] == "end":
        stream.merged[:] = message[1]
        return
    if message[0] == "failed":
        cls = _READ_ERRORS[message[1]]
        raise cls(message[2])
    raise RuntimeError(f"the spreadsheet reader process failed: {message[1]}")
