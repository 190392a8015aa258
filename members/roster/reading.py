"""Opening an uploaded .xlsx defensively (size, zip bomb, row limit) and finding the roster
in it however messy the layout: title rows above the header, merged or two-row headers."""

import io
import logging
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from members.roster.cells import is_blank
from members.roster.columns import COLUMNS_BY_KEY, HEADER_KEYS, normalise_header

logger = logging.getLogger(__name__)

# How far down the header may be, and how wide a sheet we look at.
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 200
# What a roster within the row limit can unpack to; anything bigger is a zip bomb. Python's
# zipfile stops reading a member at the size its central directory declares (and then fails
# the CRC check), so checking the declared sizes before opening really bounds the work.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class RosterFileError(Exception):
    """The file cannot be read as a roster; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RosterRow:
    """One data row: its row number in Excel and its raw values by column key."""

    number: int
    values: dict[str, Any]


@dataclass
class RosterSheet:
    """What `roster_read` found: the data rows, where each known column is, and every row of
    the sheet up to the last data row (merges filled in) for the error workbook."""

    title: str
    header_rows: list[int]
    columns: dict[str, int]  # key → column number (1-based)
    headers: dict[str, str]  # key → the header as written in the file
    rows: list[RosterRow]
    cells: dict[int, dict[int, Any]] = field(repr=False)
    heading_merges: list[str] = field(default_factory=list)  # the title's and headings' merges

    def column_label(self, key: str) -> tuple[str, str]:
        """(column letter, header as in the file), or ("", our header) if the file has none."""
        if key in self.columns:
            return get_column_letter(self.columns[key]), self.headers[key]
        column = COLUMNS_BY_KEY.get(key)
        return "", column.header if column else ""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _open_bytes(source) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > settings.ROSTER_IMPORT_MAX_BYTES:
            raise _too_big(path.stat().st_size)
        return path.read_bytes()
    data = source.read(settings.ROSTER_IMPORT_MAX_BYTES + 1)
    if len(data) > settings.ROSTER_IMPORT_MAX_BYTES:
        raise _too_big(getattr(source, "size", None) or len(data))
    return data


def _too_big(size: int) -> RosterFileError:
    return RosterFileError(
        _("The file is larger than %(limit)s MB; a roster is much smaller. Is it the right file?")
        % {"limit": _megabytes(settings.ROSTER_IMPORT_MAX_BYTES)}
    )


def _not_xlsx() -> RosterFileError:
    return RosterFileError(
        _(
            "This is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it as "
            "an Excel workbook (.xlsx), then upload that file."
        )
    )


def _damaged() -> RosterFileError:
    return RosterFileError(
        _(
            "The file is damaged or incomplete and cannot be read. Open it in Excel or WPS, "
            "save it again as .xlsx and upload the new file."
        )
    )


def _check_package(data: bytes) -> None:
    """Refuse anything but a sound .xlsx package before openpyxl sees it."""
    if data[:4] == XLS_MAGIC:
        raise RosterFileError(
            _(
                "This is an old Excel 97-2003 file (.xls) or a password-protected workbook. "
                "Open it in Excel or WPS, remove any password and save it as an Excel "
                "workbook (.xlsx)."
            )
        )
    if data[:2] != b"PK":
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged() from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNCOMPRESSED_BYTES:
        raise RosterFileError(
            _(
                "The file unpacks to more than %(limit)s MB, far more than any roster; it was "
                "refused without being opened."
            )
            % {"limit": _megabytes(MAX_UNCOMPRESSED_BYTES)}
        )


def _too_many_rows() -> RosterFileError:
    return RosterFileError(
        _("The file has more than %(limit)s rows; import at most %(limit)s members at a time.")
        % {"limit": settings.ROSTER_IMPORT_MAX_ROWS}
    )


def _sheet_cells(workbook, sheet, *, max_rows: int):
    """Stream the sheet's non-blank cells as {row: {column: value}}, and its merged ranges.

    openpyxl's read-only sheets stream rows but drop the merged ranges, which sit after the
    cells in the XML; its own streaming parser (the one read-only sheets use) keeps them.
    It is private API, so openpyxl is pinned (requirements/base.txt) and the tests cover
    merged headers and merged group cells.
    """
    cells: dict[int, dict[int, Any]] = {}
    with sheet._get_source() as source, warnings.catch_warnings():
        # openpyxl warns of, and turns into "#VALUE!", a date serial it cannot convert.
        warnings.simplefilter("ignore")
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, row in parser.parse():
            values = {
                cell["column"]: cell["value"]
                for cell in row
                if cell["column"] <= MAX_COLUMNS and not is_blank(cell["value"])
            }
            if values:
                cells[number] = values
                if len(cells) > max_rows + HEADER_SEARCH_ROWS:
                    raise _too_many_rows()
        merged = [str(m.ref) for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
    return cells, merged


def _fill_merges(cells: dict[int, dict[int, Any]], merged: list[str], *, header_end: int) -> None:
    """Copy each merged range's value into its cells: in the heading rows (up to
    `header_end`), across the whole range; below them, down the range's first column only (a
    group name merged over the rows of its members). Blank rows stay blank."""
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
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


def _merges_within(merged: list[str], last_row: int) -> list[str]:
    """The merged ranges that end by `last_row`: the title's and the headings'."""
    within = []
    for ref in merged:
        try:
            if range_boundaries(ref)[3] <= last_row:
                within.append(ref)
        except (ValueError, TypeError):
            continue
    return within


def _match_headers(row: dict[int, Any]) -> dict[int, str]:
    return {
        column: HEADER_KEYS[key]
        for column, value in row.items()
        if isinstance(value, str) and (key := normalise_header(value)) in HEADER_KEYS
    }


def _find_header(cells: dict[int, dict[int, Any]]):
    """The header row (or two rows, when merged parent headings sit above sub-headings): the
    row among the first few that names the most known columns, 姓名 among them. Returns
    (header row numbers, {key: column}) or None."""
    best = None
    for number in sorted(cells)[:HEADER_SEARCH_ROWS]:
        upper = _match_headers(cells[number])
        lower = _match_headers(cells.get(number + 1, {}))
        # The row below counts only for sub-headings under cells of this row that are not
        # headings themselves (a merged parent heading, or nothing).
        added = {column: key for column, key in lower.items() if column not in upper}
        matched = {**upper, **added}
        keys = set(matched.values())
        if "name" not in keys or len(keys) < 2:
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
            _is_canonical(cells, rows, column, key)
            and not _is_canonical(cells, rows, columns[key], key)
        ):
            columns[key] = column
    return rows, columns


def _is_canonical(cells, rows, column, key) -> bool:
    return normalise_header(_header_text(cells, rows, column)) == normalise_header(
        COLUMNS_BY_KEY[key].header
    )


def _header_text(cells, rows, column) -> str:
    """The heading of `column` as written in the file (the lowest header row naming it)."""
    for number in reversed(rows):
        value = cells.get(number, {}).get(column)
        if isinstance(value, str) and normalise_header(value) in HEADER_KEYS:
            return value.strip()
    return ""


def roster_read(source: BinaryIO | str | Path) -> RosterSheet:
    """Read a roster from an .xlsx file (path or binary file object).

    Raises RosterFileError, with a message for the user, for anything that is not a readable
    roster within the limits of settings.ROSTER_IMPORT_MAX_BYTES and ROSTER_IMPORT_MAX_ROWS.
    """
    data = _open_bytes(source)
    _check_package(data)
    max_rows = settings.ROSTER_IMPORT_MAX_ROWS
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to TypeError
        logger.info("Unreadable roster workbook: %r", error)
        raise _damaged() from error
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "_get_source"):  # a chart sheet
                continue
            try:
                cells, merged = _sheet_cells(workbook, sheet, max_rows=max_rows)
            except RosterFileError:
                raise
            except Exception as error:
                logger.info("Unreadable roster sheet: %r", error)
                raise _damaged() from error
            # Headings are found in a copy of the top rows with every merge filled in; the
            # rows themselves keep the title and headings as written (for the error file)
            # and get the merged group names filled down.
            top = {n: dict(cells[n]) for n in sorted(cells)[: HEADER_SEARCH_ROWS + 1]}
            _fill_merges(top, merged, header_end=max(top, default=0))
            found = _find_header(top)
            if found is None:
                continue
            header_rows, columns = found
            data = {n: row for n, row in cells.items() if n > header_rows[-1]}
            _fill_merges(data, merged, header_end=0)
            rows = [
                RosterRow(
                    number=number,
                    values={key: cells[number].get(column) for key, column in columns.items()},
                )
                for number in sorted(cells)
                if number > header_rows[-1]
            ]
            rows = [row for row in rows if any(not is_blank(v) for v in row.values.values())]
            if len(rows) > max_rows:
                raise _too_many_rows()
            return RosterSheet(
                title=sheet.title,
                header_rows=header_rows,
                columns=columns,
                headers={
                    key: _header_text(top, header_rows, column) for key, column in columns.items()
                },
                rows=rows,
                cells=cells,
                heading_merges=_merges_within(merged, header_rows[-1]),
            )
    finally:
        workbook.close()
    raise RosterFileError(
        _(
            "No header row was found: the roster needs a row of column names within its "
            "first %(rows)s rows, with 姓名 and others such as 公民身份号码, 性别 and 出生日期."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )
