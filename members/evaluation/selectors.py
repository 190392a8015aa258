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
        excellent_cap=excellent_cap(evaluation),
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
