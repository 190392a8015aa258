"""Opening an uploaded roster defensively (size, zip bomb, row limit) and finding the roster
in it however messy the layout: title rows above the header, merged or two-row headers.

`sheet_read` does it for any sheet given its column spec (`SheetLayout`: the roster's, or the
payroll sheet's of `members.dues.payroll`); `roster_read` is it with the roster's columns.
The limits are the same for every kind of sheet (ROSTER_IMPORT_MAX_BYTES and _MAX_ROWS).

Every format goes through one reader, python-calamine: .xlsx (Excel 2007 and later, WPS),
.xls (Excel 97-2003, a binary OLE2 file) and .ods (OpenDocument, LibreOffice). The checks
before it look at the bytes, never at the file name: a renamed file is read as what it is.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from python_calamine import CalamineWorkbook, SheetTypeEnum

from members.roster.cells import is_blank
from members.roster.columns import ROSTER_LAYOUT, SheetLayout, normalise_header
from members.roster.xls_extent import xls_extents

logger = logging.getLogger(__name__)

# How far down the header may be, and how wide a sheet we look at.
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 200
# What a roster within the row limit can unpack to; anything bigger is a zip bomb. The sizes
# the zip's directory declares are checked first, then every entry is unpacked once, by
# Python's zipfile, which stops at the declared size and fails the CRC check of an entry that
# lied about it: calamine only gets a package whose declared sizes are its real ones.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
# calamine holds a sheet as one rectangle of cells (about 32 bytes each) from its first cell
# to its last: 2 million is 40 times the largest roster the row limit lets in.
MAX_SHEET_CELLS = 2_000_000
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an encrypted .xlsx
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
EXTENSIONS = (".xlsx", ".xls", ".ods")
# A merged range as (first column, first row, last column, last row), 1-based, inclusive.
Merge = tuple[int, int, int, int]


class RosterFileError(Exception):
    """The file cannot be read as a roster (or the sheet its layout describes); the message
    says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RosterRow:
    """One data row: its row number in the sheet and its raw values by column key."""

    number: int
    values: dict[str, Any]


@dataclass
class RosterSheet:
    """What `sheet_read` found: the data rows, where each known column is, and every row of
    the sheet up to the last data row (merges filled in) for the error workbook."""

    title: str
    header_rows: list[int]
    columns: dict[str, int]  # key → column number (1-based)
    headers: dict[str, str]  # key → the header as written in the file
    rows: list[RosterRow]
    cells: dict[int, dict[int, Any]] = field(repr=False)
    heading_merges: list[str] = field(default_factory=list)  # the title's and headings' merges
    layout: SheetLayout = field(default=ROSTER_LAYOUT, repr=False)

    def column_label(self, key: str) -> tuple[str, str]:
        """(column letter, header as in the file), or ("", our header) if the file has none."""
        if key in self.columns:
            return get_column_letter(self.columns[key]), self.headers[key]
        column = self.layout.by_key.get(key)
        return "", column.header if column else ""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _open_bytes(source, layout: SheetLayout) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > settings.ROSTER_IMPORT_MAX_BYTES:
            raise _too_big(layout)
        return path.read_bytes()
    data = source.read(settings.ROSTER_IMPORT_MAX_BYTES + 1)
    if len(data) > settings.ROSTER_IMPORT_MAX_BYTES:
        raise _too_big(layout)
    return data


def _too_big(layout: SheetLayout) -> RosterFileError:
    return RosterFileError(
        str(layout.messages.too_big) % {"limit": _megabytes(settings.ROSTER_IMPORT_MAX_BYTES)}
    )


def _not_a_spreadsheet() -> RosterFileError:
    return RosterFileError(
        _(
            "This is not a spreadsheet (.xlsx, .xls or .ods). Open it in Excel or WPS and "
            "save it as an Excel workbook (.xlsx), then upload that file."
        )
    )


def _damaged() -> RosterFileError:
    return RosterFileError(
        _(
            "The file is damaged or incomplete and cannot be read. Open it in Excel or WPS, "
            "save it again as .xlsx and upload the new file."
        )
    )


def _locked_or_damaged() -> RosterFileError:
    # An encrypted .xlsx is an OLE2 file too, so calamine failing on one is either.
    return RosterFileError(
        _(
            "The workbook is password-protected or damaged and cannot be read. Open it in "
            "Excel or WPS, remove any password and save it as an Excel workbook (.xlsx)."
        )
    )


def _check_package(data: bytes, layout: SheetLayout) -> str:
    """The file's format ("xls", "xlsx" or "ods") from its bytes; refuse anything else, and
    any zip that is damaged, unpacks to more than a roster could or (.xlsx) has a sheet
    stretched far beyond one, before calamine sees it."""
    if data[:8] == OLE2_MAGIC:
        return "xls"  # not a zip: its size is bounded by the upload limit
    if data[:2] != b"PK":
        raise _not_a_spreadsheet()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged() from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names and "mimetype" in names:
        kind = "ods"
    else:
        raise _not_a_spreadsheet()
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNCOMPRESSED_BYTES:
        raise RosterFileError(
            str(layout.messages.unpacks_too_much) % {"limit": _megabytes(MAX_UNCOMPRESSED_BYTES)}
        )
    try:
        for entry in entries:
            content = archive.read(entry)
            # Every part, not only those workbook.xml names: calamine follows the package's
            # relationships, which may point anywhere in it.
            if kind == "xlsx" and b"<" in content:
                _check_xlsx_extent(content, layout)
        # An OpenDocument text or presentation has a content.xml too.
        if kind == "ods" and archive.read("mimetype").strip() != ODS_MIMETYPE:
            raise _not_a_spreadsheet()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as error:
        raise _damaged() from error
    return kind


def _too_many_rows(layout: SheetLayout) -> RosterFileError:
    return RosterFileError(
        str(layout.messages.too_many_rows) % {"limit": settings.ROSTER_IMPORT_MAX_ROWS}
    )


def _sheet_cells(sheet, *, max_rows: int, layout: SheetLayout) -> dict[int, dict[int, Any]]:
    """The sheet's non-blank cells as {row: {column: value}}, 1-based like Excel.

    calamine gives dates as datetime.date or datetime.datetime (by the cell's number format,
    as openpyxl does), other numbers as float in .xlsx and .ods (int or float in .xls), text
    as str and an empty cell as "": the cell parsers take all of these.
    """
    cells: dict[int, dict[int, Any]] = {}
    start = sheet.start
    if start is None:  # an empty sheet
        return cells
    first_row, first_column = start[0] + 1, start[1] + 1
    width = max(MAX_COLUMNS - first_column + 1, 0)
    for offset, row in enumerate(sheet.iter_rows()):
        values = {
            first_column + index: value
            for index, value in enumerate(row[:width])
            if not is_blank(value)
        }
        if values:
            cells[first_row + offset] = values
            if len(cells) > max_rows + HEADER_SEARCH_ROWS:
                raise _too_many_rows(layout)
    return cells


def _calamine_merges(sheet) -> list[Merge]:
    """The merged ranges calamine reports (.xlsx and .xls), 1-based."""
    return [
        (first[1] + 1, first[0] + 1, last[1] + 1, last[0] + 1)
        for first, last in sheet.merged_cell_ranges or []
    ]


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TABLE = f"{{{TABLE_NS}}}table"
_ROW = f"{{{TABLE_NS}}}table-row"
_CELLS = (f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell")
_NAME, _ROWS_REPEATED = f"{{{TABLE_NS}}}name", f"{{{TABLE_NS}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{{{TABLE_NS}}}number-columns-repeated"
_COLUMNS_SPANNED = f"{{{TABLE_NS}}}number-columns-spanned"
_ROWS_SPANNED = f"{{{TABLE_NS}}}number-rows-spanned"
_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def _ods_merges(data: bytes, layout: SheetLayout) -> dict[str, list[Merge]]:
    """The merged ranges of each .ods sheet by name, after checking each sheet's extent.

    calamine reports no merges for OpenDocument, which writes a merge as a cell with
    number-columns/rows-spanned (the cells it covers follow as covered cells), so they are
    read from content.xml. The same pass measures each sheet: calamine expands repeated cells
    (number-rows/columns-repeated) into its rectangle when it opens the file, so a 2 kB file
    can ask for gigabytes; this runs before it. The zip was checked (_check_package) and
    expat refuses entity expansion bombs."""
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    # Only end events, which carry the attributes too: half the work of start and end. A
    # cell's row is the one being read (rows done + 1); a row's repeats count at its end.
    sheets: dict[str, list[Merge]] = {}
    merges: list[Merge] = []
    rows_done = column = last_row = last_column = 0
    row_used = False
    for _event, element in ElementTree.iterparse(io.BytesIO(content), events=("end",)):
        tag = element.tag
        if tag in _CELLS:
            repeated = int(element.get(_COLUMNS_REPEATED, "1"))
            columns_spanned = int(element.get(_COLUMNS_SPANNED, "1"))
            rows_spanned = int(element.get(_ROWS_SPANNED, "1"))
            if columns_spanned > 1 or rows_spanned > 1:
                row = rows_done + 1
                merges.append((column + 1, row, column + columns_spanned, row + rows_spanned - 1))
            if element.get(_VALUE_TYPE) or len(element):
                row_used = True
                last_column = max(last_column, column + repeated)
            column += repeated
            element.clear()
        elif tag == _ROW:
            rows_done += int(element.get(_ROWS_REPEATED, "1"))
            if row_used:
                last_row = rows_done
                # Checked as it goes, so that a sheet far too big stops the pass early too.
                if last_row * last_column > MAX_SHEET_CELLS:
                    _check_extent(last_row, last_column, layout)
            column, row_used = 0, False
            element.clear()
        elif tag == _TABLE:
            _check_extent(last_row, last_column, layout)
            sheets[element.get(_NAME, "")] = merges
            merges = []
            rows_done = column = last_row = last_column = 0
            element.clear()
    return sheets


_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_TYPE = re.compile(rb'<c\b[^>]*\bt="e"[^>]*>')
_ERROR_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ERROR_VALUE = re.compile(rb"\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>([^<]*)</v>")


def _xlsx_sheet_xml(data: bytes, sheet_name: str) -> bytes:
    """The XML of one .xlsx sheet ("" if the workbook does not say where it is)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(
        (
            sheet.get(_RELATIONSHIP_ID)
            for sheet in workbook.iter(f"{_SPREADSHEET_NS}sheet")
            if sheet.get("name") == sheet_name
        ),
        None,
    )
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in relations if r.get("Id") == relation), None)
    if not target:
        return b""
    return archive.read(target.lstrip("/") if target.startswith("/") else f"xl/{target}")


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')


def _check_xlsx_extent(content: bytes, layout: SheetLayout) -> None:
    """Refuse a sheet whose cells span more than MAX_SHEET_CELLS, before calamine sees it.

    calamine allocates the whole rectangle from the first to the last cell: a 5 kB file with
    one cell in A1 and one in XFD1048576 asks for 512 GB and aborts the process."""
    refs = set(_CELL_REF.findall(content))
    if not refs:
        return
    columns = [column_index_from_string(letters.decode()) for letters in {c for c, _ in refs}]
    rows = [int(number) for number in {r for _, r in refs}]
    _check_extent(max(rows) - min(rows) + 1, max(columns) - min(columns) + 1, layout)


def _check_extent(rows: int, columns: int, layout: SheetLayout) -> None:
    if rows * columns > MAX_SHEET_CELLS:
        raise RosterFileError(str(layout.messages.too_wide) % {"rows": rows, "columns": columns})


def _xlsx_errors(content: bytes) -> dict[tuple[int, int], str]:
    """{(row, column): "#N/A"} for the formula errors of one .xlsx sheet.

    calamine gives an error cell as "", which would read as blank (keep the stored value);
    openpyxl gave its text, which the cell parsers refuse ("#N/A is not a date"), so the
    row is reported. The sheet is scanned only when it has an error cell at all."""
    if b't="e"' not in content:
        return {}
    errors = {}
    for tag in _ERROR_TYPE.finditer(content):
        ref, value = _ERROR_REF.search(tag.group()), _ERROR_VALUE.match(content, tag.end())
        if ref and value:
            column = column_index_from_string(ref.group(1).decode())
            errors[int(ref.group(2)), column] = value.group(1).decode() or "#VALUE!"
    return errors


def _merge_ref(merge: Merge) -> str:
    min_col, min_row, max_col, max_row = merge
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


def _fill_merges(cells: dict[int, dict[int, Any]], merged: list[Merge], *, header_end: int) -> None:
    """Copy each merged range's value into its cells: in the heading rows (up to
    `header_end`), across the whole range; below them, down the range's first column only (a
    group name merged over the rows of its members). Blank rows stay blank."""
    for min_col, min_row, max_col, max_row in merged:
        value = cells.get(min_row, {}).get(min_col)
        if value is None:
            continue
        if max_row - min_row < len(cells):
            numbers = range(min_row, max_row + 1)
        else:
            numbers = sorted(n for n in cells if min_row <= n <= max_row)
        for number in numbers:
            if number not in cells:
                continue
            last_column = min(max_col, MAX_COLUMNS) if number <= header_end else min_col
            row = cells[number]
            for column in range(min_col, last_column + 1):
                row.setdefault(column, value)


def _merges_within(merged: list[Merge], last_row: int) -> list[str]:
    """The merged ranges that end by `last_row` (the title's and the headings'), as refs."""
    return [_merge_ref(merge) for merge in merged if merge[3] <= last_row]


def _match_headers(row: dict[int, Any], layout: SheetLayout) -> dict[int, str]:
    keys = layout.header_keys
    return {
        column: keys[key]
        for column, value in row.items()
        if isinstance(value, str) and (key := normalise_header(value)) in keys
    }


def _find_header(cells: dict[int, dict[int, Any]], layout: SheetLayout):
    """The header row (or two rows, when merged parent headings sit above sub-headings): the
    row among the first few that names the most known columns, the layout's required one
    (姓名) among them. Returns (header row numbers, {key: column}) or None."""
    best = None
    for number in sorted(cells)[:HEADER_SEARCH_ROWS]:
        upper = _match_headers(cells[number], layout)
        lower = _match_headers(cells.get(number + 1, {}), layout)
        # The row below counts only for sub-headings under cells of this row that are not
        # headings themselves (a merged parent heading, or nothing).
        added = {column: key for column, key in lower.items() if column not in upper}
        matched = {**upper, **added}
        keys = set(matched.values())
        if layout.required not in keys or len(keys) < 2:
            continue
        if best is None or len(keys) > best[0]:
            best = (len(keys), [number, number + 1] if added else [number], matched)
    if best is None:
        return None
    _, rows, matched = best
    columns: dict[str, int] = {}
    for column in sorted(matched):
        key = matched[column]
        # Two columns for one field ("电话" and "联系电话"): the first, unless a later one
        # carries the registry's own name.
        if key not in columns or (
            _is_canonical(cells, rows, column, key, layout)
            and not _is_canonical(cells, rows, columns[key], key, layout)
        ):
            columns[key] = column
    return rows, columns


def _is_canonical(cells, rows, column, key, layout: SheetLayout) -> bool:
    return normalise_header(_header_text(cells, rows, column, layout)) == normalise_header(
        layout.by_key[key].header
    )


def _header_text(cells, rows, column, layout: SheetLayout) -> str:
    """The heading of `column` as written in the file (the lowest header row naming it)."""
    for number in reversed(rows):
        value = cells.get(number, {}).get(column)
        if isinstance(value, str) and normalise_header(value) in layout.header_keys:
            return value.strip()
    return ""


def _open_workbook(data: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def roster_read(source: BinaryIO | str | Path) -> RosterSheet:
    """Read a roster from an .xlsx, .xls or .ods file (path or binary file object).

    Raises RosterFileError, with a message for the user, for anything that is not a readable
    roster within the limits of settings.ROSTER_IMPORT_MAX_BYTES and ROSTER_IMPORT_MAX_ROWS.
    """
    return sheet_read(source, ROSTER_LAYOUT)


def sheet_read(source: BinaryIO | str | Path, layout: SheetLayout) -> RosterSheet:
    """Read the first sheet that has `layout`'s header from an .xlsx, .xls or .ods file
    (path or binary file object), with the same defences as `roster_read`; refusals are
    RosterFileError with `layout`'s sentences."""
    data = _open_bytes(source, layout)
    kind = _check_package(data, layout)
    max_rows = settings.ROSTER_IMPORT_MAX_ROWS
    unreadable = _locked_or_damaged if kind == "xls" else _damaged
    # calamine parses .xls and .ods sheets when it opens the file: their extent first.
    for rows, columns in xls_extents(data) if kind == "xls" else []:
        _check_extent(rows, columns, layout)
    try:
        ods_merges = _ods_merges(data, layout) if kind == "ods" else None
    except RosterFileError:
        raise
    except Exception as error:  # broken XML, a count that is not a number
        logger.info("Unreadable roster content: %r", error)
        raise _damaged() from error
    try:
        workbook = _open_workbook(data)
        sheets = [
            meta.name for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet
        ]
    except Exception as error:  # calamine raises CalamineError, PasswordError, XmlError…
        logger.info("Unreadable roster workbook: %r", error)
        raise unreadable() from error
    with workbook:
        for name in sheets:
            try:
                if kind == "xlsx":
                    sheet_xml = _xlsx_sheet_xml(data, name)
                sheet = workbook.get_sheet_by_name(name)
                cells = _sheet_cells(sheet, max_rows=max_rows, layout=layout)
                if kind == "xlsx":
                    for (row, column), error in _xlsx_errors(sheet_xml).items():
                        if column <= MAX_COLUMNS:
                            cells.setdefault(row, {})[column] = error
                merged = ods_merges.get(name, []) if ods_merges else _calamine_merges(sheet)
            except RosterFileError:
                raise
            except Exception as error:
                logger.info("Unreadable roster sheet: %r", error)
                raise unreadable() from error
            # Headings are found in a copy of the top rows with every merge filled in; the
            # rows themselves keep the title and headings as written (for the error file)
            # and get the merged group names filled down.
            top = {n: dict(cells[n]) for n in sorted(cells)[: HEADER_SEARCH_ROWS + 1]}
            _fill_merges(top, merged, header_end=max(top, default=0))
            found = _find_header(top, layout)
            if found is None:
                continue
            header_rows, columns = found
            below = {n: row for n, row in cells.items() if n > header_rows[-1]}
            _fill_merges(below, merged, header_end=0)
            rows = [
                RosterRow(
                    number=number,
                    values={key: cells[number].get(column) for key, column in columns.items()},
                )
                for number in sorted(below)
            ]
            rows = [row for row in rows if any(not is_blank(v) for v in row.values.values())]
            if len(rows) > max_rows:
                raise _too_many_rows(layout)
            return RosterSheet(
                title=name,
                header_rows=header_rows,
                columns=columns,
                headers={
                    key: _header_text(top, header_rows, column, layout)
                    for key, column in columns.items()
                },
                rows=rows,
                cells=cells,
                heading_merges=_merges_within(merged, header_rows[-1]),
                layout=layout,
            )
    raise RosterFileError(str(layout.messages.no_header) % {"rows": HEADER_SEARCH_ROWS})
