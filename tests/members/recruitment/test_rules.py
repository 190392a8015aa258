"""The time rules of recruitment (domain §3) at their boundary dates, and how a revised rule
takes over from the date it comes into force."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from branchsite.dates import add_months
from members.models import (
    Category,
    Member,
    RecruitmentRecord,
    RecruitmentStep,
    TimeRule,
    TimeRuleCode,
)
from members.recruitment import (
    RuleBook,
    Timeline,
    probation_end,
    recruitment_step_check,
)
from tests.factories import MemberFactory

D = datetime.date
LONG_AFTER = D(2100, 1, 1)  # "today" for the checks: every date in these tests is past


def recruit(branch, category=Category.APPLICANT, **fields) -> Member:
    fields.setdefault("birth_date", D(1990, 1, 1))
    fields.setdefault("joined_on", None)
    return MemberFactory(branch=branch, category=category, full_member_on=None, **fields)


def record(member, code, on, **fields) -> RecruitmentRecord:
    """Earlier history, entered directly: the service's checks are not under test here."""
    return RecruitmentRecord.objects.create(
        member=member, step=RecruitmentStep.objects.get(code=code), done_on=on, **fields
    )


def check(member, code, on, **entry) -> list[str]:
    entry.setdefault("has_document", True)
    return recruitment_step_check(
        member=member,
        step=RecruitmentStep.objects.get(code=code),
        on=on,
        today=LONG_AFTER,
        **entry,
    )


def revise(code, value, unit, effective_from) -> TimeRule:
    return TimeRule.objects.create(
        code=code, value=value, unit=unit, effective_from=effective_from, source="测试用的修订"
    )


# --- the data migration ------------------------------------------------------------------


def test_the_25_steps_of_the_2014_rules_are_seeded_in_order(db):
    numbered = RecruitmentStep.objects.filter(number__isnull=False)
    assert [s.number for s in numbered] == list(range(1, 26))
    assert numbered.first().name == "递交入党申请书"
    assert numbered.last().name == "材料归档"
    advancing = RecruitmentStep.objects.exclude(advances_to="")
    assert {s.name: s.advances_to for s in advancing} == {
        "推荐和确定入党积极分子": Category.ACTIVIST,
        "确定发展对象": Category.CANDIDATE,
        "支部大会讨论": Category.PROBATIONARY,
        "上级党委审批转正": Category.FULL,
    }


def test_every_time_rule_is_seeded_with_its_source(db):
    seeded = {rule.code: rule for rule in TimeRule.objects.all()}
    assert set(seeded) == set(TimeRuleCode.values)
    assert all(rule.source and rule.effective_from == D(2014, 5, 28) for rule in seeded.values())
    assert (seeded["talk_within"].value, seeded["talk_within"].unit) == (1, "months")
    assert (seeded["probation"].value, seeded["probation"].unit) == (1, "years")


@pytest.mark.parametrize(
    "code, article",
    [
        ("minimum_age", "第五条"),
        ("talk_within", "第七条"),
        ("activist_before_candidate", "第十三条"),
        ("training_min_days", "第十七条"),
        ("training_min_hours", "第十七条"),
        ("probation", "第三十二条"),
        ("extension_min", "第三十二条"),
        ("extension_max", "第三十二条"),
        ("full_approval_within", "第三十四条"),
    ],
)
def test_the_source_of_each_rule_names_the_article_of_the_2014_rules(db, code, article):
    rule = TimeRule.objects.get(code=code, effective_from=D(2014, 5, 28))
    assert "发展党员工作细则" in rule.source and article in rule.source


def test_the_admission_approval_limits_quote_the_rules_own_words(db):
    within = TimeRule.objects.get(code="approval_within")
    assert "基层党委对党支部上报的接收预备党员的决议，应当在三个月内审批" in within.source


# --- date arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2025, 1, 15), 1, D(2025, 2, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 15), 12, D(2026, 12, 15)),
    ],
)
def test_months_are_added_on_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


# --- age ---------------------------------------------------------------------------------


def test_an_application_on_the_18th_birthday_is_accepted(world):
    person = recruit(world.branch, birth_date=D(2006, 5, 20))
    assert check(person, "application", D(2024, 5, 20)) == []


def test_an_application_the_day_before_the_18th_birthday_is_warned_about(world):
    person = recruit(world.branch, birth_date=D(2006, 5, 20))
    (warning,) = check(person, "application", D(2024, 5, 19))
    assert "2024年5月20日" in warning  # the day they may apply
    assert "年满18周岁" in warning and "18年" not in warning


def test_an_application_without_a_birth_date_says_the_age_is_unchecked(world):
    person = recruit(world.branch, birth_date=None)
    (warning,) = check(person, "application", D(2024, 5, 19))
    assert person.name in warning


# --- talk within a month of the application ------------------------------------------------


@pytest.fixture
def applicant(world):
    person = recruit(world.branch, name="申请人")
    record(person, "application", D(2025, 1, 15))
    return person


def test_the_talk_may_be_held_exactly_one_month_after_the_application(world, applicant):
    assert check(applicant, "talk", D(2025, 2, 15), people=[world.secretary]) == []


def test_a_talk_one_month_and_one_day_after_the_application_is_late(world, applicant):
    (warning,) = check(applicant, "talk", D(2025, 2, 16), people=[world.secretary])
    assert "2025年2月15日" in warning  # the deadline
    assert "2025年1月15日" in warning  # the application


def test_a_month_from_the_31st_ends_on_the_last_day_of_february(world):
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 31))
    assert check(person, "talk", D(2025, 2, 28), people=[world.secretary]) == []
    assert len(check(person, "talk", D(2025, 3, 1), people=[world.secretary])) == 1


# --- more than a year as activist ------------------------------------------------------------


@pytest.fixture
def activist(world):
    person = recruit(world.branch, Category.ACTIVIST, name="积极分子")
    record(person, "application", D(2023, 9, 1))
    record(person, "talk", D(2023, 9, 20))
    record(person, "activist_chosen", D(2024, 3, 10))
    record(person, "activist_filed", D(2024, 3, 20))
    record(person, "mentors_assigned", D(2024, 3, 20))
    record(person, "activist_review", D(2024, 9, 10))
    record(person, "activist_review", D(2025, 3, 1))
    return person


def test_the_day_before_the_anniversary_is_too_early(activist):
    (warning,) = check(activist, "candidate_chosen", D(2025, 3, 9))
    assert "2024年3月10日" in warning  # activist since
    assert "2025年3月10日" in warning  # the earliest date


def test_exactly_one_year_as_activist_is_enough_because_yishang_includes_the_year(activist):
    # 细则 第十三条 "一年以上"; 以上 includes the number itself (民法典 第一千二百五十九条).
    assert check(activist, "candidate_chosen", D(2025, 3, 10)) == []


def test_an_activist_of_1_march_may_become_a_candidate_on_1_march_next_year(world):
    person = recruit(world.branch, Category.ACTIVIST)
    record(person, "activist_chosen", D(2024, 3, 1))
    warnings = check(person, "candidate_chosen", D(2025, 3, 1))
    assert not any("最早" in warning for warning in warnings)
    assert any(
        "2025年3月1日" in warning for warning in check(person, "candidate_chosen", D(2025, 2, 28))
    )


def test_a_candidate_without_an_activist_date_is_warned_about(world):
    person = recruit(world.branch, Category.ACTIVIST)
    for code in ("activist_filed", "mentors_assigned", "activist_review"):
        record(person, code, D(2025, 1, 1))
    (warning,) = check(person, "candidate_chosen", D(2025, 3, 11))
    assert person.name in warning


# --- concentrated training: 3 days or 24 class hours ----------------------------------------


@pytest.fixture
def candidate(world):
    person = recruit(world.branch, Category.CANDIDATE, name="发展对象")
    record(person, "candidate_filed", D(2025, 4, 1))
    record(person, "sponsors_assigned", D(2025, 4, 1))
    record(person, "political_review", D(2025, 4, 20))
    return person


@pytest.mark.parametrize(
    "days, hours",
    [(3, None), (None, 24), (2, 24), (3, 0), (5, 40)],
)
def test_three_days_or_24_class_hours_of_training_are_enough(candidate, days, hours):
    assert check(candidate, "training", D(2025, 5, 1), training_days=days, class_hours=hours) == []


@pytest.mark.parametrize("days, hours", [(2, None), (None, 23), (2, 23), (0, 0)])
def test_less_training_is_warned_about(candidate, days, hours):
    (warning,) = check(candidate, "training", D(2025, 5, 1), training_days=days, class_hours=hours)
    assert warning


def test_training_in_two_sessions_adds_up(candidate):
    record(candidate, "training", D(2025, 5, 1), class_hours=12)
    assert check(candidate, "training", D(2025, 5, 8), class_hours=12) == []


def test_a_training_without_its_length_asks_for_it(candidate):
    (warning,) = check(candidate, "training", D(2025, 5, 1))
    assert warning


# --- approval within 3 months, 6 at most ---------------------------------------------------


@pytest.fixture
def admitted(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 1, 10))
    record(person, "admission_meeting", D(2024, 1, 10))
    record(person, "upper_talk", D(2024, 2, 1))
    return person


def test_approval_exactly_3_months_after_the_general_meeting_is_on_time(admitted):
    assert check(admitted, "admission_approval", D(2024, 4, 10)) == []


def test_approval_3_months_and_a_day_after_needs_a_special_reason(admitted):
    (warning,) = check(admitted, "admission_approval", D(2024, 4, 11))
    assert "2024年4月10日" in warning  # the normal limit
    assert "2024年7月10日" in warning  # the longest


def test_approval_exactly_6_months_after_is_still_within_the_longest_limit(admitted):
    (warning,) = check(admitted, "admission_approval", D(2024, 7, 10))
    assert "2024年4月10日" in warning


def test_approval_6_months_and_a_day_after_is_past_even_the_longest_limit(admitted):
    (warning,) = check(admitted, "admission_approval", D(2024, 7, 11))
    assert "2024年7月10日" in warning
    assert "2024年4月10日" not in warning


# --- probation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "joined_on, ends_on",
    [
        (D(2023, 6, 30), D(2024, 6, 30)),
        (D(2024, 2, 29), D(2025, 2, 28)),
        (D(2024, 12, 31), D(2025, 12, 31)),
    ],
)
def test_probation_lasts_one_year_from_the_resolution(world, joined_on, ends_on):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=joined_on)
    assert probation_end(person, Timeline([]), RuleBook.load()) == ends_on


@pytest.fixture
def at_the_end_of_probation(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 1, 10))
    for code, on in [
        ("admission_meeting", D(2024, 1, 10)),
        ("upper_talk", D(2024, 2, 1)),
        ("admission_approval", D(2024, 3, 1)),
        ("approval_filed", D(2024, 3, 10)),
        ("placed_in_group", D(2024, 3, 15)),
        ("oath", D(2024, 7, 1)),
        ("probation_review", D(2024, 7, 10)),
        ("full_application", D(2024, 12, 20)),
        ("full_meeting", D(2025, 1, 12)),
    ]:
        record(person, code, on)
    return person


@pytest.mark.parametrize("months", [6, 9, 12])
def test_probation_may_be_extended_by_6_to_12_months(at_the_end_of_probation, months):
    assert (
        check(
            at_the_end_of_probation, "probation_extended", D(2025, 1, 12), extension_months=months
        )
        == []
    )


@pytest.mark.parametrize("months", [1, 5, 13, 24])
def test_an_extension_outside_6_to_12_months_is_warned_about(at_the_end_of_probation, months):
    (warning,) = check(
        at_the_end_of_probation, "probation_extended", D(2025, 1, 12), extension_months=months
    )
    assert warning


def test_an_extension_moves_the_end_of_probation(at_the_end_of_probation):
    record(at_the_end_of_probation, "probation_extended", D(2025, 1, 12), extension_months=6)
    timeline = Timeline.of(at_the_end_of_probation)
    assert probation_end(at_the_end_of_probation, timeline, RuleBook.load()) == D(2025, 7, 10)


def test_probation_is_extended_only_once(at_the_end_of_probation):
    record(at_the_end_of_probation, "probation_extended", D(2025, 1, 12), extension_months=6)
    with pytest.raises(ValidationError) as refusal:
        check(at_the_end_of_probation, "probation_extended", D(2025, 7, 12), extension_months=6)
    assert "2025年1月12日" in refusal.value.messages[0]


def test_an_extension_needs_its_length(at_the_end_of_probation):
    with pytest.raises(ValidationError):
        check(at_the_end_of_probation, "probation_extended", D(2025, 1, 12))


def test_the_meeting_on_full_membership_before_probation_ends_is_warned_about(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 1, 10))
    for code in ("upper_talk", "admission_approval", "approval_filed", "placed_in_group"):
        record(person, code, D(2024, 3, 1))
    for code in ("oath", "probation_review", "full_application"):
        record(person, code, D(2024, 12, 1))
    assert check(person, "full_meeting", D(2025, 1, 10)) == []
    (warning,) = check(person, "full_meeting", D(2025, 1, 9))
    assert "2025年1月10日" in warning


def test_the_application_for_full_membership_after_probation_ends_is_warned_about(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 1, 10))
    for code in ("upper_talk", "admission_approval", "approval_filed", "placed_in_group"):
        record(person, code, D(2024, 3, 1))
    for code in ("oath", "probation_review"):
        record(person, code, D(2024, 12, 1))
    assert check(person, "full_application", D(2025, 1, 10)) == []
    (warning,) = check(person, "full_application", D(2025, 1, 11))
    assert "2025年1月10日" in warning


# --- revisions ----------------------------------------------------------------------------


def test_the_rule_in_force_is_the_latest_one_effective_on_the_date(db):
    revise("talk_within", 2, "months", D(2025, 7, 1))
    rules = RuleBook.load()
    assert rules.value("talk_within", D(2025, 6, 30)) == 1
    assert rules.value("talk_within", D(2025, 7, 1)) == 2
    assert rules.value("talk_within", D(2030, 1, 1)) == 2


def test_before_the_first_rule_on_record_the_first_rule_applies(db):
    assert RuleBook.load().value("talk_within", D(2001, 1, 1)) == 1


def test_a_revised_talk_limit_applies_only_to_applications_from_its_date(world):
    revise("talk_within", 2, "months", D(2025, 7, 1))
    before = recruit(world.branch, name="修订前申请")
    record(before, "application", D(2025, 6, 30))
    after = recruit(world.branch, name="修订后申请")
    record(after, "application", D(2025, 7, 1))

    assert len(check(before, "talk", D(2025, 7, 31), people=[world.secretary])) == 1
    assert check(after, "talk", D(2025, 9, 1), people=[world.secretary]) == []
    assert len(check(after, "talk", D(2025, 9, 2), people=[world.secretary])) == 1


def test_a_revised_probation_applies_only_to_members_admitted_from_its_date(world):
    revise("probation", 2, "years", D(2025, 1, 1))
    rules = RuleBook.load()
    before = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 12, 31))
    after = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2025, 1, 1))
    assert probation_end(before, Timeline([]), rules) == D(2025, 12, 31)
    assert probation_end(after, Timeline([]), rules) == D(2027, 1, 1)


def test_a_revised_activist_period_applies_to_activists_chosen_from_its_date(activist):
    revise("activist_before_candidate", 2, "years", D(2024, 3, 11))
    # Chosen on 10 March 2024, the day before the revision: one year is still enough.
    assert check(activist, "candidate_chosen", D(2025, 3, 11)) == []


def test_a_rule_has_one_value_per_date(db):
    duplicate = TimeRule(
        code="talk_within", value=2, unit="months", effective_from=D(2014, 5, 28), source="重复"
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()


@pytest.mark.parametrize(
    "code, unit, valid",
    [
        ("training_min_hours", "hours", True),
        ("training_min_hours", "days", False),
        ("talk_within", "hours", False),
        ("training_min_days", "days", True),
        ("training_min_days", "months", False),
        ("talk_within", "days", True),
    ],
)
def test_class_hours_measure_training_only(db, code, unit, valid):
    rule = TimeRule(code=code, value=30, unit=unit, effective_from=D(2030, 1, 1), source="修订")
    if valid:
        rule.full_clean()
    else:
        with pytest.raises(ValidationError):
            rule.full_clean()


def test_a_talk_limit_revised_to_days_is_counted_in_days(world):
    revise("talk_within", 30, "days", D(2025, 1, 1))
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 31))
    assert check(person, "talk", D(2025, 3, 2), people=[world.secretary]) == []
    assert len(check(person, "talk", D(2025, 3, 3), people=[world.secretary])) == 1
