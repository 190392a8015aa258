"""Reads of the ledgers: the rows of each list page (a fixed number of queries whatever the
number of rows) and `ledger_figures`, the numbers the year-end summary states."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from activities.ledgers.access import Ledger, LedgerScope
from activities.models import (
    DutyPost,
    Fulfilment,
    HardshipCase,
    HardshipHelp,
    Pairing,
    PairingMeeting,
    PartnerKind,
    Pledge,
    PledgeKind,
    PostKind,
)
from groups.models import Branch, GroupMembership, PartyGroup
from members.models import Member

# The words of the list search look in these fields.
SEARCHED = {
    Ledger.PAIRINGS: ("member__name", "partner_name", "partner_member__name"),
    Ledger.HARDSHIP: ("member__name", "person_name"),
    Ledger.PLEDGES: ("member__name",),
    Ledger.POSTS: ("member__name", "place"),
}
MODELS = {
    Ledger.PAIRINGS: Pairing,
    Ledger.HARDSHIP: HardshipCase,
    Ledger.PLEDGES: Pledge,
    Ledger.POSTS: DutyPost,
}


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _in_year(records: QuerySet, ledger: Ledger, year: int) -> QuerySet:
    """Pairings and posts running, cases open, pledges made for, in `year`."""
    start, end = _year_bounds(year)
    if ledger == Ledger.PLEDGES:
        return records.filter(year=year)
    if ledger == Ledger.HARDSHIP:
        return records.open_between(start, end)
    return records.active_between(start, end)


def _current_group_name() -> Subquery:
    """The name of the record's member's current group (None: in no group)."""
    current = GroupMembership.objects.current().filter(member=OuterRef("member"))
    return Subquery(current.values("group__name")[:1])


def ledger_rows(
    branch: Branch,
    ledger: Ledger,
    scope: LedgerScope,
    *,
    year: int | None = None,
    group: PartyGroup | None = None,
    kind: str = "",
    words: str = "",
) -> QuerySet:
    """The records of `ledger` the user may read (`scope`), in `year` (None: every year),
    of the members now in `group`, of `kind`, whose names hold `words`; with what each
    list row shows, newest first."""
    records = scope.visible(MODELS[ledger].objects.filter(branch=branch))
    if year is not None:
        records = _in_year(records, ledger, year)
    if group is not None:
        records = records.filter(member__in=Member.objects.in_groups([group]))
    if kind:
        records = records.filter(kind=kind)
    if words := words.strip():
        found = Q()
        for field in SEARCHED[ledger]:
            found |= Q(**{f"{field}__icontains": words})
        records = records.filter(found)
    records = records.select_related("member")
    if ledger == Ledger.PAIRINGS:
        records = records.select_related("partner_member").annotate(meeting_count=Count("meetings"))
        order = ("-started_on", "-pk")
    elif ledger == Ledger.HARDSHIP:
        records = records.annotate(help_count=Count("helps"), help_money=Sum("helps__amount"))
        order = ("-opened_on", "-pk")
    elif ledger == Ledger.PLEDGES:
        order = ("-year", "member__name", "kind", "pk")
    else:
        order = ("kind", "place", "time_slot", "-started_on", "pk")
    if ledger != Ledger.HARDSHIP:
        records = records.annotate(group_name=_current_group_name())
    return records.order_by(*order)


def ledger_years(branch: Branch, ledger: Ledger, today: datetime.date) -> list[int]:
    """The years the list's filter offers, newest first: from the first record's year (or
    this year) to next year."""
    model = MODELS[ledger]
    field = {
        Ledger.PAIRINGS: "started_on__year",
        Ledger.HARDSHIP: "opened_on__year",
        Ledger.PLEDGES: "year",
        Ledger.POSTS: "started_on__year",
    }[ledger]
    first = (
        model.objects.filter(branch=branch).order_by(field).values_list(field, flat=True).first()
    )
    first = min(first or today.year, today.year)
    return list(range(today.year + 1, first - 1, -1))


# ---------------------------------------------------------------------------------------
# The year-end figures


@dataclass(frozen=True)
class GroupLedgerFigures:
    """One group's part of `LedgerFigures`: the records of the members the group had at the
    period's end. `group` is None for members in no group then."""

    group: PartyGroup | None
    pairings_by_kind: dict[str, int]
    pairing_meetings: int
    pledges_made: int
    pledges_fulfilled: int
    posts_held: int

    @property
    def pairings_active(self) -> int:
        return sum(self.pairings_by_kind.values())


@dataclass(frozen=True)
class LedgerFigures:
    """What the ledgers add up to over [start, end] (both days included):

    - pairings running on at least one day of it, by partner kind, and the meetings held in it;
    - hardship cases open on at least one day of it (and those opened in it), the helps
      given in it, their money to the fen and the cases they reached;
    - pledges made for the years the period touches, by kind and by the committee's review
      (`""`: not reviewed yet);
    - duty posts held on at least one day of it, by kind, and the members holding them;
    - per group (the member's group at the period's end, or their last group before it),
      the pairings, meetings, pledges and posts. The hardship ledger is not split by group:
      it names teachers who are in none.
    """

    start: datetime.date
    end: datetime.date
    pairings_by_kind: dict[str, int]
    pairing_meetings: int
    hardship_cases_open: int
    hardship_cases_opened: int
    hardship_cases_helped: int
    hardship_helps: int
    hardship_money: Decimal
    pledges_by_kind: dict[str, int]
    pledges_by_outcome: dict[str, int]
    posts_by_kind: dict[str, int]
    members_with_posts: int
    groups: tuple[GroupLedgerFigures, ...]

    @property
    def pairings_active(self) -> int:
        return sum(self.pairings_by_kind.values())

    @property
    def pledges_made(self) -> int:
        return sum(self.pledges_by_kind.values())

    @property
    def pledges_fulfilled(self) -> int:
        return self.pledges_by_outcome[Fulfilment.DONE]

    @property
    def posts_held(self) -> int:
        return sum(self.posts_by_kind.values())


def _groups_at(branch: Branch, end: datetime.date) -> dict[int, int]:
    """member id → the group they were in on `end` (or last, if they had left it by then)."""
    memberships = (
        GroupMembership.objects.filter(group__branch=branch, started_on__lte=end)
        .order_by("started_on", "pk")
        .values_list("member_id", "group_id")
    )
    return dict(memberships)  # a later membership overwrites an earlier one


def _empty_part() -> dict:
    return {"pairings": Counter(), "meetings": 0, "pledges": 0, "fulfilled": 0, "posts": 0}


def ledger_figures(branch: Branch, start: datetime.date, end: datetime.date) -> LedgerFigures:
    """The ledgers' figures for the year-end summary (`LedgerFigures`), in 8 queries."""
    groups = list(PartyGroup.objects.filter(branch=branch))
    group_of = _groups_at(branch, end)

    pairings = (
        Pairing.objects.filter(branch=branch)
        .active_between(start, end)
        .values_list("member_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = (
        PairingMeeting.objects.filter(pairing__branch=branch, held_on__range=(start, end))
        .values_list("pairing__member_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pledges = (
        Pledge.objects.filter(branch=branch, year__range=(start.year, end.year))
        .values_list("member_id", "kind", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    posts = list(
        DutyPost.objects.filter(branch=branch)
        .active_between(start, end)
        .values_list("member_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    still_open = Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    cases = HardshipCase.objects.filter(branch=branch).aggregate(
        open=Count("pk", filter=Q(opened_on__lte=end) & still_open),
        opened=Count("pk", filter=Q(opened_on__range=(start, end))),
    )
    helps = HardshipHelp.objects.filter(
        case__branch=branch, given_on__range=(start, end)
    ).aggregate(count=Count("pk"), money=Sum("amount"), cases=Count("case", distinct=True))

    by_kind = Counter(dict.fromkeys(PartnerKind.values, 0))
    pledge_kinds = Counter(dict.fromkeys(PledgeKind.values, 0))
    outcomes = Counter(dict.fromkeys(["", *Fulfilment.values], 0))
    post_kinds = Counter(dict.fromkeys(PostKind.values, 0))
    per_group: dict[int | None, dict] = {}

    def part(member_id: int) -> dict:
        return per_group.setdefault(group_of.get(member_id), _empty_part())

    for member_id, kind, n in pairings:
        by_kind[kind] += n
        part(member_id)["pairings"][kind] += n
    meeting_total = 0
    for member_id, n in meetings:
        meeting_total += n
        part(member_id)["meetings"] += n
    for member_id, kind, outcome, n in pledges:
        pledge_kinds[kind] += n
        outcomes[outcome] += n
        part(member_id)["pledges"] += n
        if outcome == Fulfilment.DONE:
            part(member_id)["fulfilled"] += n
    for member_id, kind, n in posts:
        post_kinds[kind] += n
        part(member_id)["posts"] += n

    group_figures = []
    for group in [*groups, None]:
        found = per_group.get(group.pk if group else None)
        dissolved = group is not None and group.dissolved_on and group.dissolved_on < start
        if found is None and (group is None or dissolved):
            continue
        found = found or _empty_part()
        group_figures.append(
            GroupLedgerFigures(
                group=group,
                pairings_by_kind={kind: found["pairings"][kind] for kind in PartnerKind.values},
                pairing_meetings=found["meetings"],
                pledges_made=found["pledges"],
                pledges_fulfilled=found["fulfilled"],
                posts_held=found["posts"],
            )
        )

    return LedgerFigures(
        start=start,
        end=end,
        pairings_by_kind=dict(by_kind),
        pairing_meetings=meeting_total,
        hardship_cases_open=cases["open"],
        hardship_cases_opened=cases["opened"],
        hardship_cases_helped=helps["cases"],
        hardship_helps=helps["count"],
        hardship_money=(helps["money"] or Decimal(0)).quantize(Decimal("0.01")),
        pledges_by_kind=dict(pledge_kinds),
        pledges_by_outcome=dict(outcomes),
        posts_by_kind=dict(post_kinds),
        members_with_posts=len({member_id for member_id, _kind, _n in posts}),
        groups=tuple(group_figures),
    )
