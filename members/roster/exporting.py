"""The formatted export of a branch's members, as the import reads it back."""

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from branchsite.xlsx import CellWriter, header_styles, print_layout, styled
from groups.models import Branch
from members.models import Member
from members.roster.columns import EXPORT_COLUMNS, NUMBER_FORMATS, RosterColumn
from members.selectors import party_age

# Up to this many members the roster is downloaded at once (a school's branch, well under a
# second); a longer one is made in the background (reports.jobs).
DIRECT_EXPORT_MAX_ROWS = 500


def roster_title(branch: Branch) -> str:
    return _("%(branch)s Party member roster") % {"branch": branch.name}


def export_value(
    column: RosterColumn, member: Member, branch: Branch, today: datetime.date | None = None
):
    """The cell value of `column` for `member`, as the import reads it back (党龄 on `today`,
    which the import ignores)."""
    if column.key == "party_age":
        return party_age(member, today or timezone.localdate())
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
    print_layout(sheet, [column.width for column in EXPORT_COLUMNS], freeze="B3", today=today)

    title = styled(
        sheet,
        roster_title(branch),
        font=Font(bold=True, size=16),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    sheet.append([title])
    header = header_styles()
    sheet.append([styled(sheet, column.header, **header) for column in EXPORT_COLUMNS])

    thin = Side(style="thin", color="808080")
    writer = CellWriter(
        sheet,
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        number_formats=[NUMBER_FORMATS.get(column.kind) for column in EXPORT_COLUMNS],
        # Long text wraps within its column rather than spilling over the next one.
        wrap={index for index, column in enumerate(EXPORT_COLUMNS) if column.width >= 16},
    )
    for member in members:
        sheet.append(
            [
                writer.cell(index, export_value(column, member, branch, today))
                for index, column in enumerate(EXPORT_COLUMNS)
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
