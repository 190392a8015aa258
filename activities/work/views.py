"""Pages of the branch's other work: the list, a form per kind (phone-first for leaders),
an activity's page, its deletion, and the year's totals. Access: activities.work.access;
writes: activities.work.services; totals: activities.work.selectors."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.figures import other_work_figures
from activities.ledgers.views import ledger_tabs
from activities.models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    LessonLevel,
    PartnerKind,
    PostKind,
)
from activities.work import services
from activities.work.access import (
    can_edit_activity,
    can_record_work,
    get_activity_for_editor,
    get_activity_for_user,
    get_branch_for_work,
    sees_talks,
)
from activities.work.forms import USUAL_TITLES, ActivityForm
from activities.work.selectors import listed_activities
from branchsite.downloads import stored_file_response
from branchsite.forms import add_service_errors
from groups.access import roles_for

PAGE_SIZE = 50


def _kinds_for(roles, branch_id) -> list[tuple[str, str]]:
    """The kinds the user may record: every kind for the committee, all but talks for a
    leader."""
    if roles.can_manage_branch(branch_id):
        return list(ActivityKind.choices)
    return [(value, label) for value, label in ActivityKind.choices if value != ActivityKind.TALK]


def year_from(request) -> int:
    """The year of `?year=`, this year when absent or out of range."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def activity_list(request, pk):
    branch, groups = get_branch_for_work(request, pk)
    roles = roles_for(request.user)
    year = year_from(request)
    kind, group = request.GET.get("kind", ""), request.GET.get("group", "")
    query = request.GET.get("q", "").strip()
    activities = (
        listed_activities(
            branch,
            year=year,
            groups=groups,
            talks=sees_talks(roles, branch.pk),
            kind=kind,
            group=group,
            query=query,
        )
        .select_related("group", "owner", "home_visit_reason")
        .annotate(people=Count("participants"))
    )
    group_choices = branch.party_groups.order_by("sort_order", "name")
    if groups is not None:
        group_choices = group_choices.filter(pk__in=groups)
    group_choices = list(group_choices)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {"year": year, "kind": kind, "group": group, "q": query}
    return render(
        request,
        "activities/work/list.html",
        {
            "branch": branch,
            "page": page,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "kind": kind,
            "kinds": ActivityKind.choices,
            "group": group,
            "groups": group_choices,
            "q": query,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "tabs": ledger_tabs(request, branch),
            "can_restore": roles.can_manage_branch(branch.pk),
            "record_kinds": _kinds_for(roles, branch.pk)
            if can_record_work(roles, branch.pk)
            else [],
        },
    )


def _save(request, form, *, creating: bool):
    activity = form.save(commit=False)
    participants = dict.fromkeys(form.cleaned_data.get("participants") or ())
    try:
        services.activity_save(
            activity=activity,
            participants=participants,
            photo=form.cleaned_data.get("photo"),
            acting_user=request.user,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(
        request,
        _("The activity is recorded.") if creating else _("The activity is saved."),
    )
    return activity


def _titles(branch, kind) -> list[str]:
    recent = (
        Activity.objects.filter(branch=branch, kind=kind)
        .order_by("-held_on")
        .values_list("title", flat=True)[:30]
    )
    titles = list(dict.fromkeys([*recent, *USUAL_TITLES.get(kind, [])]))
    return titles[:12]


@login_required
def activity_create(request, pk, kind):
    branch, _groups = get_branch_for_work(request, pk, record=True)
    roles = roles_for(request.user)
    if kind not in ActivityKind.values:
        raise Http404
    if kind not in dict(_kinds_for(roles, branch.pk)):
        raise PermissionDenied
    groups = None if roles.can_manage_branch(branch.pk) else roles.led_groups_in(branch.pk)
    form = ActivityForm(
        request.POST or None, request.FILES or None, branch=branch, kind=kind, groups=groups
    )
    if request.method == "POST" and form.is_valid():
        activity = _save(request, form, creating=True)
        if activity is not None:
            if request.POST.get("another"):
                return redirect("activities:work_create", pk=branch.pk, kind=kind)
            return redirect(
                f"{reverse('activities:work_list', args=[branch.pk])}?year={activity.held_on.year}"
            )
    return render(
        request,
        "activities/work/form.html",
        {
            "branch": branch,
            "form": form,
            "kind": ActivityKind(kind),
            "creating": True,
            "titles": _titles(branch, kind),
        },
    )


@login_required
def activity_detail(request, pk):
    activity = get_activity_for_user(request, pk)
    roles = roles_for(request.user)
    return render(
        request,
        "activities/work/detail.html",
        {
            "branch": activity.branch,
            "activity": activity,
            "participants": activity.participants.select_related("member").order_by("member__name"),
            "photos": list(activity.photos.all()),
            "can_edit": can_edit_activity(roles, activity),
            "sees_content": roles.can_manage_branch(activity.branch_id),
        },
    )


@login_required
@transaction.atomic
def activity_edit(request, pk):
    activity = get_activity_for_editor(request, pk)
    roles = roles_for(request.user)
    branch = activity.branch
    groups = None if roles.can_manage_branch(branch.pk) else roles.led_groups_in(branch.pk)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        instance=activity,
        branch=branch,
        kind=activity.kind,
        groups=groups,
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, creating=False):
        return redirect("activities:work", pk=activity.pk)
    return render(
        request,
        "activities/work/form.html",
        {
            "branch": branch,
            "form": form,
            "kind": ActivityKind(activity.kind),
            "activity": activity,
            "creating": False,
            "titles": _titles(branch, activity.kind),
        },
    )


@login_required
def activity_delete(request, pk):
    activity = get_activity_for_editor(request, pk)
    if request.method == "POST":
        branch, year = activity.branch, activity.held_on.year
        services.activity_delete(activity=activity, acting_user=request.user)
        messages.success(
            request,
            _("The activity is in the recycle bin; the committee can restore it from there."),
        )
        return redirect(f"{reverse('activities:work_list', args=[branch.pk])}?year={year}")
    return render(
        request,
        "activities/work/delete.html",
        {"branch": activity.branch, "activity": activity},
    )


def _period(request) -> tuple[datetime.date, datetime.date]:
    """A calendar year (`?year=`), or the days from `?start=` to `?end=`."""
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        year = year_from(request)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (start, end) if start <= end else (end, start)


@login_required
def work_totals(request, pk):
    branch, groups = get_branch_for_work(request, pk)
    roles = roles_for(request.user)
    start, end = _period(request)
    everything = other_work_figures(branch, start, end, talks=sees_talks(roles, branch.pk))
    figures = everything.work
    group_rows = [(g, t) for g, t in figures.groups if groups is None or g.pk in groups]
    study = figures.study
    if groups is not None:
        study = [row for row in study if row.group_id in groups]
    return render(
        request,
        "activities/work/totals.html",
        {
            "branch": branch,
            "figures": figures,
            "ledgers": everything.ledgers,
            "suggestions": everything.suggestions,
            "sees_hardship": roles.can_view_branch(branch.pk),
            "pairings": [
                (label, everything.ledgers.pairings_by_kind[value])
                for value, label in PartnerKind.choices
                if everything.ledgers.pairings_by_kind.get(value)
            ],
            "posts": [
                (label, everything.ledgers.posts_by_kind.get(value, 0))
                for value, label in PostKind.choices
            ],
            "whole_branch": groups is None,
            "group_rows": group_rows,
            "study": study,
            "below": [row for row in study if row.below],
            "levels": LessonLevel.choices,
            "tabs": ledger_tabs(request, branch),
            "year": start.year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "start": start,
            "end": end,
        },
    )


@login_required
def activity_photo(request, pk):
    """A photo of an activity, for those who may read the activity."""
    photo = get_object_or_404(ActivityPhoto, pk=pk)
    get_activity_for_user(request, photo.activity_id)
    return stored_file_response(photo)


@login_required
@require_POST
def activity_photo_remove(request, pk):
    photo = get_object_or_404(ActivityPhoto, pk=pk)
    activity = get_activity_for_editor(request, photo.activity_id)
    services.activity_photo_remove(photo=photo, acting_user=request.user)
    messages.success(request, _("The photo is removed."))
    return redirect("activities:work", pk=activity.pk)
