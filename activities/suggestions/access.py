"""Who may read and take each step of a suggestion, built on the roles that `groups` derives
from posts (the pattern of `activities.access`): outsiders get 404, people of the branch
without the right role 403.

The committee does everything; a group leader records their groups' suggestions, corrects
one while it waits for its answer, and records the staff's satisfaction; upper-committee
viewers read; plain members have no part in it (the staff raise suggestions through their
leader).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from activities.models import Suggestion, SuggestionState
from groups.access import Roles, deny_access, roles_for
from groups.models import Branch, PartyGroup


def readable_groups(roles: Roles, branch_id: int) -> frozenset[int] | None:
    """The groups whose suggestions the user reads in the branch: None (all, and those
    raised to the branch directly) for the committee and viewers, else the groups they
    lead (empty for everyone else)."""
    if roles.can_view_branch(branch_id):
        return None
    return roles.led_groups_in(branch_id)


def recordable_groups(roles: Roles, branch_id: int) -> frozenset[int] | None:
    """The groups for which the user records suggestions: None (any, or none) for the
    committee, else the groups they lead."""
    if roles.can_manage_branch(branch_id):
        return None
    return roles.led_groups_in(branch_id)


def can_record_suggestions(roles: Roles, branch_id: int) -> bool:
    groups = recordable_groups(roles, branch_id)
    return groups is None or bool(groups)


def can_record_suggestions_for(roles: Roles, group: PartyGroup) -> bool:
    """A group's suggestions are recorded by the branch's committee and the group's leaders."""
    return roles.can_manage_branch(group.branch_id) or group.pk in roles.led_group_ids


def _leads_its_group(roles: Roles, suggestion: Suggestion) -> bool:
    return suggestion.group_id is not None and suggestion.group_id in roles.led_group_ids


def can_read_suggestion(roles: Roles, suggestion: Suggestion) -> bool:
    return roles.can_view_branch(suggestion.branch_id) or _leads_its_group(roles, suggestion)


def can_edit_suggestion(roles: Roles, suggestion: Suggestion) -> bool:
    """The committee corrects any suggestion; its group's leader while it waits for the
    answer (the answer was given to what it says)."""
    return roles.can_manage_branch(suggestion.branch_id) or (
        _leads_its_group(roles, suggestion) and suggestion.state == SuggestionState.WAITING
    )


def can_answer_suggestion(roles: Roles, suggestion: Suggestion) -> bool:
    """The answer and what was done are recorded by the committee (for the 党政班子会议 too)."""
    return roles.can_manage_branch(suggestion.branch_id)


def can_record_feedback(roles: Roles, suggestion: Suggestion) -> bool:
    """The staff's satisfaction: the leader of the group that raised it, or the committee."""
    return roles.can_manage_branch(suggestion.branch_id) or _leads_its_group(roles, suggestion)


def can_undo_step(roles: Roles, suggestion: Suggestion) -> bool:
    """Whoever may take the last step may take it back to correct it."""
    state = suggestion.state
    if state == SuggestionState.CLOSED:
        return can_record_feedback(roles, suggestion)
    return state != SuggestionState.WAITING and can_answer_suggestion(roles, suggestion)


def can_delete_suggestion(roles: Roles, suggestion: Suggestion) -> bool:
    return roles.can_manage_branch(suggestion.branch_id)


def get_branch_for_suggestions(request, pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch whose suggestions the user lists and the groups they are limited to
    (`readable_groups`). Outsiders get 404, plain members 403."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    if not roles.belongs_to_branch(branch.pk):
        raise Http404
    groups = readable_groups(roles, branch.pk)
    if groups is not None and not groups:
        raise PermissionDenied
    return branch, groups


def get_branch_for_suggestion_recorder(request, pk: int) -> tuple[Branch, frozenset[int] | None]:
    """The branch where the user records suggestions and the groups they may record for
    (`recordable_groups`). Outsiders get 404; viewers and plain members 403."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    if not roles.belongs_to_branch(branch.pk):
        raise Http404
    if not can_record_suggestions(roles, branch.pk):
        raise PermissionDenied
    return branch, recordable_groups(roles, branch.pk)


def get_suggestion_for_user(request, pk: int, *, may=None) -> Suggestion:
    """A suggestion the user may read; with `may` (one of the `can_…` rules above), one
    the user may also act on, else 403."""
    suggestion = get_object_or_404(Suggestion.objects.select_related("branch", "group"), pk=pk)
    roles = roles_for(request.user)
    if not can_read_suggestion(roles, suggestion):
        deny_access(roles, suggestion.branch_id)
    if may is not None and not may(roles, suggestion):
        raise PermissionDenied
    return suggestion
