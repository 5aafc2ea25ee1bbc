"""Writing templates and exports: `write_workbook` (the data sheet with its drop-downs, a
"Hướng dẫn" sheet, a "Danh mục" sheet and any lookup's own sheet), and the text-cell helpers
every export uses so that what a person typed is written as text, never as a formula."""

import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .spec import CODE, CODES, DATE, HELP_SHEET, INTEGER, LIST_SHEET, TYPE_LABELS, col_letter


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


@dataclass(frozen=True)
class _Styles:
    """The few styles every sheet of a workbook shares."""

    bold: object
    header_fill: object
    required_fill: object
    wrap: object

    @classmethod
    def make(cls):
        from openpyxl.styles import Alignment, Font, PatternFill

        return cls(
            bold=Font(bold=True),
            header_fill=PatternFill("solid", fgColor="DDEBF7"),
            required_fill=PatternFill("solid", fgColor="FCE4D6"),
            wrap=Alignment(wrap_text=True, vertical="center"),
        )

    def head(self, sheet, text, required=False):
        """A header cell: bold on the header (or, for a required column, the required) fill."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = self.bold
        cell.fill = self.required_fill if required else self.header_fill
        return cell


def write_workbook(spec, lookups, rows=(), out=None, *, summary=(), example=None, list_order=None):
    """Write the template (no rows) or an export (rows: dicts keyed like the spec's columns)
    to `out` (a path or binary file; default: a new BytesIO, returned)."""
    from openpyxl import Workbook

    out = io.BytesIO() if out is None else out
    wb = Workbook(write_only=True)
    styles = _Styles.make()
    data = wb.create_sheet(spec.sheet_name)
    for index, column in enumerate(spec.columns):
        data.column_dimensions[col_letter(index)].width = column.width
    data.freeze_panes = "A2"

    lookup_order = list(dict.fromkeys(list_order or [c.lookup for c in spec.columns if c.lookup]))
    _add_validations(data, spec, lookups, _lookup_ranges(lookups, lookup_order))
    data.append(_header_row(data, spec, styles, comments=not rows))
    _write_rows(data, spec, rows)

    _write_help(wb, spec, lookups, example, styles)
    _write_lists(wb, lookups, lookup_order, styles)
    if summary:
        _write_summary(wb, summary)
    wb.save(out)
    if isinstance(out, io.BytesIO):
        out.seek(0)
    return out


def _lookup_ranges(lookups, order):
    """{lookup name: the cell range of its codes} for the drop-downs: the lookup's own sheet,
    or its block of three columns in Danh mục."""
    ranges = {}
    block = 0
    for name in order:
        lookup = lookups[name]
        n = len(lookup.items)
        if lookup.sheet:
            ranges[name] = f"'{lookup.sheet}'!$A$2:$A${max(n + 1, 2)}"
        else:
            letter = col_letter(block * 3)
            ranges[name] = f"'{LIST_SHEET}'!${letter}$3:${letter}${max(n + 2, 3)}"
            block += 1
    return ranges


def _add_validations(data, spec, lookups, ranges):
    """Excel's own checks on each input column, down to the spec's last row: a drop-down of
    codes, a whole number in range, a date; with the column's help as the input prompt."""
    last_row = spec.max_rows + 1
    for index, column in enumerate(spec.columns):
        if column.export_only:
            continue
        dv = _validation(column, lookups, ranges)
        if dv is None:
            continue
        dv.errorTitle = str(column.header)
        if column.help:
            dv.promptTitle = str(column.header)[:32]
            dv.prompt = str(column.help)[:255]
            dv.showInputMessage = True
        letter = col_letter(index)
        dv.add(f"{letter}2:{letter}{last_row}")
        data.data_validations.append(dv)


def _validation(column, lookups, ranges):
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.type in (CODE, CODES) and lookups[column.lookup].items:
        multi = column.type == CODES
        dv = DataValidation(
            type="list",
            formula1=ranges[column.lookup],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="information" if multi else "stop",
        )
        dv.error = (
            _("Có thể nhập nhiều mã, cách nhau bằng dấu phẩy; mỗi mã phải có trong danh mục.")
            if multi
            else _("Hãy chọn một mã trong danh sách.")
        )
        return dv
    if column.type == INTEGER:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(column.min_value or 0),
            formula2=str(column.max_value),
            allow_blank=True,
            showErrorMessage=True,
        )
        dv.error = _("Hãy nhập một số nguyên không âm.")
        return dv
    if column.type == DATE:
        dv = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            allow_blank=True,
            showErrorMessage=True,
        )
        dv.error = _("Hãy nhập ngày dạng dd/mm/yyyy.")
        return dv
    return None


def _header_row(data, spec, styles, comments):
    """The data sheet's header cells; a template's (`comments`) carry each column's help."""
    from openpyxl.comments import Comment

    header = []
    for column in spec.columns:
        cell = styles.head(data, column.header, column.required)
        cell.alignment = styles.wrap
        if column.help and comments:
            cell.comment = Comment(str(column.help), "Bình Yên", width=300, height=120)
        header.append(cell)
    return header


def _write_rows(data, spec, rows):
    """An export's rows: dates as date cells, a CODES list joined by commas, text as text."""
    from openpyxl.cell import WriteOnlyCell

    date_cells = {}

    def date_cell(value):
        # One styled cell per distinct date, reused: rows are written as they are appended.
        cell = WriteOnlyCell(data, value=value)
        cell.number_format = "DD/MM/YYYY"
        if len(date_cells) < 10_000:
            date_cells[value] = cell
        return cell

    kinds = [c.type for c in spec.columns]
    keys = [c.key for c in spec.columns]
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


def _write_summary(wb, summary):
    sheet = wb.create_sheet(_("Tổng hợp"))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 60
    for label, value in summary:
        sheet.append(safe_row(sheet, [str(label), value]))


def _write_help(wb, spec, lookups, example, styles):
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
    sheet.append(
        [
            styles.head(sheet, text)
            for text in (_("Cột"), _("Bắt buộc"), _("Kiểu dữ liệu"), _("Ghi chú"))
        ]
    )
    for column in spec.input_columns:
        kind = str(TYPE_LABELS[column.type])
        if column.lookup:
            lookup = lookups[column.lookup]
            kind = f"{kind} — {lookup.title} (trang '{lookup.sheet or LIST_SHEET}')"
        note = WriteOnlyCell(sheet, value=str(column.help))
        note.alignment = styles.wrap
        sheet.append([str(column.header), _("Có") if column.required else _("Không"), kind, note])
    if example:
        _write_example(sheet, spec, example, styles)


def _write_example(sheet, spec, example, styles):
    """A valid row under the column table, for the person filling the template to copy."""
    from openpyxl.cell import WriteOnlyCell

    sheet.append([])
    label = WriteOnlyCell(
        sheet,
        value=_("Ví dụ một dòng hợp lệ (chép sang trang '%(s)s' rồi sửa lại):")
        % {"s": spec.sheet_name},
    )
    label.font = styles.bold
    sheet.append([label])
    sheet.append(
        [styles.head(sheet, column.header, column.required) for column in spec.input_columns]
    )
    line = []
    for column in spec.input_columns:
        value = example.get(column.key)
        if column.type == DATE and value is not None:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            value = cell
        line.append(value)
    sheet.append(safe_row(sheet, line))


def _write_lists(wb, lookups, order, styles):
    """The codes behind the drop-downs: Danh mục, a block of (code, label) per lookup side by
    side, and a sheet of its own for each lookup that wants one."""
    blocks = [lookups[n] for n in order if not lookups[n].sheet]
    if blocks:
        sheet = wb.create_sheet(LIST_SHEET)
        for i in range(len(blocks)):
            sheet.column_dimensions[col_letter(i * 3)].width = 24
            sheet.column_dimensions[col_letter(i * 3 + 1)].width = 34
            sheet.column_dimensions[col_letter(i * 3 + 2)].width = 3
        titles = []
        subheads = []
        for lookup in blocks:
            titles += [styles.head(sheet, lookup.title), None, None]
            subheads += [
                styles.head(sheet, lookup.code_header),
                styles.head(sheet, lookup.label_header),
                None,
            ]
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
            sheet.column_dimensions[col_letter(i + 2)].width = 16
        sheet.append(
            [styles.head(sheet, lookup.code_header), styles.head(sheet, lookup.label_header)]
            + [styles.head(sheet, h) for h in lookup.extra_headers]
        )
        sheet.freeze_panes = "A2"
        for code, label, *extra in lookup.items:
            sheet.append(safe_row(sheet, [code, str(label), *extra]))
