"""Reads of the suggestion loop, each in a fixed number of queries: the list, the open ones
for the home pages, a suggestion's history, and the figures of a period for the year-end
summary (`suggestion_figures`)."""

import datetime
from dataclasses import dataclass, fields

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from activities.models import Satisfaction, Suggestion, SuggestionState
from branchsite.users import display_name
from groups.models import Branch, PartyGroup

# How many of the oldest open suggestions a home page lists.
OPEN_LISTED = 5


def visible_suggestions(branch: Branch, groups: frozenset[int] | None) -> QuerySet[Suggestion]:
    """The branch's suggestions, or those of `groups` only (a leader's)."""
    suggestions = Suggestion.objects.filter(branch=branch)
    if groups is not None:
        suggestions = suggestions.filter(group__in=groups)
    return suggestions


def suggestion_years(branch: Branch, groups: frozenset[int] | None) -> list[int]:
    """The years in which suggestions were raised, newest first (one query)."""
    days = visible_suggestions(branch, groups).dates("raised_on", "year", order="DESC")
    return [day.year for day in days]


@dataclass(frozen=True)
class OpenSuggestions:
    """The open suggestions of a branch or a group, for its home page card."""

    count: int
    waiting: int  # not answered yet
    oldest_days: int | None  # how long the oldest open one has waited, in days
    oldest: list[Suggestion]  # the first few, oldest first


def open_suggestions_panel(
    branch: Branch, *, today: datetime.date, group: PartyGroup | None = None
) -> OpenSuggestions:
    """The card of the secretary's overview (`group` None: the whole branch) or of a group's
    page: always two queries."""
    suggestions = Suggestion.objects.open().filter(branch=branch)
    if group is not None:
        suggestions = suggestions.filter(group=group)
    totals = suggestions.aggregate(
        count=Count("pk"),
        waiting=Count("pk", filter=Q(answered_on__isnull=True)),
        oldest=Min("raised_on"),
    )
    oldest = list(suggestions.select_related("group").order_by("raised_on", "pk")[:OPEN_LISTED])
    return OpenSuggestions(
        count=totals["count"],
        waiting=totals["waiting"],
        oldest_days=(today - totals["oldest"]).days if totals["oldest"] else None,
        oldest=oldest,
    )


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "+", "~" or "-" (simple-history's history_type)
    state: str  # the suggestion's state after the change (`SuggestionState`)

    def get_state_display(self) -> str:
        return SuggestionState(self.state).label


def suggestion_history(suggestion: Suggestion) -> list[HistoryEntry]:
    """Who recorded each change, oldest first (one query). The state after each change
    says which step it was."""
    rows = suggestion.history.select_related("history_user__member").order_by("history_date")
    return [
        HistoryEntry(
            when=row.history_date,
            who=display_name(row.history_user),
            action=row.history_type,
            state=row.instance.state,
        )
        for row in rows
    ]


# --- the figures of a period --------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionCounts:
    """How far the suggestions raised in a period had gone by its end."""

    raised: int = 0
    answered: int = 0
    done: int = 0
    closed: int = 0  # the staff's satisfaction recorded
    satisfied: int = 0
    fairly_satisfied: int = 0
    dissatisfied: int = 0

    @property
    def open(self) -> int:
        return self.raised - self.closed

    def __add__(self, other: "SuggestionCounts") -> "SuggestionCounts":
        return SuggestionCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class GroupSuggestionFigures:
    group: PartyGroup | None  # None: raised to the branch directly
    counts: SuggestionCounts


@dataclass(frozen=True)
class SuggestionFigures:
    """The suggestion loop's figures for a period (`suggestion_figures`)."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date  # the day the waits are counted to: the end, or today if sooner
    branch: SuggestionCounts
    groups: tuple[GroupSuggestionFigures, ...]
    oldest_open_raised_on: datetime.date | None
    oldest_open_days: int | None

    def for_group(self, group: PartyGroup | None) -> SuggestionCounts:
        group_id = group.pk if group is not None else None
        for row in self.groups:
            if (row.group.pk if row.group is not None else None) == group_id:
                return row.counts
        return SuggestionCounts()


def suggestion_figures(
    branch: Branch,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
) -> SuggestionFigures:
    """The figures a summary states: of the suggestions raised from `start` to `end` (both
    included), how many were answered, carried out and closed by `end`, with the staff's
    satisfaction, for the branch and each group (every group of the branch that existed in
    the period, and a row for those raised to the branch directly if any); and the oldest
    suggestion still open at `end`, whenever it was raised, with its wait in days. Counted
    as of `end`, a past year's figures do not change when a late answer comes in. Two
    queries."""
    as_of = min(end, today or timezone.localdate())
    in_period = Q(raised_on__gte=start)
    open_at_end = Q(feedback_on__isnull=True) | Q(feedback_on__gt=end)
    satisfied = in_period & Q(feedback_on__lte=end)
    rows = (
        Suggestion.objects.filter(branch=branch, raised_on__lte=end)
        .values("group")
        .annotate(
            raised=Count("pk", filter=in_period),
            answered=Count("pk", filter=in_period & Q(answered_on__lte=end)),
            done=Count("pk", filter=in_period & Q(done_on__lte=end)),
            closed=Count("pk", filter=satisfied),
            satisfied=Count("pk", filter=satisfied & Q(satisfaction=Satisfaction.SATISFIED)),
            fairly_satisfied=Count(
                "pk", filter=satisfied & Q(satisfaction=Satisfaction.FAIRLY_SATISFIED)
            ),
            dissatisfied=Count("pk", filter=satisfied & Q(satisfaction=Satisfaction.DISSATISFIED)),
            oldest_open=Min("raised_on", filter=open_at_end),
        )
        .order_by()
    )
    counts: dict[int | None, SuggestionCounts] = {}
    oldest_dates = []
    for row in rows:
        if row["oldest_open"] is not None:
            oldest_dates.append(row["oldest_open"])
        counts[row["group"]] = SuggestionCounts(
            **{f.name: row[f.name] for f in fields(SuggestionCounts)}
        )
    groups = PartyGroup.objects.filter(branch=branch).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=end),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start),
    ) | PartyGroup.objects.filter(pk__in=[pk for pk, c in counts.items() if pk and c.raised])
    by_group = [
        GroupSuggestionFigures(group, counts.get(group.pk, SuggestionCounts()))
        for group in groups.distinct()
    ]
    if counts.get(None, SuggestionCounts()).raised:
        by_group.append(GroupSuggestionFigures(None, counts[None]))
    oldest = min(oldest_dates, default=None)
    return SuggestionFigures(
        start=start,
        end=end,
        as_of=as_of,
        branch=sum(counts.values(), SuggestionCounts()),
        groups=tuple(by_group),
        oldest_open_raised_on=oldest,
        oldest_open_days=(as_of - oldest).days if oldest is not None else None,
    )
