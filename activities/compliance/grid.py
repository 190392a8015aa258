"""Was every required meeting held? (三会一课 检查, domain §2)

A meeting type's rule (`MeetingRule`, see `rules`) says how many meetings are owed per month,
quarter, semester, school year or calendar year (年度), branch-wide or in every party group;
the school calendar (`calendar`) says which days are term time, so that a period that is
mostly holiday owes nothing. The grid has a row per (meeting type, group) and a cell per
period (`periods`).

It reads in a fixed number of queries, whatever the number of meetings: the year's meetings
are fetched once, with only the columns needed, and sorted into periods in Python.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.compliance.calendar import (
    SchoolCalendar,
    overlap_days,
    terms_for,
    terms_for_branches,
)
from activities.compliance.periods import PeriodSpan, periods_of, school_year_label
from activities.compliance.rules import RuleBook, is_checked, rule_summary
from activities.models import (
    LATE_MONTH_FOR_LAST_YEAR,
    Meeting,
    MeetingRule,
    MeetingType,
    Period,
    year_counted_for,
)
from branchsite.dates import ONE_DAY, month_bounds, short_date
from groups.models import Branch, PartyGroup

# Meeting types in the order the grid lists them (three meetings, one lecture, then the rest).
KIND_ORDER = [
    MeetingType.COMMITTEE,
    MeetingType.GENERAL,
    MeetingType.GROUP,
    MeetingType.LECTURE,
    MeetingType.THEMED_DAY,
    MeetingType.LIFE,
    MeetingType.EVALUATION,
    MeetingType.OTHER,
]


class CellStatus(TextChoices):
    HELD = "held", _("Held")
    MISSING = "missing", _("Not held")
    NOT_YET_DUE = "not_yet_due", _("Not yet due")
    NOT_REQUIRED = "not_required", _("Not required")


@dataclass(frozen=True)
class MeetingRef:
    pk: int
    held_on: datetime.date
    year: int  # the calendar year it counts for (`Meeting.counts_for_year`)


@dataclass
class Cell:
    """One period of one row: its status and the meetings held in it."""

    period: PeriodSpan
    status: str
    meetings: list[MeetingRef]
    times: int  # meetings owed; 0 when none are

    @property
    def held(self) -> int:
        return len(self.meetings)

    @property
    def shows_count(self) -> bool:
        """ "1/2" is worth showing when more than one meeting is owed and not all were held."""
        return self.times > 1 and self.status in (CellStatus.MISSING, CellStatus.NOT_YET_DUE)

    @property
    def status_label(self) -> str:
        return CellStatus(self.status).label


@dataclass
class DisplayCell:
    """A table cell spanning `columns` month columns. It normally shows one period; a period
    shorter than half a month (cut by a rule change) shares the cell of its month."""

    columns: int
    cells: list[Cell]


@dataclass
class Row:
    kind: str
    group: PartyGroup | None
    rules: list[MeetingRule]  # the rules in force during the year, oldest first
    cells: list[Cell]
    display: list[DisplayCell] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return MeetingType(self.kind).label

    @property
    def rule(self) -> MeetingRule | None:
        """The rule in force at the end of the year (the one usually worth showing)."""
        return self.rules[-1] if self.rules else None

    @property
    def rule_text(self) -> str:
        return rule_summary(self.rule) if self.rule else ""


@dataclass
class ComplianceGrid:
    branch: Branch
    school_year: int
    today: datetime.date
    calendar: SchoolCalendar
    months: list[PeriodSpan]
    rows: list[Row]

    @property
    def start(self) -> datetime.date:
        return self.calendar.start

    @property
    def end(self) -> datetime.date:
        return self.calendar.end

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def is_current(self) -> bool:
        return self.start <= self.today <= self.end


def _active_window(branch: Branch, group: PartyGroup | None):
    """The days the row's body existed: from the branch's (and group's) founding to the day
    before the group was dissolved. None stands for 'no limit'."""
    firsts = [day for day in (branch.founded_on, group and group.founded_on) if day]
    first = max(firsts) if firsts else None
    last = group.dissolved_on - ONE_DAY if group and group.dissolved_on else None
    return first, last


def _cell(
    span: PeriodSpan,
    rule: MeetingRule | None,
    meetings: list[MeetingRef],
    calendar: SchoolCalendar,
    window,
    today: datetime.date,
) -> Cell:
    inside = [m for m in meetings if span.counts(m.held_on, m.year)]
    if not is_checked(rule):
        return Cell(span, CellStatus.NOT_REQUIRED, inside, 0)
    first, last = window
    start = max(span.start, first) if first else span.start
    end = min(span.end, last) if last else span.end
    if start > end:  # the branch or group did not exist in this period
        return Cell(span, CellStatus.NOT_REQUIRED, inside, 0)
    if calendar.term_days(start, end) < rule.min_term_days:  # holiday
        return Cell(span, CellStatus.NOT_REQUIRED, inside, 0)
    if len(inside) >= rule.times:
        status = CellStatus.HELD
    elif span.due_on >= today:
        status = CellStatus.NOT_YET_DUE
    else:
        status = CellStatus.MISSING
    return Cell(span, status, inside, rule.times)


def _clip(span: PeriodSpan, start, end, calendar: SchoolCalendar) -> PeriodSpan | None:
    """The part of `span` from `start` to `end` (None: no limit). A piece cut by a rule
    change counts the meetings held in it, by date."""
    start = max(span.start, start) if start else span.start
    end = min(span.end, end) if end else span.end
    if start > end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    hint = f"{short_date(start)}–{short_date(end)}"
    return PeriodSpan(span.period, start, end, span.label, hint, calendar.term_days(start, end))


def _row_cells(segments, applies, meetings, calendar, window, today) -> list[Cell]:
    """The cells of a row: each segment's periods, cut at the segment's edges. A segment
    without a rule, with one not checked or one that does not apply to the row (a branch-wide
    rule on a group's row) is one 'not required' cell. Periods reaching beyond the school
    year (a whole quarter, a calendar year) are cut only where a rule changes."""
    cells = []
    for index, (first, last, rule) in enumerate(segments):
        if is_checked(rule) and applies(rule):
            cut_from = first if index > 0 else None
            cut_to = last if index < len(segments) - 1 else None
            for span in periods_of(calendar, rule.period, rule):
                clipped = _clip(span, cut_from, cut_to, calendar)
                if clipped is not None:
                    cells.append(_cell(clipped, rule, meetings, calendar, window, today))
        else:
            hint = f"{short_date(first)}–{short_date(last)}"
            label = gettext("Not checked")
            span = PeriodSpan("", first, last, label, hint, calendar.term_days(first, last))
            cells.append(_cell(span, None, meetings, calendar, window, today))
    return cells


def _lay_out(cells: list[Cell], months: list[PeriodSpan]) -> list[DisplayCell]:
    """Give each month column to the period holding most of its days; a period that holds
    no month joins the cell of the month it starts in."""
    owners = []
    for month in months:
        overlaps = [
            overlap_days(month.start, month.end, c.period.start, c.period.end) for c in cells
        ]
        owners.append(overlaps.index(max(overlaps)))
    display, display_of_column = [], []
    for column, owner in enumerate(owners):
        if display and owners[column - 1] == owner:
            display[-1].columns += 1
        else:
            display.append(DisplayCell(1, [cells[owner]]))
        display_of_column.append(display[-1])
    month_index = {(m.start.year, m.start.month): i for i, m in enumerate(months)}
    for index, cell in enumerate(cells):
        if index not in owners:
            start = min(max(cell.period.start, months[0].start), months[-1].start)
            column = month_index[(start.year, start.month)]
            target = display_of_column[column]
            target.cells.append(cell)
            target.cells.sort(key=lambda c: c.period.start)
    return display


def _groups_in_year(branch_ids, start, end, group_ids):
    groups = PartyGroup.objects.filter(branch__in=branch_ids).exclude(founded_on__gt=end)
    groups = groups.exclude(dissolved_on__lte=start)
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    return list(groups.order_by("sort_order", "name"))


def _plans(book: RuleBook, start, end, party_groups, group_ids):
    """(kind, group or None, segments, applies) of every row the grid will have."""
    plans = []
    for kind in KIND_ORDER:
        segments = book.segments(kind, start, end)
        checked = [rule for _, _, rule in segments if is_checked(rule)]
        if any(not rule.per_group for rule in checked) and group_ids is None:
            plans.append((kind, None, segments, lambda rule: not rule.per_group))
        if any(rule.per_group for rule in checked):
            for group in party_groups:
                plans.append((kind, group, segments, lambda rule: rule.per_group))
    return plans


def _reach(calendar: SchoolCalendar):
    """The days whose meetings a school year's grid reads: whole quarters and calendar years
    reach beyond the school year, and a yearly duty held in January may count for the year
    before."""
    return (
        datetime.date(calendar.start.year, 1, 1),
        month_bounds(calendar.end.year + 1, LATE_MONTH_FOR_LAST_YEAR)[1],
    )


def _sorted_meetings(rows) -> dict:
    """(kind, group id or None) → [MeetingRef] by date, from (pk, kind, group, held_on,
    held_for_year) rows in date order."""
    meetings = defaultdict(list)
    for pk, kind, group_id, held_on, held_for_year in rows:
        reference = MeetingRef(pk, held_on, year_counted_for(held_on, held_for_year))
        meetings[(kind, None)].append(reference)
        if group_id is not None:
            meetings[(kind, group_id)].append(reference)
    return meetings


def _grid(branch, school_year, today, calendar, plans, meetings) -> ComplianceGrid:
    months = periods_of(calendar, Period.MONTH)
    rows = []
    for kind, group, segments, applies in plans:
        held = meetings[(kind, group.pk if group else None)]
        window = _active_window(branch, group)
        cells = _row_cells(segments, applies, held, calendar, window, today)
        rules = [rule for _, _, rule in segments if is_checked(rule) and applies(rule)]
        row = Row(kind, group, rules, cells)
        row.display = _lay_out(cells, months)
        rows.append(row)
    return ComplianceGrid(branch, school_year, today, calendar, months, rows)


MEETING_COLUMNS = ("pk", "kind", "group_id", "held_on", "held_for_year")


def compliance_grid(
    branch: Branch,
    school_year: int,
    today: datetime.date,
    groups: Iterable | None = None,
) -> ComplianceGrid:
    """Rows of (meeting type, group) with a cell per period of the school year, each held /
    missing / not yet due / not required and holding its meetings. With `groups` (objects
    or ids: a leader's), only the group meetings of those groups. 4 queries."""
    group_ids = None if groups is None else {getattr(g, "pk", g) for g in groups}
    calendar = terms_for(branch, school_year)
    book = RuleBook.load(branch)
    party_groups = _groups_in_year([branch.pk], calendar.start, calendar.end, group_ids)
    plans = _plans(book, calendar.start, calendar.end, party_groups, group_ids)
    rows = []
    if plans:
        found = Meeting.objects.filter(
            branch=branch,
            held_on__range=_reach(calendar),
            kind__in={kind for kind, *_ in plans},
        )
        if group_ids is not None:
            found = found.filter(group_id__in=group_ids)
        rows = found.order_by("held_on", "pk").values_list(*MEETING_COLUMNS)
    return _grid(branch, school_year, today, calendar, plans, _sorted_meetings(rows))


def compliance_grids(branches, school_year: int, today: datetime.date) -> dict[int, ComplianceGrid]:
    """`compliance_grid` of every branch in `branches` (a district's), keyed by branch id:
    4 queries for any number of branches."""
    branches = {branch.pk: branch for branch in branches}
    if not branches:
        return {}
    calendars = terms_for_branches(branches, school_year)
    books = RuleBook.load_many(branches)
    # One range covers every branch's calendar; each grid keeps only what it counts.
    first = min(_reach(calendar)[0] for calendar in calendars.values())
    last = max(_reach(calendar)[1] for calendar in calendars.values())
    widest_start = min(calendar.start for calendar in calendars.values())
    widest_end = max(calendar.end for calendar in calendars.values())
    groups_of = defaultdict(list)
    for group in _groups_in_year(branches, widest_start, widest_end, None):
        groups_of[group.branch_id].append(group)
    rows_of = defaultdict(list)
    found = Meeting.objects.filter(branch__in=branches, held_on__range=(first, last))
    for branch_id, *row in found.order_by("held_on", "pk").values_list(
        "branch_id", *MEETING_COLUMNS
    ):
        rows_of[branch_id].append(row)
    grids = {}
    for branch_id, branch in branches.items():
        calendar = calendars[branch_id]
        start, end = calendar.start, calendar.end
        party_groups = [
            group
            for group in groups_of[branch_id]
            if not (group.founded_on and group.founded_on > end)
            and not (group.dissolved_on and group.dissolved_on <= start)
        ]
        plans = _plans(books[branch_id], start, end, party_groups, None)
        kinds = {kind for kind, *_ in plans}
        reach_start, reach_end = _reach(calendar)
        rows = [
            row
            for row in rows_of[branch_id]
            if row[1] in kinds and reach_start <= row[3] <= reach_end
        ]
        grids[branch_id] = _grid(
            branch, school_year, today, calendar, plans, _sorted_meetings(rows)
        )
    return grids
