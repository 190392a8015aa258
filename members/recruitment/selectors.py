"""Recruitment reads: the branch's to-do list, its people by stage, and one person's record.
Each costs a fixed number of queries, whatever the number of people."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from groups.models import Branch
from members.models import (
    ON_ROLL_STATUSES,
    Category,
    Member,
    RecruitmentRecord,
    RecruitmentStep,
    Status,
)
from members.recruitment.rules import RuleBook
from members.recruitment.stages import RECRUITING_STAGES, STAGE_ENTRY_STEP, STAGES, StepCode
from members.recruitment.timeline import Timeline, probation_end, records_prefetch
from members.recruitment.todo import LEVEL_RANK, TodoItem, member_todo, sorted_by_urgency


def _pipeline_members(branch: Branch, *, with_people: bool = False):
    """Everyone whose recruitment the branch follows: applicants to candidates, and the
    probationary members on the roll, each with their records."""
    return (
        Member.objects.filter(branch=branch)
        .filter(
            Q(status=Status.ACTIVE, category__in=RECRUITING_STAGES)
            | Q(status__in=ON_ROLL_STATUSES, category=Category.PROBATIONARY)
        )
        .prefetch_related(records_prefetch(with_people=with_people))
        .order_by("name", "pk")
    )


def recruitment_todo(branch: Branch, today: datetime.date | None = None) -> list[TodoItem]:
    """The secretary's to-do list (待办): overdue first, then by due date. Three queries."""
    today = today or timezone.localdate()
    rules = RuleBook.load()
    items = []
    for member in _pipeline_members(branch):
        items.extend(member_todo(member, Timeline.of(member), rules, today))
    return sorted_by_urgency(items)


@dataclass
class PersonSummary:
    """One row of the pipeline page."""

    member: Member
    timeline: Timeline
    applied_on: datetime.date | None
    stage_since: datetime.date | None
    probation_ends_on: datetime.date | None
    extended: bool
    next_step: RecruitmentStep | None
    items: list[TodoItem]

    @property
    def worst_level(self) -> str | None:
        return min((i.level for i in self.items), key=LEVEL_RANK.get, default=None)


def next_step(
    member: Member, timeline: Timeline, steps: list[RecruitmentStep]
) -> RecruitmentStep | None:
    """The first step of the person's stage not yet recorded (repeated steps once recorded
    count as done)."""
    return next(
        (
            s
            for s in steps
            if s.stage == member.category and not s.optional and not timeline.has(s.code)
        ),
        None,
    )


def _summary(member, rules, steps, today) -> PersonSummary:
    timeline = Timeline.of(member)
    entry_step = STAGE_ENTRY_STEP.get(member.category)
    return PersonSummary(
        member=member,
        timeline=timeline,
        applied_on=timeline.first(StepCode.APPLICATION),
        stage_since=timeline.first(entry_step) if entry_step else member.joined_on,
        probation_ends_on=probation_end(member, timeline, rules),
        extended=timeline.extended_on() is not None,
        next_step=next_step(member, timeline, steps),
        items=sorted_by_urgency(member_todo(member, timeline, rules, today)),
    )


def recruitment_pipeline(branch: Branch, today: datetime.date | None = None) -> dict:
    """People by stage (applicants, activists, candidates), and the probationary members by
    the end of their probation. Four queries, whatever the number of people."""
    today = today or timezone.localdate()
    rules = RuleBook.load()
    steps = list(RecruitmentStep.objects.all())
    people = [_summary(m, rules, steps, today) for m in _pipeline_members(branch)]
    stages = [
        (Category(stage), [p for p in people if p.member.category == stage])
        for stage in RECRUITING_STAGES
    ]
    probationary = sorted(
        (p for p in people if p.member.category == Category.PROBATIONARY),
        key=lambda p: (p.probation_ends_on or datetime.date.max, p.member.name),
    )
    items = [item for person in people for item in person.items]
    return {
        "stages": stages,
        "probationary": probationary,
        "todo_count": len(items),
        "overdue_count": sum(item.overdue for item in items),
        "today": today,
    }


@dataclass
class StepRow:
    step: RecruitmentStep
    records: list[RecruitmentRecord]
    can_record: bool  # repeated steps, and steps not recorded (in this round) yet


def recruitment_person(member: Member, today: datetime.date | None = None) -> dict:
    """One person's recruitment record: every step with what was recorded for it, grouped by
    stage; the dates that matter; and what is due. Five queries."""
    today = today or timezone.localdate()
    rules = RuleBook.load()
    steps = list(RecruitmentStep.objects.all())
    member = (
        Member.objects.filter(pk=member.pk)
        .select_related("branch")
        .prefetch_related(records_prefetch(with_people=True))
        .get()
    )
    summary = _summary(member, rules, steps, today)
    by_step = defaultdict(list)
    for record in summary.timeline.records:
        by_step[record.step_id].append(record)
    stages = [
        (
            Category(stage),
            [
                StepRow(
                    step,
                    by_step[step.pk],
                    can_record=step.repeatable or not summary.timeline.has(step.code),
                )
                for step in steps
                if step.stage == stage
            ],
        )
        for stage in STAGES
    ]
    return {
        "member": member,
        "summary": summary,
        "stages": [(stage, rows) for stage, rows in stages if rows],
        "activist_since": summary.timeline.first(StepCode.ACTIVIST_CHOSEN),
        "candidate_since": summary.timeline.first(StepCode.CANDIDATE_CHOSEN),
        "today": today,
    }
