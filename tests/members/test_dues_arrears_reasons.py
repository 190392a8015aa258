"""Reasons for dues arrears: the committee records why a member is behind (illness, abroad, a
hardship being processed); the 3-month warning still shows, with the reason, and only the
months behind before a reason covers them count towards the six that 党章 第九条 treats as
leaving the Party. A reason covers one run of arrears: once the member is settled again, a
later run needs its own. The ledger still reads everything in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues import services
from members.dues.ledger import branch_dues
from members.dues.selectors import arrears
from members.dues.yearly import dues_figures
from members.models import DuesArrearsReason, DuesCategory, Member, ReductionApproval
from tests.factories import MemberFactory, UserFactory

TODAY = datetime.date(2026, 11, 20)  # October is the last month that can be late
JANUARY = datetime.date(2026, 1, 1)


def month(number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, number, 1)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


def set_base(member, clerk, first=JANUARY):
    services.dues_basis_set(
        member=member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=first,
        acting_user=clerk,
    )


@pytest.fixture
def teacher(world, clerk):
    """普通党员 owes from January 2026."""
    set_base(world.member, clerk)
    return world.member


def pay_monthly(member, clerk, numbers):
    for number in numbers:
        services.dues_pay(
            member=member,
            months=[month(number)],
            paid_on=month(number).replace(day=10),
            acting_user=clerk,
        )


def give_reason(member, clerk, first, reason="患病住院治疗", note=""):
    return services.dues_arrears_reason_record(
        member=member, starts_on=first, reason=reason, note=note, acting_user=clerk
    )


def dues_of(member):
    (row,) = branch_dues(Member.objects.filter(pk=member.pk), today=TODAY).members
    return row


def test_six_months_behind_without_a_reason_are_serious(teacher, clerk):
    pay_monthly(teacher, clerk, range(1, 5))  # May to October unpaid

    dues = dues_of(teacher)
    assert (dues.months_behind, dues.arrears_reason, dues.serious) == (6, None, True)


def test_a_reason_from_the_start_of_the_run_keeps_the_warning_but_not_the_flag(teacher, clerk):
    pay_monthly(teacher, clerk, range(1, 5))
    reason = give_reason(teacher, clerk, month(5))

    dues = dues_of(teacher)
    assert (dues.months_behind, dues.stands_out, dues.serious) == (6, True, False)
    assert dues.arrears_reason == reason
    assert dues.months_behind_without_reason == 0


@pytest.mark.parametrize(("reason_from", "without", "serious"), [(8, 5, False), (9, 6, True)])
def test_the_months_behind_before_the_reason_still_count(
    teacher, clerk, reason_from, without, serious
):
    pay_monthly(teacher, clerk, [1, 2])  # March to October unpaid: 8 months
    give_reason(teacher, clerk, month(reason_from))

    dues = dues_of(teacher)
    assert (dues.months_behind, dues.months_behind_without_reason, dues.serious) == (
        8,
        without,
        serious,
    )


def test_a_reason_for_an_earlier_run_of_arrears_does_not_cover_a_later_one(teacher, clerk):
    give_reason(teacher, clerk, month(1), reason="出国探亲")
    pay_monthly(teacher, clerk, [2, 3])  # settled in March: April to October unpaid

    dues = dues_of(teacher)
    assert (dues.months_behind, dues.arrears_reason, dues.serious) == (7, None, True)


def test_a_reason_from_before_the_first_month_owed_covers_the_run_from_it(world, clerk):
    recruit = MemberFactory(branch=world.branch, probationary=True)  # admitted 2026-06-01
    set_base(recruit, clerk)
    give_reason(recruit, clerk, month(1))

    dues = dues_of(recruit)
    assert (dues.months_behind, dues.months_behind_without_reason) == (5, 0)


def test_a_second_reason_from_the_same_month_replaces_the_first(teacher, clerk):
    give_reason(teacher, clerk, month(5), reason="待查")
    give_reason(teacher, clerk, month(5), reason="出国（境）学习", note="2027年返校")

    (reason,) = DuesArrearsReason.objects.filter(member=teacher)
    assert (reason.reason, reason.note) == ("出国（境）学习", "2027年返校")
    assert reason.history.first().history_user == clerk


@pytest.mark.parametrize(
    ("first", "reason", "error"),
    [(month(5), "  ", "reason"), (datetime.date(2099, 1, 1), "出国", "starts_on")],
)
def test_a_reason_without_text_or_from_a_month_to_come_is_refused(
    teacher, clerk, first, reason, error
):
    with pytest.raises(ValidationError) as raised:
        give_reason(teacher, clerk, first, reason=reason)

    assert error in raised.value.message_dict
    assert not DuesArrearsReason.objects.exists()


def test_the_overview_and_the_summary_count_as_serious_only_those_without_a_reason(world, clerk):
    for member in world.branch.members.all():
        set_base(member, clerk, first=month(1, 2025))
    give_reason(world.member, clerk, month(1, 2025))

    counted = arrears(world.branch.members.all(), today=TODAY)
    assert (counted.behind, counted.serious) == (6, 5)
    figures = dues_figures(world.branch, 2025, today=TODAY)
    flagged = {row.member.name: row.serious for row in figures.in_arrears}
    assert flagged["普通党员"] is False and flagged["书记"] is True


def test_the_ledger_reads_reductions_and_reasons_in_the_same_six_queries_for_more_members(
    world, clerk, django_assert_num_queries
):
    def grow(count):
        for _ in range(count):
            member = MemberFactory(branch=world.branch)
            set_base(member, clerk)
            give_reason(member, clerk, month(3))
            services.dues_reduction_record(
                member=member,
                starts_on=month(5),
                ends_on=None,
                monthly_amount=Decimal("0"),
                reason="生活困难",
                approved_by=ReductionApproval.UPPER_COMMITTEE,
                approval_reference="批复",
                approved_on=month(5),
                acting_user=clerk,
            )

    grow(1)
    with django_assert_num_queries(6):
        ledger = branch_dues(world.branch.members.all(), today=TODAY)
        # January to April unpaid; from May the dues are waived.
        assert [len(row.unpaid_months) for row in ledger.members if row.reasons] == [4]
    grow(4)
    with django_assert_num_queries(6):
        ledger = branch_dues(world.branch.members.all(), today=TODAY)
        assert sum(1 for row in ledger.members if row.reductions) == 5
