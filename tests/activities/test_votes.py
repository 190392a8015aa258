"""The quorum and passing rules of domain §2, at their boundaries."""

import pytest

from activities.models import Attendance, Motion, Presence
from activities.votes import Quorum, motion_problems, motion_result, quorum_of
from members.models import Category


def attendance(category, presence):
    return Attendance(category=category, presence=presence)


def quorum(expected, present):
    return Quorum(voting_expected=expected, voting_present=present)


@pytest.mark.parametrize(
    ("expected", "present", "valid"),
    [
        (10, 5, False),  # exactly half is not more than half
        (10, 6, True),
        (9, 4, False),
        (9, 5, True),
        (1, 1, True),
        (0, 0, False),  # nobody with a vote: nothing can be decided
    ],
)
def test_a_meeting_is_valid_only_with_more_than_half_of_the_voting_members(
    expected, present, valid
):
    assert quorum(expected, present).valid is valid


def test_probationary_members_neither_count_nor_vote():
    rows = [
        attendance(Category.FULL, Presence.PRESENT),
        attendance(Category.FULL, Presence.PRESENT),
        attendance(Category.FULL, Presence.ABSENT),
        attendance(Category.FULL, Presence.EXCUSED),
        attendance(Category.PROBATIONARY, Presence.PRESENT),
        attendance(Category.PROBATIONARY, Presence.PRESENT),
    ]
    result = quorum_of(rows)
    assert (result.voting_expected, result.voting_present) == (4, 2)
    assert result.valid is False  # 2 of 4 is not more than half, whoever else came


def test_excused_members_still_count_among_those_who_should_attend():
    rows = [attendance(Category.FULL, Presence.EXCUSED)] * 3 + [
        attendance(Category.FULL, Presence.PRESENT)
    ] * 3
    assert quorum_of(rows).voting_expected == 6
    assert quorum_of(rows).valid is False


@pytest.mark.parametrize(
    ("votes_for", "written_for", "passed"),
    [
        (5, 0, False),  # exactly half of the 10 who should attend
        (6, 0, True),
        (5, 1, True),  # a written opinion handed in beforehand counts
        (4, 1, False),
    ],
)
def test_a_motion_needs_more_than_half_of_those_who_should_attend(votes_for, written_for, passed):
    motion = Motion(votes_for=votes_for, written_for=written_for)
    assert motion_result(motion, quorum(10, 6)).passed is passed


def test_a_motion_with_a_majority_of_those_present_but_not_of_those_expected_fails():
    # 7 present of 12 expected: valid; 6 of the 7 present vote for — more than half of those
    # present, but 6 is not more than half of 12.
    motion = Motion(votes_for=6, votes_against=1)
    assert motion_result(motion, quorum(12, 7)).passed is False


def test_nothing_passes_at_a_meeting_without_quorum():
    motion = Motion(votes_for=5, written_for=3)
    assert motion_result(motion, quorum(10, 5)).passed is False


def test_counts_that_cannot_be_right_are_pointed_out():
    problems = motion_problems(
        Motion(votes_for=5, votes_against=2, written_for=3, written_against=2), quorum(10, 6)
    )
    assert len(problems) == 2
    assert "7" in problems[0] and "6" in problems[0]
    assert "5" in problems[1] and "4" in problems[1]
    assert motion_problems(Motion(votes_for=6, written_for=4), quorum(10, 6)) == []
