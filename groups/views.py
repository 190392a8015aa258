from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.compliance import missing_now
from activities.selectors import branch_meetings_panel, group_meetings_panel
from groups import selectors, services
from groups.access import (
    get_branch_for_user,
    get_group_for_manager,
    get_group_for_user,
    roles_for,
)
from groups.forms import LeaderAppointForm, MemberPlaceForm
from groups.models import Branch, GroupRole


@login_required
def home(request):
    """Send each role to its own page: committee or viewer → branch, leader → group,
    member → own record. Someone with several roles lands on the widest one."""
    roles = roles_for(request.user)
    branch_ids = roles.managed_branch_ids | roles.viewed_branch_ids
    if roles.is_superuser and not branch_ids:
        branch_ids = frozenset(Branch.objects.values_list("pk", flat=True))
    if len(branch_ids) == 1:
        return redirect("groups:branch_detail", pk=next(iter(branch_ids)))
    if branch_ids:
        branches = Branch.objects.filter(pk__in=branch_ids)
        return render(request, "groups/branch_list.html", {"branches": branches})
    if len(roles.led_group_ids) == 1:
        return redirect("groups:group_detail", pk=next(iter(roles.led_group_ids)))
    if roles.led_group_ids:
        # Rare: one person leading two groups. Their first group, the others linked there.
        return redirect("groups:group_detail", pk=min(roles.led_group_ids))
    if roles.member is not None:
        return redirect(reverse("members:member_detail", kwargs={"pk": roles.member.pk}))
    return render(request, "groups/home_unlinked.html")


@login_required
def branch_detail(request, pk):
    branch = get_branch_for_user(request, pk)
    roles = roles_for(request.user)
    context = {
        "branch": branch,
        **selectors.branch_overview(branch),
        **branch_meetings_panel(branch),
        "missing": missing_now(branch, timezone.localdate()),
        "can_record": roles.can_manage_branch(branch.pk),
    }
    if roles.can_manage_branch(branch.pk):
        context["recent_changes"] = selectors.recent_changes(branch)
    return render(request, "groups/branch_detail.html", context)


@login_required
def group_detail(request, pk):
    group = get_group_for_user(request, pk)
    roles = roles_for(request.user)
    context = {
        "branch": group.branch,
        "can_view_branch": roles.can_view_branch(group.branch_id),
        "can_manage": roles.can_manage_branch(group.branch_id),
        **selectors.group_detail(group),
        **group_meetings_panel(group),
        "missing": missing_now(group.branch, timezone.localdate(), groups=[group]),
        "can_record": roles.can_manage_branch(group.branch_id) or group.pk in roles.led_group_ids,
    }
    return render(request, "groups/group_detail.html", context)


@login_required
def group_leader_appoint(request, pk):
    def perform(group, data):
        services.group_leader_appoint(
            group=group,
            member=data["member"],
            role=data["role"],
            started_on=data["started_on"],
            acting_user=request.user,
        )
        return _("%(name)s is now %(role)s of %(group)s.") % {
            "name": data["member"].name,
            "role": GroupRole(data["role"]).label,
            "group": group.name,
        }

    return _group_action(
        request, pk, LeaderAppointForm, perform, _("Appoint a group leader"), show_leaders=True
    )


@login_required
def group_member_place(request, pk):
    def perform(group, data):
        services.group_member_place(
            group=group,
            member=data["member"],
            started_on=data["started_on"],
            acting_user=request.user,
        )
        return _("%(name)s is now in %(group)s.") % {
            "name": data["member"].name,
            "group": group.name,
        }

    return _group_action(request, pk, MemberPlaceForm, perform, _("Place a member in this group"))


def _group_action(request, pk, form_class, perform, title, *, show_leaders=False):
    """A committee member's form on a group: `perform(group, cleaned_data)` calls the
    service and returns the success message; a refusal from the service shows on the form."""
    group = get_group_for_manager(request, pk)
    form = form_class(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            message = perform(group, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect("groups:group_detail", pk=group.pk)
    context = {"group": group, "form": form, "title": title}
    if show_leaders:
        context["current"] = selectors.current_leaders(group)
    return render(request, "groups/group_action.html", context)
