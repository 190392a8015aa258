"""民主评议: the round page (progress and tally) and a vote, for a branch of 50 members and
one of 2,000, against the member list of the same branch measured in the same run.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.evaluation
    (or: make bench)

Runs in a throwaway SQLite database (benchmarks/throwaway.py). Each branch's members are
written in bulk (test data); the round is opened and the ballots cast through the services.
For 2,000 members only a sample of ballots is cast: a vote rewrites every counter of the
round (4 a graded member, the anonymity rule), so its cost grows with the branch, and that
cost is what is timed; the pages do not depend on how many have voted.
"""

import argparse
import datetime
import sys
import time
import warnings

from benchmarks.meetings import measure
from benchmarks.throwaway import django_on_throwaway_database

SIZES = (50, 2000)
SAMPLE_BALLOTS = 20


def build_branch(code: str, size: int):
    from groups.models import Branch, GroupMembership, PartyGroup
    from members.models import Category, Gender, Member

    branch = Branch.objects.create(name=f"{size}人支部", code=code, school="基准学校")
    group = PartyGroup.objects.create(branch=branch, name="第一党小组")
    members = Member.objects.bulk_create(
        Member(
            branch=branch,
            name=f"党员{n:04d}",
            gender=Gender.FEMALE,
            birth_date=datetime.date(1980, 1, 1),
            category=Category.FULL if n % 10 else Category.PROBATIONARY,
            joined_on=datetime.date(2010, 7, 1) if n % 10 else datetime.date(2026, 6, 1),
            full_member_on=datetime.date(2011, 7, 1) if n % 10 else None,
        )
        for n in range(size)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(group=group, member=member, started_on=datetime.date(2020, 9, 1))
        for member in members
    )
    return branch, members


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    options = parser.parse_args(argv)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    folder = django_on_throwaway_database()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from members.evaluation import services
    from members.models import Grade

    translation.activate(settings.LANGUAGE_CODE)
    admin = get_user_model().objects.create_superuser("bench", password="x")
    client = Client()
    client.force_login(admin)
    print(f"Python {sys.version.split()[0]}, SQLite database in {folder.name}")
    header = f"{'':58} {'time':>9} {'queries':>8} {'× list':>7}"
    print()
    print(header)
    print("-" * len(header))
    for size in SIZES:
        branch, members = build_branch(f"b{size}", size)
        evaluation = services.round_open(
            branch=branch, year=2026, opened_on=datetime.date(2026, 12, 1), acting_user=admin
        )
        voters = members[:SAMPLE_BALLOTS] if size > 100 else members
        started = time.perf_counter()
        for voter in voters:
            services.ballot_cast(
                evaluation=evaluation,
                voter=voter,
                grades={m.pk: Grade.QUALIFIED for m in services.ballot_for(evaluation, voter)},
            )
        per_vote = (time.perf_counter() - started) / len(voters)
        services.ballot_close(
            evaluation=evaluation, closed_on=datetime.date(2026, 12, 10), acting_user=admin
        )

        def page(url):
            def fetch():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return fetch

        list_seconds, list_queries = measure(
            page(reverse("members:member_list", args=[branch.pk])), repeat=options.repeat
        )
        round_seconds, round_queries = measure(
            page(reverse("evaluation:round", args=[evaluation.pk])), repeat=options.repeat
        )
        rows = [
            (f"{size} members: member list page (reference)", list_seconds, list_queries),
            (f"{size} members: round page with the tally", round_seconds, round_queries),
        ]
        for label, seconds, queries in rows:
            ratio = seconds / list_seconds
            print(f"{label:58} {seconds * 1000:>7.1f}ms {queries:>8} {ratio:>6.1f}×")
        print(
            f"{f'{size} members: one vote (ballot_cast, mean of {len(voters)})':58} "
            f"{per_vote * 1000:>7.1f}ms"
        )
    print(f"\nBest of {options.repeat} runs each for the pages.")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
