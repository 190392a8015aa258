from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups import selectors as group_selectors
from groups.access import (
    can_see_personal_data,
    get_member_for_user,
    get_roster_for_user,
    roles_for,
)
from members import selectors
from members.forms import RosterFilterForm

PAGE_SIZE = 50
TABS = {
    "": _("Roster"),
    "birthdays": _("Political birthdays this month"),
    "probation": _("Probationary members"),
}


@login_required
def member_list(request, branch_pk):
    branch, group_ids = get_roster_for_user(request, branch_pk)
    roles = roles_for(request.user)
    form = RosterFilterForm(request.GET or None, branch=branch)
    members = form.queryset()
    if group_ids is not None:
        # A group leader sees their own group's members, not the rest of the branch.
        members = members.filter(
            group_memberships__group__in=group_ids, group_memberships__ended_on__isnull=True
        )
    tab = request.GET.get("tab", "")
    if tab == "birthdays":
        members = selectors.political_birthdays(members, timezone.localdate())
    elif tab == "probation":
        members = selectors.probationary_by_end(members)
    else:
        tab = ""
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "branch": branch,
        "form": form,
        "page": page,
        "tab": tab,
        "tabs": TABS,
        "query": query.urlencode(),
        "can_export": roles.can_manage_branch(branch.pk),
        "limited_to_groups": group_ids is not None,
        "today": timezone.localdate(),
    }
    return render(request, "members/member_list.html", context)


@login_required
def member_detail(request, pk):
    member = get_member_for_user(request, pk)
    roles = roles_for(request.user)
    context = {
        "member": member,
        "branch": member.branch,
        "is_own_record": roles.member is not None and roles.member.pk == member.pk,
        "show_personal_data": can_see_personal_data(request, member),
        "can_view_branch": roles.can_view_branch(member.branch_id),
        "group_history": group_selectors.member_groups(member),
        "timeline": selectors.member_timeline(member),
        "transfers": list(member.transfers.all()),
    }
    return render(request, "members/member_detail.html", context)
