"""The periods of a school year for each frequency of a rule: months, whole calendar quarters,
the semesters (each with the holiday after it), the school year, and the calendar years
(年度) it overlaps.

A calendar quarter is one period whichever school year its months fall in: the third quarter
(July–September) appears in two school years' grids, as the same period with the same
meetings. A calendar year (组织生活会, 民主评议党员) counts the meetings held *for* it
(`Meeting.counts_for_year`) and is due by its rule's due date."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.compliance.calendar import SchoolCalendar
from activities.models import Period
from branchsite.dates import ONE_DAY, add_months, month_bounds, school_year_bounds, short_date

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
    "2025—2026学年", "2026年度"), a hint of its months or dates, and how many of its days are
    term time."""

    period: str
    start: datetime.date
    end: datetime.date
    label: str
    hint: str
    term_days: int
    year: int | None = None  # a calendar year's period: the year its meetings count for
    due: datetime.date | None = None  # when not the period's last day

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def due_on(self) -> datetime.date:
        """The last day a meeting owed in the period is in time."""
        return self.due or self.end

    def counts(self, held_on: datetime.date, year: int) -> bool:
        """Whether a meeting held on `held_on`, counting for calendar year `year`, belongs
        to this period."""
        return year == self.year if self.year is not None else self.contains(held_on)


def month_label(month: int) -> str:
    return gettext("Month %(month)s") % {"month": month}


def school_year_label(school_year: int) -> str:
    """ "2026—2027学年"."""
    return gettext("School year %(first)s–%(last)s") % {
        "first": school_year,
        "last": school_year + 1,
    }


def _quarter_firsts(school_year: int) -> list[datetime.date]:
    """The first days of the calendar quarters overlapping the school year: from the third
    quarter its September belongs to, to the third quarter its July and August belong to."""
    start, end = school_year_bounds(school_year)
    first = datetime.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    firsts = []
    while first <= end:
        firsts.append(first)
        first = add_months(first, 3)
    return firsts


def _month_starts(school_year: int) -> list[datetime.date]:
    start, _ = school_year_bounds(school_year)
    return [add_months(start, months) for months in range(12)]


def periods_of(calendar: SchoolCalendar, period: str, rule=None) -> list[PeriodSpan]:
    """The periods of a school year for a rule's `period`, in order, covering the whole year:
    12 months; the whole calendar quarters overlapping it (from July before the year to
    September after it); the semesters, each with the holiday after it; the year; or the
    two calendar years it overlaps, due by `rule`'s due date."""
    year_start, year_end = calendar.start, calendar.end
    spans = []  # (start, end, label, hint, calendar year, due)
    if period == Period.MONTH:
        for first in _month_starts(calendar.school_year):
            last = month_bounds(first.year, first.month)[1]
            spans.append((first, last, month_label(first.month), "", None, None))
    elif period == Period.QUARTER:
        for first in _quarter_firsts(calendar.school_year):
            last_month = first.month + 2
            months = {"year": first.year, "first": first.month, "last": last_month}
            if year_start <= first and month_bounds(first.year, last_month)[1] <= year_end:
                hint = gettext("Months %(first)s–%(last)s") % months
            else:  # a third quarter is in two school years' grids: say which one it is
                hint = gettext("%(year)s, months %(first)s–%(last)s") % months
            label = str(QUARTER_NAMES[(first.month - 1) // 3 + 1])
            spans.append((first, month_bounds(first.year, last_month)[1], label, hint, None, None))
    elif period == Period.SEMESTER:
        terms = calendar.semester_terms
        for index, term in enumerate(terms):
            start = year_start if index == 0 else max(term.starts_on, year_start)
            end = terms[index + 1].starts_on - ONE_DAY if index + 1 < len(terms) else year_end
            label = str(SEMESTER_NAMES[index]) if index < len(SEMESTER_NAMES) else term.name
            spans.append((start, end, label, f"{short_date(start)}–{short_date(end)}", None, None))
    elif period == Period.YEAR:
        spans.append(
            (year_start, year_end, school_year_label(calendar.school_year), "", None, None)
        )
    elif period == Period.CALENDAR_YEAR:
        for year in (year_start.year, year_end.year):
            due = rule.due_on(year) if rule is not None else datetime.date(year, 12, 31)
            label = gettext("Year %(year)s") % {"year": year}
            hint = gettext("due by %(month)s/%(day)s") % {"month": due.month, "day": due.day}
            spans.append(
                (datetime.date(year, 1, 1), datetime.date(year, 12, 31), label, hint, year, due)
            )
    else:
        raise ValueError(f"unknown period {period!r}")
    return [
        PeriodSpan(period, start, end, label, hint, calendar.term_days(start, end), year, due)
        for start, end, label, hint, year, due in spans
    ]
