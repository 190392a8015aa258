"""The year's meeting ledger (三会一课台账) as an Excel workbook: one row per meeting with its
attendance counts and rate, and a total row.

The counts are computed by the database in the query that reads the meetings
(`with_attendance_counts`), so the ledger costs the same few queries for ten meetings or a
thousand. The workbook follows the roster export's conventions and reuses its cell helpers
(members.roster): formula-looking text stays text, widths fit Chinese, A4 landscape fitted
to the width, the title and header repeated on every printed page.
"""

import datetime
import io
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from activities.compliance.attendance import attendance_rate
from activities.models import Meeting, Presence
from activities.selectors import meeting_counts
from branchsite.xlsx import DATE_FORMAT, CellWriter, header_styles, print_layout, styled
from groups.models import Branch
from members.models import Category

RATE_FORMAT = "0.0%"


def with_attendance_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """`meetings` annotated with the counts of `activities.selectors.meeting_counts`
    (expected_count, present_count, excused_count, absent_count) and full_expected,
    full_present, probationary_expected, probationary_present, make_up_open (make-up
    study not yet done) and invited_count (applicants and activists invited). One query,
    whatever the number of meetings."""
    present = Q(attendances__presence=Presence.PRESENT)
    full = Q(attendances__category=Category.FULL)
    probationary = Q(attendances__category=Category.PROBATIONARY)
    return (
        meeting_counts(meetings)
        .annotate(
            full_expected=Count("attendances", filter=full, distinct=True),
            full_present=Count("attendances", filter=full & present, distinct=True),
            probationary_expected=Count("attendances", filter=probationary, distinct=True),
            probationary_present=Count("attendances", filter=probationary & present, distinct=True),
            make_up_open=Count(
                "attendances__make_up",
                filter=Q(attendances__make_up__done_on__isnull=True),
                distinct=True,
            ),
            invited_count=Count("invited", distinct=True),
        )
        .select_related("group", "host", "recorder")
    )


def review_state(meeting: Meeting) -> str:
    """是否审核: reviewed, changed after review, or not reviewed."""
    if meeting.reviewed_at is None:
        return gettext("Not reviewed")
    if meeting.changed_after_review:
        return gettext("Changed after review")
    return gettext("Reviewed")


def period_label(start: datetime.date | None, end: datetime.date | None) -> str:
    """ "2026年" for a calendar year, else "2026-03-01至2026-06-30" or an open-ended range."""
    if start and end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        ):
            return gettext("the year %(year)s") % {"year": start.year}
        return gettext("%(start)s to %(end)s") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    if start:
        return gettext("from %(start)s") % {"start": start.isoformat()}
    if end:
        return gettext("until %(end)s") % {"end": end.isoformat()}
    return ""


def ledger_title(branch: Branch, start=None, end=None) -> str:
    title = gettext("%(branch)s meeting ledger %(period)s") % {
        "branch": branch.name,
        "period": period_label(start, end),
    }
    return title.strip()  # no period: no trailing space


@dataclass(frozen=True)
class LedgerColumn:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


# The annotations of `with_attendance_counts`, in the order of their columns.
COUNT_FIELDS = ("expected_count", "present_count", "excused_count", "absent_count")
SPLIT_FIELDS = ("full_expected", "full_present", "probationary_expected", "probationary_present")


def ledger_columns() -> list[LedgerColumn]:
    def count(header):
        return LedgerColumn(header, 7)

    return [
        LedgerColumn(pgettext("ledger column", "No."), 6),
        LedgerColumn(pgettext("ledger column", "Date"), 11.5, DATE_FORMAT),
        LedgerColumn(pgettext("ledger column", "Meeting type"), 13, wrap=True),
        LedgerColumn(pgettext("ledger column", "Party group"), 13, wrap=True),
        LedgerColumn(pgettext("ledger column", "Topic"), 30, wrap=True),
        LedgerColumn(pgettext("ledger column", "Place"), 14, wrap=True),
        LedgerColumn(pgettext("ledger column", "Host"), 9),
        LedgerColumn(pgettext("ledger column", "Recorder"), 9),
        LedgerColumn(pgettext("ledger column", "Speaker"), 10, wrap=True),
        count(pgettext("ledger column", "Expected")),
        count(pgettext("ledger column", "Present")),
        count(pgettext("ledger column", "Excused")),
        count(pgettext("ledger column", "Absent")),
        LedgerColumn(pgettext("ledger column", "Attendance rate"), 9, RATE_FORMAT),
        count(pgettext("ledger column", "Full members expected")),
        count(pgettext("ledger column", "Full members present")),
        count(pgettext("ledger column", "Probationary members expected")),
        count(pgettext("ledger column", "Probationary members present")),
        count(pgettext("ledger column", "Non-member attendees")),
        LedgerColumn(pgettext("ledger column", "Reviewed"), 11),
        LedgerColumn(pgettext("ledger column", "Make-up study open"), 9),
    ]


def ledger_row(number: int, meeting: Meeting) -> list:
    """The cell values of one annotated meeting (see `with_attendance_counts`)."""
    return [
        number,
        meeting.held_on,
        meeting.get_kind_display(),
        meeting.group.name if meeting.group_id else "",
        meeting.topic,
        meeting.place,
        meeting.host.name if meeting.host_id else "",
        meeting.recorder.name if meeting.recorder_id else "",
        meeting.speaker,
        *(getattr(meeting, name) for name in COUNT_FIELDS),
        attendance_rate(meeting.present_count, meeting.expected_count),
        *(getattr(meeting, name) for name in SPLIT_FIELDS),
        len(meeting.guest_names) + meeting.invited_count,
        review_state(meeting),
        meeting.make_up_open,
    ]


def _total_row(totals: dict[str, int], guests: int, make_up_open: int) -> list:
    return [
        pgettext("ledger", "Total"),
        *([None] * 8),
        *(totals[name] for name in COUNT_FIELDS),
        attendance_rate(totals["present_count"], totals["expected_count"]),
        *(totals[name] for name in SPLIT_FIELDS),
        guests,
        None,
        make_up_open,
    ]


def meeting_ledger_workbook(
    *,
    branch: Branch,
    meetings: QuerySet[Meeting],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The ledger of `meetings` (in their order) as .xlsx bytes; `start` and `end` name the
    period in the title row."""
    columns = ledger_columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Meeting ledger"))
    # The title and header rows, and the number and date columns, stay in view; the long
    # headers wrap onto three lines.
    print_layout(
        sheet,
        [column.width for column in columns],
        freeze="C3",
        today=today or timezone.localdate(),
        header_height=45,
    )

    sheet.append(
        [
            styled(
                sheet,
                ledger_title(branch, start, end),
                font=Font(bold=True, size=16),
                alignment=Alignment(horizontal="center", vertical="center"),
            )
        ]
    )
    header = header_styles()
    sheet.append([styled(sheet, column.header, **header) for column in columns])

    thin = Side(style="thin", color="808080")
    writer = CellWriter(
        sheet,
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        number_formats=[column.number_format for column in columns],
        wrap={index for index, column in enumerate(columns) if column.wrap},
    )
    totals = dict.fromkeys((*COUNT_FIELDS, *SPLIT_FIELDS), 0)
    guests = make_up_open = 0
    for number, meeting in enumerate(with_attendance_counts(meetings), start=1):
        values = ledger_row(number, meeting)
        sheet.append([writer.cell(index, value) for index, value in enumerate(values)])
        for name in totals:
            totals[name] += getattr(meeting, name)
        guests += len(meeting.guest_names) + meeting.invited_count
        make_up_open += meeting.make_up_open

    bold = Font(bold=True)
    total_cells = []
    for index, value in enumerate(_total_row(totals, guests, make_up_open)):
        cell = writer.make(writer.border, columns[index].number_format)
        cell.font = bold
        cell.value = value
        total_cells.append(cell)
    sheet.append(total_cells)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
