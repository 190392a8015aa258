"""The suggestion loop (意见建议): its steps in order, anonymity, and the figures a year-end
summary states (activities/suggestions/services.py and selectors.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from activities.models import Satisfaction, Suggestion, SuggestionState
from activities.suggestions import services
from activities.suggestions.selectors import (
    SuggestionCounts,
    open_suggestions_panel,
    suggestion_figures,
    suggestion_history,
)
from tests.activities.suggestion_factories import days_ago, recorded_suggestion
from tests.factories import PartyGroupFactory

WAITING, ANSWERED, DONE, CLOSED = SuggestionState


@pytest.fixture
def suggestion(world):
    return recorded_suggestion(
        branch=world.branch, group=world.group_a, acting_user=world.leader_a.user
    )


def answer(suggestion, user, on=None):
    return services.suggestion_answer(
        suggestion=suggestion,
        answer="学校将统筹安排",
        answered_by="党政班子会议",
        answered_on=on or suggestion.raised_on,
        acting_user=user,
    )


def carry_out(suggestion, user, on=None):
    return services.suggestion_carry_out(
        suggestion=suggestion,
        improvement="已调整",
        done_on=on or suggestion.raised_on,
        acting_user=user,
    )


def feedback(suggestion, user, on=None, satisfaction=Satisfaction.SATISFIED):
    return services.suggestion_feedback(
        suggestion=suggestion,
        satisfaction=satisfaction,
        feedback_on=on or suggestion.raised_on,
        acting_user=user,
    )


def messages_of(error: ValidationError) -> list[str]:
    return error.messages


# --- the steps, in order ---------------------------------------------------------------


def test_a_recorded_suggestion_waits_for_its_answer(suggestion):
    assert suggestion.state == WAITING
    assert suggestion.get_state_display() == "待答复"
    assert suggestion.is_open


def test_the_steps_lead_from_waiting_to_closed(world, suggestion):
    user = world.secretary.user
    answered = answer(suggestion, user)
    assert answered.state == ANSWERED
    done = carry_out(answered, user)
    assert done.state == DONE
    closed = feedback(done, world.leader_a.user, satisfaction=Satisfaction.FAIRLY_SATISFIED)
    assert closed.state == CLOSED
    assert not closed.is_open
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert (stored.answered_by, stored.improvement, stored.satisfaction) == (
        "党政班子会议",
        "已调整",
        Satisfaction.FAIRLY_SATISFIED,
    )
    assert stored.get_satisfaction_display() == "基本满意"


def test_what_was_done_is_refused_before_the_answer(world, suggestion):
    with pytest.raises(ValidationError) as refused:
        carry_out(suggestion, world.secretary.user)
    assert messages_of(refused.value) == ["尚未记录答复，请先记录答复。"]
    assert Suggestion.objects.get(pk=suggestion.pk).done_on is None


def test_the_satisfaction_is_refused_before_what_was_done(world, suggestion):
    with pytest.raises(ValidationError) as refused:
        feedback(suggestion, world.leader_a.user)
    assert messages_of(refused.value) == ["尚未记录答复，请先记录答复。"]

    answer(suggestion, world.secretary.user)
    with pytest.raises(ValidationError) as refused:
        feedback(suggestion, world.leader_a.user)
    assert messages_of(refused.value) == ["尚未记录落实情况，请先记录落实情况。"]
    assert Suggestion.objects.get(pk=suggestion.pk).state == ANSWERED


def test_a_step_already_taken_is_refused(world, suggestion):
    user = world.secretary.user
    answered = answer(suggestion, user)
    with pytest.raises(ValidationError) as refused:
        answer(answered, user)
    assert messages_of(refused.value) == [
        "该意见建议已答复。如需修改答复，请先撤回答复（及其后的步骤）。"
    ]
    done = carry_out(answered, user)
    with pytest.raises(ValidationError) as refused:
        carry_out(done, user)
    assert messages_of(refused.value) == ["落实情况已记录。"]
    closed = feedback(done, user)
    with pytest.raises(ValidationError) as refused:
        feedback(closed, user)
    assert messages_of(refused.value) == ["已记录教职工满意度，该意见建议已办结。"]


def test_a_step_reads_the_stored_state_not_a_stale_copy(world, suggestion):
    """Two people answering from the same page: the second is refused."""
    stale = Suggestion.objects.get(pk=suggestion.pk)
    answer(suggestion, world.secretary.user)
    with pytest.raises(ValidationError):
        answer(stale, world.secretary.user)


def test_each_step_is_dated_on_or_after_the_one_before(world, suggestion):
    user = world.secretary.user
    with pytest.raises(ValidationError) as refused:
        answer(suggestion, user, on=suggestion.raised_on - datetime.timedelta(days=1))
    assert refused.value.message_dict == {
        "answered_on": [f"答复日期不能早于反映日期（{suggestion.raised_on.isoformat()}）。"]
    }
    answered = answer(suggestion, user, on=suggestion.raised_on + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        carry_out(answered, user, on=suggestion.raised_on + datetime.timedelta(days=4))
    assert "done_on" in refused.value.message_dict
    done = carry_out(answered, user, on=answered.answered_on)
    with pytest.raises(ValidationError) as refused:
        feedback(done, user, on=answered.answered_on - datetime.timedelta(days=1))
    assert "feedback_on" in refused.value.message_dict


def test_no_step_is_dated_in_the_future(world, suggestion):
    with pytest.raises(ValidationError) as refused:
        answer(suggestion, world.secretary.user, on=days_ago(-1))
    assert refused.value.message_dict == {"answered_on": ["日期不能晚于今天。"]}


def test_an_answer_needs_its_text_and_who_gave_it(world, suggestion):
    with pytest.raises(ValidationError) as refused:
        services.suggestion_answer(
            suggestion=suggestion,
            answer="  ",
            answered_by="党政班子会议",
            answered_on=suggestion.raised_on,
            acting_user=world.secretary.user,
        )
    assert refused.value.message_dict == {"answer": ["请填写答复意见。"]}
    with pytest.raises(ValidationError) as refused:
        services.suggestion_answer(
            suggestion=suggestion,
            answer="同意",
            answered_by="",
            answered_on=suggestion.raised_on,
            acting_user=world.secretary.user,
        )
    assert "answered_by" in refused.value.message_dict


def test_an_unknown_satisfaction_is_refused(world):
    done = recorded_suggestion(branch=world.branch, group=world.group_a, state=DONE)
    with pytest.raises(ValidationError) as refused:
        feedback(done, world.leader_a.user, satisfaction="delighted")
    assert refused.value.message_dict == {"satisfaction": ["请选择教职工满意度。"]}


def test_the_last_step_can_be_taken_back_and_taken_again(world):
    closed = recorded_suggestion(branch=world.branch, group=world.group_a, state=CLOSED)
    user = world.secretary.user
    assert services.suggestion_step_undo(suggestion=closed, acting_user=user) == CLOSED
    stored = Suggestion.objects.get(pk=closed.pk)
    assert (stored.state, stored.satisfaction, stored.feedback_on) == (DONE, "", None)
    assert services.suggestion_step_undo(suggestion=stored, acting_user=user) == DONE
    assert services.suggestion_step_undo(suggestion=stored, acting_user=user) == ANSWERED
    stored = Suggestion.objects.get(pk=closed.pk)
    assert (stored.state, stored.answer, stored.answered_by) == (WAITING, "", "")
    with pytest.raises(ValidationError) as refused:
        services.suggestion_step_undo(suggestion=stored, acting_user=user)
    assert messages_of(refused.value) == ["尚未记录任何步骤，无可撤回。"]
    assert answer(stored, user).state == ANSWERED


def test_the_database_refuses_a_step_without_the_one_before(world, suggestion):
    """Whatever writes the row, the order holds (CheckConstraint; NULL passes a SQL check,
    so the earlier date is required outright)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(
            improvement="已调整", done_on=suggestion.raised_on
        )


def test_a_suggestion_cannot_name_a_group_of_another_branch(world):
    other_group = PartyGroupFactory(branch=world.other_branch)
    with pytest.raises(ValidationError) as refused:
        recorded_suggestion(branch=world.branch, group=other_group)
    assert refused.value.message_dict == {"group": ["该党小组属于其他支部。"]}


def test_a_suggestion_needs_a_name_unless_it_is_anonymous(world):
    with pytest.raises(ValidationError) as refused:
        recorded_suggestion(branch=world.branch, group=world.group_a, raised_by=" ")
    assert refused.value.message_dict == {"raised_by": ["请填写反映人姓名，或勾选“匿名”。"]}


def test_correcting_what_was_raised_keeps_the_steps(world):
    answered = recorded_suggestion(branch=world.branch, group=world.group_a, state=ANSWERED)
    form_copy = Suggestion.objects.get(pk=answered.pk)
    form_copy.text = "希望固定教研活动时间"
    form_copy.answer = ""  # whatever the form held, the steps are not the form's
    services.suggestion_update(suggestion=form_copy, acting_user=world.secretary.user)
    stored = Suggestion.objects.get(pk=answered.pk)
    assert (stored.text, stored.answer, stored.state) == (
        "希望固定教研活动时间",
        "同意，下学期起调整",
        ANSWERED,
    )


def test_a_correction_cannot_date_the_suggestion_after_its_answer(world):
    answered = recorded_suggestion(branch=world.branch, group=world.group_a, state=ANSWERED)
    answered.raised_on = answered.answered_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.suggestion_update(suggestion=answered, acting_user=world.secretary.user)
    assert list(refused.value.message_dict) == ["raised_on"]


def test_history_names_who_recorded_each_step(world):
    suggestion = recorded_suggestion(
        branch=world.branch, group=world.group_a, acting_user=world.leader_a.user
    )
    answered = answer(suggestion, world.secretary.user)
    entries = suggestion_history(answered)
    assert [(e.who, e.action, e.state) for e in entries] == [
        ("甲组长", "+", WAITING),
        ("书记", "~", ANSWERED),
    ]


# --- anonymity --------------------------------------------------------------------------


def all_stored_names(pk: int) -> set[str]:
    """Every `raised_by` kept for the suggestion, on its row and in its history, read with
    plain SQL so that no model code can hide one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT raised_by FROM activities_suggestion WHERE id = %s", [pk])
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT raised_by FROM activities_historicalsuggestion WHERE id = %s", [pk])
        names |= {row[0] for row in cursor.fetchall()}
    return names


def test_an_anonymous_suggestion_stores_no_name_even_if_one_was_typed(world):
    suggestion = recorded_suggestion(
        branch=world.branch, group=world.group_a, anonymous=True, raised_by="王老师"
    )
    assert suggestion.anonymous
    assert all_stored_names(suggestion.pk) == {""}


def test_marking_a_suggestion_anonymous_removes_the_name_from_its_history(world):
    suggestion = recorded_suggestion(
        branch=world.branch, group=world.group_a, raised_by="李老师", state=ANSWERED
    )
    assert "李老师" in all_stored_names(suggestion.pk)
    suggestion.anonymous = True
    services.suggestion_update(suggestion=suggestion, acting_user=world.leader_a.user)
    assert all_stored_names(suggestion.pk) == {""}
    # The history rows remain (who recorded what and when), only the name is gone.
    assert Suggestion.objects.get(pk=suggestion.pk).history.count() == 3


def test_the_database_refuses_a_name_on_an_anonymous_suggestion(world, suggestion):
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(anonymous=True)


# --- open suggestions and the figures ----------------------------------------------------


def test_the_open_panel_counts_the_open_ones_and_the_oldest_wait(world):
    today = days_ago(0)
    recorded_suggestion(branch=world.branch, group=world.group_a, raised_on=days_ago(40))
    recorded_suggestion(
        branch=world.branch, group=world.group_b, raised_on=days_ago(10), state=ANSWERED
    )
    recorded_suggestion(
        branch=world.branch, group=world.group_a, raised_on=days_ago(90), state=CLOSED
    )
    panel = open_suggestions_panel(world.branch, today=today)
    assert (panel.count, panel.waiting, panel.oldest_days) == (2, 1, 40)
    assert [s.raised_on for s in panel.oldest] == [days_ago(40), days_ago(10)]

    group_b = open_suggestions_panel(world.branch, today=today, group=world.group_b)
    assert (group_b.count, group_b.waiting, group_b.oldest_days) == (1, 0, 10)
    empty = open_suggestions_panel(world.other_branch, today=today)
    assert (empty.count, empty.oldest_days, empty.oldest) == (0, None, [])


def test_the_open_panel_costs_two_queries(world, django_assert_num_queries):
    for days in (5, 15, 25):
        recorded_suggestion(branch=world.branch, group=world.group_a, raised_on=days_ago(days))
    with django_assert_num_queries(2):
        open_suggestions_panel(world.branch, today=days_ago(0))


YEAR = 2025
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


def on(month: int, day: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def year_of_suggestions(world):
    """A hand-made year for the branch (2025), with a suggestion before and one after it.

    Group A: 3 raised in 2025 — closed 满意, closed 基本满意, answered only;
             1 raised in 2024, still open (the oldest open at the end of 2025).
    Group B: 2 raised in 2025 — done but not asked, closed 不满意 (its feedback after
             the year: so not closed at the end of 2025), and one waiting.
    Branch level: 1 raised in 2025, closed 满意.
    Another branch's suggestion and one raised in 2026 do not count."""
    branch, a, b = world.branch, world.group_a, world.group_b

    def make(group, raised, **steps):
        return recorded_suggestion(branch=branch, group=group, raised_on=raised, **steps)

    make(a, on(3, 1), state=CLOSED, answered_on=on(3, 5), feedback_on=on(4, 1))
    make(
        a,
        on(5, 1),
        state=CLOSED,
        answered_on=on(5, 20),
        satisfaction=Satisfaction.FAIRLY_SATISFIED,
    )
    make(a, on(11, 1), state=ANSWERED, answered_on=on(12, 10))
    make(a, on(10, 15, 2024))  # waiting since 2024
    make(b, on(6, 1), state=DONE, answered_on=on(6, 10), done_on=on(7, 1))
    make(
        b,
        on(9, 1),
        state=CLOSED,
        answered_on=on(9, 2),
        done_on=on(12, 1),
        feedback_on=on(1, 10, 2026),
        satisfaction=Satisfaction.DISSATISFIED,
    )
    make(b, on(12, 20))
    make(None, on(4, 1), state=CLOSED)
    recorded_suggestion(branch=world.other_branch, raised_on=on(6, 1), state=CLOSED)
    make(a, on(1, 5, 2026), state=CLOSED)


def test_the_figures_count_the_year_by_group_as_of_its_end(world, year_of_suggestions):
    figures = suggestion_figures(world.branch, START, END, today=on(6, 1, 2026))

    assert figures.for_group(world.group_a) == SuggestionCounts(
        raised=3, answered=3, done=2, closed=2, satisfied=1, fairly_satisfied=1
    )
    # The 不满意 feedback came in 2026: at the end of 2025 that suggestion was done, not closed.
    assert figures.for_group(world.group_b) == SuggestionCounts(raised=3, answered=2, done=2)
    assert figures.for_group(None) == SuggestionCounts(
        raised=1, answered=1, done=1, closed=1, satisfied=1
    )
    assert figures.branch == SuggestionCounts(
        raised=7, answered=6, done=5, closed=3, satisfied=2, fairly_satisfied=1
    )
    assert figures.branch.open == 4
    assert [row.group for row in figures.groups] == [world.group_a, world.group_b, None]
    # The oldest open at the end of 2025 is 2024's: waiting from 15 October 2024.
    assert figures.as_of == END
    assert figures.oldest_open_raised_on == on(10, 15, 2024)
    assert figures.oldest_open_days == (END - on(10, 15, 2024)).days == 442


def test_the_figures_of_the_year_under_way_count_the_waits_to_today(world, year_of_suggestions):
    today = on(1, 20, 2026)
    figures = suggestion_figures(world.branch, on(1, 1, 2026), on(12, 31, 2026), today=today)
    assert figures.branch == SuggestionCounts(raised=1, answered=1, done=1, closed=1, satisfied=1)
    assert figures.as_of == today
    assert figures.oldest_open_days == (today - on(10, 15, 2024)).days
    # Groups without a suggestion in the period still have their row, with zeros.
    assert figures.for_group(world.group_b) == SuggestionCounts()
    assert world.group_b in [row.group for row in figures.groups]


def test_the_figures_take_two_queries_however_many_suggestions(
    world, year_of_suggestions, django_assert_num_queries
):
    with django_assert_num_queries(2):
        suggestion_figures(world.branch, START, END)
