"""Who may read and record the branch's other work, on the roles `groups` derives.

The committee records and reads everything; upper-committee viewers read everything but a
talk's content; a group leader records and reads their own groups' activities, never a
talk (a talk is the committee's: 谈心谈话 content never reaches a leader or a member).
Outsiders get 404, the branch's other users 403 (`groups.access.deny_access`)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from activities.models import Activity, ActivityKind
from groups.access import Roles, deny_access, roles_for
from groups.models import Branch


def work_groups(roles: Roles, branch_id: int) -> frozenset[int] | None:
    """The groups whose activities the user reads and records: None (all) for the committee
    and viewers, the led groups for a leader (empty for everyone else)."""
    if roles.can_view_branch(branch_id):
        return None
    return roles.led_groups_in(branch_id)


def can_record_work(roles: Roles, branch_id: int) -> bool:
    return roles.can_manage_branch(branch_id) or bool(roles.led_groups_in(branch_id))


def can_edit_activity(roles: Roles, activity: Activity) -> bool:
    if roles.can_manage_branch(activity.branch_id):
        return True
    return activity.kind != ActivityKind.TALK and activity.group_id in roles.led_group_ids


def sees_talks(roles: Roles, branch_id: int) -> bool:
    """Talks are listed to the committee and viewers; their content to the committee only."""
    return roles.can_view_branch(branch_id)


def get_branch_for_work(request, pk: int, *, record: bool = False):
    """The branch whose other work the user may read (or, with `record`, record), and the
    groups they are limited to (`work_groups`)."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    groups = work_groups(roles, branch.pk)
    allowed = can_record_work(roles, branch.pk) if record else groups is None or bool(groups)
    if not allowed:
        deny_access(roles, branch.pk)
    return branch, groups


def get_activity_for_user(request, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("branch", "group", "owner", "home_visit_reason"), pk=pk
    )
    roles = roles_for(request.user)
    if roles.can_view_branch(activity.branch_id) or can_edit_activity(roles, activity):
        return activity
    deny_access(roles, activity.branch_id)


def get_activity_for_editor(request, pk: int) -> Activity:
    activity = get_activity_for_user(request, pk)
    if not can_edit_activity(roles_for(request.user), activity):
        raise PermissionDenied
    return activity
