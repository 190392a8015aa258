"""Formatted spreadsheets for the exports (the roster, the meeting ledger): cells styled
once and reused, user text that can never turn into a formula, and the print layout the
secretary expects (landscape A4 fitted to the width, title and header on every page)."""

import datetime
from copy import copy

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
TEXT_FORMAT = "@"


def escaped(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


class CellWriter:
    """Prepared cells for a write-only sheet: one styled cell per column (and variant),
    reused for every row. openpyxl serialises a row as soon as it is appended, so reusing a
    cell is safe, and its style is registered with the workbook once instead of per cell."""

    def __init__(self, sheet, *, border, number_formats: list[str | None], wrap=frozenset()):
        self.sheet = sheet
        self.border = border
        self.plain = [
            self.make(border, number_format, wrap=index in wrap)
            for index, number_format in enumerate(number_formats)
        ]
        self.quoted = [
            self.make(border, TEXT_FORMAT, quote=True, wrap=index in wrap)
            for index in range(len(number_formats))
        ]
        self.date_columns = {
            index
            for index, number_format in enumerate(number_formats)
            if number_format in (DATE_FORMAT, MONTH_FORMAT)
        }

    def make(self, border, number_format, *, quote=False, fill=None, wrap=False):
        cell = WriteOnlyCell(self.sheet)
        if wrap:
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        if border is not None:
            cell.border = border
        if number_format:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        if fill is not None:
            cell.fill = fill
        return cell

    def cell(self, index: int, value, *, templates=None):
        templates = templates or self.plain
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = (self.quoted if escaped(value) else templates)[index]
            cell.value = value
            # "=…" would become a formula and "#N/A" an error value: force text.
            cell.data_type = "s"
            return cell
        template = templates[index]
        is_date = isinstance(value, datetime.date)
        if value is not None and is_date != (index in self.date_columns):
            # A date where none is expected, or a number in a date column (only in files
            # sent back with their errors): a cell of its own, so the template keeps its
            # number format and the number does not turn into a date.
            cell = self.make(self.border, DATE_FORMAT if is_date else None)
            if template.has_style and template.fill is not None:
                cell.fill = copy(template.fill)
            cell.value = value
            return cell
        template.value = value
        return template


def header_styles():
    thin = Side(style="thin", color="808080")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F2DCDB"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


def styled(sheet, value: str, **styles) -> WriteOnlyCell:
    """A one-off styled text cell (title, headings, reasons), escaped like the others."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if escaped(value):
        cell.quotePrefix = True
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def print_layout(
    sheet,
    widths: list[float],
    *,
    freeze: str,
    today: datetime.date,
    header_height: float = 32,
) -> None:
    """Column widths, the title (row 1, merged across) and header (row 2) frozen above
    `freeze` and repeated on every printed page, landscape A4 fitted to the width, page
    numbers and the export date."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.oddHeader.right.text = _("Exported on %(date)s") % {"date": today.isoformat()}
    sheet.merged_cells.add(f"A1:{get_column_letter(len(widths))}1")
    sheet.row_dimensions[1].height = 32
    sheet.row_dimensions[2].height = header_height
