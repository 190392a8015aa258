"""Who may see and do what, derived from the organisation data on every request.

Nobody maintains permission groups by hand: a user's roles are the posts their member
record holds today. Appoint a new group leader and their access follows on the next
request; end a committee post and the access ends with it.

Access helpers follow one rule: someone with no tie to the branch gets 404 (we do not
confirm the record exists), someone in the branch without the right role gets 403.
"""

from dataclasses import dataclass, field
from typing import NoReturn

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from groups.models import (
    Branch,
    BranchViewer,
    CommitteeMembership,
    CommitteeTerm,
    GroupLeadership,
    PartyGroup,
    UpperCommittee,
    UpperCommitteeViewer,
)
from members.models import Member, Status

# Apps whose admin pages a branch's committee members manage.
COMMITTEE_APPS = frozenset({"groups", "members", "activities", "reports"})
# Creating or deleting whole branches is for the site administrator only.
SUPERUSER_ONLY_PERMISSIONS = frozenset(
    {"groups.add_branch", "groups.delete_branch", "groups.add_branchviewer"}
    # The upper committees and who reads them are the site administrator's.
    | {
        f"groups.{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("uppercommittee", "uppercommitteeviewer")
    }
)


@dataclass(frozen=True)
class Roles:
    """A user's roles right now. Build with `roles_for(user)`."""

    is_superuser: bool = False
    member: Member | None = None
    managed_branch_ids: frozenset[int] = field(default_factory=frozenset)
    viewed_branch_ids: frozenset[int] = field(default_factory=frozenset)
    # (group id, branch id) of each group the user leads today.
    led_groups: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    # The upper committees whose district pages the user reads (their branches are in
    # viewed_branch_ids too).
    district_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_committee(self) -> bool:
        return bool(self.managed_branch_ids)

    @property
    def is_viewer(self) -> bool:
        return bool(self.viewed_branch_ids)

    @property
    def is_district_viewer(self) -> bool:
        return bool(self.district_ids)

    def can_view_district(self, upper_committee_id: int) -> bool:
        return self.is_superuser or upper_committee_id in self.district_ids

    @property
    def is_leader(self) -> bool:
        return bool(self.led_groups)

    @property
    def led_group_ids(self) -> frozenset[int]:
        return frozenset(group_id for group_id, _ in self.led_groups)

    @property
    def led_group_branch_ids(self) -> frozenset[int]:
        return frozenset(branch_id for _, branch_id in self.led_groups)

    def led_groups_in(self, branch_id: int) -> frozenset[int]:
        """The groups of `branch_id` the user leads (no query: read with the roles)."""
        return frozenset(group_id for group_id, branch in self.led_groups if branch == branch_id)

    @property
    def roster_branch_id(self) -> int | None:
        """The branch whose member list the navigation links to, if the user may see one."""
        ids = self.managed_branch_ids | self.viewed_branch_ids | self.led_group_branch_ids
        return min(ids) if ids else None

    def can_manage_branch(self, branch_id: int) -> bool:
        return self.is_superuser or branch_id in self.managed_branch_ids

    def can_view_branch(self, branch_id: int) -> bool:
        return self.can_manage_branch(branch_id) or branch_id in self.viewed_branch_ids

    def belongs_to_branch(self, branch_id: int) -> bool:
        """Any tie to the branch at all: such a user is told 403, not 404."""
        return (
            self.can_view_branch(branch_id)
            or branch_id in self.led_group_branch_ids
            or (self.member is not None and self.member.branch_id == branch_id)
        )


def current_committee_posts():
    """Posts held now: not ended, and in the latest term of their branch."""
    latest_term = (
        CommitteeTerm.objects.filter(branch=OuterRef("term__branch"))
        .order_by("-elected_on", "-number")
        .values("pk")[:1]
    )
    return CommitteeMembership.objects.current().filter(term=Subquery(latest_term))


def roles_for(user) -> Roles:
    """The roles of `user`, computed once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, "_branchsite_roles", None)
    if cached is not None:
        return cached

    member = Member.objects.filter(user=user).first()
    # Posts give access only while their holder is a member in good standing: whatever
    # a service forgot to end, an exited or suspended member holds no post here.
    in_good_standing = {"member__user": user, "member__status": Status.ACTIVE}
    managed = frozenset(
        current_committee_posts().filter(**in_good_standing).values_list("term__branch", flat=True)
    )
    # One query for both kinds of viewer: (branch id, 0) for a branch's viewer and
    # (upper committee id, 1) for a district's.
    viewing = BranchViewer.objects.filter(user=user).values_list(
        "branch", Value(0, output_field=IntegerField())
    )
    viewing = viewing.union(
        UpperCommitteeViewer.objects.filter(user=user).values_list(
            "upper_committee", Value(1, output_field=IntegerField())
        ),
        all=True,
    )
    viewed, districts = set(), set()
    for key, is_district in viewing:
        (districts if is_district else viewed).add(key)
    if districts:
        viewed.update(
            Branch.objects.filter(upper_committee__in=districts).values_list("pk", flat=True)
        )
    led = list(
        GroupLeadership.objects.current()
        .filter(**in_good_standing)
        .values_list("group", "group__branch")
    )
    roles = Roles(
        is_superuser=user.is_superuser,
        member=member,
        managed_branch_ids=managed,
        viewed_branch_ids=frozenset(viewed),
        led_groups=frozenset(led),
        district_ids=frozenset(districts),
    )
    user._branchsite_roles = roles
    return roles


def deny_access(roles: Roles, branch_id: int) -> NoReturn:
    if roles.belongs_to_branch(branch_id):
        raise PermissionDenied
    raise Http404


def get_branch_for_user(request, pk: int) -> Branch:
    """A branch the user may view (committee, upper-committee viewer, superuser)."""
    branch = get_object_or_404(Branch, pk=pk)
    roles = roles_for(request.user)
    if not roles.can_view_branch(branch.pk):
        deny_access(roles, branch.pk)
    return branch


def get_group_for_user(request, pk: int) -> PartyGroup:
    """A party group the user may view: its branch's committee and viewers, its leaders."""
    group = get_object_or_404(PartyGroup.objects.select_related("branch"), pk=pk)
    roles = roles_for(request.user)
    if not (roles.can_view_branch(group.branch_id) or group.pk in roles.led_group_ids):
        deny_access(roles, group.branch_id)
    return group


class OrganisationRoleBackend(BaseBackend):
    """Grants the admin permissions of the Party apps to current committee members.

    Which rows they see is limited to their own branches by the admin classes
    (`BranchScopedAdmin`); this backend only answers "may they use these pages".
    """

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or perm in SUPERUSER_ONLY_PERMISSIONS:
            return False
        app_label = perm.partition(".")[0]
        return app_label in COMMITTEE_APPS and roles_for(user_obj).is_committee

    def has_module_perms(self, user_obj, app_label):
        return (
            user_obj.is_active and app_label in COMMITTEE_APPS and roles_for(user_obj).is_committee
        )


def get_branch_for_manager(request, pk: int) -> Branch:
    """A branch the user manages (committee, superuser); viewers get 403."""
    branch = get_branch_for_user(request, pk)
    if not roles_for(request.user).can_manage_branch(branch.pk):
        raise PermissionDenied
    return branch


def get_group_for_manager(request, pk: int) -> PartyGroup:
    """A party group whose branch the user manages (committee, superuser)."""
    group = get_group_for_user(request, pk)
    if not roles_for(request.user).can_manage_branch(group.branch_id):
        raise PermissionDenied
    return group


def get_district_for_user(request, pk: int) -> UpperCommittee:
    """An upper committee whose district pages the user reads: its viewers and the site
    administrator. Someone of one of its branches is told 403; anyone else 404."""
    committee = get_object_or_404(UpperCommittee, pk=pk)
    roles = roles_for(request.user)
    if roles.can_view_district(committee.pk):
        return committee
    tied = roles.managed_branch_ids | roles.viewed_branch_ids | roles.led_group_branch_ids
    if roles.member is not None:
        tied |= {roles.member.branch_id}
    if tied and Branch.objects.filter(upper_committee=committee, pk__in=tied).exists():
        raise PermissionDenied
    raise Http404
