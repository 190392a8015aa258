"""The plan's items page: the list (what, who, when, state) for the committee and the
viewers, and for the committee the writes — add, correct, mark done, drop, plan again,
remove (after a confirmation page). Access is the documents' (reports.yearend.access):
the committee writes, viewers read, other members of the branch get 403, outsiders 404.
Only a plan has items: a summary's items page does not exist (404). Writes:
reports.yearend.plan_items."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from branchsite.forms import add_service_errors
from groups.access import deny_access, roles_for
from reports.models import DocumentKind, PlanItem, PlanItemState, YearDocument
from reports.yearend import access, plan_items
from reports.yearend.plan_item_forms import PlanItemForm

STATE_MESSAGES = {
    PlanItemState.DONE: gettext_lazy("Marked done."),
    PlanItemState.DROPPED: gettext_lazy("Marked dropped."),
    PlanItemState.PLANNED: gettext_lazy("Planned again."),
}


def _plan(document: YearDocument) -> YearDocument:
    if document.kind != DocumentKind.PLAN:
        raise Http404
    return document


def _item_for_writer(request, pk: int) -> PlanItem:
    item = get_object_or_404(
        PlanItem.objects.select_related("document__branch", "document__group", "owner"), pk=pk
    )
    roles = roles_for(request.user)
    if not access.can_write_document(roles, item.document):
        deny_access(roles, item.document.branch_id)
    return item


@login_required
def plan_items_page(request, pk):
    document = _plan(access.get_document_for_reader(request, pk))
    items = plan_items.plan_items_of(document)
    today = timezone.localdate()
    return render(
        request,
        "reports/yearend/plan_items.html",
        {
            "document": document,
            "items": items,
            "counts": {
                state.value: sum(1 for i in items if i.state == state) for state in PlanItemState
            },
            "today": today,
            "this_year": document.year == today.year,
            "can_write": access.can_write_document(roles_for(request.user), document),
        },
    )


def _form_page(request, document: YearDocument, item: PlanItem | None):
    form = PlanItemForm(request.POST or None, document=document, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                plan_items.plan_item_add(
                    document=document, acting_user=request.user, **form.service_arguments()
                )
            else:
                plan_items.plan_item_update(
                    item=item, acting_user=request.user, **form.service_arguments()
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("reports:plan_items", document.pk)
    return render(
        request,
        "reports/yearend/plan_item_form.html",
        {"document": document, "item": item, "form": form},
    )


@login_required
def plan_item_add(request, pk):
    document = _plan(access.get_document_for_writer(request, pk))
    return _form_page(request, document, None)


@login_required
def plan_item_edit(request, pk):
    item = _item_for_writer(request, pk)
    return _form_page(request, item.document, item)


@require_POST
@login_required
def plan_item_state(request, pk):
    """Done (today, or the day posted), dropped, or planned again."""
    item = _item_for_writer(request, pk)
    state = request.POST.get("state", "")
    try:
        done_on = datetime.date.fromisoformat(request.POST["done_on"])
    except (KeyError, ValueError):
        done_on = None
    try:
        plan_items.plan_item_set_state(
            item=item, state=state, done_on=done_on, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, STATE_MESSAGES[state])
    return redirect("reports:plan_items", item.document_id)


@login_required
def plan_item_remove(request, pk):
    item = _item_for_writer(request, pk)
    if request.method == "POST":
        plan_items.plan_item_remove(item=item, acting_user=request.user)
        messages.success(request, _("The item is removed."))
        return redirect("reports:plan_items", item.document_id)
    return render(
        request, "reports/yearend/plan_item_remove.html", {"document": item.document, "item": item}
    )
