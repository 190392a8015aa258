"""Database invariants of the organisation and members.

Each rule is checked twice: a raw `save()` must be refused by the database itself
(IntegrityError), and `full_clean()` must refuse it first with the Chinese message the
forms and admin show.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.models import (
    CommitteeMembership,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
)
from members.models import Category, Member
from tests.factories import (
    BranchFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    GroupMembershipFactory,
    MemberFactory,
    PartyGroupFactory,
)

pytestmark = pytest.mark.django_db

LEADER_TAKEN = "该党小组已有在任的同一职务，请先填写其截止日期。"
ALREADY_IN_GROUP = "该党员已在其他党小组，请先填写原小组的截止日期。"
SECRETARY_TAKEN = "本届已有在任书记。"
DATES_REVERSED = "截止日期不能早于起始日期。"
TERM_ENDS_TOO_EARLY = "任期届满日期必须晚于选举日期。"
FULL_BEFORE_JOINING = "转为正式党员日期不能早于加入党组织日期。"
PROBATIONARY_WITH_FULL_DATE = "预备党员还没有转为正式党员日期，请留空。"
JOINED_BEFORE_BIRTH = "加入党组织日期必须晚于出生日期。"

START = datetime.date(2020, 9, 1)


def assert_refused(instance, message: str) -> None:
    """full_clean() gives `message`; a raw save() is refused by the database."""
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert message in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def assert_accepted(instance) -> None:
    instance.full_clean()
    instance.save()
    assert instance.pk is not None


# ---------------------------------------------------------------- group leadership


def test_it_refuses_a_second_current_leader_of_a_group():
    first = GroupLeadershipFactory(role=GroupRole.LEADER)
    second_member = MemberFactory(branch=first.group.branch)
    second = GroupLeadership(
        group=first.group, member=second_member, role=GroupRole.LEADER, started_on=START
    )
    assert_refused(second, LEADER_TAKEN)


def test_it_accepts_a_second_leader_once_the_first_has_ended():
    first = GroupLeadershipFactory(role=GroupRole.LEADER, ended_on=datetime.date(2023, 8, 31))
    second_member = MemberFactory(branch=first.group.branch)
    assert_accepted(
        GroupLeadership(
            group=first.group,
            member=second_member,
            role=GroupRole.LEADER,
            started_on=datetime.date(2023, 9, 1),
        )
    )
    assert GroupLeadership.objects.current().filter(group=first.group).count() == 1


def test_it_accepts_a_current_leader_and_a_current_deputy_together():
    leader = GroupLeadershipFactory(role=GroupRole.LEADER)
    deputy_member = MemberFactory(branch=leader.group.branch)
    assert_accepted(
        GroupLeadership(
            group=leader.group, member=deputy_member, role=GroupRole.DEPUTY, started_on=START
        )
    )


def test_it_accepts_current_leaders_of_different_groups():
    first = GroupLeadershipFactory(role=GroupRole.LEADER)
    other_group = PartyGroupFactory(branch=first.group.branch)
    assert_accepted(
        GroupLeadership(
            group=other_group,
            member=MemberFactory(branch=first.group.branch),
            role=GroupRole.LEADER,
            started_on=START,
        )
    )


# ---------------------------------------------------------------- group membership


def test_it_refuses_a_second_current_group_for_a_member():
    first = GroupMembershipFactory()
    other_group = PartyGroupFactory(branch=first.group.branch)
    second = GroupMembership(group=other_group, member=first.member, started_on=START)
    assert_refused(second, ALREADY_IN_GROUP)


def test_it_accepts_a_new_group_once_the_old_membership_has_ended():
    first = GroupMembershipFactory(ended_on=datetime.date(2023, 9, 1))
    other_group = PartyGroupFactory(branch=first.group.branch)
    assert_accepted(
        GroupMembership(
            group=other_group, member=first.member, started_on=datetime.date(2023, 9, 1)
        )
    )


# ---------------------------------------------------------------- committee posts


def test_it_refuses_a_second_current_secretary_in_a_term():
    first = CommitteeMembershipFactory(role=CommitteeRole.SECRETARY)
    second = CommitteeMembership(
        term=first.term,
        member=MemberFactory(branch=first.term.branch),
        role=CommitteeRole.SECRETARY,
        started_on=first.term.elected_on,
    )
    assert_refused(second, SECRETARY_TAKEN)


def test_it_accepts_a_new_secretary_once_the_first_has_ended():
    first = CommitteeMembershipFactory(
        role=CommitteeRole.SECRETARY, ended_on=datetime.date(2026, 1, 31)
    )
    assert_accepted(
        CommitteeMembership(
            term=first.term,
            member=MemberFactory(branch=first.term.branch),
            role=CommitteeRole.SECRETARY,
            started_on=datetime.date(2026, 2, 1),
        )
    )


def test_it_accepts_a_secretary_and_a_deputy_secretary_in_one_term():
    first = CommitteeMembershipFactory(role=CommitteeRole.SECRETARY)
    assert_accepted(
        CommitteeMembership(
            term=first.term,
            member=MemberFactory(branch=first.term.branch),
            role=CommitteeRole.DEPUTY_SECRETARY,
            started_on=first.term.elected_on,
        )
    )


# ---------------------------------------------------------------- dates ordered


def _group_membership(ended_on):
    group = PartyGroupFactory()
    return GroupMembership(
        group=group, member=MemberFactory(branch=group.branch), started_on=START, ended_on=ended_on
    )


def _group_leadership(ended_on):
    group = PartyGroupFactory()
    return GroupLeadership(
        group=group,
        member=MemberFactory(branch=group.branch),
        role=GroupRole.LEADER,
        started_on=START,
        ended_on=ended_on,
    )


def _committee_post(ended_on):
    term = CommitteeTermFactory(elected_on=datetime.date(2019, 6, 1))
    return CommitteeMembership(
        term=term,
        member=MemberFactory(branch=term.branch),
        role=CommitteeRole.ORGANISATION,
        started_on=START,
        ended_on=ended_on,
    )


DATED_ROWS = pytest.mark.parametrize(
    "build",
    [_group_membership, _group_leadership, _committee_post],
    ids=["group membership", "group leadership", "committee post"],
)


@DATED_ROWS
def test_it_refuses_an_end_date_before_the_start_date(build):
    assert_refused(build(START - datetime.timedelta(days=1)), DATES_REVERSED)


@DATED_ROWS
def test_it_accepts_an_end_date_on_the_start_date(build):
    assert_accepted(build(START))


# ---------------------------------------------------------------- committee terms


@pytest.mark.parametrize("days_after_election", [0, -1], ids=["same day", "day before"])
def test_it_refuses_a_term_that_does_not_end_after_its_election(days_after_election):
    elected_on = datetime.date(2025, 6, 1)
    term = CommitteeTerm(
        branch=BranchFactory(),
        number=1,
        elected_on=elected_on,
        ends_on=elected_on + datetime.timedelta(days=days_after_election),
    )
    assert_refused(term, TERM_ENDS_TOO_EARLY)


def test_it_accepts_a_term_ending_the_day_after_its_election():
    elected_on = datetime.date(2025, 6, 1)
    assert_accepted(
        CommitteeTerm(
            branch=BranchFactory(),
            number=1,
            elected_on=elected_on,
            ends_on=elected_on + datetime.timedelta(days=1),
        )
    )


def test_it_ends_a_term_after_the_branch_default_of_three_years():
    term = CommitteeTerm.objects.create(
        branch=BranchFactory(), number=1, elected_on=datetime.date(2025, 6, 1)
    )
    term.refresh_from_db()
    assert term.ends_on == datetime.date(2028, 6, 1)


def test_it_ends_a_term_after_the_branch_own_term_length():
    branch = BranchFactory(committee_term_years=5)
    term = CommitteeTerm.objects.create(
        branch=branch, number=1, elected_on=datetime.date(2025, 6, 1)
    )
    term.refresh_from_db()
    assert term.ends_on == datetime.date(2030, 6, 1)


def test_it_ends_a_term_elected_on_29_february_on_28_february():
    term = CommitteeTerm.objects.create(
        branch=BranchFactory(), number=1, elected_on=datetime.date(2024, 2, 29)
    )
    term.refresh_from_db()
    assert term.ends_on == datetime.date(2027, 2, 28)


def test_it_fills_the_default_end_during_validation():
    term = CommitteeTerm(branch=BranchFactory(), number=1, elected_on=datetime.date(2025, 6, 1))
    term.full_clean()
    assert term.ends_on == datetime.date(2028, 6, 1)


def test_it_keeps_an_end_date_given_explicitly():
    term = CommitteeTerm.objects.create(
        branch=BranchFactory(),
        number=1,
        elected_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    term.refresh_from_db()
    assert term.ends_on == datetime.date(2027, 12, 31)


# ---------------------------------------------------------------- members


def test_it_refuses_full_membership_before_joining():
    member = MemberFactory.build(
        branch=BranchFactory(),
        joined_on=datetime.date(2015, 7, 1),
        full_member_on=datetime.date(2015, 6, 30),
    )
    assert_refused(member, FULL_BEFORE_JOINING)


def test_it_refuses_a_probationary_member_with_a_full_membership_date():
    member = MemberFactory.build(
        branch=BranchFactory(),
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2025, 7, 1),
        full_member_on=datetime.date(2026, 7, 1),
    )
    assert_refused(member, PROBATIONARY_WITH_FULL_DATE)


@pytest.mark.parametrize("joined_on", [datetime.date(1985, 3, 7), datetime.date(1985, 3, 8)])
def test_it_refuses_joining_before_or_on_the_date_of_birth(joined_on):
    member = MemberFactory.build(
        branch=BranchFactory(),
        birth_date=datetime.date(1985, 3, 8),
        joined_on=joined_on,
        full_member_on=None,
        category=Category.PROBATIONARY,
    )
    assert_refused(member, JOINED_BEFORE_BIRTH)


def test_it_accepts_a_member_whose_dates_are_unknown():
    member = Member(branch=BranchFactory(), name="新党员", gender="female")
    assert_accepted(member)


def test_it_accepts_a_probationary_member_without_a_full_membership_date():
    member = MemberFactory.build(branch=BranchFactory(), probationary=True)
    assert_accepted(member)
