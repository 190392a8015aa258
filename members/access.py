"""What a user may do on the registry pages, built on the roles that `groups` derives from
posts. Which records they may open at all is decided by the getters in `groups.access`."""

from groups.access import Roles


def can_export_roster(roles: Roles, branch) -> bool:
    """The roster with identity numbers in full is the branch committee's."""
    return roles.can_manage_branch(branch.pk)


def can_act_on_member(roles: Roles, member) -> bool:
    """Registry actions (transfer, suspension, exit, accounts) are the branch committee's."""
    return roles.can_manage_branch(member.branch_id)
