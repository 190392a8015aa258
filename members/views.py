from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from groups import selectors
from groups.access import get_member_for_user, roles_for


@login_required
def member_detail(request, pk):
    member = get_member_for_user(request, pk)
    roles = roles_for(request.user)
    context = {
        "member": member,
        "branch": member.branch,
        "is_own_record": roles.member is not None and roles.member.pk == member.pk,
        "group_history": selectors.member_groups(member),
        "committee_posts": list(
            member.committee_posts.select_related("term").order_by("-started_on")
        ),
        "leaderships": list(
            member.group_leaderships.select_related("group").order_by("-started_on")
        ),
    }
    return render(request, "members/member_detail.html", context)
