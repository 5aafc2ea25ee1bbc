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

The parts, bottom up: `spec` (describing a sheet), `errors` (what goes wrong, by row and
column), `read` (opening an upload, streaming a worksheet), `convert` (cells to values, the
header row to the spec), `run` (the import and its forked reader), `write` (templates,
exports, text cells). Callers import the names below from the package; a test that patches a
tunable patches the module that reads it (`spreadsheets.run.PARALLEL_MIN_BYTES`).
"""

from .convert import BadValue, RowReader, converter_for, header_keys
from .errors import MAX_ERRORS, CellError, ErrorList, SpreadsheetError
from .read import OpenSheet, SheetStream, check_upload, max_upload_bytes, open_sheet
from .run import ImportHandler, ImportResult, run_import
from .spec import (
    CODE,
    CODES,
    DATA_SHEET,
    DATE,
    HELP_SHEET,
    INTEGER,
    LIST_SHEET,
    MAX_CELL_LENGTH,
    TEXT,
    TYPE_LABELS,
    Column,
    Lookup,
    Spec,
)
from .write import append_text_row, excel_text, put_text, safe_row, text_cell, write_workbook

__all__ = [
    "CODE",
    "CODES",
    "DATA_SHEET",
    "DATE",
    "HELP_SHEET",
    "INTEGER",
    "LIST_SHEET",
    "MAX_CELL_LENGTH",
    "MAX_ERRORS",
    "TEXT",
    "TYPE_LABELS",
    "BadValue",
    "CellError",
    "Column",
    "ErrorList",
    "ImportHandler",
    "ImportResult",
    "Lookup",
    "OpenSheet",
    "RowReader",
    "SheetStream",
    "Spec",
    "SpreadsheetError",
    "append_text_row",
    "check_upload",
    "converter_for",
    "excel_text",
    "header_keys",
    "max_upload_bytes",
    "open_sheet",
    "put_text",
    "run_import",
    "safe_row",
    "text_cell",
    "write_workbook",
]
