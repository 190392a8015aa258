"""The ledger pages: for each ledger a list per branch (filters, pagination), create and edit
forms, a detail page where its rows are added (a pairing's meetings, a case's helps, a
pledge's review) and deletion on a confirmation page. Access is decided by
activities.ledgers.access, the writes by activities.ledgers.services."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.ledgers import services
from activities.ledgers.access import (
    Ledger,
    get_branch_for_ledger,
    get_record_for_user,
    ledger_scope,
)
from activities.ledgers.forms import (
    DutyPostForm,
    HardshipCaseForm,
    HardshipHelpForm,
    LedgerFilterForm,
    PairingForm,
    PairingMeetingForm,
    PledgeForm,
    PledgeReviewForm,
)
from activities.ledgers.selectors import ledger_figures, ledger_rows, ledger_years
from activities.models import (
    USUAL_PROMISES,
    DutyPost,
    HardshipCase,
    HardshipHelp,
    Pairing,
    PairingMeeting,
    PartnerKind,
    Pledge,
    PledgeKind,
    PostKind,
)
from branchsite.forms import add_service_errors
from groups.access import roles_for

PAGE_SIZE = 20

# Per ledger: the kinds its list filters by, and the name of its list page.
LEDGERS = {
    Ledger.PAIRINGS: {"kinds": PartnerKind.choices, "list": "pairing_list"},
    Ledger.HARDSHIP: {"kinds": None, "list": "hardship_list"},
    Ledger.PLEDGES: {"kinds": PledgeKind.choices, "list": "pledge_list"},
    Ledger.POSTS: {"kinds": PostKind.choices, "list": "post_list"},
}


def ledger_tabs(request, branch) -> list[tuple[str, str, str]]:
    """The pages of the branch's other work the user may open: (code, title, address) —
    the activities, each ledger they may read, the suggestions and the year's totals."""
    roles = roles_for(request.user)
    titles = {
        Ledger.PAIRINGS: _("Pairings"),
        Ledger.HARDSHIP: _("Hardship ledger"),
        Ledger.PLEDGES: _("Pledges"),
        Ledger.POSTS: _("Duty posts"),
    }
    # The activities, suggestions and totals are read by the committee, viewers and leaders;
    # a member sees only their own pairings and pledges.
    reads_work = roles.can_view_branch(branch.pk) or bool(roles.led_groups_in(branch.pk))
    tabs = [("work", _("Activities"), reverse("activities:work_list", args=[branch.pk]))]
    tabs = tabs if reads_work else []
    tabs += [
        (ledger, titles[ledger], reverse(f"activities:{LEDGERS[ledger]['list']}", args=[branch.pk]))
        for ledger in Ledger
        if ledger_scope(roles, branch.pk, ledger) is not None
    ]
    if reads_work:
        tabs += [
            (
                "suggestions",
                _("Suggestions"),
                reverse("activities:suggestion_list", args=[branch.pk]),
            ),
            ("totals", _("Year totals"), reverse("activities:work_totals", args=[branch.pk])),
        ]
    return tabs


def _list_page(request, pk, ledger: Ledger, template: str):
    branch, scope = get_branch_for_ledger(request, pk, ledger)
    today = timezone.localdate()
    form = LedgerFilterForm(
        request.GET,
        branch=branch,
        scope=scope,
        years=ledger_years(branch, ledger, today),
        kinds=LEDGERS[ledger]["kinds"],
        today=today,
    )
    filters = form.filters()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "branch": branch,
        "ledger": ledger,
        "tabs": ledger_tabs(request, branch),
        "form": form,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in ("group", "kind", "q")),
        "can_record": scope.can_record,
        "details": scope.details,
        "own_only": scope.groups is not None and not scope.groups,
    }
    if scope.details:
        rows = ledger_rows(branch, ledger, scope, **filters)
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:  # the hardship ledger's figures, for a viewer
        year = filters["year"] or today.year
        context["year"] = year
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        context["figures"] = ledger_figures(branch, start, end)
    return render(request, template, context)


@transaction.atomic
def _form_page(
    request, *, form, branch, ledger, title, save, done, record=None, back=None, extra=None
):
    """Bind, save through `save(instance)`, report a refusal on the form, else redirect to
    `done(instance)`."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.instance)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(done(saved))
    return render(
        request,
        "activities/ledgers/form.html",
        {
            "branch": branch,
            "ledger": ledger,
            "tabs": ledger_tabs(request, branch),
            "form": form,
            "title": title,
            "record": record,
            "back": back or reverse(f"activities:{LEDGERS[ledger]['list']}", args=[branch.pk]),
            **(extra or {}),
        },
    )


def _delete_page(request, *, record, branch, question, delete, done, back):
    """A confirmation page; on POST, `delete()` and go to `done`."""
    if request.method == "POST":
        delete()
        messages.success(request, _("Deleted. The history keeps a copy."))
        return redirect(done)
    return render(
        request,
        "activities/ledgers/confirm_delete.html",
        {"branch": branch, "record": record, "question": question, "back": back},
    )


# ---------------------------------------------------------------------------------------
# Pairings


@login_required
def pairing_list(request, pk):
    return _list_page(request, pk, Ledger.PAIRINGS, "activities/ledgers/pairing_list.html")


@login_required
def pairing_create(request, pk):
    branch, scope = get_branch_for_ledger(request, pk, Ledger.PAIRINGS, record=True)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in PartnerKind.values else {}
    form = PairingForm(request.POST or None, branch=branch, scope=scope, initial=initial)
    return _form_page(
        request,
        form=form,
        branch=branch,
        ledger=Ledger.PAIRINGS,
        title=_("Record a pairing"),
        save=lambda pairing: services.pairing_record(pairing=pairing, acting_user=request.user),
        done=lambda pairing: reverse("activities:pairing", args=[pairing.pk]),
    )


@login_required
def pairing_detail(request, pk):
    """The pairing and its meetings; its editors add a meeting here (POST)."""
    access = get_record_for_user(
        request, Pairing.objects.select_related("partner_member"), pk, Ledger.PAIRINGS
    )
    pairing = access.record
    form = PairingMeetingForm(request.POST or None)
    if request.method == "POST":
        if not access.may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.pairing_meeting_add(
                    pairing=pairing,
                    held_on=form.cleaned_data["held_on"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is recorded."))
                return redirect("activities:pairing", pk=pairing.pk)
    return render(
        request,
        "activities/ledgers/pairing_detail.html",
        {
            "branch": pairing.branch,
            "ledger": Ledger.PAIRINGS,
            "tabs": ledger_tabs(request, pairing.branch),
            "pairing": pairing,
            "meetings": list(pairing.meetings.all()),
            "may_edit": access.may_edit,
            "form": form,
        },
    )


@login_required
def pairing_edit(request, pk):
    access = get_record_for_user(request, Pairing.objects.all(), pk, Ledger.PAIRINGS, edit=True)
    pairing = access.record
    form = PairingForm(
        request.POST or None, instance=pairing, branch=pairing.branch, scope=access.scope
    )
    return _form_page(
        request,
        form=form,
        branch=pairing.branch,
        ledger=Ledger.PAIRINGS,
        title=_("Edit the pairing"),
        record=pairing,
        save=lambda record: services.pairing_update(pairing=record, acting_user=request.user),
        done=lambda record: reverse("activities:pairing", args=[record.pk]),
        back=reverse("activities:pairing", args=[pk]),
    )


@login_required
def pairing_delete(request, pk):
    pairing = get_record_for_user(
        request, Pairing.objects.all(), pk, Ledger.PAIRINGS, edit=True
    ).record
    return _delete_page(
        request,
        record=pairing,
        branch=pairing.branch,
        question=_("Delete the pairing of %(member)s with %(partner)s, and its %(count)s meetings?")
        % {
            "member": pairing.member.name,
            "partner": pairing.partner,
            "count": pairing.meetings.count(),
        },
        delete=lambda: services.pairing_delete(pairing=pairing, acting_user=request.user),
        done=reverse("activities:pairing_list", args=[pairing.branch_id]),
        back=reverse("activities:pairing", args=[pairing.pk]),
    )


@login_required
def pairing_meeting_delete(request, pk):
    meeting = get_object_or_404(PairingMeeting, pk=pk)
    pairing = get_record_for_user(
        request, Pairing.objects.all(), meeting.pairing_id, Ledger.PAIRINGS, edit=True
    ).record
    back = reverse("activities:pairing", args=[pairing.pk])
    return _delete_page(
        request,
        record=meeting,
        branch=pairing.branch,
        question=_("Delete the meeting of %(date)s, “%(note)s”?")
        % {"date": meeting.held_on.isoformat(), "note": meeting.note},
        delete=lambda: services.pairing_meeting_remove(meeting=meeting, acting_user=request.user),
        done=back,
        back=back,
    )


# ---------------------------------------------------------------------------------------
# The hardship ledger


@login_required
def hardship_list(request, pk):
    return _list_page(request, pk, Ledger.HARDSHIP, "activities/ledgers/hardship_list.html")


@login_required
def hardship_create(request, pk):
    branch, scope = get_branch_for_ledger(request, pk, Ledger.HARDSHIP, record=True)
    form = HardshipCaseForm(request.POST or None, branch=branch, scope=scope)
    return _form_page(
        request,
        form=form,
        branch=branch,
        ledger=Ledger.HARDSHIP,
        title=_("Open a hardship case"),
        save=lambda case: services.hardship_case_open(case=case, acting_user=request.user),
        done=lambda case: reverse("activities:hardship", args=[case.pk]),
    )


@login_required
def hardship_detail(request, pk):
    """The case and the helps given; the committee adds a help here (POST)."""
    access = get_record_for_user(request, HardshipCase.objects.all(), pk, Ledger.HARDSHIP)
    case = access.record
    roles = roles_for(request.user)
    form = HardshipHelpForm(request.POST or None, branch=case.branch, giver=roles.member)
    if request.method == "POST":
        if not access.may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.hardship_help_add(
                    case=case,
                    given_on=form.cleaned_data["given_on"],
                    what=form.cleaned_data["what"],
                    amount=form.cleaned_data["amount"],
                    givers=form.cleaned_data["givers"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The help is recorded."))
                return redirect("activities:hardship", pk=case.pk)
    helps = list(case.helps.prefetch_related("givers"))
    return render(
        request,
        "activities/ledgers/hardship_detail.html",
        {
            "branch": case.branch,
            "ledger": Ledger.HARDSHIP,
            "tabs": ledger_tabs(request, case.branch),
            "case": case,
            "helps": helps,
            "money": sum((help_given.amount for help_given in helps), start=Decimal("0.00")),
            "may_edit": access.may_edit,
            "form": form,
        },
    )


@login_required
def hardship_edit(request, pk):
    access = get_record_for_user(
        request, HardshipCase.objects.all(), pk, Ledger.HARDSHIP, edit=True
    )
    case = access.record
    form = HardshipCaseForm(
        request.POST or None, instance=case, branch=case.branch, scope=access.scope
    )
    return _form_page(
        request,
        form=form,
        branch=case.branch,
        ledger=Ledger.HARDSHIP,
        title=_("Edit the hardship case"),
        record=case,
        save=lambda record: services.hardship_case_update(case=record, acting_user=request.user),
        done=lambda record: reverse("activities:hardship", args=[record.pk]),
        back=reverse("activities:hardship", args=[pk]),
    )


@login_required
def hardship_delete(request, pk):
    case = get_record_for_user(
        request, HardshipCase.objects.all(), pk, Ledger.HARDSHIP, edit=True
    ).record
    return _delete_page(
        request,
        record=case,
        branch=case.branch,
        question=_("Delete the case of %(person)s and its %(count)s helps?")
        % {"person": case.person, "count": case.helps.count()},
        delete=lambda: services.hardship_case_delete(case=case, acting_user=request.user),
        done=reverse("activities:hardship_list", args=[case.branch_id]),
        back=reverse("activities:hardship", args=[case.pk]),
    )


@login_required
def hardship_help_delete(request, pk):
    help_given = get_object_or_404(HardshipHelp, pk=pk)
    case = get_record_for_user(
        request, HardshipCase.objects.all(), help_given.case_id, Ledger.HARDSHIP, edit=True
    ).record
    back = reverse("activities:hardship", args=[case.pk])
    return _delete_page(
        request,
        record=help_given,
        branch=case.branch,
        question=_("Delete the help of %(date)s, “%(what)s”?")
        % {"date": help_given.given_on.isoformat(), "what": help_given.what},
        delete=lambda: services.hardship_help_remove(
            help_given=help_given, acting_user=request.user
        ),
        done=back,
        back=back,
    )


# ---------------------------------------------------------------------------------------
# Pledges


@login_required
def pledge_list(request, pk):
    return _list_page(request, pk, Ledger.PLEDGES, "activities/ledgers/pledge_list.html")


@login_required
def pledge_create(request, pk):
    branch, scope = get_branch_for_ledger(request, pk, Ledger.PLEDGES, record=True)
    kind = request.GET.get("kind", PledgeKind.THREE_ONES)
    form = PledgeForm(request.POST or None, branch=branch, scope=scope, kind=kind)
    return _form_page(
        request,
        form=form,
        branch=branch,
        ledger=Ledger.PLEDGES,
        title=_("Record a pledge"),
        save=lambda pledge: services.pledge_record(pledge=pledge, acting_user=request.user),
        done=lambda pledge: reverse("activities:pledge", args=[pledge.pk]),
        extra={"kinds": [(kind, kind.label) for kind in USUAL_PROMISES]},
    )


@login_required
def pledge_detail(request, pk):
    access = get_record_for_user(request, Pledge.objects.all(), pk, Ledger.PLEDGES)
    return render(
        request,
        "activities/ledgers/pledge_detail.html",
        {
            "branch": access.record.branch,
            "ledger": Ledger.PLEDGES,
            "tabs": ledger_tabs(request, access.record.branch),
            "pledge": access.record,
            "may_edit": access.may_edit,
            "may_review": access.scope.can_review,
        },
    )


@login_required
def pledge_edit(request, pk):
    access = get_record_for_user(request, Pledge.objects.all(), pk, Ledger.PLEDGES, edit=True)
    pledge = access.record
    form = PledgeForm(
        request.POST or None, instance=pledge, branch=pledge.branch, scope=access.scope
    )
    return _form_page(
        request,
        form=form,
        branch=pledge.branch,
        ledger=Ledger.PLEDGES,
        title=_("Edit the pledge"),
        record=pledge,
        save=lambda record: services.pledge_update(pledge=record, acting_user=request.user),
        done=lambda record: reverse("activities:pledge", args=[record.pk]),
        back=reverse("activities:pledge", args=[pk]),
    )


@login_required
def pledge_review(request, pk):
    """The committee's review of how the pledge was kept."""
    access = get_record_for_user(request, Pledge.objects.all(), pk, Ledger.PLEDGES)
    if not access.scope.can_review:
        raise PermissionDenied
    pledge = access.record
    form = PledgeReviewForm(request.POST or None, pledge=pledge)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_review(pledge=pledge, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The review is saved."))
            return redirect("activities:pledge", pk=pledge.pk)
    return render(
        request,
        "activities/ledgers/form.html",
        {
            "branch": pledge.branch,
            "ledger": Ledger.PLEDGES,
            "tabs": ledger_tabs(request, pledge.branch),
            "form": form,
            "title": _("Review the pledge"),
            "record": pledge,
            "back": reverse("activities:pledge", args=[pk]),
        },
    )


@login_required
def pledge_delete(request, pk):
    pledge = get_record_for_user(
        request, Pledge.objects.all(), pk, Ledger.PLEDGES, edit=True
    ).record
    return _delete_page(
        request,
        record=pledge,
        branch=pledge.branch,
        question=_("Delete %(member)s's %(kind)s pledge for %(year)s?")
        % {"member": pledge.member.name, "kind": pledge.get_kind_display(), "year": pledge.year},
        delete=lambda: services.pledge_delete(pledge=pledge, acting_user=request.user),
        done=reverse("activities:pledge_list", args=[pledge.branch_id]),
        back=reverse("activities:pledge", args=[pledge.pk]),
    )


# ---------------------------------------------------------------------------------------
# Duty posts (the list shows every field: no detail page)


@login_required
def post_list(request, pk):
    return _list_page(request, pk, Ledger.POSTS, "activities/ledgers/post_list.html")


@login_required
def post_create(request, pk):
    branch, scope = get_branch_for_ledger(request, pk, Ledger.POSTS, record=True)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in PostKind.values else {}
    form = DutyPostForm(request.POST or None, branch=branch, scope=scope, initial=initial)
    return _form_page(
        request,
        form=form,
        branch=branch,
        ledger=Ledger.POSTS,
        title=_("Assign a duty post"),
        save=lambda post: services.duty_post_assign(post=post, acting_user=request.user),
        done=lambda post: reverse("activities:post_list", args=[branch.pk]),
    )


@login_required
def post_edit(request, pk):
    access = get_record_for_user(request, DutyPost.objects.all(), pk, Ledger.POSTS, edit=True)
    post = access.record
    form = DutyPostForm(request.POST or None, instance=post, branch=post.branch, scope=access.scope)
    return _form_page(
        request,
        form=form,
        branch=post.branch,
        ledger=Ledger.POSTS,
        title=_("Edit the duty post"),
        record=post,
        save=lambda record: services.duty_post_update(post=record, acting_user=request.user),
        done=lambda record: reverse("activities:post_list", args=[record.branch_id]),
    )


@login_required
def post_delete(request, pk):
    post = get_record_for_user(request, DutyPost.objects.all(), pk, Ledger.POSTS, edit=True).record
    back = reverse("activities:post_list", args=[post.branch_id])
    return _delete_page(
        request,
        record=post,
        branch=post.branch,
        question=_("Delete %(member)s's post “%(place)s”?")
        % {"member": post.member.name, "place": post.place},
        delete=lambda: services.duty_post_delete(post=post, acting_user=request.user),
        done=back,
        back=back,
    )
