"""The district's arrears (`recent_dues`) read only each member's latest payment and first
basis; for every member they must say what the full ledger (`branch_dues`) says."""

import datetime
import random
from decimal import Decimal

import pytest

from branchsite.dates import add_months
from members.dues.ledger import branch_dues, recent_dues
from members.dues.selectors import arrears, dues_members
from members.models import DuesArrearsReason, DuesBasis, DuesPayment, DuesReduction
from members.models.dues import ReductionApproval
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


def months_back(count: int) -> list[datetime.date]:
    return [add_months(datetime.date(2026, 12, 1), -n) for n in range(count)]


def random_member(rng: random.Random, branch, number: int):
    joined = rng.choice(months_back(40))
    member = MemberFactory(
        branch=branch, name=f"党员{number}", joined_on=joined, full_member_on=add_months(joined, 12)
    )
    if rng.random() < 0.1:
        return member  # no basis yet: owes nothing
    DuesBasis.objects.create(
        member=member, starts_on=add_months(joined, rng.randint(-3, 6)), monthly_base=5000
    )
    if rng.random() < 0.3:
        DuesBasis.objects.create(
            member=member, starts_on=add_months(joined, rng.randint(7, 20)), monthly_base=6000
        )
    # Paid up to some month, with gaps, sometimes ahead.
    stop = rng.randint(-2, 12)  # months before this one when the payments stop
    for month in months_back(40):
        months_ago = (2026 - month.year) * 12 + 12 - month.month
        if month >= joined and months_ago >= stop and rng.random() < 0.85:
            DuesPayment.objects.create(
                member=member,
                branch_id=member.branch_id,
                month=month,
                amount=Decimal("10"),
                paid_on=month,
            )
    if rng.random() < 0.3:
        start = rng.choice(months_back(14))
        DuesReduction.objects.create(
            member=member,
            starts_on=start,
            ends_on=None if rng.random() < 0.5 else add_months(start, rng.randint(0, 5)),
            monthly_amount=rng.choice([Decimal("0"), Decimal("2")]),
            reason="困难",
            approved_by=ReductionApproval.UPPER_COMMITTEE,
            approved_on=start,
        )
    for _ in range(rng.choice([0, 0, 1, 2])):
        DuesArrearsReason.objects.create(
            member=member, starts_on=rng.choice(months_back(24)), reason="病休"
        )
    return member


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_arrears_read_from_the_latest_payment_are_the_full_ledgers(seed):
    rng = random.Random(seed)
    branch = BranchFactory()
    for number in range(40):
        random_member(rng, branch, number)

    full = {d.member.pk: d for d in branch_dues(dues_members(branch), today=TODAY).members}
    recent = {d.member.pk: d for d in recent_dues(dues_members(branch), today=TODAY).members}

    assert full.keys() == recent.keys()
    found = [(full[pk].months_behind, full[pk].stands_out, full[pk].serious) for pk in sorted(full)]
    assert found == [
        (recent[pk].months_behind, recent[pk].stands_out, recent[pk].serious)
        for pk in sorted(recent)
    ]
    # The data really holds both kinds of member.
    assert any(row[1] for row in found) and not all(row[1] for row in found)
    # The overview's warning line reads the recent ledger: the full ledger's counts.
    counted = arrears(dues_members(branch), today=TODAY)
    assert (counted.behind, counted.serious) == (
        sum(1 for row in found if row[1]),
        sum(1 for row in found if row[2]),
    )
