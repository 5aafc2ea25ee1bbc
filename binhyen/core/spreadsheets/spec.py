"""Describing a sheet: its columns (`Column`, `Spec`), the reference lists code columns draw
from (`Lookup`), and the A1 column letters every part of the machinery names cells by."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from binhyen.core.text import fold

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
MAX_CELL_LENGTH = 32767  # Excel's own limit per cell


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

    @classmethod
    def from_rows(cls, name, title, rows, **kwargs):
        """A reference table's lookup from its (code, label, id) rows: code → id."""
        rows = list(rows)
        return cls(
            name=name,
            title=title,
            items=[(c, n) for c, n, _i in rows],
            values={c: i for c, _n, i in rows},
            **kwargs,
        )

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


def col_index(ref):
    """ "AB12" → 27 (0-based column index)."""
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


def col_letter(index):
    """27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
