"""What is due for one person at their stage (待办), computed from their steps and the rules."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from branchsite.dates import long_date
from members.models import Category, Member, TimeRuleCode
from members.recruitment.rules import (
    RuleBook,
    training_given,
    training_is_enough,
    training_minimum,
)
from members.recruitment.stages import StepCode
from members.recruitment.timeline import Timeline, probation_end


@dataclass(frozen=True)
class TodoItem:
    """Something due for one person. `level` is a Bootstrap colour: danger is overdue,
    warning is due soon (or a step is missing), info is a step the person may now take."""

    member: Member
    kind: str
    message: str
    due_on: datetime.date | None = None
    level: str = "warning"

    @property
    def overdue(self) -> bool:
        return self.level == "danger"

    @property
    def url(self) -> str:
        return reverse("recruitment:person", args=[self.member.pk])

    @property
    def step_url(self) -> str:
        """The page that records the step this item asks for."""
        return reverse("recruitment:record_step", args=[self.member.pk, STEP_OF_KIND[self.kind]])

    def tag(self, today: datetime.date) -> str:
        """The short state beside the sentence: "逾期 37 天", "12月20日前", "可办理"."""
        if self.due_on is None:
            return _("To record") if self.level != "info" else _("Ready")
        if self.overdue:
            return _("%(days)s days overdue") % {"days": max((today - self.due_on).days, 1)}
        if self.level == "info":
            return _("Ready")
        return _("by %(day)s") % {"day": f"{self.due_on.month}月{self.due_on.day}日"}


# The step that settles each kind of item.
STEP_OF_KIND = {
    "application": StepCode.APPLICATION,
    "talk": StepCode.TALK,
    "mentors": StepCode.MENTORS,
    "review": StepCode.ACTIVIST_REVIEW,
    "candidate": StepCode.CANDIDATE_CHOSEN,
    "sponsors": StepCode.SPONSORS,
    "training": StepCode.TRAINING,
    "approval": StepCode.ADMISSION_APPROVAL,
    "full_application": StepCode.FULL_APPLICATION,
    "full_meeting": StepCode.FULL_MEETING,
    "full_approval": StepCode.FULL_APPROVAL,
}


LEVEL_RANK = {"danger": 0, "warning": 1, "info": 2}


def member_todo(
    member: Member, timeline: Timeline, rules: RuleBook, today: datetime.date
) -> list[TodoItem]:
    """What is due for one person at their stage, computed from the steps and the rules."""
    due_soon_until = rules.after(TimeRuleCode.REMINDER_LEAD, today)
    compute = {
        Category.APPLICANT: _applicant_todo,
        Category.ACTIVIST: _activist_todo,
        Category.CANDIDATE: _candidate_todo,
        Category.PROBATIONARY: _probationary_todo,
    }.get(member.category)
    if compute is None:
        return []
    return compute(member, timeline, rules, today, due_soon_until)


def _applicant_todo(member, timeline, rules, today, due_soon_until):
    applied_on = timeline.first(StepCode.APPLICATION)
    if applied_on is None:
        return [
            TodoItem(
                member,
                "application",
                _("The date of the application (递交入党申请书) is not recorded."),
            )
        ]
    if timeline.has(StepCode.TALK):
        return []
    due = rules.after(TimeRuleCode.TALK_WITHIN, applied_on)
    values = {"due": long_date(due), "applied": long_date(applied_on)}
    if today > due:
        message = _("The talk with the applicant was due by %(due)s (applied %(applied)s).")
        return [TodoItem(member, "talk", message % values, due, "danger")]
    message = _("Talk with the applicant by %(due)s (applied %(applied)s).")
    return [TodoItem(member, "talk", message % values, due, "warning")]


def _activist_todo(member, timeline, rules, today, due_soon_until):
    since = timeline.first(StepCode.ACTIVIST_CHOSEN)
    if since is None:
        return [
            TodoItem(
                member,
                "activist_chosen",
                _("The date the person became an activist is not recorded."),
            )
        ]
    items = []
    if not timeline.has(StepCode.MENTORS):
        items.append(TodoItem(member, "mentors", _("No mentors (培养联系人) assigned yet.")))
    last_review = max(since, timeline.last(StepCode.ACTIVIST_REVIEW) or since)
    due = rules.after(TimeRuleCode.ACTIVIST_REVIEW_EVERY, last_review)
    values = {"due": long_date(due), "last": long_date(last_review)}
    if today > due:
        message = _("The half-year review was due by %(due)s (last on %(last)s).")
        items.append(TodoItem(member, "review", message % values, due, "danger"))
    elif due <= due_soon_until:
        message = _("Half-year review due by %(due)s (last on %(last)s).")
        items.append(TodoItem(member, "review", message % values, due, "warning"))
    # "一年以上" includes the anniversary itself (checks._check_candidate).
    eligible_on = rules.after(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since)
    if eligible_on <= due_soon_until:
        values = {"since": long_date(since), "date": long_date(eligible_on)}
        if eligible_on <= today:
            message = _("Activist since %(since)s: may be made a candidate (since %(date)s).")
        else:
            message = _("Activist since %(since)s: may be made a candidate from %(date)s.")
        items.append(TodoItem(member, "candidate", message % values, eligible_on, "info"))
    return items


def _candidate_todo(member, timeline, rules, today, due_soon_until):
    items = []
    if not timeline.has(StepCode.SPONSORS):
        items.append(TodoItem(member, "sponsors", _("No sponsors (入党介绍人) recorded yet.")))
    days, hours = timeline.training()
    if not timeline.has(StepCode.TRAINING):
        items.append(
            TodoItem(
                member,
                "training",
                _("No concentrated training recorded (at least %(days)s or %(hours)s).")
                % training_minimum(rules, today),
            )
        )
    elif not training_is_enough(days, hours, rules, today):
        items.append(
            TodoItem(
                member,
                "training",
                _("Training so far: %(given)s; at least %(days)s or %(hours)s are needed.")
                % {"given": training_given(days, hours), **training_minimum(rules, today)},
            )
        )
    return items


def _probationary_todo(member, timeline, rules, today, due_soon_until):
    items = []
    meeting = timeline.first(StepCode.ADMISSION_MEETING)
    # Only admissions handled here are followed up: a member entered with a date of joining
    # and no steps was approved before the records began.
    if meeting is not None and not timeline.has(StepCode.ADMISSION_APPROVAL):
        due = rules.after(TimeRuleCode.APPROVAL_WITHIN, meeting)
        latest = rules.after(TimeRuleCode.APPROVAL_AT_MOST, meeting)
        values = {"due": long_date(due), "latest": long_date(latest), "meeting": long_date(meeting)}
        if today > latest:
            message = _(
                "Approval of the admission is past the longest limit (%(latest)s; general "
                "meeting %(meeting)s)."
            )
            items.append(TodoItem(member, "approval", message % values, latest, "danger"))
        elif today > due:
            message = _(
                "Approval of the admission was due by %(due)s (general meeting %(meeting)s); "
                "at most by %(latest)s."
            )
            items.append(TodoItem(member, "approval", message % values, due, "danger"))
        else:
            message = _(
                "The upper committee's approval is due by %(due)s (general meeting %(meeting)s)."
            )
            items.append(TodoItem(member, "approval", message % values, due, "warning"))

    end = probation_end(member, timeline, rules)
    if end is None:
        return items
    extended = timeline.extended_on() is not None
    values = {"end": long_date(end)}
    if not timeline.has(StepCode.FULL_APPLICATION):
        if today > end:
            message = (
                _("The extended probation ended on %(end)s; no application for full membership.")
                if extended
                else _("Probation ended on %(end)s; no application for full membership.")
            )
            items.append(TodoItem(member, "full_application", message % values, end, "danger"))
        elif end <= due_soon_until:
            message = (
                _(
                    "The extended probation ends on %(end)s: the application for full "
                    "membership is due."
                )
                if extended
                else _("Probation ends on %(end)s: the application for full membership is due.")
            )
            items.append(TodoItem(member, "full_application", message % values, end, "warning"))
    elif not timeline.has(StepCode.FULL_MEETING):
        if end <= due_soon_until:
            level = "danger" if today > end else "warning"
            message = _("Probation ends on %(end)s: the general meeting on full membership is due.")
            items.append(TodoItem(member, "full_meeting", message % values, end, level))
    elif not timeline.has(StepCode.FULL_APPROVAL):
        meeting = timeline.last(StepCode.FULL_MEETING)
        due = rules.after(TimeRuleCode.FULL_APPROVAL_WITHIN, meeting)
        level = "danger" if today > due else "warning"
        message = _(
            "Approval of full membership is due by %(due)s (general meeting %(meeting)s)."
        ) % {"due": long_date(due), "meeting": long_date(meeting)}
        items.append(TodoItem(member, "full_approval", message, due, level))
    return items


def sorted_by_urgency(items: list[TodoItem]) -> list[TodoItem]:
    """Overdue first, then due soon, then what may be done; each by due date."""
    far = datetime.date.max
    return sorted(
        items, key=lambda i: (LEVEL_RANK[i.level], i.due_on or far, i.member.name, i.kind)
    )
