"""Writes to the organisation. Each validates, saves in one transaction and records who
acted (`acting_user`) in the audit history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branchsite.audit import audited_save
from branchsite.dates import long_date
from groups.models import (
    Branch,
    CommitteeMembership,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
)
from members.models import Category, Member, Sanction


def committee_eligibility_problems(members, on: datetime.date) -> dict[int, str]:
    """Why each of `members` who cannot be elected to the committee on `on` cannot, by
    member id (one query). A 预备党员 has no right to be elected (党章 第七条), nor has a
    member under 留党察看 (党章 第四十一条)."""
    members = list(members)
    sanctioned = set(
        Sanction.objects.without_rights(on)
        .filter(member__in=[member.pk for member in members])
        .values_list("member", flat=True)
    )
    problems = {}
    for member in members:
        # The category of today: a past term recorded late keeps members who are full now.
        if member.category != Category.FULL:
            problems[member.pk] = _(
                "%(name)s is not a full member: a probationary member cannot be elected to "
                "the committee (党章 第七条). Choose a full member instead."
            ) % {"name": member.name}
        elif member.pk in sanctioned:
            problems[member.pk] = _(
                "%(name)s is under 留党察看 on %(date)s and cannot be elected (党章 第四十一条). "
                "Choose another full member."
            ) % {"name": member.name, "date": long_date(on)}
    return problems


@transaction.atomic
def committee_term_start(
    *,
    branch: Branch,
    number: int,
    elected_on: datetime.date,
    posts: list[tuple[str, Member]],
    acting_user,
    ends_on: datetime.date | None = None,
) -> CommitteeTerm:
    """Record an election (换届): posts of earlier terms end the day before it."""
    for post in CommitteeMembership.objects.current().filter(term__branch=branch):
        post.ended_on = max(post.started_on, elected_on - datetime.timedelta(days=1))
        audited_save(post, acting_user=acting_user)
    term = CommitteeTerm(branch=branch, number=number, elected_on=elected_on, ends_on=ends_on)
    audited_save(term, acting_user=acting_user)
    problems = committee_eligibility_problems([member for _role, member in posts], elected_on)
    for role, member in posts:
        if member.branch_id != branch.pk:
            raise ValidationError(
                _("%(name)s is not a member of %(branch)s.")
                % {"name": member.name, "branch": branch.name}
            )
        if member.pk in problems:
            raise ValidationError(problems[member.pk])
        audited_save(
            CommitteeMembership(term=term, member=member, role=role, started_on=elected_on),
            acting_user=acting_user,
        )
    return term


def group_member_place_check(
    placements: list[tuple[PartyGroup, Member]],
) -> list[ValidationError | None]:
    """Whether each (group, member) may be placed: the member must be a Party member on the
    roll, of the group's branch. One query for any number of placements; the problem (or
    None) of each, in order. `group_member_place` and the roster's bulk import both ask it."""
    pks = [member.pk for _group, member in placements if member.pk is not None]
    on_roll = set()
    for start in range(0, len(pks), 500):  # SQLite's limit on query parameters
        on_roll.update(
            Member.objects.on_roll()
            .filter(pk__in=pks[start : start + 500])
            .order_by()
            .values_list("pk", flat=True)
        )
    problems: list[ValidationError | None] = []
    for group, member in placements:
        if member.pk not in on_roll:
            problems.append(
                ValidationError(
                    _(
                        "%(name)s is not a Party member on the roll; only they belong in "
                        "party groups."
                    )
                    % {"name": member.name}
                )
            )
        elif member.branch_id != group.branch_id:
            problems.append(
                ValidationError(
                    _("%(name)s is not a member of %(branch)s.")
                    % {"name": member.name, "branch": group.branch.name}
                )
            )
        else:
            problems.append(None)
    return problems


@transaction.atomic
def group_member_place(
    *, group: PartyGroup, member: Member, started_on: datetime.date, acting_user
) -> GroupMembership:
    """Put a member in a group from `started_on`, ending their current group membership."""
    (problem,) = group_member_place_check([(group, member)])
    if problem is not None:
        raise problem
    current = GroupMembership.objects.current().filter(member=member).first()
    if current is not None:
        if current.group_id == group.pk:
            return current
        if started_on < current.started_on:
            raise ValidationError(
                _("%(name)s joined %(group)s on %(date)s; the move cannot be dated earlier.")
                % {
                    "name": member.name,
                    "group": current.group.name,
                    "date": long_date(current.started_on),
                }
            )
        current.ended_on = started_on
        audited_save(current, acting_user=acting_user)
        # A leader who leaves the group stops leading it.
        for leadership in GroupLeadership.objects.current().filter(
            group_id=current.group_id, member=member
        ):
            leadership.ended_on = started_on
            audited_save(leadership, acting_user=acting_user)
    membership = GroupMembership(group=group, member=member, started_on=started_on)
    audited_save(membership, acting_user=acting_user)
    return membership


@transaction.atomic
def group_leader_appoint(
    *,
    group: PartyGroup,
    member: Member,
    started_on: datetime.date,
    acting_user,
    role: str = GroupRole.LEADER,
) -> GroupLeadership:
    """Appoint a leader (or deputy) from the group's own members; the previous one stands down."""
    in_group = GroupMembership.objects.current().filter(group=group, member=member).exists()
    if not in_group:
        raise ValidationError(
            _("%(name)s is not in %(group)s: place them in the group first.")
            % {"name": member.name, "group": group.name}
        )
    for previous in GroupLeadership.objects.current().filter(group=group, role=role):
        if previous.member_id == member.pk:
            return previous
        if started_on < previous.started_on:
            raise ValidationError(
                _(
                    "%(name)s has held this role since %(date)s; the new appointment cannot "
                    "be dated earlier."
                )
                % {"name": previous.member.name, "date": long_date(previous.started_on)}
            )
        previous.ended_on = started_on
        audited_save(previous, acting_user=acting_user)
    # Someone promoted from deputy to leader gives up the deputy post.
    for other_post in GroupLeadership.objects.current().filter(group=group, member=member):
        other_post.ended_on = max(other_post.started_on, started_on)
        audited_save(other_post, acting_user=acting_user)
    leadership = GroupLeadership(group=group, member=member, role=role, started_on=started_on)
    audited_save(leadership, acting_user=acting_user)
    return leadership
