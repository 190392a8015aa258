"""Was every required meeting held? (三会一课 检查, domain §2) And who came to them?

The school year runs from 1 September to 31 August. A meeting type's rule (`MeetingRule`)
says how many meetings are owed per month, quarter, semester or school year, branch-wide or
in every party group; the school calendar (`SchoolTerm`, or a default one) says which days
are term time, so that a period that is mostly holiday (寒暑假) owes nothing.

Everything here reads in a fixed number of queries, whatever the number of meetings: the
year's meetings are fetched once, with only the columns needed, and sorted into periods in
Python.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Attendance,
    Meeting,
    MeetingRule,
    MeetingType,
    Period,
    Presence,
    SchoolTerm,
)
from branchsite.dates import (
    ONE_DAY,
    month_bounds,
    school_year_bounds,
    school_year_of,
    short_date,
)
from branchsite.rules import DatedRules
from groups.models import Branch, GroupMembership, PartyGroup
from members.models import Member

# Who stands out in the attendance rates. Many branches' rules follow 党章 第九条 (six months
# without organisational life counts as leaving the Party) with an earlier step: a member who
# misses two meetings in a row without leave (无故连续两次缺席) is talked to. A plain count of
# absences would not do: over a school year of some 40 meetings everyone has a couple. Leave
# (请假) is normal and does not make a run; but someone often away even with leave shows as a
# low rate, judged only once there are enough meetings for a rate to mean something.
ABSENCES_IN_A_ROW = 2
LOW_RATE = 0.8
MIN_MEETINGS_FOR_RATE = 5

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


# ---------------------------------------------------------------------------- the calendar


def _overlap_days(start, end, other_start, other_end) -> int:
    return max(0, (min(end, other_end) - max(start, other_start)).days + 1)


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(frozen=True)
class SchoolCalendar:
    """The terms of one school year; the days between them are holidays. `is_default` when
    the branch has entered no terms for that year and the usual dates are assumed."""

    school_year: int
    terms: tuple[Term, ...]
    is_default: bool

    @property
    def start(self) -> datetime.date:
        return school_year_bounds(self.school_year)[0]

    @property
    def end(self) -> datetime.date:
        return school_year_bounds(self.school_year)[1]

    def term_days(self, start: datetime.date, end: datetime.date) -> int:
        """Days from `start` to `end` (both included) that are inside a term."""
        return sum(_overlap_days(start, end, t.starts_on, t.ends_on) for t in self.terms)

    @property
    def semester_terms(self) -> list[Term]:
        """The terms that belong to this school year: those whose middle day falls in it (a
        term starting in late August belongs to the year it mostly lies in)."""
        return [
            term
            for term in self.terms
            if self.start <= term.starts_on + (term.ends_on - term.starts_on) / 2 <= self.end
        ]


def _nearest_weekday(day: datetime.date, weekday: int) -> datetime.date:
    """The date nearest `day` that falls on `weekday` (Monday = 0)."""
    offset = (weekday - day.weekday() + 3) % 7 - 3
    return day + datetime.timedelta(days=offset)


FRIDAY, MONDAY = 4, 0


def default_terms(school_year: int) -> tuple[Term, ...]:
    """The usual calendar of a Chinese school, used until the branch enters its own: the
    first term from 1 September to the Friday nearest 20 January, the second from the Monday
    nearest 17 February to 30 June."""
    start, _ = school_year_bounds(school_year)
    spring = school_year + 1
    return (
        Term(
            gettext("First semester"),
            start,
            _nearest_weekday(datetime.date(spring, 1, 20), FRIDAY),
        ),
        Term(
            gettext("Second semester"),
            _nearest_weekday(datetime.date(spring, 2, 17), MONDAY),
            datetime.date(spring, 6, 30),
        ),
    )


def terms_for(branch: Branch, school_year: int) -> SchoolCalendar:
    """The branch's terms overlapping the school year, or the default calendar when it has
    entered none that belong to that year (1 query)."""
    start, end = school_year_bounds(school_year)
    rows = SchoolTerm.objects.filter(branch=branch, starts_on__lte=end, ends_on__gte=start)
    terms = tuple(Term(row.name, row.starts_on, row.ends_on) for row in rows.order_by("starts_on"))
    calendar = SchoolCalendar(school_year, terms, is_default=False)
    if not calendar.semester_terms:
        return SchoolCalendar(school_year, default_terms(school_year), is_default=True)
    return calendar


# ---------------------------------------------------------------------------- periods

QUARTER_NAMES = {
    1: _("First quarter"),
    2: _("Second quarter"),
    3: _("Third quarter"),
    4: _("Fourth quarter"),
}
SEMESTER_NAMES = [_("First semester"), _("Second semester"), _("Third semester")]


@dataclass(frozen=True)
class PeriodSpan:
    """One period of a school year: its dates, its name ("9月", "第四季度", "第一学期",
    "2025学年"), a hint of its months or dates, and how many of its days are term time."""

    period: str
    start: datetime.date
    end: datetime.date
    label: str
    hint: str
    term_days: int

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def month_label(month: int) -> str:
    return gettext("Month %(month)s") % {"month": month}


def _month_starts(school_year: int) -> list[datetime.date]:
    start, _ = school_year_bounds(school_year)
    return [
        datetime.date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
        for i in range(12)
    ]


def periods_of(calendar: SchoolCalendar, period: str) -> list[PeriodSpan]:
    """The periods of a school year for a rule's `period`, in order, covering the whole year:
    12 months; the calendar quarters cut at the year's edges (Sept; Oct–Dec; Jan–Mar;
    Apr–Jun; Jul–Aug); the semesters, each with the holiday after it; or the year."""
    year_start, year_end = calendar.start, calendar.end
    spans = []  # (start, end, label, hint)
    if period == Period.MONTH:
        for first in _month_starts(calendar.school_year):
            spans.append(
                (first, month_bounds(first.year, first.month)[1], month_label(first.month), "")
            )
    elif period == Period.QUARTER:
        firsts = _month_starts(calendar.school_year)
        # Start a new piece at each calendar quarter's first month, and at the year's start.
        pieces = [[firsts[0]]]
        for first in firsts[1:]:
            if first.month % 3 == 1:
                pieces.append([first])
            else:
                pieces[-1].append(first)
        for months in pieces:
            quarter = (months[0].month - 1) // 3 + 1
            if len(months) == 1:
                hint = month_label(months[0].month)
            else:
                hint = gettext("Months %(first)s–%(last)s") % {
                    "first": months[0].month,
                    "last": months[-1].month,
                }
            spans.append(
                (
                    months[0],
                    month_bounds(months[-1].year, months[-1].month)[1],
                    str(QUARTER_NAMES[quarter]),
                    hint,
                )
            )
    elif period == Period.SEMESTER:
        terms = calendar.semester_terms
        for index, term in enumerate(terms):
            start = year_start if index == 0 else max(term.starts_on, year_start)
            end = terms[index + 1].starts_on - ONE_DAY if index + 1 < len(terms) else year_end
            label = str(SEMESTER_NAMES[index]) if index < len(SEMESTER_NAMES) else term.name
            spans.append((start, end, label, f"{short_date(start)}–{short_date(end)}"))
    elif period == Period.YEAR:
        label = gettext("School year %(year)s") % {"year": calendar.school_year}
        spans.append((year_start, year_end, label, ""))
    else:
        raise ValueError(f"unknown period {period!r}")
    return [
        PeriodSpan(period, start, end, label, hint, calendar.term_days(start, end))
        for start, end, label, hint in spans
    ]


# ---------------------------------------------------------------------------- rules


class RuleBook:
    """All the rules that may apply to one branch: its own rows and the defaults, read once.
    For a meeting type on a day, the branch's own rule in force that day wins over the
    default (`branchsite.rules`: a branch's own rule only from its own date; before the
    first default on record, the first default applies)."""

    def __init__(self, rules: Iterable[MeetingRule], branch_id: int):
        rules = list(rules)
        self.own = DatedRules(
            [rule for rule in rules if rule.branch_id == branch_id], key=lambda rule: rule.kind
        )
        self.defaults = DatedRules(
            [rule for rule in rules if rule.branch_id != branch_id], key=lambda rule: rule.kind
        )

    @classmethod
    def load(cls, branch: Branch) -> "RuleBook":
        rules = MeetingRule.objects.filter(Q(branch=branch) | Q(branch__isnull=True))
        return cls(rules, branch.pk)

    def rule_for(self, kind: str, on: datetime.date) -> MeetingRule | None:
        return self.own.in_force(kind, on, before_first=False) or self.defaults.in_force(kind, on)

    def segments(self, kind: str, start: datetime.date, end: datetime.date):
        """[(first day, last day, rule or None)] covering `start`..`end`: where a new rule
        takes effect inside the range, the range is cut on that day."""
        changes = sorted(
            {*self.own.changes(kind, start, end), *self.defaults.changes(kind, start, end)}
        )
        segments = []
        for first, following in zip([start, *changes], [*changes, end + ONE_DAY], strict=True):
            rule = self.rule_for(kind, first)
            if segments and segments[-1][2] == rule:
                segments[-1] = (segments[-1][0], following - ONE_DAY, rule)
            else:
                segments.append((first, following - ONE_DAY, rule))
        return segments


def rule_for(branch: Branch, kind: str, on: datetime.date) -> MeetingRule | None:
    """The rule for meeting type `kind` in force at `branch` on `on` (1 query). None, or a
    rule with `required` off, means the type is not checked."""
    return RuleBook.load(branch).rule_for(kind, on)


def _checked(rule: MeetingRule | None) -> bool:
    return rule is not None and rule.required


# ---------------------------------------------------------------------------- the grid


class CellStatus(TextChoices):
    HELD = "held", _("Held")
    MISSING = "missing", _("Not held")
    NOT_YET_DUE = "not_yet_due", _("Not yet due")
    NOT_REQUIRED = "not_required", _("Not required")


@dataclass(frozen=True)
class MeetingRef:
    pk: int
    held_on: datetime.date


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
    def is_current(self) -> bool:
        return self.start <= self.today <= self.end


def rule_summary(rule: MeetingRule) -> str:
    """How often, in words: "每月 1 次", "每学期 2 次"."""
    templates = {
        Period.MONTH: gettext("%(times)s per month"),
        Period.QUARTER: gettext("%(times)s per quarter"),
        Period.SEMESTER: gettext("%(times)s per semester"),
        Period.YEAR: gettext("%(times)s per school year"),
    }
    return templates[rule.period] % {"times": rule.times}


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
    inside = [m for m in meetings if span.start <= m.held_on <= span.end]
    if not _checked(rule):
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
    elif span.end >= today:
        status = CellStatus.NOT_YET_DUE
    else:
        status = CellStatus.MISSING
    return Cell(span, status, inside, rule.times)


def _clip(span: PeriodSpan, start, end, calendar: SchoolCalendar) -> PeriodSpan | None:
    start, end = max(span.start, start), min(span.end, end)
    if start > end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    hint = f"{short_date(start)}–{short_date(end)}"
    return PeriodSpan(span.period, start, end, span.label, hint, calendar.term_days(start, end))


def _row_cells(segments, applies, meetings, calendar, window, today) -> list[Cell]:
    """The cells of a row: each segment's periods, cut at the segment's edges. A segment
    without a rule, with one not checked or one that does not apply to the row (a branch-wide
    rule on a group's row) is one 'not required' cell."""
    cells = []
    for first, last, rule in segments:
        if _checked(rule) and applies(rule):
            for span in periods_of(calendar, rule.period):
                clipped = _clip(span, first, last, calendar)
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
            _overlap_days(month.start, month.end, c.period.start, c.period.end) for c in cells
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
            column = month_index[(cell.period.start.year, cell.period.start.month)]
            target = display_of_column[column]
            target.cells.append(cell)
            target.cells.sort(key=lambda c: c.period.start)
    return display


def _groups_in_year(branch: Branch, start, end, group_ids) -> list[PartyGroup]:
    groups = PartyGroup.objects.filter(branch=branch).exclude(founded_on__gt=end)
    groups = groups.exclude(dissolved_on__lte=start)
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    return list(groups.order_by("sort_order", "name"))


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
    start, end = calendar.start, calendar.end
    book = RuleBook.load(branch)
    party_groups = _groups_in_year(branch, start, end, group_ids)
    months = periods_of(calendar, Period.MONTH)

    plans = []  # (kind, group or None, segments, applies)
    for kind in KIND_ORDER:
        segments = book.segments(kind, start, end)
        checked = [rule for _, _, rule in segments if _checked(rule)]
        if any(not rule.per_group for rule in checked) and group_ids is None:
            plans.append((kind, None, segments, lambda rule: not rule.per_group))
        if any(rule.per_group for rule in checked):
            for group in party_groups:
                plans.append((kind, group, segments, lambda rule: rule.per_group))

    meetings = defaultdict(list)  # (kind, group id) → [MeetingRef], by date
    if plans:
        found = Meeting.objects.filter(
            branch=branch,
            held_on__range=(start, end),
            kind__in={kind for kind, *_ in plans},
        )
        if group_ids is not None:
            found = found.filter(group_id__in=group_ids)
        for pk, kind, group_id, held_on in found.order_by("held_on", "pk").values_list(
            "pk", "kind", "group_id", "held_on"
        ):
            reference = MeetingRef(pk, held_on)
            meetings[(kind, None)].append(reference)
            if group_id is not None:
                meetings[(kind, group_id)].append(reference)

    rows = []
    for kind, group, segments, applies in plans:
        held = meetings[(kind, group.pk if group else None)]
        window = _active_window(branch, group)
        cells = _row_cells(segments, applies, held, calendar, window, today)
        rules = [rule for _, _, rule in segments if _checked(rule) and applies(rule)]
        row = Row(kind, group, rules, cells)
        row.display = _lay_out(cells, months)
        rows.append(row)
    return ComplianceGrid(branch, school_year, today, calendar, months, rows)


# ---------------------------------------------------------------------------- what is owed now


@dataclass(frozen=True)
class MissingItem:
    """A meeting still owed in a period that is running now."""

    kind: str
    group: PartyGroup | None
    period_label: str
    period_end: datetime.date
    held: int
    times: int

    @property
    def kind_label(self) -> str:
        return MeetingType(self.kind).label


def missing_in(grid: ComplianceGrid, today: datetime.date) -> list[MissingItem]:
    """The grid's cells whose period contains `today` and that still owe meetings, those
    ending soonest first."""
    items = [
        MissingItem(row.kind, row.group, cell.period.label, cell.period.end, cell.held, cell.times)
        for row in grid.rows
        for cell in row.cells
        if cell.period.contains(today) and cell.status == CellStatus.NOT_YET_DUE
    ]
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    items.sort(key=lambda item: (item.period_end, order[item.kind]))
    return items


def missing_now(
    branch: Branch, today: datetime.date, groups: Iterable | None = None
) -> list[MissingItem]:
    """What is still owed in the current month, quarter, semester and school year: for the
    whole branch, or (`groups`: a leader's) for those groups' own meetings. 4 queries."""
    grid = compliance_grid(branch, school_year_of(today), today, groups=groups)
    return missing_in(grid, today)


# ---------------------------------------------------------------------------- attendance


@dataclass
class Tally:
    """Attendance counted over attendance rows: 应到 (expected), 实到, 请假, 缺席."""

    expected: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0

    def add(self, presence: str) -> None:
        self.expected += 1
        if presence == Presence.PRESENT:
            self.present += 1
        elif presence == Presence.EXCUSED:
            self.excused += 1
        else:
            self.absent += 1

    @property
    def rate(self) -> float | None:
        """Share present, from 0 to 1; None when nobody was expected."""
        return self.present / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass
class MemberAttendance(Tally):
    """One member's tally. Rows must be added in the order the meetings were held, so that
    a run of absences can be seen."""

    member_id: int = 0
    name: str = ""
    group_name: str = ""
    group_order: int = 0
    run: int = 0  # absences without leave in a row, up to the latest meeting
    longest_run: int = 0

    def add(self, presence: str) -> None:
        super().add(presence)
        self.run = self.run + 1 if presence == Presence.ABSENT else 0
        self.longest_run = max(self.longest_run, self.run)

    @property
    def absent_in_a_row(self) -> bool:
        return self.longest_run >= ABSENCES_IN_A_ROW

    @property
    def low_rate(self) -> bool:
        return self.expected >= MIN_MEETINGS_FOR_RATE and self.rate < LOW_RATE

    @property
    def repeatedly_absent(self) -> bool:
        return self.absent_in_a_row or self.low_rate


@dataclass
class GroupAttendance(Tally):
    group: PartyGroup | None = None


@dataclass
class AttendanceReport:
    start: datetime.date
    end: datetime.date
    members: list[MemberAttendance]
    groups: list[GroupAttendance]
    total: Tally


def _group_on(memberships, day: datetime.date) -> int | None:
    """The group a member was in on `day`; on the day of a move, the new group."""
    group_id = None
    for group, started_on, ended_on in memberships:  # ordered by start
        if started_on <= day and (ended_on is None or day <= ended_on):
            group_id = group
    return group_id


def attendance_rates(
    branch: Branch,
    start: datetime.date,
    end: datetime.date,
    groups: Iterable | None = None,
) -> AttendanceReport:
    """Attendance per member and per group at the branch's meetings from `start` to `end`.

    A meeting counts for the group its member was in on the day. Without `groups` every
    member's whole record is counted; with `groups` (a leader's) only what happened while
    the member was in one of them. Members on the roll who were expected nowhere are listed
    too, with no rate. 4 queries.
    """
    group_ids = None if groups is None else {getattr(g, "pk", g) for g in groups}
    party_groups = PartyGroup.objects.filter(branch=branch)
    if group_ids is not None:
        party_groups = party_groups.filter(pk__in=group_ids)
    party_groups = list(party_groups.order_by("sort_order", "name"))

    memberships = GroupMembership.objects.filter(group__branch=branch, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    if group_ids is not None:
        memberships = memberships.filter(group_id__in=group_ids)
    history = defaultdict(list)
    current_members = set()
    for member_id, group_id, started_on, ended_on in memberships.order_by(
        "started_on", "pk"
    ).values_list("member_id", "group_id", "started_on", "ended_on"):
        history[member_id].append((group_id, started_on, ended_on))
        if ended_on is None:
            current_members.add(member_id)

    rows = Attendance.objects.filter(
        meeting__branch=branch, meeting__held_on__range=(start, end)
    ).order_by("meeting__held_on", "meeting__starts_at", "meeting_id")
    rows = rows.values_list("member_id", "presence", "meeting__held_on")
    if group_ids is not None:
        rows = rows.filter(member_id__in=list(history))

    tallies: dict[int, MemberAttendance] = {}
    by_group = {group.pk: GroupAttendance(group=group) for group in party_groups}
    total = Tally()
    for member_id, presence, held_on in rows.iterator(chunk_size=2000):
        group_id = _group_on(history.get(member_id, ()), held_on)
        if group_ids is not None and group_id not in group_ids:
            continue
        tallies.setdefault(member_id, MemberAttendance(member_id=member_id)).add(presence)
        if group_id in by_group:
            by_group[group_id].add(presence)
        total.add(presence)

    if group_ids is None:
        # Everyone on the roll, and whoever was expected at a meeting and has left since.
        listed = Member.objects.filter(branch=branch).on_roll() | Member.objects.filter(
            pk__in=list(tallies)
        )
    else:
        listed = Member.objects.filter(pk__in=list(set(tallies) | current_members))
    for member_id, name, group_name, group_order in listed.with_current_group().values_list(
        "pk", "name", "current_group_name", "current_group_order"
    ):
        tally = tallies.setdefault(member_id, MemberAttendance(member_id=member_id))
        tally.name, tally.group_name = name, group_name or ""
        tally.group_order = group_order if group_order is not None else 1 << 15
    members = sorted(
        (tally for tally in tallies.values() if tally.name),
        key=lambda tally: (tally.group_order, tally.group_name, tally.name),
    )
    return AttendanceReport(start, end, members, list(by_group.values()), total)
