"""Suggestions made through the services, up to the step a test needs."""

import datetime

from django.utils import timezone

from activities.models import Satisfaction, Suggestion, SuggestionState
from activities.suggestions import services

ORDER = list(SuggestionState)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def recorded_suggestion(
    *,
    branch,
    group=None,
    acting_user=None,
    raised_on: datetime.date | None = None,
    state: str = SuggestionState.WAITING,
    answered_on: datetime.date | None = None,
    done_on: datetime.date | None = None,
    feedback_on: datetime.date | None = None,
    satisfaction: str = Satisfaction.SATISFIED,
    **fields,
) -> Suggestion:
    """A suggestion recorded, then taken through the steps up to `state`; each step's date
    defaults to the one before it."""
    fields.setdefault("raised_by", "王老师" if not fields.get("anonymous") else "")
    fields.setdefault("text", "希望增加教研活动时间")
    raised_on = raised_on or days_ago(30)
    suggestion = services.suggestion_record(
        suggestion=Suggestion(branch=branch, group=group, raised_on=raised_on, **fields),
        acting_user=acting_user,
    )
    target = ORDER.index(state)
    if target >= ORDER.index(SuggestionState.ANSWERED):
        answered_on = answered_on or raised_on
        suggestion = services.suggestion_answer(
            suggestion=suggestion,
            answer="同意，下学期起调整",
            answered_by="党政班子会议",
            answered_on=answered_on,
            acting_user=acting_user,
        )
    if target >= ORDER.index(SuggestionState.DONE):
        done_on = done_on or answered_on
        suggestion = services.suggestion_carry_out(
            suggestion=suggestion,
            improvement="每周三下午固定为教研时间",
            done_on=done_on,
            acting_user=acting_user,
        )
    if target >= ORDER.index(SuggestionState.CLOSED):
        suggestion = services.suggestion_feedback(
            suggestion=suggestion,
            satisfaction=satisfaction,
            feedback_on=feedback_on or done_on,
            acting_user=acting_user,
        )
    return suggestion
