"""民主评议 and 党费: the round page (progress and tally), a vote, and the 党费收缴公示 (xlsx
and PDF), for a branch of 50 members and one of 2,000, against the member list of the same
branch measured in the same run.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.evaluation
    (or: make bench)

Runs in a throwaway SQLite database (benchmarks/throwaway.py). Each branch's members are
written in bulk (test data); the round is opened and the ballots cast through the services.
For 2,000 members only a sample of ballots is cast: a vote rewrites every counter of the
round (4 a graded member, the anonymity rule), so its cost grows with the branch, and that
cost is what is timed; the pages do not depend on how many have voted. The year's dues
(a base and twelve payments a member) are written in bulk too, as test data.
"""

import argparse
import datetime
import sys
import time
import warnings

from benchmarks import report
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


def build_dues(members, year: int) -> None:
    from decimal import Decimal

    from members.dues.rules import DuesSchedules
    from members.models import DuesBasis, DuesCategory, DuesPayment

    schedules = DuesSchedules.load()
    bases = []
    payments = []
    for n, member in enumerate(members):
        base = Decimal(4800 + 425 * (n % 17))
        bases.append(
            DuesBasis(
                member=member,
                category=DuesCategory.IN_SERVICE,
                monthly_base=base,
                starts_on=datetime.date(year, 1, 1),
            )
        )
        for month in range(1, 13 if n % 25 else 9):  # one in 25 four months behind
            day = datetime.date(year, month, 1)
            payments.append(
                DuesPayment(
                    member=member,
                    branch_id=member.branch_id,
                    month=day,
                    amount=schedules.monthly_amount(DuesCategory.IN_SERVICE, base, day),
                    paid_on=day.replace(day=10),
                )
            )
    DuesBasis.objects.bulk_create(bases)
    DuesPayment.objects.bulk_create(payments, batch_size=2000)


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

        build_dues(members, 2025)
        list_seconds, list_queries = measure(
            page(reverse("members:member_list", args=[branch.pk])), repeat=options.repeat
        )
        round_seconds, round_queries = measure(
            page(reverse("evaluation:round", args=[evaluation.pk])), repeat=options.repeat
        )
        notice = reverse("reports:dues_notice", args=[branch.pk, 2025, "xlsx"])
        notice_seconds, notice_queries = measure(page(notice), repeat=options.repeat)
        pdf = reverse("reports:dues_notice", args=[branch.pk, 2025, "pdf"])
        pdf_seconds, pdf_queries = measure(page(pdf), repeat=max(1, options.repeat // 5))
        rows = [
            (f"{size} members: member list page (reference)", list_seconds, list_queries),
            (f"{size} members: round page with the tally", round_seconds, round_queries),
            (f"{size} members: 党费收缴公示 (xlsx)", notice_seconds, notice_queries),
            (f"{size} members: 党费收缴公示 (PDF)", pdf_seconds, pdf_queries),
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
    with report.captured(
        "evaluation",
        "民主评议与党费 / Evaluation and dues, 50 and 2,000 members",
        "make bench  (or: python -m benchmarks.evaluation)",
    ):
        status = main()
    sys.exit(status)
