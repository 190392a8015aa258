"""The roster (党员花名册) as an Excel workbook, both ways.

- `roster_workbook` writes the formatted export of a filtered member queryset.
- `roster_read` opens an uploaded .xlsx defensively (size, zip bomb, row limit) and finds the
  roster in it however messy the layout: title rows above the header, merged or two-row
  headers, synonyms for the column names, dates and identity numbers in every shape Excel
  produces.
- `roster_import` validates every row as the model's own `full_clean` would (without a query
  per row: `branchsite.constraints.full_clean_many`) and writes all of them, or nothing: in
  bulk, with a history row by the acting user for every member and group membership it
  creates or changes; with `dry_run` it shows what would happen and writes nothing.
- `roster_error_workbook` returns the rows as read, with a column saying what is wrong.

The column names and the values of the choice columns (男/女, 正式党员…) are a file format,
not interface text: they are the national registry's wording, fixed in Chinese so that an
exported file always imports again, whatever the interface language. Messages to the user go
through gettext as everywhere else.

Formula injection: a text cell whose value starts with = + - @ or a tab/CR is written as a
string cell (data type "s", never "f") with Excel's quote-prefix flag set. The value itself is
unchanged — no apostrophe or invisible character is added — so our own import reads back
exactly what was exported, while Excel and LibreOffice show it as text and keep it text even
when the cell is edited.
"""

import datetime
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser

from branchsite.constraints import full_clean_many
from branchsite.xlsx import (
    DATE_FORMAT,
    MONTH_FORMAT,
    TEXT_FORMAT,
    CellWriter,
    header_styles,
    print_layout,
    styled,
)
from groups.models import Branch, GroupMembership, PartyGroup
from groups.services import group_member_place
from members.models import (
    ETHNIC_GROUPS,
    Category,
    Education,
    Employment,
    Gender,
    Member,
    Status,
)
from members.validators import birth_date_from_id, normalise_id_number, normalise_phone

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- the columns

# Values of the choice columns: the first spelling is written by the export, every spelling
# is accepted by the import (after folding full-width characters and dropping spaces).
CHOICE_SPELLINGS = {
    "gender": {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")},
    "education": {
        Education.DOCTORATE: ("博士研究生", "博士"),
        Education.MASTER: ("硕士研究生", "硕士", "研究生"),
        Education.BACHELOR: ("大学本科", "本科", "大学"),
        Education.COLLEGE: ("大学专科", "大专", "专科"),
        Education.SECONDARY_VOCATIONAL: ("中等专科", "中专", "中技", "职高", "中等职业教育"),
        Education.HIGH_SCHOOL: ("高中",),
        Education.JUNIOR_HIGH_OR_BELOW: ("初中及以下", "初中", "小学"),
    },
    "category": {
        Category.FULL: ("正式党员", "正式"),
        Category.PROBATIONARY: ("预备党员", "预备"),
        Category.CANDIDATE: ("发展对象",),
        Category.ACTIVIST: ("入党积极分子", "积极分子"),
        Category.APPLICANT: ("入党申请人", "申请人"),
    },
    "status": {
        Status.ACTIVE: ("正常",),
        Status.SUSPENDED: ("停止党籍",),
        Status.TRANSFERRED_OUT: ("已转出", "转出"),
        Status.EXITED: ("已出党", "出党"),
    },
    "employment": {
        Employment.IN_SERVICE: ("在职",),
        Employment.RETIRED: ("退休", "离退休", "离休"),
    },
    "boolean": {
        True: ("是", "Y", "YES", "TRUE", "1", "√", "✓"),
        False: ("否", "N", "NO", "FALSE", "0", "×", "✗"),
    },
}

NUMBER_FORMATS = {
    "date": DATE_FORMAT,
    "month": MONTH_FORMAT,
    "id": TEXT_FORMAT,
    "phone": TEXT_FORMAT,
}


@dataclass(frozen=True)
class RosterColumn:
    """One column of the roster. `key` is a Member field, or "branch"/"group"."""

    key: str
    header: str
    kind: str = "text"  # text name id phone date month choice boolean ethnicity branch group
    synonyms: tuple[str, ...] = ()
    width: float = 12

    @property
    def choices(self) -> dict:
        return CHOICE_SPELLINGS["boolean" if self.kind == "boolean" else self.key]


COLUMNS = (
    RosterColumn("name", "姓名", "name", ("党员姓名", "名字"), 10),
    RosterColumn("gender", "性别", "choice", (), 6),
    RosterColumn(
        "id_number",
        "公民身份号码",
        "id",
        ("身份证号", "身份证号码", "身份证", "公民身份证号码", "公民身份证号", "身份号码"),
        21,
    ),
    RosterColumn("ethnicity", "民族", "ethnicity", (), 8),
    RosterColumn("birth_date", "出生日期", "date", ("出生年月", "出生年月日", "生日"), 12),
    RosterColumn("education", "学历", "choice", ("文化程度", "最高学历"), 12),
    RosterColumn("category", "人员类别", "choice", ("党员类别", "类别"), 10),
    RosterColumn("branch", "所在党支部", "branch", ("党支部", "所在支部"), 18),
    RosterColumn("group", "所在党小组", "group", ("党小组", "所在小组"), 18),
    RosterColumn(
        "joined_on",
        "加入党组织日期",
        "date",
        ("入党时间", "入党日期", "入党年月", "加入党组织时间"),
        12,
    ),
    RosterColumn(
        "full_member_on",
        "转为正式党员日期",
        "date",
        ("转正时间", "转正日期", "转正年月", "转为正式党员时间"),
        12,
    ),
    RosterColumn("job", "工作岗位", "text", ("岗位",), 16),
    RosterColumn(
        "phone",
        "联系电话",
        "phone",
        ("电话", "手机", "手机号", "手机号码", "电话号码", "联系方式"),
        14,
    ),
    RosterColumn("address", "家庭住址", "text", ("住址", "家庭地址", "现住址", "地址"), 30),
    RosterColumn("status", "党籍状态", "choice", (), 10),
    RosterColumn("lost_contact", "是否失联", "boolean", ("失联", "失去联系"), 8),
    RosterColumn("lost_contact_on", "失联日期", "date", ("失去联系日期", "失联时间"), 12),
    RosterColumn("mobile", "是否流动", "boolean", ("流动党员", "是否流动党员"), 8),
    RosterColumn("mobile_destination", "流动去向", "text", ("外出流向", "流动地点"), 16),
    RosterColumn(
        "office", "组室/教研组", "text", ("组室", "教研组", "所在组室", "组室教研组", "部门"), 14
    ),
    RosterColumn("position", "职务", "text", ("行政职务",), 12),
    RosterColumn("professional_title", "职称", "text", ("专业技术职务",), 12),
    RosterColumn(
        "work_started_on",
        "参加工作日期",
        "date",
        ("参加工作时间", "参加工作年月", "工作时间"),
        12,
    ),
    RosterColumn("native_place", "籍贯", "text", (), 10),
    RosterColumn(
        "dues_paid_until", "党费缴至年月", "month", ("党费缴至", "党费缴纳至", "党费交至"), 12
    ),
    RosterColumn("employment", "在职/退休", "choice", ("在职或退休", "在职退休"), 10),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# The Member fields an import may set; "branch" is informative and "group" is a placement.
IMPORTED_FIELDS = [c.key for c in COLUMNS if c.key not in ("branch", "group")]
# Every column of a member's table, to find what an update changes.
MEMBER_FIELDS = Member._meta.concrete_fields

# Where a constraint's message belongs in the file, for the error list.
CONSTRAINT_COLUMNS = {
    "member_full_membership_after_joining": "full_member_on",
    "member_probationary_has_no_full_date": "full_member_on",
    "member_joined_after_birth": "joined_on",
    "member_id_number_unique": "id_number",
    "member_lost_contact_has_date": "lost_contact_on",
    "member_mobile_has_destination": "mobile_destination",
    "member_exit_has_kind_and_date": "status",
}


def normalise_header(text) -> str:
    """Fold full-width characters, drop spaces, required-field stars, colons and any
    explanation in brackets: "公民身份号码（18位）*" → "公民身份号码"."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\([^)]*\)", "", text)
    return text.strip("*:")


HEADER_KEYS = {
    normalise_header(name): column.key
    for column in COLUMNS
    for name in (column.header, *column.synonyms)
}

# ---------------------------------------------------------------------------- export


def roster_title(branch: Branch) -> str:
    return _("%(branch)s Party member roster") % {"branch": branch.name}


def export_value(column: RosterColumn, member: Member, branch: Branch):
    """The cell value of `column` for `member`, as the import reads it back."""
    if column.key == "branch":
        return branch.name
    if column.key == "group":
        return getattr(member, "current_group_name", None) or ""
    value = getattr(member, column.key)
    if column.kind in ("choice", "boolean"):
        spellings = column.choices.get(value)
        return spellings[0] if spellings else value
    return value


def roster_workbook(*, branch: Branch, members, today: datetime.date | None = None) -> bytes:
    """The formatted roster of `members` (annotated with `current_group_name`) as .xlsx bytes:
    merged title row, frozen header, Chinese-friendly widths, landscape A4 fitted to width with
    the header repeated on every page, identity numbers and phones as text, real dates."""
    today = today or timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Roster"))

    # The title and header rows, and the name column, stay in view.
    print_layout(sheet, [column.width for column in COLUMNS], freeze="B3", today=today)

    title = styled(
        sheet,
        roster_title(branch),
        font=Font(bold=True, size=16),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    sheet.append([title])
    header = header_styles()
    sheet.append([styled(sheet, column.header, **header) for column in COLUMNS])

    thin = Side(style="thin", color="808080")
    writer = CellWriter(
        sheet,
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        number_formats=[NUMBER_FORMATS.get(column.kind) for column in COLUMNS],
        # Long text wraps within its column rather than spilling over the next one.
        wrap={index for index, column in enumerate(COLUMNS) if column.width >= 16},
    )
    for member in members:
        sheet.append(
            [
                writer.cell(index, export_value(column, member, branch))
                for index, column in enumerate(COLUMNS)
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# ---------------------------------------------------------------------------- reading files

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


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
                if cell["column"] <= MAX_COLUMNS and not _is_blank(cell["value"])
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
            rows = [row for row in rows if any(not _is_blank(v) for v in row.values.values())]
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


# ---------------------------------------------------------------------------- cell values


class CellError(Exception):
    """A cell value that cannot be used; the message is for the user."""


def _text(value) -> str:
    """Cell text: numbers without a spurious ".0", dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()  # str.strip() also drops the full-width space


def _folded(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value))).upper()


CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def parse_name(value) -> str:
    """Names padded for alignment ("张  三") lose the padding; Latin names keep their spaces."""
    return CJK_GAP.sub("", _text(value))


def parse_id_number(value) -> str:
    if isinstance(value, bool):
        raise CellError(_("An identity number is 17 digits followed by a digit or X."))
    if isinstance(value, (int, float)):
        digits = f"{int(value)}" if float(value).is_integer() else ""
        if len(digits.lstrip("0")) > 15 or not digits:
            raise CellError(
                _(
                    "The identity number was stored as a number, and Excel keeps only 15 "
                    "digits of a number: its last digits are already lost. Format the column "
                    "as text and type the number again."
                )
            )
        return digits
    return normalise_id_number(_text(value).lstrip("'"))


def parse_phone(value) -> str:
    return normalise_phone(_text(value).lstrip("'")) if not _is_blank(value) else ""


DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
    re.compile(
        r"^(?P<y>\d{4})[年./\-](?P<m>\d{1,2})(?:月|[./\-](?P<d>\d{1,2})日?|月(?P<d2>\d{1,2})日?)?[./\-]?$"
    ),
]
# Serial numbers of 1920-01-01 … 2099-12-31: a lone year such as 2009 is not taken for 1905.
EXCEL_SERIAL_RANGE = (7306, 73050)
YEAR_RANGE = (1900, 2100)


def _date_error(value) -> CellError:
    return CellError(
        _("%(value)s is not a date: write it like 2009-07-01, 2009.07 or 2009年7月1日.")
        % {"value": _text(value)}
    )


def _make_date(year: int, month: int, day: int, original) -> datetime.date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise _date_error(original)
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise _date_error(original) from error


def parse_date(value) -> datetime.date | None:
    """A date from whatever Excel holds: a real date, a serial number, 20090701, 2009.07 typed
    as a number, or text such as 2009年7月1日, 2009/7/1, 2009-07-01 or 2009.07 (a year and
    month means the 1st)."""
    if _is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _date_error(value)
    if isinstance(value, (int, float)):
        return _number_to_date(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d)(?:T|(?=\d{1,2}:))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "", text)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            day = parts.get("d") or parts.get("d2") or 1
            return _make_date(int(parts["y"]), int(parts["m"]), int(day), value)
    if re.fullmatch(r"\d{5}", text):
        return _number_to_date(int(text))
    raise _date_error(value)


def _number_to_date(value) -> datetime.date:
    if float(value).is_integer():
        number = int(value)
        if 19000101 <= number <= 21001231:
            return _make_date(number // 10000, number // 100 % 100, number % 100, value)
        if 190001 <= number <= 210012:
            return _make_date(number // 100, number % 100, 1, value)
        if EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
            return from_excel(number).date()
        raise _date_error(value)
    # 2009.07 typed into a number cell: the year, then the month (and perhaps the day).
    year = int(value)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise _date_error(value)
    fraction = round((value - year) * 10000)
    if fraction % 100:
        return _make_date(year, fraction // 100, fraction % 100, value)
    hundredths = fraction // 100
    if hundredths == 10:
        # 2009.10 and 2009.1 are the same number: October or January?
        raise CellError(
            _(
                "%(value)s was stored as a number, so January and October look the same. "
                "Format the column as text and type the date again, e.g. 2009-10-01."
            )
            % {"value": _text(value)}
        )
    month = hundredths // 10 if hundredths % 10 == 0 else hundredths
    return _make_date(year, month, 1, value)


def parse_choice(column: RosterColumn, value):
    folded = _folded(value)
    for choice, spellings in column.choices.items():
        if folded in spellings or folded == str(choice).upper():
            return choice
        if column.kind == "choice" and folded == _folded(choice.label):
            return choice
    allowed = "、".join(spellings[0] for spellings in column.choices.values())
    raise CellError(
        _("%(value)s is not one of: %(allowed)s.") % {"value": _text(value), "allowed": allowed}
    )


def parse_ethnicity(value) -> str:
    name = _folded(value)
    if name in ETHNIC_GROUPS:
        return name
    if f"{name}族" in ETHNIC_GROUPS:
        return f"{name}族"
    raise CellError(
        _("%(value)s is not one of the 56 ethnic groups; write it like 汉族 or 回族.")
        % {"value": _text(value)}
    )


def parse_cell(column: RosterColumn, value):
    """The Python value of one cell, or None for a blank cell (which changes nothing)."""
    if _is_blank(value):
        return None
    kind = column.kind
    if kind in ("date", "month"):
        return parse_date(value)
    if kind in ("choice", "boolean"):
        return parse_choice(column, value)
    if kind == "id":
        return parse_id_number(value)
    if kind == "phone":
        return parse_phone(value)
    if kind == "name":
        return parse_name(value)
    if kind == "ethnicity":
        return parse_ethnicity(value)
    return _text(value)


def display_value(key: str, value) -> str:
    """A value as the preview shows it (and as the export writes it)."""
    column = COLUMNS_BY_KEY.get(key)
    if value is None or value == "":
        return ""
    if column and column.kind in ("choice", "boolean"):
        spellings = column.choices.get(value)
        return spellings[0] if spellings else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()[:7] if column and column.kind == "month" else value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------- import


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class Change:
    header: str
    old: str
    new: str


@dataclass
class RowOutcome:
    number: int
    name: str
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {
            Action.CREATE: _("New"),
            Action.UPDATE: _("Update"),
            Action.UNCHANGED: _("Unchanged"),
        }[self.action]


@dataclass
class RowError:
    row: int
    column: str  # the column letter, "" when the file has no such column
    header: str
    message: str

    def within_row(self) -> str:
        """The problem without the row number, for the error column of the returned file."""
        if self.column:
            return _("Column %(column)s (%(header)s): %(message)s") % {
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.header:
            return _("%(header)s: %(message)s") % {"header": self.header, "message": self.message}
        return self.message

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column %(column)s (%(header)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.header:
            return _("Row %(row)s, %(header)s: %(message)s") % {
                "row": self.row,
                "header": self.header,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    outcomes: list[RowOutcome]
    errors: list[RowError]
    dry_run: bool

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    def summary(self) -> str:
        return _("%(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class _BranchIndex:
    """The branch's members and groups, fetched once, for matching rows to records."""

    def __init__(self, branch: Branch):
        members = list(Member.objects.filter(branch=branch))
        self.by_id = {m.id_number: m for m in members if m.id_number}
        self.by_name_birth = defaultdict(list)
        self.by_name = defaultdict(list)
        for member in members:
            self.by_name_birth[(member.name, member.birth_date)].append(member)
            self.by_name[member.name].append(member)
        self.current_group = {
            member_id: (group_id, group_name)
            for member_id, group_id, group_name in GroupMembership.objects.current()
            .filter(member__branch=branch)
            .values_list("member_id", "group_id", "group__name")
        }
        groups = list(PartyGroup.objects.filter(branch=branch, dissolved_on__isnull=True))
        self.groups = groups
        self.groups_by_name = {}
        for group in groups:
            folded = _folded(group.name)
            self.groups_by_name[folded] = group
            if folded.endswith("党小组"):
                self.groups_by_name.setdefault(folded.removesuffix("党小组"), group)

    def match(self, values: dict) -> tuple[Member | None, str | None]:
        """The existing member a row describes: by identity number; else by name and birth
        date (when one side has no identity number); else by name alone when the row has
        neither. Returns (member, None) or (None, message) when several records fit."""
        id_number = values.get("id_number")
        if id_number and id_number in self.by_id:
            return self.by_id[id_number], None
        name = values.get("name")
        birth_date = values.get("birth_date") or (
            birth_date_from_id(id_number) if id_number and len(id_number) == 18 else None
        )
        if birth_date:
            candidates = self.by_name_birth.get((name, birth_date), [])
        elif not id_number:
            candidates = self.by_name.get(name, [])
        else:
            candidates = []
        candidates = [m for m in candidates if not (id_number and m.id_number)]
        if len(candidates) > 1:
            return None, _(
                "%(count)s members of the branch are called %(name)s and none can be told "
                "apart by identity number or birth date; add the identity number."
            ) % {"count": len(candidates), "name": name}
        return (candidates[0] if candidates else None), None


def _validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field key, message) pairs; constraint messages go to the column they are about."""
    constraint_messages = {
        str(constraint.violation_error_message): CONSTRAINT_COLUMNS.get(constraint.name, "")
        for constraint in Member._meta.constraints
    }
    pairs = []
    for key, messages in error.message_dict.items():
        for message in messages:
            if key == NON_FIELD_ERRORS:
                pairs.append((constraint_messages.get(message, ""), message))
            else:
                pairs.append((key, message))
    return pairs


def _check_duplicates(rows: list[RosterRow], parsed: dict[int, dict], error) -> None:
    """Two rows for the same person (same identity number, or same name and birth date):
    each row names the other."""
    seen: dict[tuple, int] = {}
    for row in rows:
        values = parsed.get(row.number)
        if not values:
            continue
        if values.get("id_number"):
            key = ("id_number", values["id_number"])
            message = _("Rows %(first)s and %(second)s have the same identity number; keep one.")
        elif values.get("birth_date"):
            key = ("name", values["name"], values["birth_date"])
            message = _(
                "Rows %(first)s and %(second)s have the same name and birth date; keep one."
            )
        else:
            continue  # a name alone does not make two rows the same person
        if key in seen:
            message = message % {"first": seen[key], "second": row.number}
            error(seen[key], key[0], message)
            error(row.number, key[0], message)
        else:
            seen[key] = row.number


def roster_import(
    *,
    branch: Branch,
    rows: list[RosterRow],
    acting_user,
    sheet: RosterSheet | None = None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Create or update the branch's members from roster rows, all or nothing.

    Each row is matched to an existing member (identity number, else name and birth date)
    and validated as the model's `full_clean` would (`full_clean_many`: the same checks and
    messages, without a query per row). Only the members a row changes are written, in bulk,
    each with a history row by `acting_user`. A 所在党小组 places a new member in that group
    from `today` the same way, and moves an existing one through `group_member_place`. If any
    row is invalid nothing is written and every problem is returned. `dry_run` does all the
    work and rolls it back, so a preview shows exactly what the import will do. `sheet` lets
    error messages name the file's own columns.
    """
    today = today or timezone.localdate()
    errors: list[RowError] = []
    outcomes: list[RowOutcome] = []

    def label(key: str) -> tuple[str, str]:
        if sheet is not None:
            return sheet.column_label(key)
        column = COLUMNS_BY_KEY.get(key)
        return "", column.header if column else ""

    def error(number: int, key: str, message) -> None:
        column, header = label(key) if key else ("", "")
        errors.append(RowError(number, column, header, str(message)))

    writer = _Writer(acting_user=acting_user, today=today, error=error)
    try:
        with transaction.atomic():
            # Imports into one branch wait for each other (PostgreSQL; SQLite locks anyway).
            Branch.objects.select_for_update().filter(pk=branch.pk).first()
            index = _BranchIndex(branch)
            parsed = _parse_rows(rows, error)
            _check_duplicates(rows, parsed, error)
            unreadable = {problem.row for problem in errors}
            readable = [
                row for row in rows if row.number in parsed and row.number not in unreadable
            ]
            plans = _plan_rows(readable, parsed, index=index, branch=branch, error=error)
            _validate(plans, error)
            writer.write(plans)
            outcomes = [_outcome(plan, label) for plan in plans if not plan.failed]
            if errors or dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Every row was validated, so only a concurrent change gets here.
        logger.warning("Roster import hit an integrity error at row %s", writer.row)
        errors.append(
            RowError(
                writer.row or 0,
                "",
                "",
                _(
                    "The records changed while the roster was being imported; nothing was saved. "
                    "Please import again."
                ),
            )
        )
    errors.sort(key=lambda problem: (problem.row, problem.column or "~"))
    return ImportResult(outcomes=outcomes, errors=errors, dry_run=dry_run)


def _parse_rows(rows: list[RosterRow], error) -> dict[int, dict]:
    """{row number: {key: value}} for the rows whose every cell could be read."""
    parsed = {}
    for row in rows:
        values, readable = {}, True
        for key, raw in row.values.items():
            if key == "branch":
                continue  # informative: the import goes to the branch chosen for it
            try:
                value = parse_cell(COLUMNS_BY_KEY[key], raw)
            except CellError as problem:
                error(row.number, key, str(problem))
                readable = False
                continue
            if value is not None:
                values[key] = value
        if not values.get("name"):
            error(row.number, "name", _("The name is missing."))
            readable = False
        if readable:
            parsed[row.number] = values
    return parsed


def _same(key: str, old, new) -> bool:
    if COLUMNS_BY_KEY[key].kind == "month" and old is not None and new is not None:
        return (old.year, old.month) == (new.year, new.month)  # dues: the day is ignored
    return old == new


@dataclass
class _RowPlan:
    """What one row does to its member, worked out before anything is written."""

    number: int
    values: dict
    member: Member  # with the row's values set; saved only by the writer
    creating: bool
    before: dict  # the imported fields as they were
    stored: dict  # every column as stored (attname → value), if the row changes any
    changed: bool  # the row changes an imported field
    group: PartyGroup | None  # the group the row names
    old_group: tuple[int, str] | None  # (id, name) of the member's current group
    failed: bool = False  # a problem was reported for the row

    @property
    def moves(self) -> bool:
        return self.group is not None and (
            self.old_group is None or self.old_group[0] != self.group.pk
        )

    @property
    def saves(self) -> bool:
        return self.creating or self.changed


def _plan_rows(rows, parsed, *, index, branch, error) -> list[_RowPlan]:
    """A plan for every row that names a known group and at most one member."""
    plans = []
    matched_rows: dict[int, int] = {}
    for row in rows:
        values = parsed[row.number]
        member, problem = index.match(values)
        if problem:
            error(row.number, "name", problem)
            continue
        if member is not None:
            if member.pk in matched_rows:
                message = _(
                    "Rows %(first)s and %(second)s are both %(name)s; keep one of them."
                ) % {"first": matched_rows[member.pk], "second": row.number, "name": member.name}
                error(matched_rows[member.pk], "name", message)
                error(row.number, "name", message)
                continue
            matched_rows[member.pk] = row.number

        group = None
        if values.get("group"):
            group = index.groups_by_name.get(_folded(values["group"]))
            if group is None:
                error(
                    row.number,
                    "group",
                    _("%(branch)s has no party group called %(name)s. Its groups: %(groups)s.")
                    % {
                        "branch": branch.name,
                        "name": values["group"],
                        "groups": "、".join(g.name for g in index.groups) or "—",
                    },
                )
                continue
        creating = member is None
        if creating:
            member = Member(branch=branch)
        before = {key: getattr(member, key) for key in IMPORTED_FIELDS}
        updates = {
            key: values[key]
            for key in IMPORTED_FIELDS
            if key in values and not _same(key, before[key], values[key])
        }
        stored = {}
        if updates and not creating:
            stored = {field.attname: getattr(member, field.attname) for field in MEMBER_FIELDS}
        for key, value in updates.items():
            setattr(member, key, value)
        old_group = None if creating else index.current_group.get(member.pk)
        plans.append(
            _RowPlan(
                row.number,
                values,
                member,
                creating,
                before,
                stored,
                changed=bool(updates),
                group=group,
                old_group=old_group,
            )
        )
    return plans


def _validate(plans: list[_RowPlan], error) -> None:
    """The model's own validation of every member to be saved; a failed row is marked."""
    saving = [plan for plan in plans if plan.saves]
    for plan, problem in zip(saving, full_clean_many([p.member for p in saving]), strict=True):
        if problem is not None:
            plan.failed = True
            for key, message in _validation_messages(problem):
                error(plan.number, key, message)


class _Writer:
    """Writes the validated plans: members and memberships in bulk, each with its history
    row by the acting user, as `audited_save` would have written them one by one."""

    def __init__(self, *, acting_user, today: datetime.date, error):
        self.acting_user = acting_user
        self.today = today
        self.error = error
        self.row: int | None = None  # the row being written, for an IntegrityError

    def write(self, plans: list[_RowPlan]) -> None:
        plans = [plan for plan in plans if not plan.failed]
        created = [plan for plan in plans if plan.creating]
        self.create_members(created)
        self.update_members([plan for plan in plans if plan.saves and not plan.creating])
        self.place_new_members([plan for plan in created if plan.group is not None])
        # Existing members move through the service: it ends their current membership and
        # any leadership of the group they leave.
        for plan in plans:
            if plan.moves and not plan.creating:
                self.place(plan)

    def in_bulk(self, plans: list[_RowPlan], write) -> None:
        """`write(plans)` in one go. Should the database refuse (a concurrent change:
        everything was validated), write them again one at a time, so that the
        IntegrityError which ends the import names its row."""
        if not plans:
            return
        self.row = plans[0].number
        try:
            with transaction.atomic():
                write(plans)
        except IntegrityError:
            for plan in plans:
                self.row = plan.number
                write([plan])

    def history(self, instances, *, update: bool = False) -> None:
        for instance in instances:
            instance._history_user = self.acting_user
        type(instances[0]).history.bulk_history_create(
            instances, update=update, default_user=self.acting_user, default_change_reason=None
        )

    def create_members(self, plans: list[_RowPlan]) -> None:
        self.in_bulk(plans, lambda batch: Member.objects.bulk_create([p.member for p in batch]))
        if plans:
            self.history([plan.member for plan in plans])

    def update_members(self, plans: list[_RowPlan]) -> None:
        # Only the columns some row changed (validation may fill more than the row named).
        fields = [
            field.name
            for field in MEMBER_FIELDS
            if any(
                getattr(plan.member, field.attname) != plan.stored[field.attname] for plan in plans
            )
        ]
        self.in_bulk(
            plans, lambda batch: Member.objects.bulk_update([p.member for p in batch], fields)
        )
        if plans:
            self.history([plan.member for plan in plans], update=True)

    def place_new_members(self, plans: list[_RowPlan]) -> None:
        """What `group_member_place` does for a member without a group, in bulk; those it
        would refuse go through it, so that it says why."""
        on_roll = set()
        pks = [plan.member.pk for plan in plans]
        for start in range(0, len(pks), 500):
            on_roll.update(
                Member.objects.on_roll()
                .filter(pk__in=pks[start : start + 500])
                .order_by()
                .values_list("pk", flat=True)
            )
        placing = []
        for plan in plans:
            if plan.member.pk in on_roll:
                placing.append(plan)
            else:
                self.place(plan)
        memberships = [
            GroupMembership(group=plan.group, member=plan.member, started_on=self.today)
            for plan in placing
        ]
        valid = []
        for plan, membership, problem in zip(
            placing, memberships, full_clean_many(memberships), strict=True
        ):
            if problem is None:
                valid.append(membership)
            else:
                plan.failed = True
                for message in problem.messages:
                    self.error(plan.number, "group", message)
        if valid:
            self.row = placing[0].number
            GroupMembership.objects.bulk_create(valid)
            self.history(valid)

    def place(self, plan: _RowPlan) -> None:
        self.row = plan.number
        try:
            group_member_place(
                group=plan.group,
                member=plan.member,
                started_on=self.today,
                acting_user=self.acting_user,
            )
        except ValidationError as problem:
            plan.failed = True
            for message in problem.messages:
                self.error(plan.number, "group", message)


def _outcome(plan: _RowPlan, label) -> RowOutcome:
    """What the row did, for the preview: the values a new member got, or the changes."""
    member = plan.member
    if not plan.saves and not plan.moves:
        return RowOutcome(plan.number, member.name, Action.UNCHANGED)
    if plan.creating:
        recorded = [
            Change(label(key)[1], "", display_value(key, getattr(member, key)))
            for key in IMPORTED_FIELDS
            if key in plan.values and key != "name"
        ]
        if plan.group is not None:
            recorded.append(Change(label("group")[1], "", plan.group.name))
        return RowOutcome(plan.number, member.name, Action.CREATE, recorded)
    changes = [
        Change(
            label(key)[1],
            display_value(key, plan.before[key]),
            display_value(key, getattr(member, key)),
        )
        for key in IMPORTED_FIELDS
        if getattr(member, key) != plan.before[key]
    ]
    if plan.moves:
        old_name = plan.old_group[1] if plan.old_group else ""
        changes.append(Change(label("group")[1], old_name, plan.group.name))
    return RowOutcome(plan.number, member.name, Action.UPDATE, changes)


# ---------------------------------------------------------------------------- error workbook


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
        number_formats[column - 1] = NUMBER_FORMATS.get(COLUMNS_BY_KEY[key].kind)
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
