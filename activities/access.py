"""Who may read and change meetings, built on the roles that `groups` derives from posts.

Outsiders get 404, members of the branch without the right role 403 (`groups.access`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from activities.elections.tally import load_election
from activities.models import Attachment, MakeUpStudy, Meeting
from groups.access import Roles, deny_access, roles_for
from groups.models import Branch, GroupMembership, PartyGroup


def can_edit_meeting(roles: Roles, meeting) -> bool:
    """The committee edits every meeting of its branch; a leader their own group's."""
    return roles.can_manage_branch(meeting.branch_id) or (
        meeting.group_id is not None and meeting.group_id in roles.led_group_ids
    )


def can_read_whole_meeting(roles: Roles, meeting) -> bool:
    """The committee, viewers and the meeting's editors read the whole record; a member who
    was only expected at it reads the record and their own attendance."""
    return roles.can_view_branch(meeting.branch_id) or can_edit_meeting(roles, meeting)


def get_meeting_for_user(request, pk: int):
    """A meeting the user may read: the branch's committee and viewers, the leaders of the
    group that met, and the members who were expected at it."""
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "branch", "group", "host", "recorder", "created_by__member", "reviewed_by__member"
        ),
        pk=pk,
    )
    roles = roles_for(request.user)
    if can_read_whole_meeting(roles, meeting):
        return meeting
    if roles.member is not None and meeting.attendances.filter(member=roles.member).exists():
        return meeting
    deny_access(roles, meeting.branch_id)


def get_meeting_for_editor(request, pk: int):
    """A meeting the user may change (committee, or the leader of its group)."""
    meeting = get_meeting_for_user(request, pk)
    if not can_edit_meeting(roles_for(request.user), meeting):
        raise PermissionDenied
    return meeting


def get_branch_for_meetings(request, pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose meetings the user may list, and the groups they are limited to:
    None (all) for the committee and viewers, the led groups for a leader. A plain member
    gets their own meetings only: the empty set of groups."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    if roles.can_view_branch(branch.pk):
        return branch, None
    if roles.belongs_to_branch(branch.pk):
        return branch, roles.led_groups_in(branch.pk)
    raise Http404


def can_review_meeting(roles: Roles, meeting) -> bool:
    """The secretary's mark (审核) is for the branch's committee."""
    return roles.can_manage_branch(meeting.branch_id)


def get_meeting_for_reviewer(request, pk: int):
    """A meeting the user may mark as reviewed: its branch's committee. Those who only
    read it get 403."""
    meeting = get_meeting_for_user(request, pk)
    if not can_review_meeting(roles_for(request.user), meeting):
        raise PermissionDenied
    return meeting


def recordable_groups(roles: Roles, branch: Branch) -> frozenset[int] | None:
    """The groups whose meetings the user may record in `branch`: None (any meeting) for
    the committee, else the groups they lead there (empty for everyone else)."""
    if roles.can_manage_branch(branch.pk):
        return None
    return roles.led_groups_in(branch.pk)


def get_branch_for_recorder(request, pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose meetings the user may record and the groups they are limited to
    (`recordable_groups`). Outsiders get 404; viewers and plain members 403."""
    branch, _groups = get_branch_for_meetings(request, pk)
    groups = recordable_groups(roles_for(request.user), branch)
    if groups is not None and not groups:
        raise PermissionDenied
    return branch, groups


def can_record_meetings(roles: Roles, branch: Branch) -> bool:
    """The committee records any meeting of the branch, a leader their groups' meetings;
    the same people close make-up study (each item is checked again by
    `get_make_up_for_closer`)."""
    return roles.can_manage_branch(branch.pk) or branch.pk in roles.led_group_branch_ids


can_close_make_ups = can_record_meetings


def can_record_for_group(roles: Roles, group: PartyGroup) -> bool:
    """A group's meetings are recorded by the branch's committee and the group's leaders."""
    return roles.can_manage_branch(group.branch_id) or group.pk in roles.led_group_ids


def can_export_meetings(roles: Roles, branch: Branch) -> bool:
    """The 三会一课 ledger: the branch's committee and viewers, a leader for their groups."""
    return roles.can_view_branch(branch.pk) or branch.pk in roles.led_group_branch_ids


def get_attachment_for_user(request, pk: int, *, edit: bool = False):
    """A meeting's photo or scan, for those who read the whole record (a sign-in sheet shows
    everyone's names); with `edit`, for those who may change the meeting."""
    attachment = get_object_or_404(Attachment, pk=pk)
    getter = get_meeting_for_editor if edit else get_meeting_for_user
    attachment.meeting = getter(request, attachment.meeting_id)
    if not can_read_whole_meeting(roles_for(request.user), attachment.meeting):
        raise PermissionDenied
    return attachment


def get_make_up_for_closer(request, pk: int):
    """A make-up study item the user may close: the meeting's editors (the committee, the
    group's leader) and the leader of the member's current group."""
    make_up = get_object_or_404(MakeUpStudy.objects.select_related("attendance__member"), pk=pk)
    meeting = get_meeting_for_user(request, make_up.attendance.meeting_id)
    make_up.attendance.meeting = meeting
    roles = roles_for(request.user)
    if can_edit_meeting(roles, meeting):
        return make_up
    leads_member = (
        GroupMembership.objects.current()
        .filter(member_id=make_up.attendance.member_id, group__in=roles.led_group_ids)
        .exists()
    )
    if not leads_member:
        raise PermissionDenied
    return make_up


def _check_election_access(roles: Roles, branch_id: int, manage: bool) -> None:
    if not roles.belongs_to_branch(branch_id):
        raise Http404
    if manage and not can_manage_elections(roles, branch_id):
        raise PermissionDenied


def can_manage_elections(roles: Roles, branch_id: int) -> bool:
    """Elections are recorded by the branch's committee (the outgoing one chairs them)."""
    return roles.can_manage_branch(branch_id)


def get_branch_for_elections(request, pk: int, *, manage: bool = False) -> Branch:
    """A branch whose elections the user may read: anyone of the branch (a result is
    announced to every member). With `manage`, only its committee: the others of the
    branch get 403, outsiders 404."""
    branch = get_object_or_404(Branch, pk=pk)
    _check_election_access(roles_for(request.user), branch.pk, manage)
    return branch


def get_election_for_user(request, pk: int, *, manage: bool = False):
    """An election, loaded for its tally, that the user may read (or, with `manage`,
    change): the rule of `get_branch_for_elections`."""
    election = get_object_or_404(load_election(), pk=pk)
    _check_election_access(roles_for(request.user), election.branch_id, manage)
    return election
