"""Writes to the suggestion loop (意见建议, seed 000): record what the staff raised, then the
three steps in their order — the answer (答复), what was done (落实), the staff's satisfaction
(反馈) — each refused when the step before it is missing or it is already taken.

Every function takes `acting_user`, runs in one transaction and leaves a history row naming
who acted (`branchsite.audit`). Who may call which is decided by
`activities.suggestions.access`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import Satisfaction, Suggestion, SuggestionState
from branchsite.audit import audited_delete, audited_save

# What `suggestion_step_undo` clears for each state: the fields of its last step.
STEP_FIELDS = {
    SuggestionState.ANSWERED: {"answer": "", "answered_by": "", "answered_on": None},
    SuggestionState.DONE: {"improvement": "", "done_on": None},
    SuggestionState.CLOSED: {"satisfaction": "", "feedback_on": None, "feedback_note": ""},
}


def _refuse_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: gettext("The date cannot be in the future.")})


def _require_text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _locked(suggestion: Suggestion) -> Suggestion:
    """The row as stored now, locked until the transaction ends: two people taking the
    same step at once cannot both pass the state check."""
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("branch", "group")
        .get(pk=suggestion.pk)
    )


def _forget_name_in_history(suggestion: Suggestion) -> None:
    """An anonymous suggestion keeps no name anywhere: the history rows written while it
    had one lose it too."""
    suggestion.history.exclude(raised_by="").update(raised_by="")


def _prepare_raiser(suggestion: Suggestion) -> None:
    if suggestion.anonymous:
        suggestion.raised_by = ""
    else:
        suggestion.raised_by = _require_text(
            suggestion.raised_by,
            "raised_by",
            gettext("Give the name of who raised it, or mark the suggestion anonymous."),
        )
    suggestion.text = _require_text(
        suggestion.text, "text", gettext("Write down what was suggested.")
    )
    _refuse_future(suggestion.raised_on, "raised_on")


@transaction.atomic
def suggestion_record(*, suggestion: Suggestion, acting_user) -> Suggestion:
    """Record a new suggestion, waiting for its answer. An anonymous one is saved without a
    name, whatever was typed."""
    if suggestion.pk is not None or suggestion.state != SuggestionState.WAITING:
        raise ValidationError(gettext("A new suggestion starts without an answer."))
    _prepare_raiser(suggestion)
    audited_save(suggestion, acting_user=acting_user)
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion: Suggestion, acting_user) -> Suggestion:
    """Correct what was raised (group, date, who, category, text); the steps taken stay.
    Marking it anonymous also removes the name from its history."""
    stored = _locked(suggestion)
    for fields in STEP_FIELDS.values():
        # The steps are changed by their own services only, whatever the form held.
        for field in fields:
            setattr(suggestion, field, getattr(stored, field))
    _prepare_raiser(suggestion)
    if suggestion.answered_on and suggestion.raised_on > suggestion.answered_on:
        raise ValidationError(
            {
                "raised_on": gettext(
                    "It was answered on %(date)s: it cannot have been raised later."
                )
                % {"date": suggestion.answered_on.isoformat()}
            }
        )
    audited_save(suggestion, acting_user=acting_user)
    if suggestion.anonymous:
        _forget_name_in_history(suggestion)
    return suggestion


# The states in the loop's order: each step leads from one to the next.
ORDER = list(SuggestionState)


def out_of_order_reason(suggestion: Suggestion, step: str) -> str | None:
    """Why `step` (the state it leads to) cannot be taken now, or None: a step is taken
    only from the state just before it."""
    current, target = ORDER.index(suggestion.state), ORDER.index(step)
    if current == target - 1:
        return None
    if current < target - 1:
        if ORDER[current + 1] == SuggestionState.ANSWERED:
            return gettext("The answer is not recorded yet: record it first.")
        return gettext("What was done is not recorded yet: record it first.")
    return {
        SuggestionState.ANSWERED: gettext(
            "This suggestion is already answered. To change the answer, take it back first "
            "(and any step after it)."
        ),
        SuggestionState.DONE: gettext("What was done is already recorded."),
        SuggestionState.CLOSED: gettext(
            "The staff's satisfaction is already recorded: the suggestion is closed."
        ),
    }[step]


def _refuse_out_of_order(suggestion: Suggestion, step: str) -> None:
    reason = out_of_order_reason(suggestion, step)
    if reason is not None:
        raise ValidationError(reason)


def _refuse_before(day: datetime.date, earlier: datetime.date, field: str, message: str) -> None:
    if day < earlier:
        raise ValidationError({field: message % {"date": earlier.isoformat()}})


@transaction.atomic
def suggestion_answer(
    *,
    suggestion: Suggestion,
    answer: str,
    answered_by: str,
    answered_on: datetime.date,
    acting_user,
) -> Suggestion:
    """The committee's (or the 党政班子会议's) answer: 待答复 → 已答复."""
    suggestion = _locked(suggestion)
    _refuse_out_of_order(suggestion, SuggestionState.ANSWERED)
    suggestion.answer = _require_text(answer, "answer", gettext("Write the answer."))
    suggestion.answered_by = _require_text(
        answered_by, "answered_by", gettext("Say who gave the answer, e.g. 党政班子会议.")
    )
    _refuse_future(answered_on, "answered_on")
    _refuse_before(
        answered_on,
        suggestion.raised_on,
        "answered_on",
        gettext("The answer cannot come before the suggestion, raised on %(date)s."),
    )
    suggestion.answered_on = answered_on
    audited_save(suggestion, acting_user=acting_user)
    return suggestion


@transaction.atomic
def suggestion_carry_out(
    *, suggestion: Suggestion, improvement: str, done_on: datetime.date, acting_user
) -> Suggestion:
    """What the school did about it (the improvement): 已答复 → 已落实."""
    suggestion = _locked(suggestion)
    _refuse_out_of_order(suggestion, SuggestionState.DONE)
    suggestion.improvement = _require_text(
        improvement, "improvement", gettext("Write what was done.")
    )
    _refuse_future(done_on, "done_on")
    _refuse_before(
        done_on,
        suggestion.answered_on,
        "done_on",
        gettext("What was done cannot come before the answer, given on %(date)s."),
    )
    suggestion.done_on = done_on
    audited_save(suggestion, acting_user=acting_user)
    return suggestion


@transaction.atomic
def suggestion_feedback(
    *,
    suggestion: Suggestion,
    satisfaction: str,
    feedback_on: datetime.date,
    note: str = "",
    acting_user,
) -> Suggestion:
    """Whether the staff are satisfied, as the group leader heard it: 已落实 → 已反馈
    (closed)."""
    suggestion = _locked(suggestion)
    _refuse_out_of_order(suggestion, SuggestionState.CLOSED)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": gettext("Choose how satisfied the staff are.")})
    _refuse_future(feedback_on, "feedback_on")
    _refuse_before(
        feedback_on,
        suggestion.done_on,
        "feedback_on",
        gettext("The feedback cannot come before what was done, on %(date)s."),
    )
    suggestion.satisfaction = satisfaction
    suggestion.feedback_on = feedback_on
    suggestion.feedback_note = note.strip()
    audited_save(suggestion, acting_user=acting_user)
    return suggestion


@transaction.atomic
def suggestion_step_undo(*, suggestion: Suggestion, acting_user) -> str:
    """Take back the last step taken (to correct it); returns the state it was in. The
    history keeps what was taken back."""
    suggestion = _locked(suggestion)
    state = suggestion.state
    if state == SuggestionState.WAITING:
        raise ValidationError(gettext("No step is recorded yet: there is nothing to take back."))
    for field, empty in STEP_FIELDS[state].items():
        setattr(suggestion, field, empty)
    audited_save(suggestion, acting_user=acting_user)
    return state


@transaction.atomic
def suggestion_delete(*, suggestion: Suggestion, acting_user) -> None:
    """Delete a suggestion recorded by mistake; the history keeps a copy."""
    audited_delete(suggestion, acting_user=acting_user)
