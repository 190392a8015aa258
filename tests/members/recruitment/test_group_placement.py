"""编入党支部和党小组: recording the step places the new probationary member in a party group
through the group service (groups.services.group_member_place), with its rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from groups.models import GroupMembership
from members.models import Category, RecruitmentRecord
from tests.factories import PartyGroupFactory
from tests.members.recruitment.test_rules import check, record, recruit
from tests.members.recruitment.test_services import take

D = datetime.date


@pytest.fixture
def user(world):
    return world.secretary.user


@pytest.fixture
def newcomer(world):
    person = recruit(world.branch, Category.PROBATIONARY, name="新党员", joined_on=D(2025, 3, 1))
    for code in ("upper_talk", "admission_approval", "approval_filed"):
        record(person, code, D(2025, 4, 1))
    return person


def test_placing_a_new_member_makes_them_a_member_of_the_group_from_that_day(world, user, newcomer):
    take(newcomer, "placed_in_group", D(2025, 4, 10), group=world.group_a, user=user)

    membership = GroupMembership.objects.current().get(member=newcomer)
    assert (membership.group, membership.started_on) == (world.group_a, D(2025, 4, 10))
    assert membership.history.first().history_user == user


def test_the_step_needs_a_group(newcomer):
    with pytest.raises(ValidationError) as refused:
        check(newcomer, "placed_in_group", D(2025, 4, 10))
    assert newcomer.name in str(refused.value)


def test_a_group_of_another_branch_is_refused_and_nothing_is_recorded(world, user, newcomer):
    elsewhere = PartyGroupFactory(branch=world.other_branch, name="外支部小组")
    with pytest.raises(ValidationError):
        take(newcomer, "placed_in_group", D(2025, 4, 10), group=elsewhere, user=user)
    assert not GroupMembership.objects.filter(member=newcomer).exists()
    assert not RecruitmentRecord.objects.filter(member=newcomer, step__code="placed_in_group")


def test_a_move_dated_before_the_current_membership_rolls_the_step_back(world, user, newcomer):
    GroupMembership.objects.create(group=world.group_b, member=newcomer, started_on=D(2025, 4, 20))
    with pytest.raises(ValidationError):
        take(newcomer, "placed_in_group", D(2025, 4, 10), group=world.group_a, user=user)
    assert not RecruitmentRecord.objects.filter(member=newcomer, step__code="placed_in_group")
    assert GroupMembership.objects.current().get(member=newcomer).group == world.group_b
