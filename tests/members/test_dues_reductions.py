"""少交、免交党费: an approved reduction lowers what the months it covers owe; a waiver (a
reduction to 0) settles them without a payment, so they are neither unpaid nor behind. The
approval is the upper committee's, or the branch's own for a retired member; the 公示 says
减免 on the member's line."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues import services
from members.dues.ledger import branch_dues
from members.dues.selectors import MonthState, month_collection, month_state, payable_months
from members.dues.yearly import year_notice
from members.models import (
    DuesCategory,
    DuesPayment,
    DuesReduction,
    Employment,
    Member,
    ReductionApproval,
)
from reports.dues import row_note
from tests.factories import UserFactory

TODAY = datetime.date(2026, 11, 20)


def month(number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, number, 1)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def teacher(world, clerk):
    """普通党员, in service, 6000 a month (90.00) from January 2026."""
    services.dues_basis_set(
        member=world.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=month(1),
        acting_user=clerk,
    )
    return world.member


def reduce(member, clerk, amount, first, last=None, **fields):
    values = {
        "reason": "家属重病，生活困难",
        "approved_by": ReductionApproval.UPPER_COMMITTEE,
        "approval_reference": "区教育党工委〔2026〕12号",
        "approved_on": datetime.date(2026, 3, 20),
    } | fields
    return services.dues_reduction_record(
        member=member,
        starts_on=first,
        ends_on=last,
        monthly_amount=Decimal(amount),
        acting_user=clerk,
        **values,
    )


def pay_monthly(member, clerk, numbers):
    for number in numbers:
        services.dues_pay(
            member=member,
            months=[month(number)],
            paid_on=month(number).replace(day=10),
            acting_user=clerk,
        )


def dues_of(member, today=TODAY):
    (row,) = branch_dues(Member.objects.filter(pk=member.pk), today=today).members
    return row


# What the months owe.


def test_the_months_of_a_reduction_owe_the_reduced_amount(teacher, clerk):
    reduce(teacher, clerk, "5.00", month(4), month(9))

    dues = dues_of(teacher)
    assert [dues.amount_for(month(n)) for n in (3, 4, 9, 10)] == [
        Decimal("90.00"),
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("90.00"),
    ]
    (payment,) = services.dues_pay(
        member=teacher, months=[month(6)], paid_on=datetime.date(2026, 7, 1), acting_user=clerk
    )
    assert payment.amount == Decimal("5.00")


def test_a_reduction_never_raises_the_dues(teacher, clerk):
    reduce(teacher, clerk, "100.00", month(4))

    assert dues_of(teacher).amount_for(month(6)) == Decimal("90.00")


def test_a_collection_pays_the_reduced_amount_and_leaves_out_the_waived(world, teacher, clerk):
    services.dues_basis_set(
        member=world.leader_a,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=month(1),
        acting_user=clerk,
    )
    reduce(teacher, clerk, "0", month(9))
    reduce(world.leader_a, clerk, "10.00", month(9))
    members = Member.objects.filter(pk__in=[teacher.pk, world.leader_a.pk])

    collection = month_collection(members, month=month(10), today=TODAY)

    assert [(row.member.name, row.amount, row.reduced) for row in collection.rows] == [
        ("甲组长", Decimal("10.00"), True)
    ]
    assert collection.waived == [teacher]
    payments = services.dues_collect(
        members=list(members), month=month(10), paid_on=month(10), acting_user=clerk
    )
    assert [(p.member.name, p.amount) for p in payments] == [("甲组长", Decimal("10.00"))]


# A waived month is settled.


def test_a_waived_month_is_not_in_arrears(teacher, clerk):
    pay_monthly(teacher, clerk, range(1, 4))
    reduce(teacher, clerk, "0", month(4), month(6))

    dues = dues_of(teacher)
    assert dues.unpaid_months == [month(n) for n in range(7, 11)]
    assert dues.months_behind == 4  # July to October: the waiver ended the run in June
    assert dues.paid_until == month(6)
    assert month_state(dues, month(5)) == MonthState.WAIVED
    assert month(5) not in payable_months(dues)


def test_a_member_waived_up_to_last_month_is_not_behind(teacher, clerk):
    reduce(teacher, clerk, "0", month(1), month(10))

    dues = dues_of(teacher)
    assert (dues.unpaid_months, dues.months_behind, dues.stands_out) == ([], 0, False)


def test_an_open_waiver_counts_towards_paid_until_up_to_the_current_month_only(teacher, clerk):
    reduce(teacher, clerk, "0", month(1))

    assert dues_of(teacher).paid_until == month(11)


def test_a_waived_month_cannot_be_paid(teacher, clerk):
    reduce(teacher, clerk, "0", month(4))

    with pytest.raises(ValidationError) as raised:
        services.dues_pay(member=teacher, months=[month(5)], paid_on=month(6), acting_user=clerk)

    assert "免交" in " ".join(raised.value.messages)
    assert not DuesPayment.objects.exists()


# The approval.


def test_a_reduction_is_recorded_with_its_approval_and_who_recorded_it(teacher, clerk):
    reduction = reduce(teacher, clerk, "2.00", datetime.date(2026, 4, 15))

    reduction.refresh_from_db()
    assert (reduction.starts_on, reduction.ends_on, reduction.monthly_amount) == (
        month(4),
        None,
        Decimal("2.00"),
    )
    assert reduction.approval_reference == "区教育党工委〔2026〕12号"
    assert reduction.history.first().history_user == clerk


def test_the_branchs_agreement_alone_is_refused_for_a_member_in_service(teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        reduce(teacher, clerk, "0", month(4), approved_by=ReductionApproval.BRANCH)

    assert "上一级党委批准" in " ".join(raised.value.message_dict["approved_by"])
    assert not DuesReduction.objects.exists()


def test_the_branchs_agreement_is_enough_for_a_retired_member(world, clerk):
    Member.objects.filter(pk=world.member.pk).update(employment=Employment.RETIRED)
    world.member.refresh_from_db()

    reduce(world.member, clerk, "0", month(4), approved_by=ReductionApproval.BRANCH)

    assert DuesReduction.objects.get().approved_by == ReductionApproval.BRANCH


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reason": "  "}, "reason"),
        ({"approval_reference": ""}, "approval_reference"),
        ({"approved_on": datetime.date(2099, 1, 1)}, "approved_on"),
    ],
)
def test_a_reduction_without_its_reason_or_approval_is_refused(teacher, clerk, fields, error):
    with pytest.raises(ValidationError) as raised:
        reduce(teacher, clerk, "0", month(4), **fields)

    assert error in raised.value.message_dict
    assert not DuesReduction.objects.exists()


def test_a_reduction_cannot_end_before_it_starts(teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        reduce(teacher, clerk, "0", month(6), month(4))

    assert "ends_on" in raised.value.message_dict


def test_reductions_of_a_member_do_not_overlap_until_one_is_ended(teacher, clerk):
    first = reduce(teacher, clerk, "5.00", month(3))
    with pytest.raises(ValidationError) as raised:
        reduce(teacher, clerk, "0", month(8))
    assert "2026-03" in " ".join(raised.value.message_dict["starts_on"])

    reduce(
        teacher,
        clerk,
        "5.00",
        month(3),
        month(7),
        reduction=first,
        reason=first.reason,
    )
    reduce(teacher, clerk, "0", month(8))

    dues = dues_of(teacher)
    assert (dues.amount_for(month(7)), dues.waived(month(8))) == (Decimal("5.00"), True)


# The 公示.


def test_the_notice_says_reduced_or_waived_on_the_members_line(world, teacher, clerk):
    pay_monthly(teacher, clerk, range(1, 4))
    reduce(teacher, clerk, "0", month(4), month(6))
    reduce(teacher, clerk, "5.00", month(7))
    pay_monthly(teacher, clerk, range(7, 12))

    notice = year_notice(world.branch, 2026, today=TODAY)

    row = next(row for row in notice.rows if row.member.pk == teacher.pk)
    assert (row.months_paid, row.total_paid, row.reduced_months) == (8, Decimal("295.00"), 8)
    assert row.monthly_amount == Decimal("5.00")
    assert row_note(row) == "减免8个月"
