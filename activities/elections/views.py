"""Election pages: from the candidates to the new committee. The secretary records each step;
everyone of the branch reads the result. Access: activities.access; writes:
activities.elections.services; what the counts mean: activities.elections.tally."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.access import (
    can_manage_elections,
    get_branch_for_elections,
    get_election_for_user,
)
from activities.elections import services
from activities.elections.forms import DecisionForm, ElectionForm, InstallForm, RoundForm
from activities.elections.tally import load_election, tally
from activities.models import Election, ElectionKind
from branchsite.forms import add_service_errors
from groups.access import roles_for


@login_required
def election_list(request, pk):
    branch = get_branch_for_elections(request, pk)
    elections = load_election(Election.objects.filter(branch=branch))
    return render(
        request,
        "activities/elections/election_list.html",
        {
            "branch": branch,
            "tallies": [tally(election) for election in elections],
            "can_manage": can_manage_elections(roles_for(request.user), branch.pk),
        },
    )


@transaction.atomic
def _election_form(request, branch, election=None):
    """Create (`election` None) or change an election and its candidates."""
    form = ElectionForm(request.POST or None, instance=election, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.election_save(
                election=form.instance,
                candidates=form.cleaned_data["candidates"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if election is None:
                messages.success(request, _("The election is saved. Count the votes next."))
            else:
                messages.success(request, _("The election is saved."))
            return redirect("activities:election", pk=saved.pk)
    return render(
        request,
        "activities/elections/election_form.html",
        {"branch": branch, "form": form, "election": election},
    )


@login_required
def election_create(request, pk):
    return _election_form(request, get_branch_for_elections(request, pk, manage=True))


@login_required
def election_edit(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    return _election_form(request, election.branch, election)


@login_required
def election_detail(request, pk):
    election = get_election_for_user(request, pk)
    result = tally(election)
    return render(
        request,
        "activities/elections/election_detail.html",
        {
            "branch": election.branch,
            "election": election,
            "tally": result,
            "can_manage": can_manage_elections(roles_for(request.user), election.branch_id),
        },
    )


@login_required
def election_round(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    result = tally(election)
    first = not result.rounds
    form = RoundForm(request.POST or None, candidates=result.next_round_candidates(), first=first)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_record(
                election=election,
                ballots_issued=form.cleaned_data["ballots_issued"],
                ballots_returned=form.cleaned_data["ballots_returned"],
                ballots_invalid=form.cleaned_data["ballots_invalid"],
                votes=form.cleaned_data["votes"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The count is saved."))
            return redirect("activities:election", pk=election.pk)
    return render(
        request,
        "activities/elections/election_round.html",
        {
            "branch": election.branch,
            "election": election,
            "tally": result,
            "form": form,
            "first": first,
            "number": len(result.rounds) + 1,
        },
    )


@login_required
def election_round_delete(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    result = tally(election)
    if not result.rounds:
        messages.error(request, _("No votes are counted yet."))
        return redirect("activities:election", pk=election.pk)
    if request.method == "POST":
        try:
            services.round_delete(election=election, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The count of the last round is taken back."))
        return redirect("activities:election", pk=election.pk)
    return render(
        request,
        "activities/elections/election_confirm.html",
        {
            "branch": election.branch,
            "election": election,
            "title": _("Take back the last count"),
            "question": _(
                "Take back the count of round %(number)s? Its votes are deleted; the history "
                "keeps a copy."
            )
            % {"number": result.rounds[-1].round.number},
        },
    )


@login_required
@transaction.atomic
def election_decide(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    result = tally(election)
    form = DecisionForm(request.POST or None, instance=election, seats_open=result.seats_open)
    if request.method == "POST" and form.is_valid():
        try:
            services.election_decide(
                election=election,
                accepted_fewer=form.cleaned_data.get("accepted_fewer", False),
                approved_on=form.cleaned_data["approved_on"],
                approval_reference=form.cleaned_data["approval_reference"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The approval is saved."))
            return redirect("activities:election", pk=election.pk)
    return render(
        request,
        "activities/elections/election_decide.html",
        {"branch": election.branch, "election": election, "tally": result, "form": form},
    )


@login_required
def election_install(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    result = tally(election)
    form = InstallForm(
        request.POST or None,
        elected=[candidate.member for candidate in result.elected],
        secretary_only=election.kind == ElectionKind.SECRETARY,
    )
    if request.method == "POST" and form.is_valid():
        try:
            term = services.election_install(
                election=election, posts=form.posts(), acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Term %(number)s has begun; the last term's posts ended the day before.")
                % {"number": term.number},
            )
            return redirect("activities:election", pk=election.pk)
    return render(
        request,
        "activities/elections/election_install.html",
        {"branch": election.branch, "election": election, "tally": result, "form": form},
    )


@login_required
def election_delete(request, pk):
    election = get_election_for_user(request, pk, manage=True)
    if request.method == "POST":
        branch_id = election.branch_id
        try:
            services.election_delete(election=election, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("activities:election", pk=election.pk)
        messages.success(request, _("The election is deleted; its meeting stays."))
        return redirect("activities:election_list", pk=branch_id)
    return render(
        request,
        "activities/elections/election_confirm.html",
        {
            "branch": election.branch,
            "election": election,
            "title": _("Delete the election"),
            "question": _(
                "Delete “%(election)s” with its candidates and counts? The general meeting's "
                "record stays; the history keeps a copy."
            )
            % {"election": election},
        },
    )
