"""The school calendar: the terms of a school year (`SchoolTerm`, or the usual default ones),
so that a period that is mostly holiday (寒暑假) owes no meeting. The school year itself
(1 September to 31 August) is `branchsite.dates`'."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext

from activities.models import SchoolTerm
from branchsite.dates import school_year_bounds
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
        return sum(overlap_days(start, end, t.starts_on, t.ends_on) for t in self.terms)

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
