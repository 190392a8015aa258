"""What the evaluation pages read, in a fixed number of queries for any number of members."""

from dataclasses import dataclass

from django.db.models import Prefetch

from groups.models import GroupMembership
from members.evaluation.services import excellent_cap, most_given, tally
from members.models import (
    Assessment,
    BallotCast,
    EvaluationRound,
    Grade,
    Member,
    RoundKind,
    RoundState,
    TrustGrade,
)


@dataclass
class ProgressRow:
    assessment: Assessment
    voted: bool
    group_id: int | None
    group_name: str
    counts: dict | None  # {grade: votes}, once the ballot is closed; None before
    most_given: set
    staff: dict | None = None  # {grade: votes} of the staff's ballots, counted apart
    grade_values: tuple = tuple(Grade.values)

    @property
    def staff_list(self) -> list[tuple[str, int]]:
        return [(grade, (self.staff or {}).get(grade, 0)) for grade in self.grade_values]

    @property
    def count_list(self) -> list[tuple[str, int, bool]]:
        """(grade, votes, given most) in the order of the grades, for the tally's columns."""
        return [
            (grade, (self.counts or {}).get(grade, 0), grade in self.most_given)
            for grade in self.grade_values
        ]

    @property
    def trust_percent(self) -> tuple[float, float] | None:
        """A trust poll: the share of 信任, and of 信任 and 基本信任 together, in percent."""
        counts = self.counts or {}
        total = sum(counts.values())
        if not total:
            return None
        trusted = counts.get(TrustGrade.TRUSTED, 0)
        return (
            round(100 * trusted / total, 1),
            round(100 * (trusted + counts.get(TrustGrade.MOSTLY, 0)) / total, 1),
        )


@dataclass
class Progress:
    rows: list[ProgressRow]
    excellent_cap: int
    excellent_now: int

    @property
    def voted(self) -> int:
        return sum(1 for row in self.rows if row.voted)

    @property
    def remaining(self) -> list[ProgressRow]:
        return [row for row in self.rows if not row.voted]


def round_progress(evaluation: EvaluationRound, *, groups=None) -> Progress:
    """Who takes part, who has voted, and (once the ballot is closed, for the whole branch
    only) each graded member's tally. `groups` limits the rows to those groups' members (a
    leader's view), without tallies."""
    assessments = list(
        Assessment.objects.filter(round=evaluation)
        .select_related("member")
        .prefetch_related(
            Prefetch(
                "member__group_memberships",
                queryset=GroupMembership.objects.current().select_related("group"),
                to_attr="current_groups",
            )
        )
        .order_by("member__name")
    )
    voted = set(evaluation.casts.values_list("voter", flat=True))
    staff: dict[int, dict[str, int]] = {}
    if evaluation.staff_rate and groups is None:
        for member_id, grade, count in evaluation.staff_counts.values_list(
            "member", "grade", "count"
        ):
            staff.setdefault(member_id, {})[grade] = count
    counts = tally(evaluation) if evaluation.state != RoundState.OPEN and groups is None else {}
    rows = []
    for assessment in assessments:
        current = assessment.member.current_groups
        if groups is not None and not any(m.group_id in groups for m in current):
            continue
        member_counts = counts.get(assessment.member_id) if assessment.graded else None
        rows.append(
            ProgressRow(
                assessment=assessment,
                voted=assessment.member_id in voted,
                group_id=current[0].group_id if current else None,
                group_name=current[0].group.name if current else "",
                counts=member_counts,
                most_given=most_given(member_counts or {}),
                staff=staff.get(assessment.member_id),
                grade_values=tuple(evaluation.grades.values),
            )
        )
    return Progress(
        rows=rows,
        excellent_cap=excellent_cap(evaluation, sum(1 for a in assessments if a.graded)),
        excellent_now=sum(1 for a in assessments if a.final_grade == "excellent"),
    )


@dataclass
class MemberEvaluation:
    assessment: Assessment
    voted: bool

    @property
    def round(self) -> EvaluationRound:
        return self.assessment.round

    @property
    def may_vote(self) -> bool:
        return self.round.state == RoundState.OPEN and not self.voted

    @property
    def result(self) -> str:
        """The final grade once the round is closed (预备党员: 不评定等次)."""
        if self.round.state != RoundState.CLOSED:
            return ""
        return self.assessment.get_final_grade_display()


def member_evaluations(member) -> list[MemberEvaluation]:
    """The rounds `member` takes part in, newest first, whether they have voted, and their
    result once the round is closed (2 queries)."""
    voted = set(BallotCast.objects.filter(voter=member).values_list("round", flat=True))
    return [
        MemberEvaluation(assessment=assessment, voted=assessment.round_id in voted)
        for assessment in Assessment.objects.filter(member=member)
        .select_related("round")
        .order_by("-round__year", "-round__opened_on")
    ]


@dataclass(frozen=True)
class FollowUp:
    """A member graded 基本合格 or 不合格: the branch follows up (组织处置)."""

    member: Member
    grade: str
    reason: str


@dataclass(frozen=True)
class EvaluationFigures:
    """The evaluation figures of the year-end summary (年度工作总结)."""

    evaluation: EvaluationRound
    taking_part: int  # 参加评议
    evaluated: int  # graded full members (评定等次)
    not_graded: int  # probationary and sanctioned members (参加评议，不评定等次)
    voted: int
    by_grade: dict[str, int]  # final grade → members, every grade present, in their order
    grades_to_set: int  # graded members without a final grade yet
    excellent: list[Member]  # by name
    follow_ups: list[FollowUp]  # 不合格 first, then 基本合格, by name

    @property
    def complete(self) -> bool:
        return self.evaluation.state == RoundState.CLOSED


def evaluation_figures(branch, year: int) -> EvaluationFigures | None:
    """The year's figures from its latest round whose ballot is closed (a branch may hold
    two in a year), or None without one: 3 queries, whatever the number of members."""
    evaluation = (
        EvaluationRound.objects.filter(branch=branch, year=year, kind=RoundKind.EVALUATION)
        .exclude(state=RoundState.OPEN)
        .order_by("-opened_on", "-pk")
        .first()
    )
    if evaluation is None:
        return None
    assessments = list(evaluation.assessments.select_related("member").order_by("member__name"))
    graded = [row for row in assessments if row.graded]
    by_grade = dict.fromkeys(Grade.values, 0)
    for row in graded:
        if row.final_grade:
            by_grade[row.final_grade] += 1
    severity = {Grade.UNQUALIFIED: 0, Grade.BASIC: 1}
    follow_ups = sorted(
        (
            FollowUp(member=row.member, grade=row.final_grade, reason=row.reason)
            for row in graded
            if row.final_grade in severity
        ),
        key=lambda follow_up: (severity[follow_up.grade], follow_up.member.name),
    )
    return EvaluationFigures(
        evaluation=evaluation,
        taking_part=len(assessments),
        evaluated=len(graded),
        not_graded=len(assessments) - len(graded),
        voted=evaluation.casts.count(),
        by_grade=by_grade,
        grades_to_set=sum(1 for row in graded if not row.final_grade),
        excellent=[row.member for row in graded if row.final_grade == Grade.EXCELLENT],
        follow_ups=follow_ups,
    )
