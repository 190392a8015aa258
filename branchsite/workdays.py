"""Working days as the Chinese calendar has them: weekends and public holidays off, and the
weekend days made working days by 调休 on.

The calendar of holidays is the State Council's yearly notice, as packaged by
`chinese-calendar`. Outside the years that package knows (it raises for them), a day counts
as a working day from Monday to Friday: a plain week, without holidays or 调休, because no
notice for that year is known yet.
"""

import datetime

import chinese_calendar

from branchsite.dates import ONE_DAY


def is_working_day(day: datetime.date) -> bool:
    """A working day in China; Monday to Friday outside the years the calendar knows."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """How many working days from `first` to `last`, both included (0 if `last` is earlier)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += ONE_DAY
    return count
