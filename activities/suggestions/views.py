"""Suggestion pages (意见建议): the branch's list, recording one from a phone, a suggestion's
page with its steps, and one small form per step. Access: activities.suggestions.access;
writes: activities.suggestions.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import SuggestionState
from activities.suggestions import access, services
from activities.suggestions.forms import (
    STEP_FORMS,
    SuggestionFilterForm,
    SuggestionForm,
)
from activities.suggestions.selectors import suggestion_history
from branchsite.forms import add_service_errors
from groups.access import roles_for

PAGE_SIZE = 20

# Each step (the state it leads to): who may take it, its service, and the message once
# it is saved.
STEPS = {
    SuggestionState.ANSWERED: (
        access.can_answer_suggestion,
        services.suggestion_answer,
        gettext_lazy("The answer is recorded. Record what was done once it is done."),
    ),
    SuggestionState.DONE: (
        access.can_answer_suggestion,
        services.suggestion_carry_out,
        gettext_lazy(
            "What was done is recorded. The group's leader records next whether the staff "
            "are satisfied."
        ),
    ),
    SuggestionState.CLOSED: (
        access.can_record_feedback,
        services.suggestion_feedback,
        gettext_lazy("The staff's satisfaction is recorded: the suggestion is closed."),
    ),
}
STEP_NAMES = {
    SuggestionState.ANSWERED: "suggestion_answer",
    SuggestionState.DONE: "suggestion_done",
    SuggestionState.CLOSED: "suggestion_feedback",
}
# The answering bodies offered as you type (answered by); any other may be typed.
ANSWERING_BODIES = ["党政班子会议", "支委会", "校长办公会"]


@login_required
def suggestion_list(request, pk):
    branch, groups = access.get_branch_for_suggestions(request, pk)
    form = SuggestionFilterForm(request.GET, branch=branch, groups=groups)
    page = Paginator(form.queryset(), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for suggestion in page:
        suggestion.waited_days = suggestion.days_waiting(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/suggestions/suggestion_list.html",
        {
            "branch": branch,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "can_record": access.can_record_suggestions(roles_for(request.user), branch.pk),
        },
    )


@transaction.atomic
def _suggestion_form(request, branch, groups, suggestion=None):
    """Record (`suggestion` None) or correct what was raised."""
    initial = {}
    group_id = request.GET.get("group", "")
    if suggestion is None and group_id.isdigit() and (groups is None or int(group_id) in groups):
        initial["group"] = int(group_id)
    form = SuggestionForm(
        request.POST or None, instance=suggestion, branch=branch, groups=groups, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        save = services.suggestion_record if suggestion is None else services.suggestion_update
        try:
            saved = save(suggestion=form.instance, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if suggestion is None:
                messages.success(
                    request, _("The suggestion is recorded. It stays open until it is closed.")
                )
            else:
                messages.success(request, _("The suggestion is saved."))
            return redirect("activities:suggestion", pk=saved.pk)
    return render(
        request,
        "activities/suggestions/suggestion_form.html",
        {"branch": branch, "form": form, "suggestion": suggestion},
    )


@login_required
def suggestion_create(request, pk):
    branch, groups = access.get_branch_for_suggestion_recorder(request, pk)
    return _suggestion_form(request, branch, groups)


@login_required
def suggestion_edit(request, pk):
    suggestion = access.get_suggestion_for_user(request, pk, may=access.can_edit_suggestion)
    groups = access.recordable_groups(roles_for(request.user), suggestion.branch_id)
    return _suggestion_form(request, suggestion.branch, groups, suggestion)


def _step_action(suggestion, step) -> str | None:
    if step is None:
        return None
    return reverse(f"activities:{STEP_NAMES[step]}", args=[suggestion.pk])


def _next_step(suggestion):
    """The step after the suggestion's state (None once closed)."""
    order = list(SuggestionState)
    index = order.index(suggestion.state)
    return order[index + 1] if index + 1 < len(order) else None


@login_required
def suggestion_detail(request, pk):
    suggestion = access.get_suggestion_for_user(request, pk)
    roles = roles_for(request.user)
    step = _next_step(suggestion)
    step_form = None
    if step is not None and STEPS[step][0](roles, suggestion):
        step_form = STEP_FORMS[step]()
    return render(
        request,
        "activities/suggestions/suggestion_detail.html",
        {
            "branch": suggestion.branch,
            "suggestion": suggestion,
            "step": step,
            "step_form": step_form,
            "step_action": _step_action(suggestion, step),
            "answering_bodies": ANSWERING_BODIES,
            "history": suggestion_history(suggestion),
            "waited_days": suggestion.days_waiting(timezone.localdate()),
            "can_edit": access.can_edit_suggestion(roles, suggestion),
            "can_undo": access.can_undo_step(roles, suggestion),
            "can_delete": access.can_delete_suggestion(roles, suggestion),
        },
    )


def _step(request, pk, step):
    """A step's small form: shown on the suggestion's page, and on its own when the input
    must be corrected."""
    may, service, saved_message = STEPS[step]
    suggestion = access.get_suggestion_for_user(request, pk, may=may)
    reason = services.out_of_order_reason(suggestion, step)
    if reason is not None:
        # Out of order, or taken meanwhile by someone else: say why, on the suggestion.
        messages.error(request, reason)
        return redirect("activities:suggestion", pk=suggestion.pk)
    form = STEP_FORMS[step](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Each step form's fields are its service's keyword arguments.
            service(suggestion=suggestion, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved_message)
            return redirect("activities:suggestion", pk=suggestion.pk)
    return render(
        request,
        "activities/suggestions/suggestion_step.html",
        {
            "branch": suggestion.branch,
            "suggestion": suggestion,
            "step": step,
            "step_form": form,
            "step_action": _step_action(suggestion, step),
            "answering_bodies": ANSWERING_BODIES,
        },
    )


@login_required
def suggestion_answer(request, pk):
    return _step(request, pk, SuggestionState.ANSWERED)


@login_required
def suggestion_done(request, pk):
    return _step(request, pk, SuggestionState.DONE)


@login_required
def suggestion_feedback(request, pk):
    return _step(request, pk, SuggestionState.CLOSED)


@login_required
def suggestion_undo(request, pk):
    suggestion = access.get_suggestion_for_user(request, pk, may=access.can_undo_step)
    if request.method == "POST":
        try:
            services.suggestion_step_undo(suggestion=suggestion, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The last step is taken back; record it again."))
        return redirect("activities:suggestion", pk=suggestion.pk)
    return render(
        request,
        "activities/suggestions/suggestion_confirm.html",
        {
            "branch": suggestion.branch,
            "suggestion": suggestion,
            "title": _("Take back the last step"),
            "question": _(
                "Take back the last step (%(state)s) of this suggestion, to record it again? "
                "The history keeps what was recorded."
            )
            % {"state": suggestion.get_state_display()},
            "button": _("Take back"),
        },
    )


@login_required
def suggestion_delete(request, pk):
    suggestion = access.get_suggestion_for_user(request, pk, may=access.can_delete_suggestion)
    if request.method == "POST":
        services.suggestion_delete(suggestion=suggestion, acting_user=request.user)
        messages.success(request, _("The suggestion is deleted."))
        return redirect("activities:suggestion_list", pk=suggestion.branch_id)
    return render(
        request,
        "activities/suggestions/suggestion_confirm.html",
        {
            "branch": suggestion.branch,
            "suggestion": suggestion,
            "title": _("Delete the suggestion"),
            "question": _(
                "Delete this suggestion, with its answer and what was done? The history keeps "
                "a copy."
            ),
            "button": _("Delete"),
        },
    )
