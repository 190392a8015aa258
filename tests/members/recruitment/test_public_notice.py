"""The public notice (公示) of a candidate and of a probationary member's full membership: an
optional step whose length is the `public_notice` time rule — 5 working days by default,
counted on the Chinese calendar with its 调休, or calendar days where a branch's upper
committee asks for 7 days."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import Category, RecruitmentStep, TimeRule, TimeRuleCode, TimeUnit
from members.recruitment import NOTICE_STEPS, recruitment_step_record
from tests.members.recruitment.test_rules import check, record, recruit, revise

D = datetime.date


def notice_warnings(member, on, until, code="candidate_notice"):
    return [w for w in check(member, code, on, notice_ends_on=until) if "公示期" in w]


@pytest.fixture
def candidate(world):
    person = recruit(world.branch, Category.CANDIDATE, name="发展对象")
    record(person, "candidate_chosen", D(2025, 6, 1))
    return person


def test_the_notice_rule_is_seeded_as_local_practice_with_5_working_days(db):
    rule = TimeRule.objects.get(code=TimeRuleCode.PUBLIC_NOTICE)
    assert (rule.value, rule.unit) == (5, TimeUnit.WORKING_DAYS)
    assert "本地做法" in rule.source and "7天" in rule.source


def test_the_notices_are_optional_steps_of_the_candidate_and_of_full_membership(db):
    steps = {step.code: step for step in RecruitmentStep.objects.filter(code__in=NOTICE_STEPS)}
    assert {code: step.stage for code, step in steps.items()} == {
        "candidate_notice": Category.CANDIDATE,
        "full_notice": Category.PROBATIONARY,
    }
    assert all(step.optional and step.number is None for step in steps.values())


def test_five_working_days_across_national_day_end_on_the_fifth_working_day(candidate):
    # Fri 26 Sep, Sun 28 Sep (调休), Mon 29, Tue 30; 1–8 October off; Thu 9 October.
    (warning,) = notice_warnings(candidate, D(2025, 9, 26), D(2025, 10, 8))
    assert "5个工作日" in warning and "4个工作日" in warning
    assert notice_warnings(candidate, D(2025, 9, 26), D(2025, 10, 9)) == []


def test_a_plain_week_is_five_working_days(candidate):
    assert notice_warnings(candidate, D(2025, 12, 1), D(2025, 12, 5)) == []
    assert len(notice_warnings(candidate, D(2025, 12, 1), D(2025, 12, 4))) == 1


def test_a_branch_may_count_seven_calendar_days_instead(candidate):
    revise(TimeRuleCode.PUBLIC_NOTICE, 7, TimeUnit.DAYS, D(2025, 1, 1))
    assert notice_warnings(candidate, D(2025, 10, 1), D(2025, 10, 7)) == []
    (warning,) = notice_warnings(candidate, D(2025, 10, 1), D(2025, 10, 6))
    assert "7天" in warning and "6天" in warning


def test_a_notice_needs_its_last_day_and_cannot_end_before_it_starts(candidate):
    with pytest.raises(ValidationError):
        check(candidate, "candidate_notice", D(2025, 9, 26))
    with pytest.raises(ValidationError):
        check(candidate, "candidate_notice", D(2025, 9, 26), notice_ends_on=D(2025, 9, 25))


def test_a_short_notice_is_recorded_with_its_warning_once_confirmed(world, candidate):
    result = recruitment_step_record(
        member=candidate,
        step=RecruitmentStep.objects.get(code="candidate_notice"),
        on=D(2025, 12, 1),
        notice_ends_on=D(2025, 12, 3),
        reference="档案盒1-1",
        acting_user=world.secretary.user,
        today=D(2026, 1, 1),
    )
    assert result.record.notice_ends_on == D(2025, 12, 3)
    assert "3个工作日" in result.record.warnings


def test_the_full_membership_notice_is_checked_the_same_way(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 9, 1))
    assert len(notice_warnings(person, D(2025, 12, 1), D(2025, 12, 4), "full_notice")) == 1
