"""The school calendar: the terms of a school year (`SchoolTerm`, or the usual default ones),
so that a period that is mostly holiday (寒暑假) owes no meeting. The school year itself
(1 September to 31 August) is `branchsite.dates`'. The default winter holiday follows 春节,
which moves by up to four weeks from year to year (the lunar calendar, `lunardate`)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from lunardate import LunarDate

from activities.models import SchoolTerm
from branchsite.dates import ONE_DAY, school_year_bounds
from groups.models import Branch


def overlap_days(start, end, other_start, other_end) -> int:
    """How many days the two ranges (both ends included) share."""
    return max(0, (min(end, other_end) - max(start, other_start)).days + 1)


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(frozen=True)
class SchoolCalendar:
    """The terms of one school year; the days between them are holidays. `is_default` when
    the branch has entered no terms for that year and the usual dates are assumed.
    `neighbours` are the terms of the school years before and after (entered or default),
    for the periods that reach beyond the year (a calendar quarter, a calendar year)."""

    school_year: int
    terms: tuple[Term, ...]
    is_default: bool
    neighbours: tuple[Term, ...] = ()

    @property
    def start(self) -> datetime.date:
        return school_year_bounds(self.school_year)[0]

    @property
    def end(self) -> datetime.date:
        return school_year_bounds(self.school_year)[1]

    def term_days(self, start: datetime.date, end: datetime.date) -> int:
        """Days from `start` to `end` (both included) that are inside a term, counting each
        day once where the year's terms and its neighbours' overlap."""
        spans = sorted((t.starts_on, t.ends_on) for t in (*self.terms, *self.neighbours))
        days, counted_to = 0, start - ONE_DAY
        for first, last in spans:
            first = max(first, counted_to + ONE_DAY)
            days += overlap_days(start, end, first, last)
            counted_to = max(counted_to, last)
        return days

    @property
    def semester_terms(self) -> list[Term]:
        """The terms that belong to this school year: those whose middle day falls in it (a
        term starting in late August belongs to the year it mostly lies in)."""
        return [
            term
            for term in self.terms
            if self.start <= term.starts_on + (term.ends_on - term.starts_on) / 2 <= self.end
        ]


def _weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    """The first date from `day` on that falls on `weekday` (Monday = 0)."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


FRIDAY, MONDAY = 4, 0
# The usual winter holiday around 春节 (a school's own calendar, entered as `SchoolTerm`s,
# always wins): the first term ends on the Friday about four weeks before it, not before
# mid-January; the second term starts on the Monday about two weeks after it, not before
# mid-February.
WEEKS_OF_HOLIDAY_BEFORE_SPRING_FESTIVAL = datetime.timedelta(days=28)
DAYS_OF_HOLIDAY_AFTER_SPRING_FESTIVAL = datetime.timedelta(days=12)
FIRST_TERM_ENDS_NOT_BEFORE = (1, 16)
SECOND_TERM_STARTS_NOT_BEFORE = (2, 16)
SECOND_TERM_ENDS = (6, 30)


def spring_festival(year: int) -> datetime.date:
    """春节: the first day of the first lunar month of `year`."""
    return LunarDate(year, 1, 1).to_solar_date()


def default_terms(school_year: int) -> tuple[Term, ...]:
    """The usual calendar of a Chinese school, used until the branch enters its own: the
    first term from 1 September to the winter holiday, the second from the end of the
    winter holiday to 30 June, the holiday placed around 春节."""
    start, _ = school_year_bounds(school_year)
    spring = school_year + 1
    festival = spring_festival(spring)
    first_ends = max(
        datetime.date(spring, *FIRST_TERM_ENDS_NOT_BEFORE),
        festival - WEEKS_OF_HOLIDAY_BEFORE_SPRING_FESTIVAL,
    )
    second_starts = max(
        datetime.date(spring, *SECOND_TERM_STARTS_NOT_BEFORE),
        festival + DAYS_OF_HOLIDAY_AFTER_SPRING_FESTIVAL,
    )
    return (
        Term(gettext("First semester"), start, _weekday_on_or_after(first_ends, FRIDAY)),
        Term(
            gettext("Second semester"),
            _weekday_on_or_after(second_starts, MONDAY),
            datetime.date(spring, *SECOND_TERM_ENDS),
        ),
    )


def _terms_of_year(rows: list[Term], school_year: int) -> tuple[tuple[Term, ...], bool]:
    """The entered terms overlapping the school year, or the default ones (and True) when
    none of them belongs to it."""
    start, end = school_year_bounds(school_year)
    terms = tuple(term for term in rows if term.starts_on <= end and term.ends_on >= start)
    if not SchoolCalendar(school_year, terms, is_default=False).semester_terms:
        return default_terms(school_year), True
    return terms, False


def _calendar(rows: list[Term], school_year: int) -> SchoolCalendar:
    terms, is_default = _terms_of_year(rows, school_year)
    neighbours = (
        *_terms_of_year(rows, school_year - 1)[0],
        *_terms_of_year(rows, school_year + 1)[0],
    )
    return SchoolCalendar(school_year, terms, is_default, neighbours)


def _term_rows(branches, school_year: int):
    first, _ = school_year_bounds(school_year - 1)
    _, last = school_year_bounds(school_year + 1)
    return SchoolTerm.objects.filter(
        branch__in=branches, starts_on__lte=last, ends_on__gte=first
    ).order_by("starts_on")


def terms_for(branch: Branch, school_year: int) -> SchoolCalendar:
    """The branch's terms overlapping the school year, or the default calendar when it has
    entered none that belong to that year; with the terms of the years before and after,
    entered or default (1 query)."""
    rows = [Term(row.name, row.starts_on, row.ends_on) for row in _term_rows([branch], school_year)]
    return _calendar(rows, school_year)


def terms_for_branches(branch_ids, school_year: int) -> dict[int, SchoolCalendar]:
    """`terms_for` of each branch in `branch_ids`, in 1 query for them all."""
    rows = {branch_id: [] for branch_id in branch_ids}
    for row in _term_rows(branch_ids, school_year):
        rows[row.branch_id].append(Term(row.name, row.starts_on, row.ends_on))
    return {branch_id: _calendar(terms, school_year) for branch_id, terms in rows.items()}
