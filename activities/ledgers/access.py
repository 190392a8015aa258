"""Who may read and record the ledgers, built on the roles that `groups` derives from posts
(the pattern of `activities.access`): outsiders get 404, people of the branch without the
right role 403.

- the committee reads and records every ledger of its branch;
- a group leader reads and records the pairings, pledges and posts of the members now in
  their groups (the member's current group), and reads their own;
- an upper-committee viewer reads every ledger, but of the hardship ledger only its figures:
  who was helped and how is personal;
- a member reads their own pairings and pledges;
- the hardship ledger is the committee's only: leaders and members get 403.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from groups.access import Roles, deny_access, roles_for
from groups.models import Branch, GroupMembership
from members.models import Member


class Ledger(StrEnum):
    PAIRINGS = "pairings"
    HARDSHIP = "hardship"
    PLEDGES = "pledges"
    POSTS = "posts"


# The ledgers a member reads their own records of.
OWN_LEDGERS = frozenset({Ledger.PAIRINGS, Ledger.PLEDGES})


@dataclass(frozen=True)
class LedgerScope:
    """What a user may see and do in one ledger of one branch.

    `groups`: None for every record of the branch, else the records of the members now in
    these groups; `own`: the user's member record, whose records they read too; `details`:
    False when only the ledger's figures may be read (the hardship ledger for viewers)."""

    groups: frozenset[int] | None
    own: Member | None = None
    can_record: bool = False
    can_review: bool = False
    details: bool = True

    def visible(self, records: QuerySet) -> QuerySet:
        """`records` (with a `member` field) narrowed to those the user may read."""
        if self.groups is None:
            return records
        shown = []
        if self.groups:
            shown.append(Q(member__in=Member.objects.in_groups(self.groups)))
        if self.own is not None:
            shown.append(Q(member=self.own))
        return records.filter(reduce(or_, shown)) if shown else records.none()


def ledger_scope(roles: Roles, branch_id: int, ledger: Ledger) -> LedgerScope | None:
    """The user's scope in `ledger` of the branch, or None when they may not open it."""
    if roles.can_manage_branch(branch_id):
        return LedgerScope(groups=None, can_record=True, can_review=True)
    if roles.can_view_branch(branch_id):
        return LedgerScope(groups=None, details=ledger != Ledger.HARDSHIP)
    if ledger == Ledger.HARDSHIP:
        return None
    led = roles.led_groups_in(branch_id)
    if led:
        return LedgerScope(groups=led, own=roles.member, can_record=True)
    member = roles.member
    if ledger in OWN_LEDGERS and member is not None and member.branch_id == branch_id:
        return LedgerScope(groups=frozenset(), own=member)
    return None


def _scope_or_deny(roles: Roles, branch_id: int, ledger: Ledger) -> LedgerScope:
    scope = ledger_scope(roles, branch_id, ledger)
    if scope is None:
        deny_access(roles, branch_id)
    return scope


def get_branch_for_ledger(
    request, pk: int, ledger: Ledger, *, record: bool = False
) -> tuple[Branch, LedgerScope]:
    """The branch whose `ledger` the user may open, and their scope there. With `record`,
    only for those who may record in it: viewers and members get 403."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    if not roles.belongs_to_branch(branch.pk):
        raise Http404
    scope = _scope_or_deny(roles, branch.pk, ledger)
    if record and not scope.can_record:
        raise PermissionDenied
    return branch, scope


def _leads_member(scope: LedgerScope, member_id: int | None) -> bool:
    """Whether the scope takes in the member's records: always for the whole branch, else
    when the member is now in one of the scope's groups."""
    if scope.groups is None:
        return True
    if not scope.groups or member_id is None:
        return False
    return (
        GroupMembership.objects.current()
        .filter(member_id=member_id, group__in=scope.groups)
        .exists()
    )


@dataclass(frozen=True)
class RecordAccess:
    record: object
    scope: LedgerScope
    may_edit: bool


def get_record_for_user(
    request, queryset: QuerySet, pk: int, ledger: Ledger, *, edit: bool = False
) -> RecordAccess:
    """A record of `ledger` (from `queryset`) the user may read, or with `edit` change, by
    the rules of the module's docstring; a leader changes the records of the members now in
    their groups, and only reads their own otherwise."""
    record = get_object_or_404(queryset.select_related("branch", "member"), pk=pk)
    roles = roles_for(request.user)
    scope = _scope_or_deny(roles, record.branch_id, ledger)
    if not scope.details:
        raise PermissionDenied
    leads = _leads_member(scope, record.member_id)
    own = scope.own is not None and record.member_id == scope.own.pk
    if not (leads or own):
        raise PermissionDenied
    may_edit = scope.can_record and leads
    if edit and not may_edit:
        raise PermissionDenied
    return RecordAccess(record, scope, may_edit)
