"""The tests' .xlsx rosters rewritten as .xls (xlwt) and .ods (odfpy), cell for cell: the
same values with the same types (text, numbers, dates, booleans) and the same merges, so
that a roster in another format can be checked to import exactly as the .xlsx one."""

import datetime
import io

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook


def _sheets(xlsx: io.BytesIO):
    """Each sheet as (title, {(row, column): value}, [(min_row, min_col, max_row, max_col)]),
    1-based."""
    workbook = load_workbook(io.BytesIO(xlsx.getvalue()))
    for sheet in workbook.worksheets:
        values = {
            (cell.row, cell.column): cell.value
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        }
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        yield sheet.title, values, merges


def as_xls(xlsx: io.BytesIO) -> io.BytesIO:
    """The workbook as Excel 97-2003 writes it (BIFF8 in an OLE2 file)."""
    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    datetime_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for title, values, merges in _sheets(xlsx):
        sheet = workbook.add_sheet(title)
        for (row, column), value in values.items():
            if isinstance(value, datetime.datetime):
                sheet.write(row - 1, column - 1, value, datetime_style)
            elif isinstance(value, datetime.date):
                sheet.write(row - 1, column - 1, value, date_style)
            else:
                sheet.write(row - 1, column - 1, value)
        for min_row, min_col, max_row, max_col in merges:
            sheet.merge(min_row - 1, max_row - 1, min_col - 1, max_col - 1)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _ods_cell(value, **spans) -> TableCell:
    if value is None:
        return TableCell(**spans)
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower(), **spans)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), **spans)
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(value), **spans)
    else:
        cell = TableCell(valuetype="string", **spans)
    cell.addElement(P(text=str(value)))
    return cell


def as_ods(xlsx: io.BytesIO, *, keep_merges: bool = True) -> io.BytesIO:
    """The workbook as LibreOffice writes it: a merge is a cell spanning columns and rows,
    the cells it covers follow as covered cells."""
    document = OpenDocumentSpreadsheet()
    for title, values, merges in _sheets(xlsx):
        table = Table(name=title)
        document.spreadsheet.addElement(table)
        spans, covered = {}, set()
        for min_row, min_col, max_row, max_col in merges if keep_merges else []:
            spans[min_row, min_col] = {
                "numbercolumnsspanned": max_col - min_col + 1,
                "numberrowsspanned": max_row - min_row + 1,
            }
            covered |= {
                (r, c)
                for r in range(min_row, max_row + 1)
                for c in range(min_col, max_col + 1)
                if (r, c) != (min_row, min_col)
            }
        last_row = max([r for r, _ in [*values, *covered]], default=0)
        last_column = max([c for _, c in [*values, *covered]], default=0)
        for row in range(1, last_row + 1):
            element = TableRow()
            table.addElement(element)
            for column in range(1, last_column + 1):
                if (row, column) in covered:
                    element.addElement(CoveredTableCell())
                else:
                    value = values.get((row, column))
                    element.addElement(_ods_cell(value, **spans.get((row, column), {})))
    stream = io.BytesIO()
    document.write(stream)
    stream.seek(0)
    return stream
