"""The branch's other work: the year totals page, the activity list and the activities ledger
(xlsx) for a branch of 60 members in four groups with five years of activities, against the
member list of the same branch measured in the same run.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.work
    (or: make bench)

Runs in a throwaway SQLite database (benchmarks/throwaway.py). The members and the
activities are written in bulk (test data), about 330 activities a year with some 2,000
participations: each group's home visits and lessons, the branch's monthly study with every
member, volunteer rotas, visits, donations and talks.
"""

import argparse
import datetime
import random
import sys
import warnings
from decimal import Decimal

from benchmarks import report
from benchmarks.meetings import measure
from benchmarks.throwaway import django_on_throwaway_database

MEMBERS = 60
YEARS = 5
LAST_YEAR = 2025


def build_branch():
    from groups.models import Branch, GroupMembership, PartyGroup
    from members.models import Category, Gender, Member

    branch = Branch.objects.create(name="基准支部", code="work", school="基准学校")
    groups = [
        PartyGroup.objects.create(branch=branch, name=f"第{n}党小组", sort_order=n)
        for n in range(1, 5)
    ]
    members = Member.objects.bulk_create(
        Member(
            branch=branch,
            name=f"党员{n:03d}",
            gender=Gender.FEMALE,
            birth_date=datetime.date(1980, 1, 1),
            category=Category.FULL,
            joined_on=datetime.date(2010, 7, 1),
            full_member_on=datetime.date(2011, 7, 1),
        )
        for n in range(MEMBERS)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(group=groups[n % 4], member=member, started_on=datetime.date(2015, 9, 1))
        for n, member in enumerate(members)
    )
    return branch, groups, members


def build_activities(branch, groups, members, years: int) -> int:
    from activities.models import (
        Activity,
        ActivityKind,
        ActivityParticipant,
        HomeVisitReason,
        LessonKind,
        LessonLevel,
        LessonRole,
        StudyForm,
    )

    chance = random.Random(1)
    reasons = list(HomeVisitReason.objects.filter(branch=None))
    by_group = {
        group.pk: [m for n, m in enumerate(members) if n % 4 == i] for i, group in enumerate(groups)
    }
    activities, participants = [], []

    def add(kind, day, title, people=(), **fields):
        activity = Activity(branch=branch, kind=kind, held_on=day, title=title, **fields)
        activities.append((activity, list(people)))

    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        for month in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12):
            day = datetime.date(year, month, 12)
            add(
                ActivityKind.STUDY,
                day,
                "集中学习",
                members,
                study_form=StudyForm.GROUP,
                hours=Decimal("3"),
            )
            add(ActivityKind.VISIT, day, "走访慰问", number=3, problems_solved=5, amount=500)
            add(ActivityKind.TALK, day, "谈心谈话", counterpart="党员", private_notes="内容")
            for group in groups:
                people = by_group[group.pk]
                for n in range(4):
                    add(
                        ActivityKind.HOME_VISIT,
                        day,
                        "家访",
                        [chance.choice(people)],
                        group=group,
                        home_visit_reason=reasons[n % len(reasons)],
                        number=chance.randint(1, 3),
                    )
                for member in people[:3]:
                    add(
                        ActivityKind.LESSON,
                        day,
                        "示范课",
                        group=group,
                        owner=member,
                        lesson_kind=LessonKind.DEMONSTRATION,
                        lesson_level=chance.choice(LessonLevel.values),
                        lesson_role=LessonRole.GIVEN,
                    )
                add(
                    ActivityKind.VOLUNTEER,
                    day,
                    "护学岗",
                    people[:5],
                    group=group,
                    hours=Decimal("2"),
                )
        add(ActivityKind.DONATION, datetime.date(year, 5, 15), "一日捐", members, amount=3000)
    Activity.objects.bulk_create([activity for activity, _people in activities], batch_size=500)
    for activity, people in activities:
        participants += [ActivityParticipant(activity=activity, member=m) for m in people]
    ActivityParticipant.objects.bulk_create(participants, batch_size=2000)
    return len(activities)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--repeat", type=int, default=10)
    options = parser.parse_args(argv)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    folder = django_on_throwaway_database()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    admin = get_user_model().objects.create_superuser("bench", password="x")
    client = Client()
    client.force_login(admin)
    branch, groups, members = build_branch()
    count = build_activities(branch, groups, members, options.years)
    print(f"Python {sys.version.split()[0]}, SQLite database in {folder.name}")
    print(f"{MEMBERS} members, {count} activities over {options.years} years")

    def page(url, data=None):
        def fetch():
            response = client.get(url, data or {})
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    year = {"year": LAST_YEAR}
    start = datetime.date(LAST_YEAR - options.years + 1, 1, 1)
    rows = [
        ("member list page (reference)", page(reverse("members:member_list", args=[branch.pk]))),
        ("year totals page", page(reverse("activities:work_totals", args=[branch.pk]), year)),
        (
            f"totals page over all {options.years} years",
            page(
                reverse("activities:work_totals", args=[branch.pk]),
                {"start": start.isoformat(), "end": f"{LAST_YEAR}-12-31"},
            ),
        ),
        (
            "activity list page (a year, first page)",
            page(reverse("activities:work_list", args=[branch.pk]), year),
        ),
        (
            "activities ledger (xlsx, a year)",
            page(reverse("reports:work_ledger", args=[branch.pk]), year),
        ),
    ]
    header = f"{'':48} {'time':>9} {'queries':>8} {'× list':>7}"
    print()
    print(header)
    print("-" * len(header))
    reference = None
    for label, action in rows:
        seconds, queries = measure(action, repeat=options.repeat)
        reference = reference or seconds
        print(f"{label:48} {seconds * 1000:>7.1f}ms {queries:>8} {seconds / reference:>6.1f}×")
    print(f"\nBest of {options.repeat} runs each.")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    with report.captured(
        "work",
        "其他工作 / The branch's other work, five years of activities",
        "make bench  (or: python -m benchmarks.work)",
    ):
        status = main()
    sys.exit(status)
