"""Writes to a 民主评议党员 round: open it, cast the anonymous ballot, close the ballot, set
the final grades within the cap, close the round. The anonymity rules are the threat model
in `members.models.evaluation`: a vote touches only counters, never a row of its own, and
nothing about it is logged or kept in the audit history."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from branchsite.audit import audited_bulk_create, audited_save
from groups.access import current_committee_posts
from groups.models import Branch, GroupMembership
from members.models import (
    Assessment,
    BallotCast,
    Category,
    EvaluationRound,
    Grade,
    GradeCount,
    Member,
    RoundKind,
    RoundState,
    Sanction,
    StaffCount,
    Status,
    grades_of,
)


@transaction.atomic
def round_open(
    *,
    branch: Branch,
    year: int,
    opened_on: datetime.date,
    acting_user,
    staff_rate: bool = False,
    kind: str = RoundKind.EVALUATION,
    within_groups: bool = False,
) -> EvaluationRound:
    """Open a round for `year`: every member on the roll in good standing takes part; the
    full members are graded, the probationary ones (参加评议，不评定等次) and those under
    留党察看 on the day are not. The ballot's counters are created now, before any vote."""
    if EvaluationRound.objects.filter(branch=branch, kind=kind, state=RoundState.OPEN).exists():
        raise ValidationError(gettext("A round is already open: close its ballot first."))
    evaluation = EvaluationRound(
        branch=branch,
        year=year,
        opened_on=opened_on,
        staff_rate=staff_rate,
        kind=kind,
        within_groups=within_groups and kind == RoundKind.EVALUATION,
    )
    audited_save(evaluation, acting_user=acting_user)
    members = list(
        Member.objects.filter(
            branch=branch,
            status=Status.ACTIVE,
            category__in=[Category.FULL, Category.PROBATIONARY],
        ).order_by("name", "pk")
    )
    sanctioned = set(
        Sanction.objects.without_rights(opened_on)
        .filter(member__in=members)
        .values_list("member", flat=True)
    )
    if kind == RoundKind.TRUST:
        # A trust poll rates the committee: its members hold a post today.
        rated = set(
            current_committee_posts().filter(term__branch=branch).values_list("member", flat=True)
        )
        if not rated:
            raise ValidationError(gettext("The branch has no committee to rate."))
    else:
        rated = {
            member.pk
            for member in members
            if member.category == Category.FULL and member.pk not in sanctioned
        }
    assessments = [
        Assessment(round=evaluation, member=member, graded=member.pk in rated) for member in members
    ]
    audited_bulk_create(Assessment, assessments, acting_user=acting_user)
    GradeCount.objects.bulk_create(
        GradeCount(round=evaluation, member=row.member, grade=grade)
        for row in assessments
        if row.graded
        for grade in grades_of(kind).values
    )
    return evaluation


def ballot_for(evaluation: EvaluationRound, voter: Member) -> list[Member]:
    """Whom `voter` grades: every graded member of the round but themself; in a round held
    within groups, those of the voter's own current group."""
    rows = evaluation.assessments.select_related("member").order_by("member__name")
    if evaluation.within_groups:
        group = GroupMembership.objects.current().filter(member=voter).values("group")
        # One filter call: the same membership row is current and in the group.
        rows = rows.filter(
            member__group_memberships__ended_on__isnull=True,
            member__group_memberships__group__in=group,
        )
    return [row.member for row in rows if row.graded and row.member_id != voter.pk]


@transaction.atomic
def ballot_cast(*, evaluation: EvaluationRound, voter: Member, grades: Mapping[int, str]) -> None:
    """Cast `voter`'s ballot: one grade for every member on it ({member id: grade}). The
    vote adds to the counters and marks that the voter has voted; it writes no row of its
    own, no history and no log line."""
    evaluation = EvaluationRound.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.state != RoundState.OPEN:
        raise ValidationError(gettext("The ballot is closed."))
    if not evaluation.assessments.filter(member=voter).exists():
        raise ValidationError(gettext("You do not take part in this round."))
    expected = {member.pk for member in ballot_for(evaluation, voter)}
    if set(grades) != expected:
        raise ValidationError(gettext("Give one grade to every member on the ballot."))
    if not set(grades.values()) <= set(evaluation.grades.values):
        raise ValidationError(gettext("Choose one of the grades offered."))
    try:
        with transaction.atomic():
            BallotCast.objects.create(round=evaluation, voter=voter)
    except IntegrityError:
        raise ValidationError(gettext("You have already voted in this round.")) from None
    counters = GradeCount.objects.filter(round=evaluation)
    chosen = [
        pk
        for pk, member_id, grade in counters.values_list("pk", "member_id", "grade")
        if grades.get(member_id) == grade
    ]
    # Every counter of the round is rewritten, +1 where chosen and +0 elsewhere.
    counters.update(count=F("count") + Case(When(pk__in=chosen, then=Value(1)), default=Value(0)))


@transaction.atomic
def ballot_close(
    *, evaluation: EvaluationRound, closed_on: datetime.date, acting_user
) -> EvaluationRound:
    """Close the ballot: the tally can be read from now on, and every counter is rewritten
    once more in this transaction."""
    if evaluation.state != RoundState.OPEN:
        raise ValidationError(gettext("The ballot is already closed."))
    evaluation.state, evaluation.ballot_closed_on = RoundState.COUNTED, closed_on
    audited_save(evaluation, acting_user=acting_user)
    GradeCount.objects.filter(round=evaluation).update(count=F("count"))
    return evaluation


def tally(evaluation: EvaluationRound) -> dict[int, dict[str, int]]:
    """{member id: {grade: votes}} once the ballot is closed; refused while it is open."""
    if evaluation.state == RoundState.OPEN:
        raise ValidationError(gettext("The tally is shown once the ballot is closed."))
    counts: dict[int, dict[str, int]] = {}
    for member_id, grade, count in evaluation.counts.values_list("member", "grade", "count"):
        counts.setdefault(member_id, {})[grade] = count
    return counts


def most_given(counts: Mapping[str, int]) -> set[str]:
    """The grades given most often (more than one when level; none without votes)."""
    top = max(counts.values(), default=0)
    return {grade for grade, count in counts.items() if count == top and top > 0}


def excellent_cap(evaluation: EvaluationRound, graded: int | None = None) -> int:
    """At most one in `excellent_cap_denominator` of the graded full members is 优秀
    (`graded`: their number, when the caller has it already)."""
    if graded is None:
        graded = evaluation.assessments.filter(graded=True).count()
    return graded // evaluation.branch.excellent_cap_denominator


@transaction.atomic
def grade_set(*, assessment: Assessment, grade: str, reason: str, acting_user) -> Assessment:
    """The committee's final grade for one member (组织评定): a graded member only, within the
    cap on 优秀, with a reason where it is not the ballot's most frequent grade."""
    evaluation = EvaluationRound.objects.select_for_update().get(pk=assessment.round_id)
    if evaluation.kind == RoundKind.TRUST:
        raise ValidationError(gettext("A trust poll sets no grades."))
    if evaluation.state != RoundState.COUNTED:
        raise ValidationError(
            gettext("Grades are set after the ballot closes, before the round does.")
        )
    if not assessment.graded:
        raise ValidationError(gettext("A probationary member takes part but gets no grade."))
    if grade == Grade.EXCELLENT:
        others = (
            evaluation.assessments.filter(final_grade=Grade.EXCELLENT)
            .exclude(pk=assessment.pk)
            .count()
        )
        graded = evaluation.assessments.filter(graded=True).count()
        cap = excellent_cap(evaluation, graded)
        if others + 1 > cap:
            raise ValidationError(
                gettext(
                    "At most %(cap)s members may be graded 优秀 (one in %(denominator)s of the "
                    "%(graded)s graded full members); %(others)s already are."
                )
                % {
                    "cap": cap,
                    "denominator": evaluation.branch.excellent_cap_denominator,
                    "graded": graded,
                    "others": others,
                }
            )
    counts = tally(evaluation).get(assessment.member_id, {})
    if grade not in most_given(counts) and not reason.strip():
        raise ValidationError(
            {
                "reason": gettext(
                    "The grade differs from the one the ballot gave most often: give the reason."
                )
            }
        )
    assessment.final_grade, assessment.reason = grade, reason.strip()
    audited_save(assessment, acting_user=acting_user, exclude=["round", "member"])
    return assessment


@transaction.atomic
def round_close(
    *, evaluation: EvaluationRound, closed_on: datetime.date, acting_user
) -> EvaluationRound:
    """Close the round once every graded member has a final grade; it cannot change after."""
    if evaluation.state != RoundState.COUNTED:
        raise ValidationError(gettext("Close the ballot and set the grades first."))
    missing = evaluation.assessments.filter(graded=True, final_grade="").count()
    if missing and evaluation.kind != RoundKind.TRUST:
        raise ValidationError(
            gettext("%(count)s graded members have no final grade yet.") % {"count": missing}
        )
    evaluation.state, evaluation.closed_on = RoundState.CLOSED, closed_on
    audited_save(evaluation, acting_user=acting_user)
    return evaluation


@transaction.atomic
def self_assessment_save(
    *, assessment: Assessment, text: str, written_on: datetime.date, acting_user
) -> Assessment:
    """个人自评: the member's own self-assessment against the 合格党员 standard, until the
    round closes."""
    if assessment.round.state == RoundState.CLOSED:
        raise ValidationError(gettext("The round is closed."))
    if not text.strip():
        raise ValidationError({"text": gettext("Write the self-assessment.")})
    assessment.self_assessment, assessment.self_assessed_on = text.strip(), written_on
    audited_save(assessment, acting_user=acting_user, exclude=["round", "member"])
    return assessment


@transaction.atomic
def excellent_recommend(*, assessment: Assessment, recommended: bool, acting_user) -> Assessment:
    """A group's recommendation of a member as 优秀, shown beside the tally when the
    committee decides. Only a graded member can be recommended."""
    if assessment.round.state == RoundState.CLOSED:
        raise ValidationError(gettext("The round is closed."))
    if recommended and not assessment.graded:
        raise ValidationError(gettext("A probationary member takes part but gets no grade."))
    assessment.recommended_excellent = recommended
    audited_save(assessment, acting_user=acting_user, exclude=["round", "member"])
    return assessment


@transaction.atomic
def follow_up_set(
    *,
    assessment: Assessment,
    plan: str,
    due: datetime.date | None,
    done_on: datetime.date | None,
    acting_user,
) -> Assessment:
    """组织处置 of a member graded 基本合格 or 不合格: the improvement plan (限期改正) with its
    deadline, and when it was done. 劝退 and 除名 are recorded through the member's status
    actions."""
    if assessment.final_grade not in (Grade.BASIC, Grade.UNQUALIFIED):
        raise ValidationError(gettext("A follow-up is for members graded 基本合格 or 不合格."))
    if not plan.strip() or due is None:
        raise ValidationError(gettext("Write the improvement plan and its deadline."))
    assessment.follow_up, assessment.follow_up_due = plan.strip(), due
    assessment.follow_up_done_on = done_on
    audited_save(assessment, acting_user=acting_user, exclude=["round", "member"])
    return assessment


@transaction.atomic
def round_steps_save(*, evaluation: EvaluationRound, acting_user, **dates) -> EvaluationRound:
    """The dates of the round's steps (学习教育, 个人自评, 党员互评, 通报本人, 报上级)."""
    allowed = {"study_from", "self_assessment_due", "peer_review_on", "notified_on", "reported_on"}
    for name, value in dates.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(evaluation, name, value)
    if evaluation.reported_on and evaluation.state != RoundState.CLOSED:
        raise ValidationError(
            {"reported_on": gettext("The result is reported once the round is closed.")}
        )
    audited_save(evaluation, acting_user=acting_user, exclude=["branch"])
    return evaluation


@transaction.atomic
def staff_counts_save(
    *,
    evaluation: EvaluationRound,
    ballots: int,
    counts: Mapping[int, Mapping[str, int]],
    acting_user,
) -> None:
    """The staff's paper ballots (群众测评), counted apart and entered as totals: the number
    of ballots and, for each graded member, how many gave each grade. No member's totals
    may be more than the ballots."""
    if not evaluation.staff_rate:
        raise ValidationError(gettext("Staff do not rate in this round."))
    if evaluation.state == RoundState.CLOSED:
        raise ValidationError(gettext("The round is closed."))
    graded = {
        row.member_id: row.member
        for row in evaluation.assessments.filter(graded=True).select_related("member")
    }
    problems = [
        gettext("%(name)s: %(total)s grades from %(ballots)s staff ballots.")
        % {"name": graded[member_id].name, "total": sum(grades.values()), "ballots": ballots}
        for member_id, grades in counts.items()
        if member_id in graded and sum(grades.values()) > ballots
    ]
    if set(counts) - set(graded):
        problems.append(gettext("Only graded members are rated."))
    if problems:
        raise ValidationError(problems)
    evaluation.staff_ballots = ballots
    audited_save(evaluation, acting_user=acting_user, exclude=["branch"])
    existing = {(row.member_id, row.grade): row for row in evaluation.staff_counts.all()}
    for member_id, grades in counts.items():
        for grade, number in grades.items():
            row = existing.get((member_id, grade)) or StaffCount(
                round=evaluation, member_id=member_id, grade=grade
            )
            if row.pk and row.count == number:
                continue
            row.count = number
            audited_save(row, acting_user=acting_user, exclude=["round", "member"])


@transaction.atomic
def peer_reviews_save(
    *,
    evaluation: EvaluationRound,
    comments: Mapping[int, str],
    reviewed_on: datetime.date,
    acting_user,
) -> list[Assessment]:
    """党员互评 as held at a meeting: for each member (`comments` by assessment id), the points
    the others raised, and the day. Recorded until the round closes; emptying a member's text
    clears their review. Only the members whose text changes are written, and only they take
    the new day."""
    if evaluation.kind != RoundKind.EVALUATION:
        raise ValidationError(gettext("A trust poll has no peer review."))
    if evaluation.state == RoundState.CLOSED:
        raise ValidationError(gettext("The round is closed."))
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": gettext("The date cannot be in the future.")})
    assessments = {row.pk: row for row in evaluation.assessments.filter(pk__in=list(comments))}
    if set(comments) - set(assessments):
        raise ValidationError(gettext("Only the members of this round are reviewed."))
    saved = []
    for pk, text in comments.items():
        assessment, text = (
            assessments[pk],
            "\n".join(line.strip() for line in text.strip().splitlines() if line.strip()),
        )
        if text == assessment.peer_comments:
            continue  # unchanged: its day stays the day it was held
        assessment.peer_comments = text
        assessment.peer_reviewed_on = reviewed_on if text else None
        audited_save(assessment, acting_user=acting_user, exclude=["round", "member"])
        saved.append(assessment)
    return saved
