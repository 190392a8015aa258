"""The totals of the branch's other work in a period, for the branch and for each group:
exactly the numbers a year-end summary states (seed 001: 40 people visited, 118 problems
solved, 5191 元; 132 home visits, of which 50 学困, 32 家庭困难, 50 因病; 162 lessons given,
338 observed or reviewed), and each member's class hours of study against the yearly rule.
One call, a fixed number of queries whatever the number of activities (`work_figures`)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from activities.models import (
    GUEST_TYPES,
    HOURS_KINDS,
    Activity,
    ActivityKind,
    ActivityParticipant,
    Attendance,
    HomeVisitReason,
    LessonKind,
    LessonLevel,
    LessonRole,
    Presence,
    StudyRule,
)
from branchsite.rules import DatedRules
from groups.models import GroupMembership, PartyGroup
from members.models import Member

ZERO = Decimal("0")


@dataclass
class WorkTotals:
    """The totals of one scope: a group, or the whole branch."""

    visits: int = 0  # records of 走访慰问
    people_visited: int = 0
    problems_solved: int = 0
    relief_amount: Decimal = ZERO  # money and goods given on visits (元)
    home_visits: int = 0
    home_visits_by_reason: dict[str, int] = field(default_factory=dict)
    lessons: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (kind, level, role)
    volunteer_events: int = 0
    volunteer_hours: Decimal = ZERO
    volunteers: set[int] = field(default_factory=set)  # member ids
    donations: int = 0
    donation_amount: Decimal = ZERO
    joint_events: int = 0
    study_sessions: int = 0
    talks: int = 0

    @property
    def lessons_given(self) -> int:
        return sum(n for (_, _, role), n in self.lessons.items() if role == LessonRole.GIVEN)

    @property
    def lessons_observed_or_reviewed(self) -> int:
        return sum(n for (_, _, role), n in self.lessons.items() if role != LessonRole.GIVEN)

    def lesson_matrix(self, *, given: bool) -> list[tuple[str, list[int], int]]:
        """Lessons given (or observed and reviewed) as rows by kind, columns by level:
        (kind's label, numbers per level, row total), kinds without any left out."""
        rows = []
        for kind, label in LessonKind.choices:
            numbers = [
                sum(
                    n
                    for (k, lv, role), n in self.lessons.items()
                    if k == kind and lv == level and (role == LessonRole.GIVEN) == given
                )
                for level in LessonLevel.values
            ]
            if any(numbers):
                rows.append((label, numbers, sum(numbers)))
        return rows

    @property
    def lessons_given_matrix(self):
        return self.lesson_matrix(given=True)

    @property
    def lessons_observed_matrix(self):
        return self.lesson_matrix(given=False)

    @property
    def empty(self) -> bool:
        return not (
            self.visits
            or self.home_visits
            or self.lessons
            or self.volunteer_events
            or self.donations
            or self.joint_events
            or self.study_sessions
            or self.talks
        )

    def add(self, activity: Activity, hours_by_member: dict[int, Decimal]) -> None:
        kind = activity.kind
        if kind == ActivityKind.VISIT:
            self.visits += 1
            self.people_visited += activity.number
            self.problems_solved += activity.problems_solved
            self.relief_amount += activity.amount
        elif kind == ActivityKind.HOME_VISIT:
            self.home_visits += activity.number
            reason = activity.home_visit_reason.name
            self.home_visits_by_reason[reason] = (
                self.home_visits_by_reason.get(reason, 0) + activity.number
            )
        elif kind == ActivityKind.LESSON:
            key = (activity.lesson_kind, activity.lesson_level, activity.lesson_role)
            self.lessons[key] = self.lessons.get(key, 0) + activity.number
        elif kind == ActivityKind.VOLUNTEER:
            self.volunteer_events += 1
            self.volunteer_hours += sum(hours_by_member.values(), ZERO)
            self.volunteers |= set(hours_by_member)
        elif kind == ActivityKind.DONATION:
            self.donations += 1
            self.donation_amount += activity.amount
        elif kind == ActivityKind.JOINT:
            self.joint_events += 1
        elif kind == ActivityKind.STUDY:
            self.study_sessions += 1
        elif kind == ActivityKind.TALK:
            self.talks += 1


@dataclass(frozen=True)
class StudyHours:
    member: Member
    group_id: int | None
    group_name: str
    hours: Decimal
    required: Decimal | None  # the yearly rule, for a calendar year; None for another period

    @property
    def short_by(self) -> Decimal:
        if self.required is None:
            return ZERO
        return max(self.required - self.hours, ZERO)

    @property
    def below(self) -> bool:
        return self.short_by > 0


@dataclass(frozen=True)
class WorkFigures:
    start: datetime.date
    end: datetime.date
    branch: WorkTotals
    groups: list[tuple[PartyGroup, WorkTotals]]  # every group of the branch, in order
    unassigned: WorkTotals  # activities of the whole branch, in no group
    study: list[StudyHours]  # every member on the roll, by name
    required_hours: Decimal | None  # the study rule, when the period is a calendar year
    reasons: list[str]  # the home-visit reasons, in the list's order

    @property
    def below_threshold(self) -> list[StudyHours]:
        return [row for row in self.study if row.below]


def is_calendar_year(start: datetime.date, end: datetime.date) -> bool:
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
        start.year == end.year
    )


def study_rule(branch, on: datetime.date) -> StudyRule | None:
    """The study rule in force on `on`: the branch's own, else the default."""
    rules = list(StudyRule.objects.filter(Q(branch=branch) | Q(branch__isnull=True)))
    own = DatedRules([r for r in rules if r.branch_id], key=lambda r: 0).in_force(
        0, on, before_first=False
    )
    default = DatedRules([r for r in rules if not r.branch_id], key=lambda r: 0)
    return own or default.in_force(0, on)


def _meetings_attended(branch, start, end) -> dict[int, int]:
    """Each member's 党课 and 主题党日 attended in the period."""
    rows = (
        Attendance.objects.filter(
            meeting__branch=branch,
            meeting__kind__in=GUEST_TYPES,
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
            presence=Presence.PRESENT,
        )
        .values("member_id")
        .annotate(n=Count("pk"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def work_figures(
    branch, start: datetime.date, end: datetime.date, *, talks: bool = True
) -> WorkFigures:
    """The totals of `branch`'s other work held from `start` to `end` (both included), for
    the branch, each group and the activities of no group; and every member's study hours,
    checked against the yearly rule when the period is a calendar year (with the 党课 and
    主题党日 attended, where the branch's rule counts them). `talks=False` leaves the talks
    out (for readers who may not know of them). At most 8 queries, whatever the numbers."""
    activities = Activity.objects.filter(branch=branch).between(start, end)
    if not talks:
        activities = activities.exclude(kind=ActivityKind.TALK)
    activities = list(activities.select_related("home_visit_reason"))
    hours: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in ActivityParticipant.objects.filter(
        activity__branch=branch,
        activity__held_on__gte=start,
        activity__held_on__lte=end,
        activity__kind__in=HOURS_KINDS,
    ).values("activity_id", "member_id", "hours", "activity__hours"):
        hours[row["activity_id"]][row["member_id"]] = row["hours"] or row["activity__hours"] or ZERO
    groups = list(PartyGroup.objects.filter(branch=branch).order_by("sort_order", "name"))
    totals = {group.pk: WorkTotals() for group in groups}
    branch_totals, unassigned = WorkTotals(), WorkTotals()
    study_hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for activity in activities:
        spent = hours.get(activity.pk, {})
        branch_totals.add(activity, spent)
        (totals.get(activity.group_id) or unassigned).add(activity, spent)
        if activity.kind == ActivityKind.STUDY:
            for member_id, member_hours in spent.items():
                study_hours[member_id] += member_hours
    rule = study_rule(branch, end)
    if rule is not None and rule.meeting_hours:
        for member_id, attended in _meetings_attended(branch, start, end).items():
            study_hours[member_id] += attended * rule.meeting_hours
    required = rule.hours_per_year if rule and is_calendar_year(start, end) else None
    members = (
        Member.objects.filter(branch=branch)
        .on_roll()
        .prefetch_related(
            Prefetch(
                "group_memberships",
                queryset=GroupMembership.objects.current().select_related("group"),
                to_attr="current_groups",
            )
        )
        .order_by("name")
    )
    study = [
        StudyHours(
            member=member,
            group_id=member.current_groups[0].group_id if member.current_groups else None,
            group_name=member.current_groups[0].group.name if member.current_groups else "",
            hours=study_hours.get(member.pk, ZERO),
            required=required,
        )
        for member in members
    ]
    reasons = list(
        HomeVisitReason.objects.filter(Q(branch=branch) | Q(branch__isnull=True))
        .order_by("sort_order", "name")
        .values_list("name", flat=True)
    )
    for scope in (branch_totals, unassigned, *totals.values()):
        scope.home_visits_by_reason = {
            reason: scope.home_visits_by_reason[reason]
            for reason in [*reasons, *scope.home_visits_by_reason]
            if reason in scope.home_visits_by_reason
        }
    return WorkFigures(
        start=start,
        end=end,
        branch=branch_totals,
        groups=[(group, totals[group.pk]) for group in groups],
        unassigned=unassigned,
        study=study,
        required_hours=required,
        reasons=reasons,
    )


def listed_activities(
    branch,
    *,
    year: int,
    groups: frozenset[int] | None,
    talks: bool,
    kind: str = "",
    group: str = "",
    query: str = "",
):
    """The activities of `year` a reader sees (their `groups`, None for all; talks for those
    who may know of them), filtered by kind, group id and a search in the title, the
    counterpart and the place; newest first."""
    activities = Activity.objects.filter(branch=branch, held_on__year=year)
    if groups is not None:
        activities = activities.filter(group__in=groups).exclude(kind=ActivityKind.TALK)
    elif not talks:
        activities = activities.exclude(kind=ActivityKind.TALK)
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    if group.isdigit():
        activities = activities.filter(group_id=int(group))
    if query:
        activities = activities.filter(
            Q(title__icontains=query) | Q(counterpart__icontains=query) | Q(place__icontains=query)
        )
    return activities.order_by("-held_on", "-pk")
