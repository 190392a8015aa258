"""The navigation bar's items for the signed-in user, with the one for the current page
marked active (`nav_items` in every template, computed only if a template asks for it).

A page belongs to a section by the view it resolves to: its URL namespace, and for the
activities app its view's name (meetings and their compliance are 会议; the branch's other
work, suggestions and elections are 党建活动). A member's own record is 我的信息, anyone
else's record is 党员.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from branchsite.users import display_name
from groups.access import roles_for

MEETING_VIEWS = ("meeting", "make_up", "compliance", "attendance")
MEMBER_NAMESPACES = {"members", "recruitment", "evaluation", "dues", "payroll"}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool = False


def section_of(request, roles) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    namespace, name = match.namespace, match.url_name or ""
    if namespace == "district":
        return "district"
    if name == "home" or namespace == "overview":
        return "home"
    own = roles.member is not None and str(match.kwargs.get("pk")) == str(roles.member.pk)
    if namespace == "members" and name == "member_detail" and own:
        return "me"
    if namespace in MEMBER_NAMESPACES:
        return "members"
    if namespace == "activities":
        return "meetings" if name.startswith(MEETING_VIEWS) else "work"
    if namespace == "reports" and name == "branch_charts":
        return "home"
    if namespace == "reports":
        return "meetings" if name in ("meeting_minutes", "meeting_ledger") else "yearend"
    return ""


def nav_items_for(request) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    roles = roles_for(user)
    items = [("home", _("My page"), reverse("home"))]
    if roles.district_ids or user.is_superuser:
        items.append(("district", _("District"), reverse("district:list")))
    if roles.district_ids and not (roles.managed_branch_ids or roles.led_groups):
        # A district's viewer reaches each branch from the district's pages.
        branch_id = None
    else:
        branch_id = roles.roster_branch_id
    if branch_id:
        items.append(("members", _("Members"), reverse("members:member_list", args=[branch_id])))
    meetings_branch = branch_id or (roles.member.branch_id if roles.member else None)
    if meetings_branch:
        url = reverse("activities:meeting_list", args=[meetings_branch])
        items.append(("meetings", _("Meetings"), url))
    if branch_id:
        items.append(("work", _("Other work"), reverse("activities:work_list", args=[branch_id])))
        url = reverse("reports:year_documents", args=[branch_id])
        items.append(("yearend", _("Year-end documents"), url))
    if roles.member:
        url = reverse("members:member_detail", args=[roles.member.pk])
        items.append(("me", _("My record"), url))
    if roles.is_committee or user.is_staff:
        items.append(("workbench", _("Workbench"), reverse("admin:index")))
    current = section_of(request, roles)
    return [NavItem(key, label, url, active=key == current) for key, label, url in items]


def navigation(request):
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items_for(request)),
        "nav_user_name": SimpleLazyObject(lambda: user_name(request.user)),
        "nav_read_only": SimpleLazyObject(lambda: read_only(request.user)),
    }


def user_name(user) -> str:
    """The name in the bar: the member record the roles already read, else the account's."""
    member = roles_for(user).member
    return member.name if member is not None else display_name(user)


def read_only(user) -> bool:
    """Whether the user only reads: an upper committee's viewer, who manages no branch,
    leads no group and records nothing."""
    if not user.is_authenticated:
        return False
    roles = roles_for(user)
    return bool(
        roles.viewed_branch_ids
        and not roles.managed_branch_ids
        and not roles.led_group_ids
        and not roles.is_superuser
    )
