"""The uploaded rows returned with a column saying what is wrong, to fix in Excel."""

import datetime
import io
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from branchsite.xlsx import CellWriter, header_styles, styled
from members.roster.columns import NUMBER_FORMATS
from members.roster.importing import RowError
from members.roster.reading import RosterSheet


def roster_error_workbook(*, sheet: RosterSheet, errors: list[RowError]) -> bytes:
    """The sheet's rows as read (title and header rows included, so row numbers match),
    every invalid cell shaded, and a last column with the reasons. Fix the rows and import
    the file again: the extra column is ignored."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for problem in errors:
        by_row[problem.row].append(problem)
    last_row = max([*sheet.cells, *by_row], default=0)
    width = max((max(row) for row in sheet.cells.values() if row), default=1)

    workbook = Workbook(write_only=True)
    output = workbook.create_sheet(sheet.title[:31] or _("Roster"))
    for column in range(1, width + 1):
        output.column_dimensions[get_column_letter(column)].width = 14
    output.column_dimensions[get_column_letter(width + 1)].width = 60
    output.freeze_panes = f"A{sheet.header_rows[-1] + 1}"
    for ref in sheet.heading_merges:
        output.merged_cells.add(ref)
    error_letter = get_column_letter(width + 1)
    if len(sheet.header_rows) > 1:
        output.merged_cells.add(
            f"{error_letter}{sheet.header_rows[0]}:{error_letter}{sheet.header_rows[-1]}"
        )

    number_formats: list[str | None] = [None] * width
    for key, column in sheet.columns.items():
        number_formats[column - 1] = NUMBER_FORMATS.get(sheet.layout.by_key[key].kind)
    writer = CellWriter(output, border=None, number_formats=number_formats)
    shaded = PatternFill("solid", fgColor="FFC7CE")
    flagged = [writer.make(None, number_format, fill=shaded) for number_format in number_formats]
    reason_font = Font(color="9C0006")

    for number in range(1, last_row + 1):
        values = sheet.cells.get(number, {})
        problems = by_row.get(number, [])
        bad_columns = {column_index_from_string(p.column) for p in problems if p.column}
        cells = []
        for column in range(1, width + 1):
            value = values.get(column)
            if isinstance(value, datetime.datetime) and value.time() == datetime.time():
                value = value.date()
            if column in bad_columns:
                cells.append(writer.cell(column - 1, value, templates=flagged))
            else:
                cells.append(None if value is None else writer.cell(column - 1, value))
        if number == sheet.header_rows[0]:
            cells.append(styled(output, _("Errors"), **header_styles()))
        elif problems:
            reasons = "\n".join(problem.within_row() for problem in problems)
            cells.append(
                styled(output, reasons, font=reason_font, alignment=Alignment(wrap_text=True))
            )
        output.append(cells)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
