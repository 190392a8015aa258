"""The branch's 回收站 (branchsite.trash): what was deleted, by whom and when, and bringing
it back. For the committee, who restore what anyone — a group leader too — deleted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branchsite.models import TrashItem
from branchsite.trash import KEEP_DAYS, trash_restore
from groups.access import get_branch_for_manager

PAGE_SIZE = 25
# Where a restored record is shown; others lead back to the bin.
SHOWN_AT = {
    "activities.meeting": "activities:meeting",
    "activities.activity": "activities:work",
    "members.member": "members:member_detail",
}


@login_required
def trash_list(request, pk):
    branch = get_branch_for_manager(request, pk)
    items = branch.trash.select_related("deleted_by__member")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "trash/list.html", {"branch": branch, "page": page, "keep_days": KEEP_DAYS}
    )


@login_required
@require_POST
@transaction.atomic
def trash_item_restore(request, pk):
    item = get_object_or_404(TrashItem.objects.select_for_update(), pk=pk)
    get_branch_for_manager(request, item.branch_id)
    try:
        restored = trash_restore(item=item, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("groups:trash", pk=item.branch_id)
    messages.success(request, _("Restored: %(record)s.") % {"record": item.label})
    try:
        return redirect(reverse(SHOWN_AT[item.model], args=[restored.pk]))
    except (KeyError, NoReverseMatch):
        return redirect("groups:trash", pk=item.branch_id)
