"""Dues through the services: bases by month, a month's collection with its exceptions,
back payments and a quarter ahead, special dues apart, and the arrears at 3 and 6 months."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues import services
from members.dues.ledger import branch_dues
from members.models import DuesCategory, DuesPayment, Member
from tests.factories import MemberFactory, UserFactory

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def teacher(world, clerk):
    member = world.member
    services.dues_basis_set(
        member=member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=datetime.date(2026, 1, 15),
        acting_user=clerk,
    )
    return member


def pay_monthly(member, clerk, numbers, year=2026):
    """Each month of `year` paid in its own month, on the 10th."""
    for number in numbers:
        month = datetime.date(year, number, 1)
        services.dues_pay(
            member=member, months=[month], paid_on=month.replace(day=10), acting_user=clerk
        )


def dues_of(member):
    (row,) = branch_dues(Member.objects.filter(pk=member.pk), today=TODAY).members
    return row


def test_a_basis_applies_from_its_month_and_a_later_one_replaces_it(teacher, clerk):
    services.dues_basis_set(
        member=teacher,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("10000.01"),
        starts_on=datetime.date(2026, 7, 1),
        acting_user=clerk,
    )
    row = dues_of(teacher)
    assert row.amount_for(datetime.date(2026, 1, 1)) == Decimal("90.00")  # 1.5 % of 6000
    assert row.amount_for(datetime.date(2026, 6, 1)) == Decimal("90.00")
    assert row.amount_for(datetime.date(2026, 7, 1)) == Decimal("200.00")  # 2 % of the whole
    assert row.amount_for(datetime.date(2025, 12, 1)) is None
    assert teacher.dues_bases.first().starts_on == datetime.date(2026, 7, 1)
    assert teacher.dues_bases.first().history.first().history_user == clerk


def test_a_collection_pays_everyone_the_computed_amount_except_the_exceptions(world, clerk):
    members = list(world.branch.members.order_by("pk"))
    for n, member in enumerate(members):
        services.dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal(3000 + 1000 * n),
            starts_on=datetime.date(2026, 1, 1),
            acting_user=clerk,
        )
    payments = services.dues_collect(
        members=members,
        month=datetime.date(2026, 10, 1),
        paid_on=datetime.date(2026, 10, 12),
        acting_user=clerk,
        not_paid=[members[1].pk],
        by_proxy=[members[2].pk],
    )
    assert len(payments) == len(members) - 1
    amounts = dict(DuesPayment.objects.values_list("member__name", "amount"))
    assert amounts[members[0].name] == Decimal("15.00")  # 3000: 0.5 %
    assert amounts[members[3].name] == Decimal("90.00")  # 6000: 1.5 % of the whole base
    assert members[1].name not in amounts
    assert DuesPayment.objects.get(member=members[2]).by_proxy is True
    # Collecting the month again pays nobody twice.
    assert services.dues_collect(
        members=members,
        month=datetime.date(2026, 10, 1),
        paid_on=datetime.date(2026, 10, 13),
        acting_user=clerk,
    ) == [DuesPayment.objects.get(member=members[1])]


def test_a_collection_with_a_member_without_a_base_writes_nothing(world, teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        services.dues_collect(
            members=list(world.branch.members.all()),
            month=datetime.date(2026, 10, 1),
            paid_on=datetime.date(2026, 10, 12),
            acting_user=clerk,
        )
    assert world.secretary.name in " ".join(raised.value.messages)
    assert not DuesPayment.objects.exists()


def test_a_back_payment_and_a_quarter_ahead_but_no_further(teacher, clerk):
    months = [datetime.date(2026, m, 1) for m in (8, 9, 10, 11, 12, 1)]
    months[-1] = datetime.date(2027, 1, 1)
    services.dues_pay(
        member=teacher,
        months=months,
        paid_on=datetime.date(2026, 11, 5),
        with_consent=True,
        acting_user=clerk,
    )
    assert teacher.dues_payments.count() == 6
    ahead = teacher.dues_payments.filter(paid_ahead_with_consent=True)
    assert sorted(ahead.values_list("month", flat=True)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]
    with pytest.raises(ValidationError):  # beyond the quarter, even with consent
        services.dues_pay(
            member=teacher,
            months=[datetime.date(2027, 2, 1)],
            paid_on=datetime.date(2026, 11, 5),
            with_consent=True,
            acting_user=clerk,
        )
    with pytest.raises(ValidationError):  # already paid
        services.dues_pay(
            member=teacher,
            months=[datetime.date(2026, 9, 1)],
            paid_on=datetime.date(2026, 11, 5),
            acting_user=clerk,
        )


def test_a_probationary_member_owes_from_the_month_of_admission(world, clerk):
    recruit = MemberFactory(branch=world.branch, probationary=True)  # joined 2026-06-01
    services.dues_basis_set(
        member=recruit,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("4000"),
        starts_on=datetime.date(2026, 1, 1),
        acting_user=clerk,
    )
    with pytest.raises(ValidationError):
        services.dues_pay(
            member=recruit,
            months=[datetime.date(2026, 5, 1)],
            paid_on=datetime.date(2026, 6, 10),
            acting_user=clerk,
        )
    assert dues_of(recruit).first_month == datetime.date(2026, 6, 1)
    assert len(dues_of(recruit).unpaid_months) == 5  # June to October; November is open


@pytest.mark.parametrize(
    ("paid_until", "behind", "stands_out", "serious"),
    [(10, 0, False, False), (8, 2, False, False), (7, 3, True, False), (4, 6, True, True)],
)
def test_arrears_stand_out_at_three_months_and_are_serious_at_six(
    teacher, clerk, paid_until, behind, stands_out, serious
):
    pay_monthly(teacher, clerk, range(1, paid_until + 1))
    row = dues_of(teacher)
    assert (row.months_behind, row.stands_out, row.serious) == (behind, stands_out, serious)


def test_special_dues_are_kept_apart_from_the_regular_dues(teacher, clerk):
    services.special_dues_record(
        member=teacher,
        amount=Decimal("200"),
        paid_on=datetime.date(2026, 8, 1),
        purpose="抗洪救灾",
        acting_user=clerk,
    )
    assert teacher.special_dues.count() == 1
    assert not teacher.dues_payments.exists()
    assert dues_of(teacher).months_behind == 10


def test_the_branch_ledger_costs_six_queries_for_any_number_of_members(
    world, teacher, clerk, django_assert_num_queries
):
    for _ in range(5):
        MemberFactory(branch=world.branch)
    with django_assert_num_queries(6):
        ledger = branch_dues(world.branch.members.all(), today=TODAY)
        assert len(ledger.members) == 11
        assert [m.name for m in ledger.without_basis] != []


def test_paid_until_is_the_end_of_the_unbroken_run_of_paid_months(teacher, clerk):
    assert dues_of(teacher).paid_until is None
    services.dues_pay(
        member=teacher,
        months=[datetime.date(2026, m, 1) for m in (1, 2, 3, 5)],
        paid_on=datetime.date(2026, 6, 1),
        acting_user=clerk,
    )
    assert dues_of(teacher).paid_until == datetime.date(2026, 3, 1)  # April is missing


def test_a_branch_that_sets_bases_yearly_refuses_a_new_base_mid_year(world, teacher, clerk):
    from groups.models import DuesBaseChanges

    world.branch.dues_base_changes = DuesBaseChanges.YEARLY
    world.branch.save()
    teacher.refresh_from_db()
    with pytest.raises(ValidationError):
        services.dues_basis_set(
            member=teacher,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("7000"),
            starts_on=datetime.date(2026, 9, 1),
            acting_user=clerk,
        )
    services.dues_basis_set(
        member=teacher,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("7000"),
        starts_on=datetime.date(2027, 1, 1),
        acting_user=clerk,
    )
    # A member's first base may start in any month (a new member, a transfer in).
    newcomer = MemberFactory(branch=world.branch)
    services.dues_basis_set(
        member=newcomer,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("5000"),
        starts_on=datetime.date(2026, 9, 1),
        acting_user=clerk,
    )
