"""What goes wrong with an upload, named by row and column: one error (`CellError`), a capped
list of them (`ErrorList`), and the exception for a file that cannot be read at all."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_ERRORS = 500  # shown to a person; the count beyond this is still reported


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
            "row": self.row,
            "column": self.column,
            "message": self.message,
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


def file_error(message):
    """A SpreadsheetError about the whole file."""
    return SpreadsheetError([CellError(None, "", message)])


def broken_file_message():
    return _("Tệp Excel bị hỏng, không đọc được. Hãy mở tệp bằng Excel và lưu lại.")
