"""Reads for the registry pages, each in a fixed number of queries."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _

from branchsite.dates import add_years, long_date
from groups.models import Branch
from groups.selectors import Warning
from members.models import (
    Category,
    Member,
    Status,
    TimeRuleCode,
    Transfer,
    TransferDirection,
    TransferState,
)
from members.recruitment import RuleBook, Timeline, probation_end, records_prefetch


@dataclass(frozen=True)
class TimelineEvent:
    on: datetime.date
    title: str
    detail: str = ""


def party_age(member: Member, today: datetime.date) -> int | None:
    """党龄 in whole years on `today`: it counts from the end of probation, the date of full
    membership (细则 2014 第三十四条), not from joining. None for someone not yet a full member."""
    start = member.full_member_on
    if start is None or start > today:
        return None
    years = today.year - start.year
    # A full year ends on the anniversary (29 February: on 28 February, as add_years counts).
    return years if add_years(start, years) <= today else years - 1


def pending_transfer_warnings(transfers: Iterable[Transfer], today: datetime.date) -> list:
    """A warning for each pending transfer whose letter (介绍信) has expired, or expires within
    the to-do list's lead (the `reminder_lead` rule): the letter is valid for the branch's
    `transfer_letter_valid_days`. One query (the rule book), none without pending transfers."""
    pending = sorted(
        (t for t in transfers if t.state == TransferState.PENDING), key=lambda t: t.valid_until
    )
    if not pending:
        return []
    warn_until = RuleBook.load().after(TimeRuleCode.REMINDER_LEAD, today)
    warnings = []
    for transfer in pending:
        values = {
            "name": transfer.member.name,
            "direction": transfer.get_direction_display(),
            "organisation": transfer.other_side,
            "date": long_date(transfer.valid_until),
        }
        if transfer.valid_until < today:
            message = _(
                "%(name)s's transfer letter (%(direction)s · %(organisation)s) expired on "
                "%(date)s: ask for a new letter, or cancel the transfer."
            )
            warnings.append(Warning(message % values, level="danger"))
        elif transfer.valid_until <= warn_until:
            message = _(
                "%(name)s's transfer letter (%(direction)s · %(organisation)s) is valid only "
                "until %(date)s: complete the transfer before then."
            )
            warnings.append(Warning(message % values))
    return warnings


def branch_transfer_warnings(branch: Branch, today: datetime.date) -> list:
    """The letter warnings of the branch's pending transfers, in and out, those another
    branch of this deployment sends it included (two queries)."""
    transfers = (
        Transfer.objects.pending()
        .filter(Q(member__branch=branch) | Q(to_branch=branch))
        .select_related("member", "from_branch", "to_branch")
    )
    return pending_transfer_warnings(transfers, today)


def transfers_awaiting(branch: Branch) -> list[Transfer]:
    """Transfers from other branches of this deployment waiting for `branch` to accept
    them (转入待接收), the oldest letter first. One query however many there are."""
    return list(
        Transfer.objects.pending()
        .filter(to_branch=branch)
        .select_related("member", "from_branch", "to_branch")
        .order_by("issued_on", "pk")
    )


def member_transfers():
    """A member's transfers with the branches they name, for `prefetch_related`."""
    return Prefetch(
        "transfers", queryset=Transfer.objects.select_related("from_branch", "to_branch")
    )


def transfer_acceptance_warnings(transfer: Transfer, on: datetime.date) -> list[str]:
    """What accepting `transfer` on `on` should be confirmed for: a letter past its validity."""
    if on <= transfer.valid_until:
        return []
    return [
        _(
            "The transfer letter was valid until %(date)s: accepting it on %(on)s is after its "
            "validity. Ask the other side for a new letter, or confirm to accept it anyway."
        )
        % {"date": long_date(transfer.valid_until), "on": long_date(on)}
    ]


def political_birthdays(members, today: datetime.date):
    """政治生日 this month: the anniversary of joining, for members on the roll."""
    return members.filter(joined_on__month=today.month).order_by("joined_on__day", "name")


def probationary_by_end(members):
    """Probationary members, the one whose probation ends first at the top."""
    return members.filter(category=Category.PROBATIONARY).order_by("joined_on", "name")


def attach_probation_ends(members) -> list[Member]:
    """Set `probation_end` on each probationary member: a year from joining under the rule
    then in force, plus any extension. Two queries for any non-empty list, so a page costs
    the same whoever is on it."""
    members = list(members)
    if not members:
        return members
    prefetch_related_objects(members, records_prefetch())
    rules = RuleBook.load()
    for member in members:
        if member.category == Category.PROBATIONARY:
            member.probation_end = probation_end(member, Timeline.of(member), rules)
    return members


def member_timeline(member: Member) -> list[TimelineEvent]:
    """A member's life in the Party, oldest first: recruitment steps, joining, probation,
    full membership, groups, posts, transfers and status changes (6 queries)."""
    events = [
        TimelineEvent(record.done_on, record.step.name, record.reference)
        for record in member.recruitment_records.select_related("step")
    ]
    if member.joined_on:
        events.append(
            TimelineEvent(
                member.joined_on,
                _("Admitted as a probationary member"),
                _("counts as the date of joining"),
            )
        )
    if not hasattr(member, "probation_end"):
        attach_probation_ends([member])
    if getattr(member, "probation_end", None):
        events.append(TimelineEvent(member.probation_end, _("Probation due to end")))
    if member.full_member_on:
        events.append(TimelineEvent(member.full_member_on, _("Became a full member")))
    for membership in member.group_memberships.select_related("group"):
        group = {"group": membership.group.name}
        events.append(TimelineEvent(membership.started_on, _("Joined %(group)s") % group))
        if membership.ended_on:
            events.append(TimelineEvent(membership.ended_on, _("Left %(group)s") % group))
    for post in member.group_leaderships.select_related("group"):
        post_name = {"post": f"{post.get_role_display()} · {post.group}"}
        events.append(TimelineEvent(post.started_on, _("Appointed %(post)s") % post_name))
        if post.ended_on:
            events.append(TimelineEvent(post.ended_on, _("Stood down as %(post)s") % post_name))
    for post in member.committee_posts.select_related("term"):
        post_name = {
            "post": _("%(role)s, committee term %(number)s")
            % {"role": post.get_role_display(), "number": post.term.number}
        }
        events.append(TimelineEvent(post.started_on, _("Appointed %(post)s") % post_name))
        if post.ended_on:
            events.append(TimelineEvent(post.ended_on, _("Stood down as %(post)s") % post_name))
    for transfer in member.transfers.all():
        direction = transfer.get_direction_display()
        events.append(
            TimelineEvent(
                transfer.issued_on,
                _("%(direction)s letter issued") % {"direction": direction},
                transfer.other_side,
            )
        )
        if transfer.state == TransferState.ACCEPTED:
            if transfer.is_between_branches:
                done = _("Accepted by %(branch)s") % {"branch": transfer.to_branch.name}
            elif transfer.direction == TransferDirection.OUT:
                done = _("Transferred out")
            else:
                done = _("Transfer in accepted")
            events.append(TimelineEvent(transfer.completed_on, done, transfer.other_side))
    events.extend(_status_changes(member))
    if member.lost_contact and member.lost_contact_on:
        events.append(TimelineEvent(member.lost_contact_on, _("Lost contact")))
    return sorted(events, key=lambda event: event.on)


def _status_changes(member: Member) -> list[TimelineEvent]:
    """Suspensions, restorations and exits, read from the audit history (1 query)."""
    events = []
    previous = Status.ACTIVE
    for record in member.history.order_by("history_date", "history_id").only(
        "status", "status_since", "exit_kind", "exit_ground", "status_reason", "history_date"
    ):
        if record.status != previous and record.status != Status.TRANSFERRED_OUT:
            label = Status(record.status).label
            if record.status == Status.EXITED and record.exit_kind:
                kind = record.get_exit_kind_display()
                if record.exit_ground:
                    kind = f"{record.get_exit_ground_display()} → {kind}"
                label = f"{label}（{kind}）"
            on = record.status_since or record.history_date.date()
            events.append(TimelineEvent(on, label, record.status_reason))
        previous = record.status
    return events
