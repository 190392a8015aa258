"""Calendar arithmetic and the school year, shared by every app.

A school year is named by the year it starts: 2025 is 1 September 2025 to 31 August 2026."""

import calendar
import datetime

from django.utils.formats import date_format

ONE_DAY = datetime.timedelta(days=1)
SCHOOL_YEAR_START_MONTH = 9


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day: 31 January + 1 month = 28/29 Feb."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a calendar month."""
    first = datetime.date(year, month, 1)
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def school_year_of(day: datetime.date) -> int:
    """The school year `day` falls in, named by the year it starts (2025 = 2025/26)."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_bounds(school_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a school year: 1 September to 31 August."""
    start = datetime.date(school_year, SCHOOL_YEAR_START_MONTH, 1)
    return start, datetime.date(school_year + 1, SCHOOL_YEAR_START_MONTH, 1) - ONE_DAY


def long_date(day: datetime.date) -> str:
    """A date as sentences write it: "2026年12月15日" in Chinese."""
    return date_format(day)


def short_date(day: datetime.date) -> str:
    """A date where space is short, in a grid cell: "12/15"."""
    return f"{day.month}/{day.day}"
