"""Reads for the registry pages, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from members.models import Category, Member, Status, TransferDirection, TransferState
from members.recruitment import RuleBook, Timeline, probation_end, records_prefetch


@dataclass(frozen=True)
class TimelineEvent:
    on: datetime.date
    title: str
    detail: str = ""


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
                transfer.other_organisation,
            )
        )
        if transfer.state == TransferState.ACCEPTED:
            done = (
                _("Transferred out")
                if transfer.direction == TransferDirection.OUT
                else _("Transfer in accepted")
            )
            events.append(TimelineEvent(transfer.completed_on, done, transfer.other_organisation))
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
