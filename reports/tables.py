"""One sheet of a yearly document as a table: a title, a line or two under it (who, when,
the checks), a header, a row per member and a bold total row. The cells come from
branchsite.xlsx: user text never turns into a formula, A4 fitted to the width, the title,
notes and header repeated on every printed page."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from branchsite.xlsx import CellWriter, header_styles, print_layout, styled

MONEY_FORMAT = "0.00"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


def write_table(
    sheet,
    *,
    title: str,
    notes: Sequence[str] = (),
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    total: Sequence | None = None,
    today: datetime.date,
) -> None:
    """Append the table to an empty write-only `sheet`; `notes` are lines under the title,
    each merged across the table; `total`, if given, is the last row, in bold."""
    header_row = 2 + len(notes)
    last_column = get_column_letter(len(columns))
    print_layout(
        sheet,
        [column.width for column in columns],
        freeze=f"C{header_row + 1}",
        today=today,
    )
    sheet.print_title_rows = f"1:{header_row}"
    sheet.append(
        [
            styled(
                sheet,
                title,
                font=Font(bold=True, size=16),
                alignment=Alignment(horizontal="center", vertical="center"),
            )
        ]
    )
    for number, note in enumerate(notes, start=2):
        sheet.merged_cells.add(f"A{number}:{last_column}{number}")
        sheet.row_dimensions[number].height = 30
        sheet.append([styled(sheet, note, alignment=Alignment(vertical="center", wrap_text=True))])
    sheet.row_dimensions[header_row].height = 32
    header = header_styles()
    sheet.append([styled(sheet, column.header, **header) for column in columns])

    thin = Side(style="thin", color="808080")
    writer = CellWriter(
        sheet,
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        number_formats=[column.number_format for column in columns],
        wrap={index for index, column in enumerate(columns) if column.wrap},
    )
    for values in rows:
        sheet.append([writer.cell(index, value) for index, value in enumerate(values)])
    if total is not None:
        cells = []
        for index, value in enumerate(total):
            cell = writer.make(writer.border, columns[index].number_format)
            cell.font = Font(bold=True)
            cell.value = value
            cells.append(cell)
        sheet.append(cells)
