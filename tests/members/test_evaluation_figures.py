"""The evaluation figures of the year-end summary (members.evaluation.selectors): how many
took part and were graded, the final grades by count, the 优秀 names and the 基本合格 and
不合格 members to follow up, from the year's latest round whose ballot is closed, in a fixed
number of queries."""

import datetime

from members.evaluation import services
from members.evaluation.selectors import FollowUp, evaluation_figures
from members.models import Assessment, Grade
from tests.factories import UserFactory, member_in_group
from tests.members.yearly import BASIC_REASON, counted_round


def test_it_counts_who_took_part_and_the_grades(world):
    evaluation = counted_round(world)

    figures = evaluation_figures(world.branch, 2025)

    assert figures.evaluation == evaluation
    assert (figures.taking_part, figures.evaluated, figures.not_graded) == (7, 6, 1)
    assert figures.voted == 7
    assert figures.by_grade == {
        Grade.EXCELLENT: 1,
        Grade.QUALIFIED: 4,
        Grade.BASIC: 1,
        Grade.UNQUALIFIED: 0,
    }
    assert list(figures.by_grade) == Grade.values
    assert figures.grades_to_set == 0
    assert not figures.complete  # the committee has not closed the round yet


def test_it_names_the_excellent_and_the_follow_ups(world):
    evaluation = counted_round(world)
    unqualified = Assessment.objects.get(round=evaluation, member__name="乙组党员二")
    Assessment.objects.filter(pk=unqualified.pk).update(
        final_grade=Grade.UNQUALIFIED, reason="长期不参加组织生活"
    )

    figures = evaluation_figures(world.branch, 2025)

    assert [member.name for member in figures.excellent] == ["甲组长"]
    # 不合格 first, then 基本合格.
    assert figures.follow_ups == [
        FollowUp(member=unqualified.member, grade=Grade.UNQUALIFIED, reason="长期不参加组织生活"),
        FollowUp(member=world.member, grade=Grade.BASIC, reason=BASIC_REASON),
    ]


def test_grades_not_yet_set_are_counted_apart(world):
    evaluation = counted_round(world)
    Assessment.objects.filter(round=evaluation, member__name="乙组长").update(final_grade="")

    figures = evaluation_figures(world.branch, 2025)

    assert figures.grades_to_set == 1
    assert figures.by_grade[Grade.QUALIFIED] == 3


def test_a_round_whose_ballot_is_open_gives_no_figures(world):
    services.round_open(
        branch=world.branch,
        year=2025,
        opened_on=datetime.date(2025, 12, 1),
        acting_user=UserFactory(username="clerk"),
    )

    assert evaluation_figures(world.branch, 2025) is None
    assert evaluation_figures(world.branch, 2024) is None


def test_of_two_rounds_in_a_year_the_latest_counts(world):
    first = counted_round(world)
    clerk = UserFactory(username="clerk")
    services.round_close(evaluation=first, closed_on=datetime.date(2025, 12, 12), acting_user=clerk)
    second = services.round_open(
        branch=world.branch, year=2025, opened_on=datetime.date(2025, 12, 20), acting_user=clerk
    )
    services.ballot_close(
        evaluation=second, closed_on=datetime.date(2025, 12, 21), acting_user=clerk
    )

    figures = evaluation_figures(world.branch, 2025)

    assert figures.evaluation == second
    assert figures.voted == 0
    assert figures.grades_to_set == 6
    assert evaluation_figures(world.other_branch, 2025) is None


def test_its_query_count_does_not_grow_with_members(world, query_counter):
    evaluation = counted_round(world)
    names = iter(f"新党员{number}" for number in range(10))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        Assessment.objects.create(
            round=evaluation, member=member, graded=True, final_grade=Grade.BASIC
        )

    count = query_counter.assert_constant(
        lambda: evaluation_figures(world.branch, 2025), grow, times=2
    )
    assert count == 3
