"""The dues figures of the year-end summary (members.dues.selectors): the regular dues
collected for the year's months, the members in arrears at its end (payments made by then),
and the special dues apart with their purposes, in a fixed number of queries."""

import datetime
from decimal import Decimal

from members.dues import services
from members.dues.yearly import SpecialPurpose, dues_figures, year_notice
from members.models import DuesCategory
from tests.factories import UserFactory, member_in_group
from tests.members.yearly import DUES_YEAR, a_year_of_dues

TODAY = datetime.date(2026, 3, 1)


def test_it_adds_the_regular_dues_for_the_months_of_the_year(world):
    expected = a_year_of_dues(world)

    figures = dues_figures(world.branch, DUES_YEAR, today=TODAY)

    # 乙组党员一's July to December, paid back in January 2026, count for 2025.
    assert figures.collected == expected["collected"] == Decimal("3392.40")
    assert figures.members_paid == 6
    assert dues_figures(world.branch, 2024, today=TODAY).collected == Decimal("0.00")


def test_arrears_are_counted_at_the_years_end(world):
    a_year_of_dues(world)

    arrears = dues_figures(world.branch, DUES_YEAR, today=TODAY).in_arrears

    # 乙组党员一 was six months behind on 31 December, whatever January brought; 普通党员
    # three. The member who left in April and the one without a base are not in arrears.
    assert [(row.member.name, row.months_behind, row.serious) for row in arrears] == [
        ("乙组党员一", 6, True),
        ("普通党员", 3, False),
    ]


def test_while_the_year_runs_arrears_are_counted_up_to_last_month(world):
    a_year_of_dues(world)

    arrears = dues_figures(world.branch, DUES_YEAR, today=datetime.date(2025, 12, 25)).in_arrears

    # On 25 December 2025 (December not yet late): 乙组党员一 owes July to November, 普通党员
    # October and November only.
    assert [(row.member.name, row.months_behind) for row in arrears] == [("乙组党员一", 5)]


def test_special_dues_are_apart_with_their_purposes(world):
    a_year_of_dues(world)

    figures = dues_figures(world.branch, DUES_YEAR, today=TODAY)

    assert figures.special_total == Decimal("350.00")
    assert figures.special_purposes == [
        SpecialPurpose(purpose="抗洪救灾", members=2, total=Decimal("300.00")),
        SpecialPurpose(purpose="帮扶困难党员", members=1, total=Decimal("50.00")),
    ]
    assert figures.collected + figures.special_total == Decimal("3742.40")


def test_the_notice_reads_the_same_dues(world):
    expected = a_year_of_dues(world)

    notice = year_notice(world.branch, DUES_YEAR, today=TODAY)

    assert notice.total_paid == dues_figures(world.branch, DUES_YEAR, today=TODAY).collected
    assert {row.member.name: row.total_paid for row in notice.rows} == expected["totals"]
    assert notice.special_total == Decimal("350.00")
    # By group, then name: A组 before B组.
    assert [row.group_name for row in notice.rows] == ["A组"] * 3 + ["B组"] * 4


def test_their_query_counts_do_not_grow_with_members(world, query_counter):
    a_year_of_dues(world)
    clerk = UserFactory(username="grower")
    names = iter(f"新党员{number}" for number in range(10))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        services.dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("4500"),
            starts_on=datetime.date(2025, 1, 1),
            acting_user=clerk,
        )
        services.dues_pay(
            member=member,
            months=[datetime.date(2025, 1, 1)],
            paid_on=datetime.date(2025, 1, 10),
            acting_user=clerk,
        )
        services.special_dues_record(
            member=member,
            amount=Decimal("20"),
            paid_on=datetime.date(2025, 5, 1),
            purpose=f"帮扶{member.pk}",
            acting_user=clerk,
        )

    figures = query_counter.assert_constant(
        lambda: dues_figures(world.branch, DUES_YEAR, today=TODAY), grow, times=2
    )
    notice = query_counter.assert_constant(
        lambda: year_notice(world.branch, DUES_YEAR, today=TODAY), grow, times=2
    )
    assert (figures, notice) == (8, 7)


def test_what_a_branch_collected_stays_its_own_when_the_member_moves_on(world):
    from groups.models import Branch
    from members.dues.yearly import members_of_the_year
    from members.models import DuesPayment, Member, SpecialDues

    expected = a_year_of_dues(world)
    mover = DuesPayment.objects.filter(branch=world.branch, month__year=DUES_YEAR).first().member
    theirs = sum(p.amount for p in DuesPayment.objects.filter(member=mover, month__year=DUES_YEAR))
    other = Branch.objects.create(name="二支部", code="second", school="二小")
    Member.objects.filter(pk=mover.pk).update(branch=other)  # moved to another branch

    here = dues_figures(world.branch, DUES_YEAR, today=TODAY)
    there = dues_figures(other, DUES_YEAR, today=TODAY)

    assert here.collected == expected["collected"]
    assert mover in members_of_the_year(world.branch, DUES_YEAR)
    assert there.collected == Decimal("0.00") and theirs > 0
    assert set(SpecialDues.objects.values_list("branch", flat=True)) == {world.branch.pk}
