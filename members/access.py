"""Which member records a user may open, and what they may do on the registry pages, built
on the roles that `groups` derives from posts. Outsiders get 404, members of the branch
without the right role 403 (`groups.access`). A branch that transferred a member to another
branch of this deployment reads their record up to the transfer, and edits nothing."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404

from groups.access import Roles, deny_access, roles_for
from groups.models import Branch
from members.models import DuesReduction, EvaluationRound, Member, Transfer, TransferState


def can_export_roster(roles: Roles, branch) -> bool:
    """The roster with identity numbers in full is the branch committee's."""
    return roles.can_manage_branch(branch.pk)


def can_act_on_member(roles: Roles, member) -> bool:
    """Registry actions (transfer, suspension, exit, accounts) are the branch committee's."""
    return roles.can_manage_branch(member.branch_id)


@dataclass(frozen=True)
class MemberReading:
    """A member record a user may open, and how much of it: `until` None is the whole
    record; a date, that the user reads it as a branch the member was transferred from —
    what happened up to that day, without editing."""

    member: Member
    until: datetime.date | None = None


def get_member_for_reader(request, pk: int) -> MemberReading:
    """A member record the user may view: their own, their group's (leaders), the branch's
    — or, read-only up to the transfer, one their branch transferred to another branch of
    this deployment (`former_branch_read_until`)."""
    member = get_object_or_404(Member.objects.select_related("branch"), pk=pk)
    roles = roles_for(request.user)
    if roles.can_view_branch(member.branch_id):
        return MemberReading(member)
    if roles.member is not None and roles.member.pk == member.pk:
        return MemberReading(member)
    if (
        roles.led_group_ids
        and member.group_memberships.current().filter(group__in=roles.led_group_ids).exists()
    ):
        return MemberReading(member)
    if (until := former_branch_read_until(roles, member)) is not None:
        return MemberReading(member, until)
    deny_access(roles, member.branch_id)


def former_branch_read_until(roles: Roles, member: Member) -> datetime.date | None:
    """The day a branch the user reads (its committee, its viewers) handed `member` over to
    another branch of this deployment: the sending branch keeps reading what happened while
    the member was theirs. The latest such day if there were several; None if none."""
    branch_ids = roles.managed_branch_ids | roles.viewed_branch_ids
    if not branch_ids:
        return None
    return Transfer.objects.filter(
        member=member, state=TransferState.ACCEPTED, from_branch__in=branch_ids
    ).aggregate(until=Max("completed_on"))["until"]


def get_member_for_user(request, pk: int) -> Member:
    """A member record the user may open (`get_member_for_reader`)."""
    return get_member_for_reader(request, pk).member


def get_transfer_for_receiver(request, pk: int) -> Transfer:
    """A transfer between two branches of this deployment whose receiving branch the user
    manages. Someone of the receiving branch without the role gets 403; anyone else — the
    sending branch included, which completes nothing here — 404."""
    transfer = get_object_or_404(
        Transfer.objects.select_related("member__branch", "from_branch", "to_branch"),
        pk=pk,
        to_branch__isnull=False,
    )
    roles = roles_for(request.user)
    if not roles.can_manage_branch(transfer.to_branch_id):
        deny_access(roles, transfer.to_branch_id)
    return transfer


def get_member_for_manager(request, pk: int) -> Member:
    """A member of a branch the user manages: for registry actions on them."""
    member = get_member_for_user(request, pk)
    if not roles_for(request.user).can_manage_branch(member.branch_id):
        raise PermissionDenied
    return member


def get_recruit_for_user(request, pk: int) -> Member:
    """A person whose recruitment record the user may read: the branch's committee and
    upper-committee viewers. Leaders and members do not read others' political reviews."""
    member = get_object_or_404(Member.objects.select_related("branch"), pk=pk)
    roles = roles_for(request.user)
    if not roles.can_view_branch(member.branch_id):
        deny_access(roles, member.branch_id)
    return member


def get_recruit_for_manager(request, pk: int) -> Member:
    member = get_recruit_for_user(request, pk)
    if not roles_for(request.user).can_manage_branch(member.branch_id):
        raise PermissionDenied
    return member


def get_roster_for_user(request, branch_pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose member list the user may open, and the groups it is limited to:
    None (the whole branch) for the committee and viewers, the led groups for a leader."""
    branch = get_object_or_404(Branch, pk=branch_pk)
    roles = roles_for(request.user)
    if roles.can_view_branch(branch.pk):
        return branch, None
    if branch.pk in roles.led_group_branch_ids:
        return branch, roles.led_groups_in(branch.pk)
    deny_access(roles, branch.pk)


def can_see_personal_data(request, member: Member) -> bool:
    """Identity and phone numbers in full: the branch's committee on the member's own page,
    and the member themself. Everyone else, and every list, sees them masked."""
    roles = roles_for(request.user)
    return roles.can_manage_branch(member.branch_id) or (
        roles.member is not None and roles.member.pk == member.pk
    )


def get_evaluation_for_voter(request, pk: int):
    """A round the user votes in: their member record takes part in it. Outsiders 404,
    others of the branch 403."""
    evaluation = get_object_or_404(EvaluationRound.objects.select_related("branch"), pk=pk)
    roles = roles_for(request.user)
    if roles.member is None or not evaluation.assessments.filter(member=roles.member).exists():
        deny_access(roles, evaluation.branch_id)
    return evaluation


def get_evaluation_for_reader(request, pk: int):
    """A round whose progress the user may read: the committee and viewers (everything),
    a group leader (who has voted in their groups: `led_groups_in`). Members get 403."""
    evaluation = get_object_or_404(EvaluationRound.objects.select_related("branch"), pk=pk)
    roles = roles_for(request.user)
    if not (
        roles.can_view_branch(evaluation.branch_id) or roles.led_groups_in(evaluation.branch_id)
    ):
        deny_access(roles, evaluation.branch_id)
    return evaluation


def get_dues_for_reader(request, branch_pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose dues the user may read, and the groups they are limited to: None
    (the whole branch) for the committee and viewers, the led groups for a leader. Plain
    members read their own dues on their own page (403 here); outsiders 404."""
    return get_roster_for_user(request, branch_pk)


def get_dues_for_collector(request, branch_pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose month's collection the user may enter, and the groups they are
    limited to: None for the committee, the led groups for a leader. Viewers read only
    (403)."""
    branch, groups = get_dues_for_reader(request, branch_pk)
    roles = roles_for(request.user)
    if groups is None and not roles.can_manage_branch(branch.pk):
        # A viewer who also leads a group collects for that group.
        groups = roles.led_groups_in(branch.pk)
        if not groups:
            raise PermissionDenied
    return branch, groups


def can_manage_dues(roles: Roles, member) -> bool:
    """A member's base, back payments and special dues are set by the branch committee."""
    return roles.can_manage_branch(member.branch_id)


def get_dues_reduction_for_manager(request, pk: int) -> DuesReduction:
    """A reduction of a member whose dues the user manages (the branch committee): 404 to
    outsiders, 403 to others of the branch, as for the member."""
    reduction = get_object_or_404(DuesReduction.objects.select_related("member"), pk=pk)
    reduction.member = get_member_for_manager(request, reduction.member_id)
    return reduction


def can_collect_dues(roles: Roles, group) -> bool:
    """A group's month's collection: the branch committee and the group's leaders."""
    return roles.can_manage_branch(group.branch_id) or group.pk in roles.led_group_ids
