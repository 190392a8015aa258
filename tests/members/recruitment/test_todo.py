"""The secretary's to-do list (待办), computed from the recorded steps and the time rules."""

import datetime
import re

import pytest
from django.urls import reverse

from members.models import Category, RecruitmentRecord, RecruitmentStep, Status
from members.recruitment import recruitment_pipeline, recruitment_todo
from tests.factories import BranchFactory, MemberFactory

D = datetime.date


def recruit(branch, category=Category.APPLICANT, **fields):
    fields.setdefault("birth_date", D(1990, 1, 1))
    fields.setdefault("joined_on", None)
    return MemberFactory(branch=branch, category=category, full_member_on=None, **fields)


def record(member, code, on, **fields) -> RecruitmentRecord:
    return RecruitmentRecord.objects.create(
        member=member, step=RecruitmentStep.objects.get(code=code), done_on=on, **fields
    )


def items_for(member, today, kind=None):
    items = [i for i in recruitment_todo(member.branch, today) if i.member == member]
    if kind is not None:
        items = [i for i in items if i.kind == kind]
    return items


# --- applicants ---------------------------------------------------------------------------


def test_the_talk_is_due_within_a_month_of_the_application(world):
    person = recruit(world.branch, name="申请人")
    record(person, "application", D(2025, 1, 15))

    (item,) = items_for(person, D(2025, 1, 25))

    assert (item.kind, item.level, item.due_on) == ("talk", "warning", D(2025, 2, 15))
    assert not item.overdue
    assert item.url == reverse("recruitment:person", args=[person.pk])
    assert "2025年2月15日" in item.message


def test_the_talk_is_still_due_on_the_last_day(world):
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 15))
    (item,) = items_for(person, D(2025, 2, 15))
    assert not item.overdue


def test_the_talk_is_overdue_the_day_after(world):
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 15))
    (item,) = items_for(person, D(2025, 2, 16))
    assert item.overdue


def test_nothing_is_due_once_the_talk_is_recorded(world):
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 15))
    record(person, "talk", D(2025, 2, 1))
    assert items_for(person, D(2025, 3, 1)) == []


def test_an_applicant_without_an_application_date_is_listed(world):
    person = recruit(world.branch)
    (item,) = items_for(person, D(2025, 3, 1))
    assert item.kind == "application"


# --- activists ----------------------------------------------------------------------------


@pytest.fixture
def activist(world):
    person = recruit(world.branch, Category.ACTIVIST, name="积极分子")
    record(person, "activist_chosen", D(2025, 1, 10))
    record(person, "mentors_assigned", D(2025, 1, 20), reference="—")
    return person


def test_the_half_year_review_is_not_listed_until_a_month_before(activist):
    assert items_for(activist, D(2025, 6, 9), "review") == []


def test_the_half_year_review_is_due_in_the_month_before(activist):
    (item,) = items_for(activist, D(2025, 6, 10), "review")
    assert (item.level, item.due_on) == ("warning", D(2025, 7, 10))


def test_the_half_year_review_is_late_the_day_after_half_a_year(activist):
    assert not items_for(activist, D(2025, 7, 10), "review")[0].overdue
    assert items_for(activist, D(2025, 7, 11), "review")[0].overdue


def test_the_next_review_counts_from_the_last_one(activist):
    record(activist, "activist_review", D(2025, 7, 1))
    assert items_for(activist, D(2025, 7, 11), "review") == []
    (item,) = items_for(activist, D(2026, 1, 2), "review")
    assert (item.due_on, item.overdue) == (D(2026, 1, 1), True)


def test_an_activist_of_a_year_may_become_a_candidate_on_the_anniversary(activist):
    record(activist, "activist_review", D(2025, 7, 1))
    record(activist, "activist_review", D(2025, 12, 20))
    assert items_for(activist, D(2025, 12, 9), "candidate") == []
    (soon,) = items_for(activist, D(2025, 12, 10), "candidate")
    assert (soon.level, soon.due_on) == ("info", D(2026, 1, 10))  # 一年以上 includes the year
    (ready,) = items_for(activist, D(2026, 1, 10), "candidate")
    assert ready.message != soon.message  # "from" the date, then "since" it


def test_an_activist_without_mentors_is_listed(world):
    person = recruit(world.branch, Category.ACTIVIST)
    record(person, "activist_chosen", D(2025, 1, 10))
    assert [i.kind for i in items_for(person, D(2025, 2, 1))] == ["mentors"]


# --- candidates ---------------------------------------------------------------------------


@pytest.fixture
def candidate(world):
    person = recruit(world.branch, Category.CANDIDATE)
    record(person, "candidate_chosen", D(2025, 3, 1))
    record(person, "sponsors_assigned", D(2025, 3, 5))
    return person


def test_a_candidate_without_training_is_listed(candidate):
    assert [i.kind for i in items_for(candidate, D(2025, 4, 1))] == ["training"]


def test_a_candidate_with_too_little_training_is_listed(candidate):
    record(candidate, "training", D(2025, 3, 20), training_days=2, class_hours=16)
    (item,) = items_for(candidate, D(2025, 4, 1))
    assert item.kind == "training"


def test_a_candidate_with_enough_training_is_not(candidate):
    record(candidate, "training", D(2025, 3, 20), class_hours=24)
    assert items_for(candidate, D(2025, 4, 1)) == []


def test_a_candidate_without_sponsors_is_listed(world):
    person = recruit(world.branch, Category.CANDIDATE)
    record(person, "training", D(2025, 3, 20), training_days=3)
    assert [i.kind for i in items_for(person, D(2025, 4, 1))] == ["sponsors"]


# --- approval of the admission ----------------------------------------------------------------


@pytest.fixture
def admitted(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2025, 1, 10))
    record(person, "admission_meeting", D(2025, 1, 10))
    return person


@pytest.mark.parametrize(
    "today, level, due_on",
    [
        (D(2025, 1, 11), "warning", D(2025, 4, 10)),
        (D(2025, 4, 10), "warning", D(2025, 4, 10)),
        (D(2025, 4, 11), "danger", D(2025, 4, 10)),
        (D(2025, 7, 10), "danger", D(2025, 4, 10)),
        (D(2025, 7, 11), "danger", D(2025, 7, 10)),
    ],
)
def test_approval_is_due_within_3_months_and_6_at_most(admitted, today, level, due_on):
    (item,) = items_for(admitted, today, "approval")
    assert (item.level, item.due_on) == (level, due_on)


def test_the_approval_past_6_months_says_so(admitted):
    (late,) = items_for(admitted, D(2025, 4, 11), "approval")
    (very_late,) = items_for(admitted, D(2025, 7, 11), "approval")
    assert late.message != very_late.message


def test_nothing_is_due_once_the_admission_is_approved(admitted):
    record(admitted, "admission_approval", D(2025, 3, 1))
    assert items_for(admitted, D(2025, 5, 1)) == []


def test_a_member_entered_as_probationary_without_steps_is_not_chased_for_approval(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2025, 1, 10))
    assert items_for(person, D(2025, 7, 11)) == []


# --- the end of probation -----------------------------------------------------------------


@pytest.fixture
def probationary(world):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2025, 1, 10))
    record(person, "admission_meeting", D(2025, 1, 10))
    record(person, "admission_approval", D(2025, 2, 1))
    return person


def test_the_application_for_full_membership_is_due_a_month_before_probation_ends(probationary):
    assert items_for(probationary, D(2025, 12, 9)) == []
    (item,) = items_for(probationary, D(2025, 12, 10))
    assert (item.kind, item.level, item.due_on) == ("full_application", "warning", D(2026, 1, 10))
    assert "2026年1月10日" in item.message


def test_a_missing_application_after_probation_ended_is_overdue(probationary):
    (item,) = items_for(probationary, D(2026, 1, 11))
    assert (item.kind, item.overdue) == ("full_application", True)


def test_after_the_application_the_meeting_on_full_membership_is_due(probationary):
    record(probationary, "full_application", D(2025, 12, 20))
    (item,) = items_for(probationary, D(2025, 12, 21))
    assert (item.kind, item.due_on, item.overdue) == ("full_meeting", D(2026, 1, 10), False)


def test_after_the_meeting_the_approval_of_full_membership_is_due(probationary):
    record(probationary, "full_application", D(2025, 12, 20))
    record(probationary, "full_meeting", D(2026, 1, 12))
    (item,) = items_for(probationary, D(2026, 4, 12))
    assert (item.kind, item.due_on, item.overdue) == ("full_approval", D(2026, 4, 12), False)
    assert items_for(probationary, D(2026, 4, 13))[0].overdue


def test_an_extended_probation_is_followed_to_its_new_end(probationary):
    record(probationary, "full_application", D(2025, 12, 20))
    record(probationary, "full_meeting", D(2026, 1, 12))
    record(probationary, "probation_extended", D(2026, 1, 12), extension_months=6)

    assert items_for(probationary, D(2026, 6, 9)) == []
    (item,) = items_for(probationary, D(2026, 6, 10))
    assert (item.kind, item.due_on) == ("full_application", D(2026, 7, 10))
    (plain,) = items_for(
        recruit(probationary.branch, Category.PROBATIONARY, joined_on=D(2025, 7, 10)),
        D(2026, 6, 10),
    )
    assert item.message != plain.message  # it says the probation was extended


def test_full_members_have_nothing_due(world):
    person = MemberFactory(branch=world.branch)
    record(person, "archived", D(2025, 1, 1))
    assert items_for(person, D(2025, 3, 1)) == []


# --- the list as a whole ------------------------------------------------------------------


def test_overdue_items_come_first_then_by_due_date(world):
    soon = recruit(world.branch, name="刚申请")
    record(soon, "application", D(2025, 3, 1))
    late = recruit(world.branch, name="早申请")
    record(late, "application", D(2025, 1, 1))
    sooner = recruit(world.branch, name="稍早申请")
    record(sooner, "application", D(2025, 2, 20))

    items = recruitment_todo(world.branch, D(2025, 3, 5))

    assert [i.member.name for i in items] == ["早申请", "稍早申请", "刚申请"]
    assert [i.overdue for i in items] == [True, False, False]


def test_it_leaves_out_other_branches_and_people_who_left(world):
    elsewhere = recruit(BranchFactory(), name="外支部申请人")
    record(elsewhere, "application", D(2025, 3, 1))
    gone = recruit(world.branch, name="调走的申请人", status=Status.TRANSFERRED_OUT)
    record(gone, "application", D(2025, 3, 1))
    assert recruitment_todo(world.branch, D(2025, 3, 5)) == []


def test_the_pipeline_lists_people_by_stage_and_probationers_by_end_of_probation(world):
    recruit(world.branch, name="申请人甲")
    recruit(world.branch, Category.ACTIVIST, name="积极分子乙")
    recruit(world.branch, Category.PROBATIONARY, name="晚入党", joined_on=D(2025, 6, 1))
    recruit(world.branch, Category.PROBATIONARY, name="早入党", joined_on=D(2025, 2, 1))

    pipeline = recruitment_pipeline(world.branch, D(2025, 7, 1))

    by_stage = {stage: [p.member.name for p in people] for stage, people in pipeline["stages"]}
    assert by_stage == {
        Category.APPLICANT: ["申请人甲"],
        Category.ACTIVIST: ["积极分子乙"],
        Category.CANDIDATE: [],
    }
    assert [p.member.name for p in pipeline["probationary"]] == ["早入党", "晚入党"]
    assert pipeline["probationary"][0].probation_ends_on == D(2026, 2, 1)


def test_its_query_count_does_not_grow_with_people_or_steps(world, query_counter):
    today = D(2025, 6, 1)
    names = iter(range(100))

    def grow():
        number = next(names)
        person = recruit(world.branch, Category.ACTIVIST, name=f"积极分子{number}")
        record(person, "activist_chosen", D(2024, 1, 10))
        record(person, "activist_review", D(2024, 7, 10))
        applicant = recruit(world.branch, name=f"申请人{number}")
        record(applicant, "application", D(2025, 5, 1))
        admitted = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 6, 1))
        record(admitted, "admission_meeting", D(2024, 6, 1))

    grow()  # with nobody at all, the records are not even asked for
    query_counter.assert_constant(lambda: recruitment_todo(world.branch, today), grow)
    query_counter.assert_constant(lambda: recruitment_pipeline(world.branch, today), grow)


# --- the list's short tags and its buttons ------------------------------------------------


def test_an_overdue_item_is_tagged_with_its_days_late_and_a_due_one_with_its_day(world):
    late = recruit(world.branch, name="迟到")
    record(late, "application", D(2025, 1, 15))
    soon = recruit(world.branch, name="将到")
    record(soon, "application", D(2025, 2, 10))
    today = D(2025, 3, 24)

    (late_item,) = items_for(late, today)
    (soon_item,) = items_for(soon, D(2025, 2, 20))

    assert late_item.tag(today) == "逾期 37 天"  # due 2025-02-15
    assert soon_item.tag(D(2025, 2, 20)) == "3月10日前"


def test_every_item_kind_links_to_the_page_that_records_its_step(world, secretary_client):
    from members.recruitment.todo import STEP_OF_KIND

    assert set(STEP_OF_KIND.values()) <= set(RecruitmentStep.objects.values_list("code", flat=True))
    person = recruit(world.branch)
    record(person, "application", D(2025, 1, 15))
    (item,) = items_for(person, D(2025, 1, 25))
    assert item.step_url == reverse("recruitment:record_step", args=[person.pk, "talk"])
    assert secretary_client.get(item.step_url).status_code == 200


def test_the_list_shows_the_tag_beside_the_sentence_with_a_record_button(world, secretary_client):
    person = recruit(world.branch, name="申请人甲")
    record(person, "application", D(2020, 1, 15))
    html = secretary_client.get(
        reverse("recruitment:todo", args=[world.branch.pk])
    ).content.decode()
    assert re.search(r'todo-tag">逾期 \d+ 天</span>', html)
    assert "记录此步骤" in html
    assert reverse("recruitment:record_step", args=[person.pk, "talk"]) in html
