"""The ledger's month arithmetic, counted as month numbers and walked back from last month,
gives what stepping month by month gives (the district's arrears read decades of months per
member, so the ledger no longer lists them all)."""

import datetime
import random

from branchsite.dates import add_months
from members.dues.ledger import MemberDues, months_between
from members.models import DuesBasis, DuesReduction, Member


def stepped(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def test_months_between_is_the_months_stepped_one_by_one():
    chance = random.Random(15)
    for _ in range(500):
        first = datetime.date(1980, 1, 1) + datetime.timedelta(days=chance.randrange(17000))
        last = first + datetime.timedelta(days=chance.randrange(-40, 4000))
        assert months_between(first, last) == stepped(first, last)
    assert months_between(datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]
    assert months_between(datetime.date(2026, 5, 2), datetime.date(2026, 4, 30)) == []


def test_months_behind_is_the_unsettled_run_back_from_last_month():
    chance = random.Random(7)
    today = datetime.date(2026, 12, 4)
    for _ in range(300):
        joined = datetime.date(1990 + chance.randrange(36), 1 + chance.randrange(12), 1)
        basis = add_months(joined, chance.randrange(0, 30))
        months = stepped(max(joined, basis), add_months(today.replace(day=1), -1))
        paid = {month: None for month in months if chance.random() < 0.7}
        reductions = []
        if months and chance.random() < 0.3:
            start = chance.choice(months)
            reductions.append(
                DuesReduction(
                    starts_on=start,
                    ends_on=add_months(start, chance.randrange(1, 6)),
                    monthly_amount=0,
                )
            )
        ledger = MemberDues(
            member=Member(joined_on=joined),
            bases=[DuesBasis(starts_on=basis)],
            paid=paid,
            schedules=None,
            today=today,
            reductions=reductions,
        )
        expected = 0
        for month in reversed(ledger.due_months()):
            if ledger.settled(month):
                break
            expected += 1
        assert ledger.months_behind == expected
    assert (
        MemberDues(member=Member(), bases=[], paid={}, schedules=None, today=today).months_behind
        == 0
    )
