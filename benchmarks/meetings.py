"""The compliance grid, the leader's home page and attendance rates on five school years of
meetings.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.meetings
    (or: make bench)

Runs in a throwaway SQLite database in a temporary folder (DATABASE_URL is overridden, so
neither the development database nor PostgreSQL is touched). The branch is the demo school
(4 groups, 33 members, a committee); five school years of meetings are written in bulk, every
type at the default frequency of the 2018 条例 in each month of term, each with its attendance
list (a few absences and leaves). A few meetings are left out so that the grid has gaps.

Timed, each the best of several runs, with its number of queries:

- the compliance page, through the test client as the secretary (the whole response);
- `compliance_grid` alone, for the current school year;
- the group page of a leader (their home page);
- `missing_now` for the branch and for one group;
- the attendance-rates page over all five years.

The pages must not get slower as years of meetings pile up: each reads one school year (or,
for attendance, one query over the range) whatever the history holds.
"""

import argparse
import datetime
import gc
import random
import sys
import time
import warnings

from benchmarks import report
from benchmarks.throwaway import django_on_throwaway_database

YEARS = 5
# Shares of expected attendees who were away with leave, or without.
EXCUSED_SHARE = 0.05
ABSENT_SHARE = 0.03
# Share of owed meetings left out, so the grid has some red.
SKIPPED_SHARE = 0.04


def build_meetings(branch, *, first_school_year: int, until: datetime.date, seed: int = 1):
    """Meetings of every type at its default frequency from 1 September of
    `first_school_year` up to `until`, with attendance lists, written in bulk (no history
    rows: this is test data, not a record anyone changed). Returns the number of meetings."""
    from activities.compliance import terms_for
    from activities.models import Attendance, Meeting, MeetingType, Presence
    from groups.access import current_committee_posts
    from groups.models import GroupMembership
    from members.models import Category, Member

    chance = random.Random(seed)
    members = list(Member.objects.filter(branch=branch).on_roll())
    categories = {
        m.pk: Category.FULL if m.category == Category.FULL else Category.PROBATIONARY
        for m in members
    }
    in_group = {}
    for membership in GroupMembership.objects.current().filter(group__branch=branch):
        in_group.setdefault(membership.group_id, []).append(membership.member_id)
    groups = list(branch.party_groups.order_by("sort_order"))
    committee = list(
        current_committee_posts().filter(term__branch=branch).values_list("member_id", flat=True)
    )
    everyone = [m.pk for m in members]

    plan = []  # (kind, group, day, expected member ids)

    def owe(kind, day, expected, group=None):
        if day <= until and chance.random() >= SKIPPED_SHARE:
            plan.append((kind, group, day, expected))

    for school_year in range(first_school_year, until.year + 1):
        calendar = terms_for(branch, school_year)
        for month_index in range(12):
            first = datetime.date(
                school_year + (8 + month_index) // 12, (8 + month_index) % 12 + 1, 1
            )
            last = datetime.date(
                first.year + first.month // 12, first.month % 12 + 1, 1
            ) - datetime.timedelta(days=1)
            if calendar.term_days(first, last) < 10:
                continue  # holiday: the monthly rules owe nothing
            owe(MeetingType.COMMITTEE, first.replace(day=5), committee)
            owe(MeetingType.THEMED_DAY, first.replace(day=8), everyone)
            for index, group in enumerate(groups):
                owe(MeetingType.GROUP, first.replace(day=12 + index), in_group[group.pk], group)
            if first.month in (9, 12, 3, 6):
                owe(MeetingType.GENERAL, first.replace(day=20), everyone)
                owe(MeetingType.LECTURE, first.replace(day=22), everyone)
            if first.month == 12:
                owe(MeetingType.LIFE, first.replace(day=26), everyone)
            if first.month == 1:
                owe(MeetingType.EVALUATION, first.replace(day=9), everyone)

    meetings = Meeting.objects.bulk_create(
        Meeting(
            branch=branch,
            kind=kind,
            group=group,
            held_on=day,
            place="党员活动室",
            topic=f"{day:%Y年%m月}{MeetingType(kind).label}",
        )
        for kind, group, day, _ in plan
    )
    attendance = []
    for meeting, (_, _, _, expected) in zip(meetings, plan, strict=True):
        for member_id in expected:
            draw = chance.random()
            if draw < ABSENT_SHARE:
                presence, reason = Presence.ABSENT, ""
            elif draw < ABSENT_SHARE + EXCUSED_SHARE:
                presence, reason = Presence.EXCUSED, "外出培训"
            else:
                presence, reason = Presence.PRESENT, ""
            attendance.append(
                Attendance(
                    meeting=meeting,
                    member_id=member_id,
                    category=categories[member_id],
                    presence=presence,
                    reason=reason,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    return len(meetings), len(attendance)


def measure(action, *, repeat: int):
    """Best time of `repeat` runs, and the number of queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()  # warm up: templates, translations, content types
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        action()
    return best, len(captured)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args(argv)

    # Pages are served from the source folders; nothing was collected into STATIC_ROOT.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    folder = django_on_throwaway_database()

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation

    from activities.compliance import compliance_grid, missing_now
    from branchsite.dates import school_year_of
    from demo.school import LEADERS, create_demo_school
    from groups.models import GroupLeadership

    translation.activate(settings.LANGUAGE_CODE)
    today = timezone.localdate()
    current = school_year_of(today)
    branch = create_demo_school(today=today)
    started = time.perf_counter()
    meetings, rows = build_meetings(
        branch, first_school_year=current - options.years + 1, until=today
    )
    built = time.perf_counter() - started

    secretary = branch.members.get(name="沈卫东").user
    leadership = GroupLeadership.objects.current().get(member__name=LEADERS[1])
    leader, group = leadership.member.user, leadership.group
    as_secretary, as_leader = Client(), Client()
    as_secretary.force_login(secretary)
    as_leader.force_login(leader)
    compliance_url = reverse("activities:compliance", args=[branch.pk])
    group_url = reverse("overview:group_detail", args=[group.pk])
    rates_url = reverse("activities:attendance_rates", args=[branch.pk])
    all_years = {"start": f"{current - options.years + 1}-09-01", "end": f"{today:%Y-%m-%d}"}

    def page(client, url, data=None):
        def fetch():
            response = client.get(url, data or {})
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    scenarios = [
        ("compliance page (secretary, full response)", page(as_secretary, compliance_url)),
        ("compliance page, a past year", page(as_secretary, compliance_url, {"year": current - 2})),
        ("compliance_grid (current school year)", lambda: compliance_grid(branch, current, today)),
        ("group page of a leader (their home page)", page(as_leader, group_url)),
        ("missing_now (whole branch)", lambda: missing_now(branch, today)),
        ("missing_now (one group)", lambda: missing_now(branch, today, groups=[group])),
        (
            f"attendance rates page ({options.years} school years)",
            page(as_secretary, rates_url, all_years),
        ),
    ]

    print(f"Python {sys.version.split()[0]}, SQLite database in {folder.name}")
    print(
        f"{branch.name}: {branch.members.on_roll().count()} members in "
        f"{branch.party_groups.count()} groups; {meetings} meetings and {rows} attendance rows "
        f"over {options.years} school years, written in {built:.2f}s"
    )
    header = f"{'':52} {'time':>9} {'queries':>8}"
    print()
    print(header)
    print("-" * len(header))
    for label, action in scenarios:
        seconds, queries = measure(action, repeat=options.repeat)
        print(f"{label:52} {seconds * 1000:>7.1f}ms {queries:>8}")
    print(
        f"\nBest of {options.repeat} runs each. The query counts do not depend on the number of "
        "meetings (the tests hold\nthe pages to it); only the attendance page reads more rows "
        "as the range grows, in one query."
    )
    folder.cleanup()
    return 0


if __name__ == "__main__":
    with report.captured(
        "meetings",
        "三会一课页面 / Meeting pages on five school years of meetings",
        "make bench  (or: python -m benchmarks.meetings)",
    ):
        status = main()
    sys.exit(status)
