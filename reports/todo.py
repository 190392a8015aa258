"""The secretary's 待办: what the branch owes now, one line per kind of work, each a count
that links to the list where it is done.

The overview already reads most of these for its own cards (records to review, make-up
study, meetings owed, dues arrears, open suggestions, plan items due); they are passed in
rather than read twice. Recruitment and the open evaluation are read here: the recruitment
to-do list in 3 queries, the evaluation's progress in 3. The panel lists only what is owed;
when nothing is, it says so.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from activities.compliance import Owed
from groups.models import Branch
from members.dues.selectors import Arrears
from members.models import Assessment, EvaluationRound, RoundState
from members.recruitment.selectors import recruitment_todo
from reports.yearend.plan_items import DuePlanItems

DANGER, WARNING, INFO = "danger", "warning", "info"


@dataclass(frozen=True)
class Todo:
    """One line of the panel: `count` things of one kind, `note` saying what is urgent,
    `level` a Bootstrap colour (danger: something is overdue)."""

    key: str
    label: str
    count: int
    url: str
    note: str = ""
    level: str = WARNING


def _days(day: datetime.date, today: datetime.date) -> str:
    left = (day - today).days
    when = f"{day.month}月{day.day}日"
    if left == 0:
        return _("%(day)s, today") % {"day": when}
    return _("by %(day)s, %(left)s days left") % {"day": when, "left": left}


def _meetings(branch: Branch, owed: Owed, today: datetime.date) -> Todo | None:
    if not owed.due and not owed.missed:
        return None
    notes = []
    if owed.due:
        soonest = owed.due[0]
        notes.append(
            _("%(count)s still owed this period, the first %(when)s")
            % {"count": len(owed.due), "when": _days(soonest.period_end, today)}
        )
    if owed.missed:
        notes.append(_("%(count)s periods missed this school year") % {"count": len(owed.missed)})
    return Todo(
        key="meetings",
        label=_("Meetings owed (三会一课)"),
        count=len(owed.due) + len(owed.missed),
        url=reverse("activities:compliance", args=[branch.pk]),
        note="；".join(notes),
        level=DANGER if owed.missed else WARNING,
    )


def _recruitment(branch: Branch, today: datetime.date) -> Todo | None:
    items = [item for item in recruitment_todo(branch, today) if item.level != INFO]
    if not items:
        return None
    overdue = sum(1 for item in items if item.overdue)
    return Todo(
        key="recruitment",
        label=_("Recruitment steps due"),
        count=len(items),
        url=reverse("recruitment:todo", args=[branch.pk]),
        note=_("%(overdue)s overdue, %(soon)s due soon")
        % {"overdue": overdue, "soon": len(items) - overdue},
        level=DANGER if overdue else WARNING,
    )


def _evaluation(branch: Branch) -> Todo | None:
    evaluation = (
        EvaluationRound.objects.filter(branch=branch, state=RoundState.OPEN)
        .order_by("-year", "-pk")
        .first()
    )
    if evaluation is None:
        return None
    voters = Assessment.objects.filter(round=evaluation).count()
    voted = evaluation.casts.count()
    if voted >= voters:
        return None
    return Todo(
        key="evaluation",
        label=_("Members yet to vote in the evaluation"),
        count=voters - voted,
        url=reverse("evaluation:round", args=[evaluation.pk]),
        note=_("%(year)s: %(voted)s of %(voters)s have voted")
        % {"year": f"{evaluation.year}年", "voted": voted, "voters": voters},
        level=INFO,
    )


def branch_todo(
    branch: Branch,
    *,
    today: datetime.date,
    to_review: int,
    open_make_ups: int,
    owed: Owed,
    dues_arrears: Arrears,
    open_suggestions,
    plan_items_due: DuePlanItems,
) -> list[Todo]:
    """The secretary's panel, most pressing kinds first (those with something overdue)."""
    todos = [
        _meetings(branch, owed, today),
        _recruitment(branch, today),
    ]
    if to_review:
        todos.append(
            Todo(
                key="review",
                label=_("Meeting records waiting for review"),
                count=to_review,
                url=reverse("activities:meeting_list", args=[branch.pk]) + "?review=pending",
            )
        )
    if open_make_ups:
        todos.append(
            Todo(
                key="make_up",
                label=_("Make-up study not closed"),
                count=open_make_ups,
                url=reverse("activities:make_up_list", args=[branch.pk]),
            )
        )
    if dues_arrears.behind:
        todos.append(
            Todo(
                key="dues",
                label=_("Members 3 months or more behind with dues"),
                count=dues_arrears.behind,
                url=reverse("dues:branch", args=[branch.pk]),
                note=_("%(count)s of them 6 months or more") % {"count": dues_arrears.serious}
                if dues_arrears.serious
                else "",
                level=DANGER if dues_arrears.serious else WARNING,
            )
        )
    if plan_items_due.count:
        todos.append(
            Todo(
                key="plan",
                label=_("Plan items due this month"),
                count=plan_items_due.count,
                url=reverse("reports:plan_items", args=[plan_items_due.items[0].item.document_id]),
                note=_("%(count)s overdue") % {"count": plan_items_due.overdue}
                if plan_items_due.overdue
                else "",
                level=DANGER if plan_items_due.overdue else WARNING,
            )
        )
    if open_suggestions.count:
        todos.append(
            Todo(
                key="suggestions",
                label=_("Suggestions not closed"),
                count=open_suggestions.count,
                url=reverse("activities:suggestion_list", args=[branch.pk]) + "?state=open",
                note=_("%(count)s waiting for an answer") % {"count": open_suggestions.waiting}
                if open_suggestions.waiting
                else "",
            )
        )
    todos.append(_evaluation(branch))
    present = [todo for todo in todos if todo is not None]
    rank = {DANGER: 0, WARNING: 1, INFO: 2}
    return sorted(present, key=lambda todo: rank[todo.level])
