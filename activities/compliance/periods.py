"""The periods of a school year for each frequency of a rule: months, the calendar quarters
cut at the year's edges, the semesters (each with the holiday after it), the year."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.compliance.calendar import SchoolCalendar
from activities.models import Period
from branchsite.dates import ONE_DAY, month_bounds, school_year_bounds, short_date

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
