"""One person's recruitment steps in date order, and the dates that follow from them."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from branchsite.dates import add_months
from members.models import Member, RecruitmentRecord, TimeRuleCode
from members.recruitment.rules import RuleBook
from members.recruitment.stages import FULL_MEMBERSHIP_ROUND, StepCode


def records_prefetch(*, with_people: bool = False) -> Prefetch:
    """The recruitment records of each member, in date order, as `member.timeline_records`."""
    records = RecruitmentRecord.objects.select_related("step").order_by(
        "done_on", "step__order", "pk"
    )
    if with_people:
        records = records.prefetch_related(
            Prefetch("people", queryset=Member.objects.order_by("name"))
        )
    return Prefetch("recruitment_records", queryset=records, to_attr="timeline_records")


@dataclass
class Timeline:
    """The steps recorded for one person, in date order."""

    records: list[RecruitmentRecord]

    @classmethod
    def of(cls, member: Member) -> "Timeline":
        records = getattr(member, "timeline_records", None)
        if records is None:
            records = list(
                member.recruitment_records.select_related("step").order_by(
                    "done_on", "step__order", "pk"
                )
            )
        return cls(list(records))

    def with_record(self, record: RecruitmentRecord) -> "Timeline":
        records = [*self.records, record]
        records.sort(key=lambda r: (r.done_on, r.step.order))
        return Timeline(records)

    def extended_on(self) -> datetime.date | None:
        """The date probation was last extended, if it was."""
        dates = [r.done_on for r in self.records if r.step.code == StepCode.EXTENSION]
        return dates[-1] if dates else None

    def of_step(self, code: str) -> list[RecruitmentRecord]:
        """The records of a step; for the full-membership steps, only those of the current
        round (after the last extension of probation)."""
        records = [r for r in self.records if r.step.code == code]
        extended_on = self.extended_on()
        if code in FULL_MEMBERSHIP_ROUND and extended_on is not None:
            records = [r for r in records if r.done_on > extended_on]
        return records

    def first(self, code: str) -> datetime.date | None:
        records = self.of_step(code)
        return records[0].done_on if records else None

    def last(self, code: str) -> datetime.date | None:
        records = self.of_step(code)
        return records[-1].done_on if records else None

    def has(self, code: str) -> bool:
        return bool(self.of_step(code))

    def training(self) -> tuple[int, int]:
        """Days and class hours of concentrated training recorded so far."""
        records = self.of_step(StepCode.TRAINING)
        return (
            sum(r.training_days or 0 for r in records),
            sum(r.class_hours or 0 for r in records),
        )


def probation_end(member: Member, timeline: Timeline, rules: RuleBook) -> datetime.date | None:
    """A year (the rule in force when admitted) from the general meeting's resolution
    (`joined_on`), plus any extension."""
    if member.joined_on is None:
        return None
    end = rules.after(TimeRuleCode.PROBATION, member.joined_on)
    for record in timeline.of_step(StepCode.EXTENSION):
        end = add_months(end, record.extension_months or 0)
    return end
