"""The pages that compose every app: where each role lands, the branch overview and a
party group's page (members and posts from `groups`, meetings owed and held from
`activities`). They live above the apps so that no app reads one above it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from activities.access import can_record_for_group, recordable_groups
from activities.compliance import missing_now, owed_now
from activities.selectors import branch_meetings_panel, group_meetings_panel
from activities.suggestions.access import can_record_suggestions, can_record_suggestions_for
from activities.suggestions.selectors import open_suggestions_panel
from groups import selectors as group_selectors
from groups.access import get_branch_for_user, get_group_for_user, roles_for
from groups.models import Branch
from members.access import can_collect_dues
from members.dues.selectors import arrears, dues_members
from members.selectors import branch_transfer_warnings
from reports.selectors import recent_changes
from reports.todo import branch_todo
from reports.yearend.plan_items import plan_items_due


@login_required
def home(request):
    """Send each role to its own page: an upper committee's viewer → the district,
    committee or branch viewer → branch, leader → group, member → own record. Someone
    with several roles lands on the widest one."""
    roles = roles_for(request.user)
    # An upper committee's viewer, who holds no post in a branch, reads the district.
    if roles.district_ids and not roles.managed_branch_ids:
        if len(roles.district_ids) == 1:
            return redirect("district:overview", pk=next(iter(roles.district_ids)))
        return redirect("district:list")
    branch_ids = roles.managed_branch_ids | roles.viewed_branch_ids
    if roles.is_superuser and not branch_ids:
        branch_ids = frozenset(Branch.objects.values_list("pk", flat=True))
    if len(branch_ids) == 1:
        return redirect("overview:branch_detail", pk=next(iter(branch_ids)))
    if branch_ids:
        branches = Branch.objects.filter(pk__in=branch_ids)
        return render(request, "reports/branch_list.html", {"branches": branches})
    if len(roles.led_group_ids) == 1:
        return redirect("overview:group_detail", pk=next(iter(roles.led_group_ids)))
    if roles.led_group_ids:
        # Rare: one person leading two groups. Their first group, the others linked there.
        return redirect("overview:group_detail", pk=min(roles.led_group_ids))
    if roles.member is not None:
        return redirect("overview:member_home")
    return render(request, "reports/home_unlinked.html")


@login_required
def branch_detail(request, pk):
    branch = get_branch_for_user(request, pk)
    roles = roles_for(request.user)
    overview = group_selectors.branch_overview(branch)
    # The registry's own warnings join the organisation's: transfer letters about to expire.
    overview["warnings"] = [
        *overview["warnings"],
        *branch_transfer_warnings(branch, timezone.localdate()),
    ]
    today = timezone.localdate()
    owed = owed_now(branch, today)
    context = {
        "branch": branch,
        **overview,
        **branch_meetings_panel(branch),
        "missing": owed.due,
        "grid": owed.grid,
        "can_record": recordable_groups(roles, branch) is None,  # any meeting: the committee
        "dues_arrears": arrears(dues_members(branch), today=today),
        "dues_url": reverse("dues:branch", args=[branch.pk]),
        "open_suggestions": open_suggestions_panel(branch, today=today),
        "can_record_suggestion": can_record_suggestions(roles, branch.pk),
        "plan_items_due": plan_items_due(branch, today=today),
        "plan_items_link": True,  # whoever sees the branch's page reads its plan
    }
    if roles.can_manage_branch(branch.pk):
        context["todo"] = branch_todo(
            branch,
            today=today,
            to_review=context["to_review_count"],
            open_make_ups=context["open_make_up_count"],
            owed=owed,
            dues_arrears=context["dues_arrears"],
            open_suggestions=context["open_suggestions"],
            plan_items_due=context["plan_items_due"],
        )
        context["recent_changes"] = recent_changes(branch)
    return render(request, "reports/branch_detail.html", context)


@login_required
def group_detail(request, pk):
    group = get_group_for_user(request, pk)
    roles = roles_for(request.user)
    context = {
        "branch": group.branch,
        "can_view_branch": roles.can_view_branch(group.branch_id),
        "can_manage": roles.can_manage_branch(group.branch_id),
        **group_selectors.group_detail(group),
        **group_meetings_panel(group),
        "missing": missing_now(group.branch, timezone.localdate(), groups=[group]),
        "can_record": can_record_for_group(roles, group),
        "dues_arrears": arrears(dues_members(group.branch, [group.pk]), today=timezone.localdate()),
        "dues_url": reverse("dues:branch", args=[group.branch_id]) + f"?group={group.pk}",
        "can_collect_dues": can_collect_dues(roles, group),
        "open_suggestions": open_suggestions_panel(
            group.branch, today=timezone.localdate(), group=group
        ),
        "can_record_suggestion": can_record_suggestions_for(roles, group),
        "plan_items_due": plan_items_due(group.branch, today=timezone.localdate(), group=group),
        "plan_items_link": roles.can_view_branch(group.branch_id),
    }
    return render(request, "reports/group_detail.html", context)
