from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groups import selectors, services
from groups.access import get_group_for_manager
from groups.forms import LeaderAppointForm, MemberPlaceForm
from groups.models import GroupRole


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
            return redirect("overview:group_detail", pk=group.pk)
    context = {"group": group, "form": form, "title": title}
    if show_leaders:
        context["current"] = selectors.current_leaders(group)
    return render(request, "groups/group_action.html", context)
