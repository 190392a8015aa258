"""`ledger_figures`: the numbers the year-end summary states, against a fixture counted by
hand: records inside, across and outside the period's edges, a member who changes group
after it, another branch's records."""

import datetime
from decimal import Decimal

import pytest

from activities.ledgers import services
from activities.ledgers.selectors import ledger_figures
from activities.models import Fulfilment, PartnerKind, PledgeKind, PostKind
from groups.models import GroupMembership
from tests.activities.test_ledgers_models import (
    activist_of,
    case_of,
    help_for,
    pairing_of,
    pledge_of,
    post_of,
)
from tests.factories import GroupMembershipFactory

D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


def meet(pairing, *days):
    for day in days:
        services.pairing_meeting_add(pairing=pairing, held_on=day, note="活动", acting_user=None)


def review(pledge, outcome):
    services.pledge_review(
        pledge=pledge,
        outcome=outcome,
        reviewed_on=D(2026, 12, 1),
        fulfilment="",
        acting_user=None,
        today=D(2026, 12, 1),
    )


@pytest.fixture
def ledgers(world):
    """Group A: secretary, leader_a, member. Group B: leader_b, b1, b2 (b2 moves to A in
    January 2027, after the period)."""
    b1, b2 = [
        m.member for m in world.group_b.memberships.exclude(member=world.leader_b).order_by("pk")
    ]

    # Pairings active in 2026: pupil ×2 (member; b2 from the last day), young teacher,
    # activist. b1's ended in 2025. Meetings in 2026: 2 + 3 + 1.
    pupil = pairing_of(world.member, started_on=D(2025, 9, 1), ended_on=D(2026, 6, 30))
    meet(pupil, D(2025, 10, 10), D(2026, 3, 5), D(2026, 5, 20))
    young = pairing_of(
        world.leader_a,
        kind=PartnerKind.YOUNG_TEACHER,
        partner_name="王老师",
        started_on=D(2026, 9, 1),
    )
    meet(young, D(2026, 9, 15), D(2026, 10, 15), D(2026, 11, 15))
    activist = activist_of(world.branch, mentors=[world.leader_b])
    mentored = pairing_of(
        world.leader_b, kind=PartnerKind.ACTIVIST, partner_member=activist, started_on=D(2026, 3, 1)
    )
    meet(mentored, D(2026, 4, 1))
    ended = pairing_of(
        b1,
        kind=PartnerKind.COLLEAGUE,
        partner_name="李老师",
        started_on=D(2024, 9, 1),
        ended_on=D(2025, 12, 31),
    )
    meet(ended, D(2025, 11, 1))
    pairing_of(b2, started_on=D(2026, 12, 31))

    # Hardship: two cases open in 2026 (one opened in it), four helps in 2026 worth 1690.99.
    closed_early = case_of(world.branch, member=world.member, opened_on=D(2025, 11, 1))
    help_for(closed_early, given_on=D(2025, 12, 1), amount="300.00", givers=[world.secretary])
    help_for(closed_early, given_on=D(2026, 1, 20), amount="500.50", givers=[world.secretary])
    closed_early.closed_on = D(2026, 2, 28)
    services.hardship_case_update(case=closed_early, acting_user=None)
    teacher = case_of(world.branch, person_name="王老师", opened_on=D(2026, 5, 1))
    help_for(teacher, given_on=D(2026, 5, 3), amount="1000.00", givers=[world.secretary])
    help_for(teacher, given_on=D(2026, 9, 10), amount="0", givers=[world.leader_a])
    help_for(teacher, given_on=D(2026, 11, 30), amount="190.49", givers=[world.secretary])
    old = case_of(world.branch, member=b1, opened_on=D(2024, 1, 1))
    help_for(old, given_on=D(2025, 6, 1), amount="100.00", givers=[world.secretary])
    old.closed_on = D(2025, 12, 31)
    services.hardship_case_update(case=old, acting_user=None)

    # Pledges of 2026: 三个一 ×3, 四个一, other; done 2, partly 1, not 1, unreviewed 1.
    review(pledge_of(world.member), Fulfilment.DONE)
    review(pledge_of(world.leader_a), Fulfilment.PARTLY)
    pledge_of(world.leader_b)
    review(pledge_of(b1, kind=PledgeKind.FOUR_ONES), Fulfilment.DONE)
    review(pledge_of(world.secretary, kind=PledgeKind.OTHER), Fulfilment.NOT_DONE)
    review(pledge_of(world.member, year=2025), Fulfilment.DONE)  # last year's

    # Posts held in 2026: safety (member, to January; b2), area (member).
    post_of(world.member, started_on=D(2025, 9, 1), ended_on=D(2026, 1, 31))
    post_of(world.member, kind=PostKind.AREA, place="一年级组")
    post_of(world.leader_b, started_on=D(2024, 9, 1), ended_on=D(2025, 12, 31))
    post_of(b2, place="操场")

    # After the period, b2 moves to group A; another branch has its own records.
    membership = GroupMembership.objects.get(member=b2, ended_on__isnull=True)
    membership.ended_on = D(2027, 1, 9)
    membership.save()
    GroupMembershipFactory(group=world.group_a, member=b2, started_on=D(2027, 1, 10))
    pairing_of(world.outsider)
    pledge_of(world.outsider)
    post_of(world.outsider)
    return world


def test_the_branch_figures_add_up(ledgers):
    figures = ledger_figures(ledgers.branch, *YEAR)

    assert figures.pairings_by_kind == {
        "pupil": 2,
        "young_teacher": 1,
        "activist": 1,
        "colleague": 0,
    }
    assert (figures.pairings_active, figures.pairing_meetings) == (4, 6)
    assert (figures.hardship_cases_open, figures.hardship_cases_opened) == (2, 1)
    assert (figures.hardship_cases_helped, figures.hardship_helps) == (2, 4)
    assert figures.hardship_money == Decimal("1690.99")
    assert figures.pledges_by_kind == {"three_ones": 3, "four_ones": 1, "other": 1}
    assert figures.pledges_by_outcome == {"": 1, "done": 2, "partly": 1, "not_done": 1}
    assert (figures.pledges_made, figures.pledges_fulfilled) == (5, 2)
    assert figures.posts_by_kind == {"area": 1, "safety": 2}
    assert (figures.posts_held, figures.members_with_posts) == (3, 2)


def test_the_group_figures_follow_the_group_at_the_periods_end(ledgers):
    figures = ledger_figures(ledgers.branch, *YEAR)
    by_group = {part.group: part for part in figures.groups}

    group_a, group_b = by_group[ledgers.group_a], by_group[ledgers.group_b]
    assert list(by_group) == [ledgers.group_a, ledgers.group_b]  # nobody outside a group
    assert (group_a.pairings_active, group_a.pairing_meetings) == (2, 5)
    assert group_a.pairings_by_kind["young_teacher"] == 1
    assert (group_b.pairings_active, group_b.pairing_meetings) == (2, 1)
    assert (group_b.pairings_by_kind["activist"], group_b.pairings_by_kind["pupil"]) == (1, 1)
    assert (group_a.pledges_made, group_a.pledges_fulfilled) == (3, 1)
    assert (group_b.pledges_made, group_b.pledges_fulfilled) == (2, 1)
    assert (group_a.posts_held, group_b.posts_held) == (2, 1)


def test_the_figures_of_a_quiet_year_are_zero(ledgers):
    figures = ledger_figures(ledgers.branch, D(2020, 1, 1), D(2020, 12, 31))
    assert figures.pairings_active == figures.pairing_meetings == 0
    assert figures.hardship_money == Decimal("0.00")
    assert figures.pledges_made == figures.posts_held == 0
    assert [part.pairings_active for part in figures.groups] == [0, 0]


def test_a_shorter_period_counts_its_own_days(ledgers):
    autumn = ledger_figures(ledgers.branch, D(2026, 9, 1), D(2026, 12, 31))
    assert autumn.pairings_by_kind["pupil"] == 1  # the member's ended in June
    assert autumn.pairing_meetings == 3
    assert (autumn.hardship_cases_open, autumn.hardship_helps) == (1, 2)
    assert autumn.hardship_money == Decimal("190.49")
    assert autumn.posts_held == 2


def test_the_figures_take_a_fixed_number_of_queries(ledgers, django_assert_num_queries):
    with django_assert_num_queries(8):
        ledger_figures(ledgers.branch, *YEAR)


def test_the_figures_dataclass_is_frozen(ledgers):
    figures = ledger_figures(ledgers.branch, *YEAR)
    with pytest.raises(AttributeError):
        figures.pairing_meetings = 0
