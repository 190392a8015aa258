"""The items of a year's plan: writes (add, correct, mark done or dropped, remove) and the
two reads other pages need — what is due this month, for the secretary's and the leaders'
home pages, and what was done, for the year's summary.

Decisions:
- An item has a month, a deadline, or both; with both, the deadline is the last day for it.
  The deadline falls in the plan's year. The owner is a member of the plan's branch.
- "Due this month" is an item still planned whose month is this month, whose deadline is in
  this month, or whose last day has passed (overdue, listed first). Only today's year's plan
  counts: last year's unfinished items are last year's summary's business.
- A leader's page shows the branch plan's items owned by a current member of the group (the
  leader answers for reminding them), and the items of the group's own plan, if it has one.
  The secretary's page shows the branch plan's items, whoever owns them.
- Every write goes through `branchsite.audit`, so the history names who did it; the
  services validate with `full_clean()`, and their messages are the users' (Chinese).

Each read is one query, whatever the number of items.
"""

import calendar
import datetime
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from branchsite.audit import audited_delete, audited_save
from groups.models import Branch, PartyGroup
from members.models import Member
from reports.models import DocumentKind, PlanItem, PlanItemState, YearDocument
from reports.yearend.blocks import Table

TITLE_MAX = 200
# The home card lists at most this many items; the count says how many there are.
DUE_LISTED = 8


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": gettext("Say what is to be done.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {
                "title": gettext("The item is too long (at most %(max)s characters).")
                % {"max": TITLE_MAX}
            }
        )
    return title


def _fill(item: PlanItem, *, title, owner, month, deadline, note) -> None:
    item.title = _clean_title(title)
    item.owner = owner
    item.month = month
    item.deadline = deadline
    item.note = (note or "").strip()


@transaction.atomic
def plan_item_add(
    *,
    document: YearDocument,
    title: str,
    owner: Member | None,
    month: int | None,
    deadline: datetime.date | None,
    note: str = "",
    acting_user,
) -> PlanItem:
    """A new item at the end of the plan's list."""
    last = document.plan_items.aggregate(last=Max("sort_order"))["last"]
    item = PlanItem(document=document, sort_order=0 if last is None else last + 1)
    _fill(item, title=title, owner=owner, month=month, deadline=deadline, note=note)
    audited_save(item, acting_user=acting_user)
    return item


@transaction.atomic
def plan_item_update(
    *,
    item: PlanItem,
    title: str,
    owner: Member | None,
    month: int | None,
    deadline: datetime.date | None,
    note: str = "",
    acting_user,
) -> PlanItem:
    """Correct what the item says; its state is `plan_item_set_state`'s."""
    _fill(item, title=title, owner=owner, month=month, deadline=deadline, note=note)
    audited_save(item, acting_user=acting_user)
    return item


@transaction.atomic
def plan_item_set_state(
    *, item: PlanItem, state: str, done_on: datetime.date | None = None, acting_user
) -> PlanItem:
    """Done (on `done_on`, today if not given), dropped, or planned again. Only a done item
    keeps a day; a day in the future is refused."""
    if state not in PlanItemState.values:
        raise ValidationError({"state": gettext("Choose done, dropped or planned.")})
    if state == PlanItemState.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": gettext("The day it was done cannot be ahead.")})
    else:
        done_on = None
    if (item.state, item.done_on) == (state, done_on):
        return item  # nothing changes: no history row for it
    item.state = state
    item.done_on = done_on
    audited_save(item, acting_user=acting_user)
    return item


@transaction.atomic
def plan_item_remove(*, item: PlanItem, acting_user) -> None:
    """Remove an item typed by mistake (one given up on is dropped, not removed). The
    history keeps a copy."""
    audited_delete(item, acting_user=acting_user)


# --------------------------------------------------------------------------- reads


def plan_items_of(document: YearDocument) -> list[PlanItem]:
    """The plan's items in their order, with their owners (one query)."""
    return list(document.plan_items.select_related("owner").order_by("sort_order", "pk"))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class DueItem:
    item: PlanItem
    due_by: datetime.date
    overdue: bool


@dataclass(frozen=True)
class DuePlanItems:
    """The card of a home page: the first `DUE_LISTED` items, overdue first, and counts."""

    items: list[DueItem]
    count: int
    overdue: int

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def more(self) -> int:
        """Due but not listed."""
        return self.count - len(self.items)


def plan_items_due(
    branch: Branch, *, today: datetime.date, group: PartyGroup | None = None
) -> DuePlanItems:
    """What the year's plan has due this month, or overdue (one query)."""
    items = PlanItem.objects.filter(
        document__branch=branch,
        document__kind=DocumentKind.PLAN,
        document__year=today.year,
        state=PlanItemState.PLANNED,
    ).filter(
        Q(month=today.month)
        | Q(deadline__lte=month_end(today))
        | Q(deadline__isnull=True, month__lt=today.month)
    )
    if group is None:
        items = items.filter(document__group__isnull=True)
    else:
        in_group = Member.objects.in_groups([group]).values("pk")
        items = items.filter(
            Q(document__group=group) | Q(document__group__isnull=True, owner__in=in_group)
        )
    due = [
        DueItem(item=item, due_by=item.due_by(), overdue=item.due_by() < today)
        for item in items.select_related("document", "owner")
    ]
    due.sort(key=lambda d: (not d.overdue, d.due_by, d.item.sort_order, d.item.pk))
    return DuePlanItems(
        items=due[:DUE_LISTED], count=len(due), overdue=sum(1 for d in due if d.overdue)
    )


@dataclass(frozen=True)
class PlanSummary:
    """How the year's plan went: counts by state, what was done, and every item's row."""

    total: int
    done: int
    planned: int
    dropped: int
    done_titles: list[str]
    items: list[PlanItem]


def _summary_of(items: list[PlanItem]) -> PlanSummary:
    states = [item.state for item in items]
    return PlanSummary(
        total=len(items),
        done=states.count(PlanItemState.DONE),
        planned=states.count(PlanItemState.PLANNED),
        dropped=states.count(PlanItemState.DROPPED),
        done_titles=[item.title for item in items if item.state == PlanItemState.DONE],
        items=items,
    )


def _plan_items(branch: Branch, year: int):
    return PlanItem.objects.filter(
        document__branch=branch, document__kind=DocumentKind.PLAN, document__year=year
    ).select_related("owner")


def plan_items_summary(
    branch: Branch, year: int, *, group: PartyGroup | None = None
) -> PlanSummary:
    """The items of `branch`'s plan of `year` (a group's plan, with `group`), one query."""
    items = _plan_items(branch, year).filter(document__group=group)
    return _summary_of(list(items.order_by("sort_order", "pk")))


def group_plans_summary(branch: Branch, year: int) -> list[tuple[PartyGroup, PlanSummary]]:
    """How each party group's own plan of `year` went, in the groups' order; groups whose
    plan has no items are left out (one query)."""
    items = (
        _plan_items(branch, year)
        .filter(document__group__isnull=False)
        .select_related("document__group")
        .order_by("document__group__sort_order", "document__group__name", "sort_order", "pk")
    )
    return [
        (group, _summary_of(list(of_group)))
        for group, of_group in groupby(items, key=lambda item: item.document.group)
    ]


def add_plan_figures(figures) -> None:
    """The plan's figures for the year's summary (`reports.yearend.figures.YearFigures`):
    plan.total, plan.done, plan.planned, plan.dropped, plan.done_titles, and the table
    `plan_items`. A year without plan items has none of them (【待补充】), not zeros.

    The branch's summary also rolls up the party groups' own plans: plan.groups_total,
    plan.groups_done, and the table `group_plans`, a row per group whose plan has items."""
    if figures.group is None:
        _add_group_plan_figures(figures)
    summary = plan_items_summary(figures.branch, figures.year, group=figures.group)
    recorded = summary.total > 0

    def count(value: int) -> int | None:
        return value if recorded else None

    figures.add("plan.total", _("items in the year's plan"), count(summary.total))
    figures.add("plan.done", _("plan items done"), count(summary.done))
    figures.add("plan.planned", _("plan items not done yet"), count(summary.planned))
    figures.add("plan.dropped", _("plan items dropped"), count(summary.dropped))
    figures.add(
        "plan.done_titles", _("plan items done, by name"), "、".join(summary.done_titles) or None
    )
    if recorded:
        figures.tables["plan_items"] = Table(
            caption=pgettext("table caption", "How the year's plan was carried out"),
            header=(gettext("Item"), gettext("Owner"), gettext("State")),
            rows=tuple(
                (
                    item.title,
                    item.owner.name if item.owner else "—",
                    _state_cell(item),
                )
                for item in summary.items
            ),
        )


def _add_group_plan_figures(figures) -> None:
    rows = group_plans_summary(figures.branch, figures.year)
    figures.add(
        "plan.groups_total",
        _("items in the party groups' plans"),
        sum(summary.total for _group, summary in rows) if rows else None,
    )
    figures.add(
        "plan.groups_done",
        _("party groups' plan items done"),
        sum(summary.done for _group, summary in rows) if rows else None,
    )
    if rows:
        figures.tables["group_plans"] = Table(
            caption=pgettext("table caption", "How the party groups' plans were carried out"),
            header=(
                gettext("Party group"),
                gettext("Items"),
                str(PlanItemState.DONE.label),
                gettext("Not done yet"),
                str(PlanItemState.DROPPED.label),
            ),
            rows=tuple(
                (
                    group.name,
                    str(summary.total),
                    str(summary.done),
                    str(summary.planned),
                    str(summary.dropped),
                )
                for group, summary in rows
            ),
        )


def _state_cell(item: PlanItem) -> str:
    if item.state == PlanItemState.DONE:
        day = item.done_on
        return gettext("done on %(date)s") % {"date": f"{day.year}年{day.month}月{day.day}日"}
    return str(item.get_state_display())
