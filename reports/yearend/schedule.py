"""The year's schedule of an annual plan (年度工作计划): month by month, what the rules make
due — the 三会一课 (党小组会 per group), the 主题党日, the 组织生活会 and 民主评议党员, the
dues 公示, the committee's term, probation ends and recruitment deadlines — with the school's
terms and holidays beside them.

Decisions:
- Meetings come from the compliance grids (`activities.compliance`), so the plan owes what the
  check will later ask for: the calendar year straddles two school years, so both grids are
  read (as `figures._meetings` does), each period that starts in the year is placed in its
  first month with term time (the month it starts, unless that is holiday: a third quarter's
  general meeting in September), and a period both grids hold (a third quarter, the calendar
  year) once.
- The 主题党日's day: domain §2 gives "monthly, on a fixed day", seen as the first Friday of
  the month; no rule row states a day, so `THEMED_DAY_WEEKDAY` does, moved to the next Friday
  when that one is a public holiday.
- The 组织生活会 and 民主评议党员 are due by their rule's date (31 December by default) and
  are held 一般在第四季度 (支部工作条例 第二十一条, as the rule's source quotes): the entry
  sits in the month of the due date and names the window.
- The dues 公示 (domain §5: once a year) has no date in the rules: `DUES_NOTICE_MONTH`, the
  last year's dues published in January, once December's are in.
- The committee's term: its end, and the preparation of the election `term_warning_days`
  before it (the branch's own warning, groups.selectors.term_warnings).
- Recruitment: the dates the recruitment rule book gives (members.recruitment), for the people
  the branch follows.
- A group's schedule has its own 党小组会 and what concerns every member (the general
  meeting, 党课, 主题党日, 组织生活会, 民主评议, the dues 公示) and its members' recruitment
  dates; not the committee's meetings, its term, or other groups' meetings.

A fixed number of queries, whatever the number of members and meetings.
"""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass

import chinese_calendar
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from lunardate import LunarDate

from activities.compliance import compliance_grid, month_label
from activities.compliance.calendar import Term, spring_festival
from activities.models import MeetingType, Period
from branchsite.dates import ONE_DAY, add_months, long_date
from groups.models import Branch, PartyGroup
from members.models import ON_ROLL_STATUSES, Category, Member, Status, TimeRuleCode
from members.recruitment import (
    RECRUITING_STAGES,
    RuleBook,
    StepCode,
    Timeline,
    probation_end,
    records_prefetch,
)
from reports.yearend.blocks import Table

KINDS = (
    "meeting",
    "themed_day",
    "lecture",
    "life",
    "evaluation",
    "dues_notice",
    "committee",
    "probation",
    "recruitment",
    "term",
    "holiday",
)
MEETING_KINDS = {
    MeetingType.THEMED_DAY: "themed_day",
    MeetingType.LECTURE: "lecture",
    MeetingType.LIFE: "life",
    MeetingType.EVALUATION: "evaluation",
}

# Domain §2: 主题党日 monthly on a fixed day; the variant seen in schools is the first Friday.
THEMED_DAY_WEEKDAY = 4  # Friday (Monday = 0)
# Holidays of fixed date in every year's notice: 元旦, 清明 (4 or 5 April), 劳动节, 国庆.
FIXED_HOLIDAYS = frozenset(
    {(1, 1), (4, 4), (4, 5), *((5, d) for d in range(1, 6)), *((10, d) for d in range(1, 8))}
)
# 支部工作条例 第二十一条: the 组织生活会 一般安排在第四季度; the evaluation goes with it.
YEARLY_DUTIES_FROM_MONTH = 10
# Domain §5: the dues collected are published to the members once a year; the year's dues
# are complete with December's, so last year's are published in January.
DUES_NOTICE_MONTH = 1


@dataclass(frozen=True)
class Entry:
    month: int  # 1–12 of the plan's year
    kind: str  # one of KINDS
    text: str  # what is due, as printed
    day: datetime.date | None = None  # when the rules give a date
    group: str = ""  # the party group's name for per-group items


def _day(day: datetime.date, year: int) -> str:
    """ "6月1日" inside the plan's year, "2028年2月1日" outside it."""
    if day.year != year:
        return long_date(day)
    return pgettext("day of the year", "%(month)s/%(day)s") % {"month": day.month, "day": day.day}


def year_schedule(
    branch: Branch, year: int, *, group: PartyGroup | None = None, today=None
) -> list[Entry]:
    """What is due in each month of `year` at `branch` (in `group`, with a group), by month,
    then kind (`KINDS`), then text."""
    today = today or timezone.localdate()
    entries: list[Entry] = []
    terms = _meetings(entries, branch, year, group, today)
    _yearly_notice(entries, year)
    if group is None:
        _committee(entries, branch, year)
    _recruitment(entries, branch, year, group)
    _calendar(entries, terms, year)
    return sorted(entries, key=lambda e: (e.month, KINDS.index(e.kind), e.text))


def _meetings(entries, branch, year, group, today) -> list[Term]:
    """The meetings the rules owe in periods starting in `year`; returns the school terms
    the grids read (this school year's, and its neighbours')."""
    seen, terms = set(), set()
    for school_year in (year - 1, year):
        grid = compliance_grid(branch, school_year, today)
        terms.update((*grid.calendar.terms, *grid.calendar.neighbours))
        for row in grid.rows:
            if group is not None and not _concerns(row, group):
                continue
            for cell in row.cells:
                span = cell.period
                key = (row.kind, row.group and row.group.pk, span.period, span.start)
                if not cell.times or span.start.year != year or key in seen:
                    continue
                seen.add(key)
                month = _first_term_month(grid.calendar, span)
                entries.append(_meeting_entry(row, span, month, cell.times, year))
    return sorted(terms, key=lambda term: term.starts_on)


def _first_term_month(calendar, span) -> int:
    """The month a period's meetings are planned in: its first month with term time (a third
    quarter's in September, not in the summer holiday), else the month it starts."""
    first = span.start
    while first <= span.end:
        last = min(span.end, add_months(first.replace(day=1), 1) - ONE_DAY)
        if calendar.term_days(first, last) and first.year == span.start.year:
            return first.month
        first = last + ONE_DAY
    return span.start.month


def _concerns(row, group: PartyGroup) -> bool:
    """A row a group's schedule shows: its own meetings, and the branch's that every member
    attends (not the committee's)."""
    if row.group is not None:
        return row.group.pk == group.pk
    return row.kind != MeetingType.COMMITTEE


def _meeting_entry(row, span, month: int, times: int, year: int) -> Entry:
    kind = MEETING_KINDS.get(row.kind, "meeting")
    values = {"times": times, "year": span.year or year}
    if row.kind in (MeetingType.LIFE, MeetingType.EVALUATION):
        return _yearly_duty(row.kind, span, values, year)
    day = None
    if row.kind == MeetingType.THEMED_DAY and times == 1:
        day = _themed_day(max(span.start, datetime.date(span.start.year, month, 1)))
        text = gettext("Themed Party day (%(date)s)") % {"date": _day(day, year)}
    else:
        text = _times_text(row.kind, times) % values
    if span.period != Period.MONTH:  # a month's meetings are said in its own row
        text = gettext("%(what)s (%(period)s)") % {"what": text, "period": span.label}
    if row.group is None:
        return Entry(month, kind, text, day)
    text = gettext("%(group)s: %(what)s") % {"group": row.group.name, "what": text}
    return Entry(month, kind, text, day, row.group.name)


def _times_text(kind: str, times: int) -> str:
    """ "召开支部委员会会议1次": the meetings of a type owed in a period."""
    if kind == MeetingType.COMMITTEE:
        return ngettext(
            "Hold %(times)s committee meeting", "Hold %(times)s committee meetings", times
        )
    if kind == MeetingType.GENERAL:
        return ngettext(
            "Hold %(times)s general meeting of members",
            "Hold %(times)s general meetings of members",
            times,
        )
    if kind == MeetingType.GROUP:
        return ngettext("Hold %(times)s group meeting", "Hold %(times)s group meetings", times)
    if kind == MeetingType.LECTURE:
        return ngettext("Give %(times)s Party lecture", "Give %(times)s Party lectures", times)
    if kind == MeetingType.THEMED_DAY:
        return ngettext(
            "Hold %(times)s themed Party day", "Hold %(times)s themed Party days", times
        )
    return ngettext("Hold %(times)s other activity", "Hold %(times)s other activities", times)


def _yearly_duty(kind: str, span, values: dict, year: int) -> Entry:
    """The 组织生活会 or 民主评议 of a calendar year, in the month it is due, with its window."""
    due = span.due_on
    if kind == MeetingType.LIFE:
        what = gettext("Hold the organisational-life meeting of %(year)s") % values
    else:
        what = gettext("Carry out the member evaluation of %(year)s") % values
    if due.month >= YEARLY_DUTIES_FROM_MONTH:
        text = gettext("%(what)s (in the fourth quarter, by %(date)s)")
    else:
        text = gettext("%(what)s (by %(date)s)")
    text = text % {"what": what, "date": _day(due, year)}
    return Entry(due.month if due.year == year else 12, MEETING_KINDS[kind], text, due)


def _themed_day(first: datetime.date) -> datetime.date:
    """The first Friday from `first` on in its month that is a working day."""
    day = first + datetime.timedelta(days=(THEMED_DAY_WEEKDAY - first.weekday()) % 7)
    while _day_off(day) and day.month == first.month:
        day += datetime.timedelta(days=7)
    return day if day.month == first.month else first


def _day_off(day: datetime.date) -> bool:
    """A weekend or public holiday. A plan is written for a year whose State Council notice
    may not be out yet (branchsite.workdays then counts Monday to Friday only); the days
    every notice gives off are then taken off all the same (全国年节及纪念日放假办法)."""
    try:
        return not chinese_calendar.is_workday(day)
    except NotImplementedError:
        pass
    festival = spring_festival(day.year)
    lunar = (LunarDate(day.year, 5, 5).to_solar_date(), LunarDate(day.year, 8, 15).to_solar_date())
    return (
        day.weekday() >= 5
        or (day.month, day.day) in FIXED_HOLIDAYS
        or festival - ONE_DAY <= day <= festival + 6 * ONE_DAY  # 除夕 and the week of 春节
        or day in lunar  # 端午, 中秋
    )


def _yearly_notice(entries, year: int) -> None:
    text = gettext("Publish the Party dues collected in %(year)s (党费收缴公示)") % {
        "year": year - 1
    }
    entries.append(Entry(DUES_NOTICE_MONTH, "dues_notice", text))


def _committee(entries, branch: Branch, year: int) -> None:
    """The committee's term ending in the year, and the election prepared before it."""
    term = branch.terms.order_by("-elected_on", "-number").first()
    if term is None:
        return
    values = {"number": term.number, "date": _day(term.ends_on, year)}
    if term.ends_on.year < year:
        text = gettext("Term %(number)s ended on %(date)s: hold the election (换届选举)")
        entries.append(Entry(1, "committee", text % values, term.ends_on))
        return
    prepare_from = term.ends_on - datetime.timedelta(days=branch.term_warning_days)
    if prepare_from.year == year and prepare_from.month != term.ends_on.month:
        text = gettext("Prepare the election: term %(number)s of the committee ends on %(date)s")
        entries.append(Entry(prepare_from.month, "committee", text % values, prepare_from))
    if term.ends_on.year == year:
        text = gettext(
            "Term %(number)s of the committee ends (%(date)s): hold the election (换届选举)"
        )
        entries.append(Entry(term.ends_on.month, "committee", text % values, term.ends_on))


def _followed(branch: Branch, year: int, group: PartyGroup | None):
    """The people whose recruitment the branch follows (as members.recruitment.selectors
    does), with their records; with a group, those in it during the year."""
    people = Member.objects.filter(branch=branch).filter(
        Q(status=Status.ACTIVE, category__in=RECRUITING_STAGES)
        | Q(status__in=ON_ROLL_STATUSES, category=Category.PROBATIONARY)
    )
    if group is not None:
        people = people.filter(
            Q(group_memberships__group=group)
            & Q(group_memberships__started_on__lte=datetime.date(year, 12, 31))
            & (
                Q(group_memberships__ended_on__isnull=True)
                | Q(group_memberships__ended_on__gte=datetime.date(year, 1, 1))
            )
        ).distinct()
    return people.prefetch_related(records_prefetch()).order_by("name", "pk")


def _recruitment(entries, branch: Branch, year: int, group: PartyGroup | None) -> None:
    rules = RuleBook.load()
    for member in _followed(branch, year, group):
        timeline = Timeline.of(member)
        for kind, text, day in _person_dates(member, timeline, rules, year):
            if day.year == year:
                entries.append(Entry(day.month, kind, text, day))


def _person_dates(member, timeline: Timeline, rules: RuleBook, year: int):
    """(kind, text, day) of the deadlines the rules set for one person, from the steps
    recorded (members.recruitment.todo reads the same dates for the to-do list)."""
    name = member.name
    if member.category == Category.APPLICANT:
        applied = timeline.first(StepCode.APPLICATION)
        if applied and not timeline.has(StepCode.TALK):
            due = rules.after(TimeRuleCode.TALK_WITHIN, applied)
            text = gettext("Talk with the applicant %(name)s (by %(date)s)")
            yield "recruitment", text % {"name": name, "date": _day(due, year)}, due
    elif member.category == Category.ACTIVIST:
        since = timeline.first(StepCode.ACTIVIST_CHOSEN)
        if since is None:
            return
        due = rules.after(
            TimeRuleCode.ACTIVIST_REVIEW_EVERY,
            max(since, timeline.last(StepCode.ACTIVIST_REVIEW) or since),
        )
        while due.year <= year:
            text = gettext("Half-year review of the activist %(name)s (by %(date)s)")
            yield "recruitment", text % {"name": name, "date": _day(due, year)}, due
            following = rules.after(TimeRuleCode.ACTIVIST_REVIEW_EVERY, due)
            if following <= due:  # a rule of no length would never end
                break
            due = following
        eligible = rules.after(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since)
        text = gettext(
            "The activist %(name)s has been trained %(time)s: may be made a candidate "
            "(from %(date)s)"
        )
        values = {
            "name": name,
            "time": rules.describe(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since),
            "date": _day(eligible, year),
        }
        yield "recruitment", text % values, eligible
    elif member.category == Category.PROBATIONARY:
        yield from _probation_dates(member, timeline, rules, year)


def _probation_dates(member, timeline: Timeline, rules: RuleBook, year: int):
    name = member.name
    meeting = timeline.first(StepCode.ADMISSION_MEETING)
    if meeting is not None and not timeline.has(StepCode.ADMISSION_APPROVAL):
        due = rules.after(TimeRuleCode.APPROVAL_WITHIN, meeting)
        text = gettext("%(name)s: the upper committee approves the admission by %(date)s")
        yield "recruitment", text % {"name": name, "date": _day(due, year)}, due
    end = probation_end(member, timeline, rules)
    if end is None:
        return
    if not timeline.has(StepCode.FULL_MEETING):
        if timeline.extended_on() is not None:
            text = gettext(
                "%(name)s: the extended probation ends (%(date)s), discuss full membership"
            )
        else:
            text = gettext("%(name)s: probation ends (%(date)s), discuss full membership on time")
        yield "probation", text % {"name": name, "date": _day(end, year)}, end
    elif not timeline.has(StepCode.FULL_APPROVAL):
        due = rules.after(TimeRuleCode.FULL_APPROVAL_WITHIN, timeline.last(StepCode.FULL_MEETING))
        text = gettext("%(name)s: the upper committee approves full membership by %(date)s")
        yield "recruitment", text % {"name": name, "date": _day(due, year)}, due


def _calendar(entries, terms: list[Term], year: int) -> None:
    """Each term's first and last day in the year, and the holidays between the terms."""
    festival = spring_festival(year)
    for term in terms:
        for day, text in (
            (term.starts_on, gettext("%(term)s begins (%(date)s)")),
            (term.ends_on, gettext("%(term)s ends (%(date)s)")),
        ):
            if day.year == year:
                values = {"term": term.name, "date": _day(day, year)}
                entries.append(Entry(day.month, "term", text % values, day))
    for before, after in itertools.pairwise(terms):
        first, last = before.ends_on + ONE_DAY, after.starts_on - ONE_DAY
        if first > last or last.year < year or first.year > year:
            continue
        values = {"first": _day(first, year), "last": _day(last, year)}
        if first <= festival <= last:
            values["festival"] = _day(festival, year)
            text = gettext("Winter holiday (%(first)s–%(last)s; Spring Festival %(festival)s)")
        elif first.month in (12, 1, 2):
            text = gettext("Winter holiday (%(first)s–%(last)s)")
        elif first.month in (6, 7, 8):
            text = gettext("Summer holiday (%(first)s–%(last)s)")
        else:
            text = gettext("Holiday (%(first)s–%(last)s)")
        month = first.month if first.year == year else 1
        entries.append(Entry(month, "holiday", text % values, first))


def schedule_table(entries: list[Entry], *, caption: str) -> Table:
    """月份 | 工作安排: a row per month that has entries, its items joined with "；". The
    same item of several groups in a month reads once, as every group's (各党小组…)."""
    by_month: dict[int, list[str]] = defaultdict(list)
    shared: dict[tuple[int, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.group and entry.text.startswith(entry.group):
            shared[(entry.month, entry.text[len(entry.group) :])].append(entry)
    merged = set()
    for entry in entries:
        if entry in merged:
            continue
        same = shared.get((entry.month, entry.text[len(entry.group) :]), []) if entry.group else []
        if len(same) > 1:
            merged.update(same)
            what = entry.text[len(entry.group) :]
            by_month[entry.month].append(gettext("Every party group%(what)s") % {"what": what})
        else:
            by_month[entry.month].append(entry.text)
    return Table(
        caption=caption,
        header=(pgettext("schedule column", "Month"), pgettext("schedule column", "Work")),
        rows=tuple(
            (month_label(month), "；".join(texts)) for month, texts in sorted(by_month.items())
        ),
        numeric=(True, False),  # the month centred and kept on one line
    )
