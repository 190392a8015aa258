"""民主评议党员 pages: the member's phone ballot, and the committee's progress, tally and
final grades. Access: members.access; writes: members.evaluation.services. No page shows
how anyone voted: the ballot page shows a voter their own choices only before submitting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.access import get_branch_for_user, roles_for
from groups.models import PartyGroup
from members.access import get_evaluation_for_reader, get_evaluation_for_voter
from members.evaluation import services
from members.evaluation.forms import (
    BallotForm,
    FollowUpForm,
    GradeForm,
    PeerReviewForm,
    RoundOpenForm,
    SelfAssessmentForm,
    StaffCountsForm,
    StepsForm,
)
from members.evaluation.selectors import round_progress
from members.models import Assessment, EvaluationRound, RoundKind, RoundState

PAGE_SIZE = 50


@login_required
def round_list(request, pk):
    branch = get_branch_for_user(request, pk)
    can_manage = roles_for(request.user).can_manage_branch(branch.pk)
    today = timezone.localdate()
    form = RoundOpenForm(request.POST or None, initial={"year": today.year, "opened_on": today})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                evaluation = services.round_open(
                    branch=branch,
                    year=form.cleaned_data["year"],
                    opened_on=form.cleaned_data["opened_on"],
                    staff_rate=form.cleaned_data["staff_rate"],
                    kind=form.cleaned_data["kind"] or RoundKind.EVALUATION,
                    within_groups=form.cleaned_data["within_groups"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The round is open: members can vote now."))
                return redirect("evaluation:round", pk=evaluation.pk)
    return render(
        request,
        "evaluation/round_list.html",
        {
            "branch": branch,
            "rounds": EvaluationRound.objects.filter(branch=branch),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def round_detail(request, pk):
    evaluation = get_evaluation_for_reader(request, pk)
    roles = roles_for(request.user)
    full = roles.can_view_branch(evaluation.branch_id)
    progress = round_progress(
        evaluation, groups=None if full else roles.led_groups_in(evaluation.branch_id)
    )
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "branch": evaluation.branch,
            "evaluation": evaluation,
            "progress": progress,
            "page": Paginator(progress.rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "full": full,
            "can_manage": roles.can_manage_branch(evaluation.branch_id),
            "led_groups": roles.led_group_ids,
            "grades": evaluation.grades.choices,
            "steps_form": StepsForm(instance=evaluation),
        },
    )


@login_required
def ballot(request, pk):
    evaluation = get_evaluation_for_voter(request, pk)
    voter = roles_for(request.user).member
    voted = evaluation.casts.filter(voter=voter).exists()
    if voted or evaluation.state != RoundState.OPEN:
        return render(
            request,
            "evaluation/ballot_done.html",
            {"evaluation": evaluation, "voted": voted},
        )
    form = BallotForm(
        request.POST or None,
        members=services.ballot_for(evaluation, voter),
        grades=evaluation.grades,
    )
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "back":
        if request.POST.get("confirmed") != "1":
            counts = dict.fromkeys(evaluation.grades.values, 0)
            for grade in form.grades().values():
                counts[grade] += 1
            return render(
                request,
                "evaluation/ballot_confirm.html",
                {
                    "evaluation": evaluation,
                    "form": form,
                    "counts": [
                        (label, counts[value]) for value, label in evaluation.grades.choices
                    ],
                },
            )
        try:
            services.ballot_cast(evaluation=evaluation, voter=voter, grades=form.grades())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("evaluation:ballot", pk=evaluation.pk)
    return render(request, "evaluation/ballot.html", {"evaluation": evaluation, "form": form})


def _manager_round(request, pk) -> EvaluationRound:
    evaluation = get_evaluation_for_reader(request, pk)
    if not roles_for(request.user).can_manage_branch(evaluation.branch_id):
        raise PermissionDenied
    return evaluation


def _close(request, pk, close, done: str):
    evaluation = _manager_round(request, pk)
    try:
        close(evaluation=evaluation, closed_on=timezone.localdate(), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("evaluation:round", pk=evaluation.pk)


@login_required
@require_POST
def ballot_close(request, pk):
    return _close(
        request, pk, services.ballot_close, _("The ballot is closed; the tally is shown below.")
    )


@login_required
@require_POST
def round_close(request, pk):
    return _close(request, pk, services.round_close, _("The round is closed."))


@login_required
@require_POST
def grade(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("member"), pk=pk)
    _manager_round(request, assessment.round_id)
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            services.grade_set(
                assessment=assessment,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, f"{assessment.member.name}：{' '.join(error.messages)}")
        else:
            messages.success(
                request, _("%(name)s's grade is saved.") % {"name": assessment.member.name}
            )
    else:
        messages.error(request, _("Choose a grade."))
    return redirect("evaluation:round", pk=assessment.round_id)


@login_required
def self_assessment(request, pk):
    evaluation = get_evaluation_for_voter(request, pk)
    assessment = evaluation.assessments.get(member=roles_for(request.user).member)
    form = SelfAssessmentForm(request.POST or None, initial={"text": assessment.self_assessment})
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_save(
                assessment=assessment,
                text=form.cleaned_data["text"],
                written_on=timezone.localdate(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your self-assessment is saved."))
            return redirect("members:member_detail", pk=assessment.member_id)
    return render(
        request,
        "evaluation/self_assessment.html",
        {"evaluation": evaluation, "assessment": assessment, "form": form},
    )


@login_required
@require_POST
@transaction.atomic
def round_steps(request, pk):
    evaluation = _manager_round(request, pk)
    form = StepsForm(request.POST, instance=evaluation)
    if form.is_valid():
        try:
            services.round_steps_save(
                evaluation=evaluation,
                acting_user=request.user,
                **{name: form.cleaned_data[name] for name in StepsForm.Meta.fields},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The dates are saved."))
    else:
        messages.error(request, " ".join(form.non_field_errors()) or _("Check the dates."))
    return redirect("evaluation:round", pk=evaluation.pk)


@login_required
@require_POST
def recommend(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("member", "round"), pk=pk)
    get_evaluation_for_reader(request, assessment.round_id)
    roles = roles_for(request.user)
    leads = (
        assessment.member.group_memberships.current().filter(group__in=roles.led_group_ids).exists()
    )
    if not (roles.can_manage_branch(assessment.round.branch_id) or leads):
        raise PermissionDenied
    try:
        services.excellent_recommend(
            assessment=assessment,
            recommended=request.POST.get("recommended") == "1",
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluation:round", pk=assessment.round_id)


@login_required
@require_POST
def follow_up(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("member"), pk=pk)
    _manager_round(request, assessment.round_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_set(
                assessment=assessment,
                plan=form.cleaned_data["plan"],
                due=form.cleaned_data["due"],
                done_on=form.cleaned_data["done_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The follow-up is saved."))
    else:
        messages.error(request, _("Write the improvement plan and its deadline."))
    return redirect("evaluation:round", pk=assessment.round_id)


@login_required
def staff_counts(request, pk):
    evaluation = _manager_round(request, pk)
    members = [
        row.member
        for row in evaluation.assessments.filter(graded=True)
        .select_related("member")
        .order_by("member__name")
    ]
    initial = {"ballots": evaluation.staff_ballots}
    for member_id, grade, count in evaluation.staff_counts.values_list("member", "grade", "count"):
        initial[f"{grade}_{member_id}"] = count
    form = StaffCountsForm(
        request.POST or None, members=members, initial=initial, grades=evaluation.grades
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_counts_save(
                evaluation=evaluation,
                ballots=form.cleaned_data["ballots"],
                counts=form.counts(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The staff's ballots are saved."))
            return redirect("evaluation:round", pk=evaluation.pk)
    return render(
        request,
        "evaluation/staff_counts.html",
        {"evaluation": evaluation, "branch": evaluation.branch, "form": form},
    )


@login_required
def peer_review(request, pk):
    """党员互评: the committee records it for any member, a leader for their group's, one
    group at a time (`?group=`; the committee may also take everyone, a page at a time)."""
    evaluation = get_evaluation_for_reader(request, pk)
    roles = roles_for(request.user)
    can_manage = roles.can_manage_branch(evaluation.branch_id)
    led = roles.led_groups_in(evaluation.branch_id)
    if evaluation.kind != RoundKind.EVALUATION or not (can_manage or led):
        raise PermissionDenied
    groups = PartyGroup.objects.filter(branch=evaluation.branch, dissolved_on__isnull=True)
    groups = list(groups if can_manage else groups.filter(pk__in=led))
    chosen = request.GET.get("group", "")
    group = next((g for g in groups if str(g.pk) == chosen), None)
    if group is None and not (can_manage and chosen == "all"):
        group = groups[0] if groups else None
    if group is None and not can_manage:
        raise PermissionDenied
    progress = round_progress(evaluation, groups=None if group is None else {group.pk})
    page = Paginator(progress.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    form = PeerReviewForm(
        request.POST or None,
        assessments=[row.assessment for row in page],
        initial={"reviewed_on": evaluation.peer_review_on or timezone.localdate()},
    )
    editable = evaluation.state != RoundState.CLOSED
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = services.peer_reviews_save(
                evaluation=evaluation,
                comments=form.comments(),
                reviewed_on=form.cleaned_data["reviewed_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The peer review is saved (%(count)s members changed).") % {"count": len(saved)},
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "evaluation/peer_review.html",
        {
            "evaluation": evaluation,
            "branch": evaluation.branch,
            "form": form,
            "page": page,
            "groups": groups,
            "group": group,
            "can_manage": can_manage,
            "editable": editable,
            "query": f"group={group.pk if group else 'all'}",
        },
    )
