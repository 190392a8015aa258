"""The demo school's calendar: its terms (the default calendar, around 春节), public holidays, and
the required meetings it leaves out on purpose (`meeting_gaps`)."""

import datetime
from dataclasses import dataclass

from activities.compliance import default_terms
from activities.models import MeetingType
from branchsite.dates import month_bounds, school_year_of
from demo.school import ARTS_GROUP, MATHS_GROUP

# The default rules (2018 条例, activities migration 0002) owe monthly meetings only in
# months with at least this many days of term; the demo holds them in exactly those months.
MONTHLY_MIN_TERM_DAYS = 10


# Days off in term time: 元旦, 清明 (about), 劳动节, 国庆.
PUBLIC_HOLIDAYS = {(1, 1), (1, 2), (4, 4), (4, 5), (4, 6), *((5, d) for d in range(1, 6))}
PUBLIC_HOLIDAYS |= {(10, d) for d in range(1, 9)}


@dataclass(frozen=True)
class Gap:
    """A required meeting the demo leaves out: `kind` (in `group`, if a group meeting) was
    not held from `starts_on` to `ends_on`."""

    kind: str
    group_index: int | None
    starts_on: datetime.date
    ends_on: datetime.date


# ---------------------------------------------------------------- the school calendar


def school_terms(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The two terms of school year `year`: the default calendar of the compliance checks
    (`activities.compliance.default_terms`, its winter holiday around 春节), entered as the
    school's own, so that the demo and a branch without a calendar agree."""
    names = (f"{year}学年第一学期", f"{year}学年第二学期")
    return [
        (name, term.starts_on, term.ends_on)
        for name, term in zip(names, default_terms(year), strict=True)
    ]


def meeting_gaps(today: datetime.date) -> list[Gap]:
    """The required meetings the demo leaves out whose period was over by `today`."""
    return [gap for gap in planned_gaps(school_year_of(today)) if gap.ends_on < today]


def planned_gaps(year: int) -> list[Gap]:
    """Every gap of a demo whose current school year began in `year`, over or not."""
    return [
        Gap(MeetingType.GROUP, ARTS_GROUP, *month_bounds(year - 1, 12)),
        Gap(MeetingType.GROUP, MATHS_GROUP, *month_bounds(year, 9)),
        Gap(MeetingType.COMMITTEE, None, *month_bounds(year, 4)),
        Gap(MeetingType.LECTURE, None, datetime.date(year, 4, 1), datetime.date(year, 6, 30)),
    ]


def next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def skipped(gaps: list[Gap], kind: str, day: datetime.date, group_index=None) -> bool:
    return any(
        gap.kind == kind and gap.group_index == group_index and gap.starts_on <= day <= gap.ends_on
        for gap in gaps
    )
