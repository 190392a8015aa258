"""Recruitment (发展党员, domain §3): recording the steps, the rules that check them, and the
to-do list they produce.

The steps and the time limits are rows (`RecruitmentStep`, `TimeRule`); this module knows what
each rule means — which two dates it compares — and looks its value up in the rule book. A
period is measured by the rule in force on the day it starts: the talk deadline by the rule of
the application date, the approval deadline by the rule of the general meeting, and so on.

Services write (`recruitment_step_record`, `recruitment_applicant_add`), selectors read
(`recruitment_todo`, `recruitment_pipeline`, `recruitment_person`). Refusals are raised as
`ValidationError`; what breaks a time rule or the order of the steps is returned as warnings,
which the pages show and ask the user to confirm.
"""

import datetime
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branchsite.audit import audited_save
from branchsite.dates import add_months, add_years
from branchsite.rules import DatedRules
from groups.models import Branch
from members.models import (
    Category,
    Member,
    PeopleRole,
    RecruitmentRecord,
    RecruitmentStep,
    Status,
    TimeRule,
    TimeRuleCode,
    TimeUnit,
)

STAGES = [
    Category.APPLICANT,
    Category.ACTIVIST,
    Category.CANDIDATE,
    Category.PROBATIONARY,
    Category.FULL,
]
RECRUITING_STAGES = STAGES[:3]


class StepCode:
    """The steps whose dates the time rules compare. The other steps are plain data."""

    APPLICATION = "application"
    TALK = "talk"
    ACTIVIST_CHOSEN = "activist_chosen"
    MENTORS = "mentors_assigned"
    ACTIVIST_REVIEW = "activist_review"
    CANDIDATE_CHOSEN = "candidate_chosen"
    SPONSORS = "sponsors_assigned"
    TRAINING = "training"
    ADMISSION_MEETING = "admission_meeting"
    ADMISSION_APPROVAL = "admission_approval"
    FULL_APPLICATION = "full_application"
    FULL_MEETING = "full_meeting"
    EXTENSION = "probation_extended"
    FULL_APPROVAL = "full_approval"


# Steps of the full-membership round: after an extension of probation they are taken again.
FULL_MEMBERSHIP_ROUND = {
    StepCode.FULL_APPLICATION,
    StepCode.FULL_MEETING,
    StepCode.FULL_APPROVAL,
}


def stage_index(category: str) -> int:
    return STAGES.index(category)


# --- dates and rules --------------------------------------------------------------------


def add_period(day: datetime.date, value: int, unit: str) -> datetime.date:
    if unit == TimeUnit.DAYS:
        return day + datetime.timedelta(days=value)
    if unit == TimeUnit.MONTHS:
        return add_months(day, value)
    if unit == TimeUnit.YEARS:
        return add_years(day, value)
    raise ValueError(f"{unit!r} is not a length of time")


def describe(value: int, unit: str) -> str:
    """'1个月', '3天', '24学时'."""
    if unit == TimeUnit.DAYS:
        text = ngettext("%(count)s day", "%(count)s days", value)
    elif unit == TimeUnit.MONTHS:
        text = ngettext("%(count)s month", "%(count)s months", value)
    elif unit == TimeUnit.YEARS:
        text = ngettext("%(count)s year", "%(count)s years", value)
    else:
        text = ngettext("%(count)s class hour", "%(count)s class hours", value)
    return text % {"count": value}


def _date(day: datetime.date) -> str:
    return date_format(day)


class RuleBook:
    """Every time rule, read in one query. `rule(code, on)` is the one in force on a date
    (`branchsite.rules`: before the first rule on record, the first one applies)."""

    def __init__(self, rules: Iterable[TimeRule]):
        self._rules = DatedRules(rules, key=lambda rule: rule.code)

    @classmethod
    def load(cls) -> "RuleBook":
        return cls(TimeRule.objects.all())

    def rule(self, code: str, on: datetime.date) -> TimeRule:
        rule = self._rules.in_force(code, on)
        if rule is None:
            raise LookupError(
                f"No recruitment time rule {code!r} is recorded; add it in the workbench."
            )
        return rule

    def value(self, code: str, on: datetime.date) -> int:
        return self.rule(code, on).value

    def after(self, code: str, start: datetime.date) -> datetime.date:
        """The end of the period `code` that starts on `start`."""
        rule = self.rule(code, start)
        return add_period(start, rule.value, rule.unit)

    def describe(self, code: str, on: datetime.date) -> str:
        rule = self.rule(code, on)
        return describe(rule.value, rule.unit)


# --- one person's steps -----------------------------------------------------------------


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


def _training_is_enough(days: int, hours: int, rules: RuleBook, on: datetime.date) -> bool:
    return days >= rules.value(TimeRuleCode.TRAINING_MIN_DAYS, on) or hours >= rules.value(
        TimeRuleCode.TRAINING_MIN_HOURS, on
    )


def _training_minimum(rules: RuleBook, on: datetime.date) -> dict:
    return {
        "days": rules.describe(TimeRuleCode.TRAINING_MIN_DAYS, on),
        "hours": rules.describe(TimeRuleCode.TRAINING_MIN_HOURS, on),
    }


def _training_given(days: int, hours: int) -> str:
    parts = []
    if days:
        parts.append(describe(days, TimeUnit.DAYS))
    if hours:
        parts.append(describe(hours, TimeUnit.HOURS))
    return "、".join(parts) or describe(0, TimeUnit.DAYS)


# --- checking a step before it is recorded ----------------------------------------------


@dataclass
class StepInput:
    """What the user entered for a step."""

    member: Member
    step: RecruitmentStep
    on: datetime.date
    people: list[Member] = field(default_factory=list)
    has_document: bool = False
    training_days: int | None = None
    class_hours: int | None = None
    extension_months: int | None = None


def _refusals(entry: StepInput, timeline: Timeline, today: datetime.date) -> list[str]:
    """What cannot be recorded at all (as opposed to warnings, which the user may confirm)."""
    member, step = entry.member, entry.step
    errors = []
    if member.status != Status.ACTIVE:
        errors.append(
            _("%(name)s is %(status)s: their recruitment record cannot be continued.")
            % {"name": member.name, "status": member.get_status_display()}
        )
    if entry.on > today:
        errors.append(
            _("The date %(date)s is in the future: record a step once it has been taken.")
            % {"date": _date(entry.on)}
        )
    if step.code == StepCode.EXTENSION and (extended_on := timeline.extended_on()):
        errors.append(
            _("Probation can be extended only once; %(name)s's was extended on %(date)s.")
            % {"name": member.name, "date": _date(extended_on)}
        )
    elif not step.repeatable and (earlier := timeline.of_step(step.code)):
        errors.append(
            _(
                "“%(step)s” was already recorded on %(date)s. To correct it, change that "
                "record in the workbench."
            )
            % {"step": step.name, "date": _date(earlier[0].done_on)}
        )
    if step.code == StepCode.EXTENSION and not entry.extension_months:
        errors.append(_("Enter by how many months probation is extended."))
    if (
        step.advances_to == Category.FULL
        and member.category != Category.FULL
        and member.joined_on is None
    ):
        errors.append(
            _(
                "%(name)s has no date of joining: record the general meeting's resolution "
                "(支部大会讨论) first."
            )
            % {"name": member.name}
        )
    if step.people_role != PeopleRole.NONE:
        errors.extend(_people_refusals(entry))
    return errors


def _people_refusals(entry: StepInput) -> list[str]:
    member, step = entry.member, entry.step
    errors = []
    if any(person.pk == member.pk for person in entry.people):
        errors.append(_("%(name)s cannot be chosen for their own step.") % {"name": member.name})
    allowed = Member.objects.on_roll().filter(branch=member.branch_id)
    if step.people_role in (PeopleRole.MENTORS, PeopleRole.SPONSORS):
        allowed = allowed.filter(category=Category.FULL)
        message = _("%(names)s: %(role)s must be full members of %(branch)s.")
    else:
        message = _("%(names)s: only Party members of %(branch)s can be recorded here.")
    allowed_ids = set(
        allowed.filter(pk__in=[p.pk for p in entry.people]).values_list("pk", flat=True)
    )
    outside = [p.name for p in entry.people if p.pk not in allowed_ids and p.pk != member.pk]
    if outside:
        errors.append(
            message
            % {
                "names": "、".join(outside),
                "role": step.get_people_role_display(),
                "branch": member.branch.name,
            }
        )
    return errors


def _warnings(
    entry: StepInput, timeline: Timeline, rules: RuleBook, steps: list[RecruitmentStep]
) -> list[str]:
    """What breaks the order of the steps or a time rule. Each is one sentence."""
    member, step, on = entry.member, entry.step, entry.on
    warnings = []
    if member.category != step.stage:
        warnings.append(
            _("%(name)s is a %(category)s, but “%(step)s” is a step for a %(stage)s.")
            % {
                "name": member.name,
                "category": member.get_category_display(),
                "step": step.name,
                "stage": Category(step.stage).label,
            }
        )
    missing = [
        s.name
        for s in steps
        if s.stage == step.stage
        and s.order < step.order
        and not s.optional
        and not timeline.has(s.code)
    ]
    if missing:
        warnings.append(
            _("Earlier steps not recorded yet: %(steps)s.") % {"steps": "、".join(missing)}
        )
    later_earlier_step = next(
        (r for r in reversed(timeline.records) if r.step.order < step.order and r.done_on > on),
        None,
    )
    if later_earlier_step is not None:
        warnings.append(
            _(
                "%(date)s is before “%(step)s” (%(step_date)s), which comes earlier in the "
                "procedure."
            )
            % {
                "date": _date(on),
                "step": later_earlier_step.step.name,
                "step_date": _date(later_earlier_step.done_on),
            }
        )
    if step.requires_document and not entry.has_document:
        warnings.append(
            _(
                "“%(step)s” leaves a document (%(documents)s): upload it, or enter where the "
                "paper is kept."
            )
            % {"step": step.name, "documents": step.documents or step.name}
        )
    if step.people_role != PeopleRole.NONE:
        warnings.extend(_people_count_warnings(entry))
    rule_check = RULE_CHECKS.get(step.code)
    if rule_check is not None:
        warnings.extend(rule_check(entry, timeline, rules))
    return warnings


def _people_count_warnings(entry: StepInput) -> list[str]:
    step, count = entry.step, len(entry.people)
    if step.min_people <= count <= step.max_people:
        return []
    role = step.get_people_role_display()
    if step.min_people == step.max_people:
        message = _("“%(step)s” needs %(minimum)s %(role)s; %(count)s chosen.")
    else:
        message = _("“%(step)s” needs %(minimum)s to %(maximum)s %(role)s; %(count)s chosen.")
    return [
        message
        % {
            "step": step.name,
            "minimum": step.min_people,
            "maximum": step.max_people,
            "role": role,
            "count": count,
        }
    ]


def _check_application(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    member, on = entry.member, entry.on
    rule = rules.rule(TimeRuleCode.MINIMUM_AGE, on)
    if member.birth_date is None:
        return [
            _("No date of birth is recorded for %(name)s: the minimum age (%(age)s) is unchecked.")
            % {"name": member.name, "age": describe(rule.value, rule.unit)}
        ]
    of_age_on = add_period(member.birth_date, rule.value, rule.unit)
    if on < of_age_on:
        return [
            _(
                "%(name)s reaches the minimum age (%(age)s) on %(of_age)s: an application "
                "dated %(date)s comes too early."
            )
            % {
                "name": member.name,
                "age": describe(rule.value, rule.unit),
                "of_age": _date(of_age_on),
                "date": _date(on),
            }
        ]
    return []


def _check_talk(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    applied_on = timeline.first(StepCode.APPLICATION)
    if applied_on is None or entry.on <= (due := rules.after(TimeRuleCode.TALK_WITHIN, applied_on)):
        return []
    late = (entry.on - due).days
    return [
        ngettext(
            "The talk is due within %(limit)s of the application (%(applied)s), by %(due)s: "
            "%(date)s is %(days)s day late.",
            "The talk is due within %(limit)s of the application (%(applied)s), by %(due)s: "
            "%(date)s is %(days)s days late.",
            late,
        )
        % {
            "limit": rules.describe(TimeRuleCode.TALK_WITHIN, applied_on),
            "applied": _date(applied_on),
            "due": _date(due),
            "date": _date(entry.on),
            "days": late,
        }
    ]


def _check_candidate(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    since = timeline.first(StepCode.ACTIVIST_CHOSEN)
    if since is None:
        return [
            _(
                "The date %(name)s became an activist is not recorded: the time as activist is "
                "unchecked."
            )
            % {"name": entry.member.name}
        ]
    year_done = rules.after(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since)
    if entry.on > year_done:
        return []
    return [
        _(
            "An activist becomes a candidate after more than %(limit)s of training and review: "
            "%(name)s has been an activist since %(since)s, so from %(earliest)s at the earliest."
        )
        % {
            "limit": rules.describe(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since),
            "name": entry.member.name,
            "since": _date(since),
            "earliest": _date(year_done + datetime.timedelta(days=1)),
        }
    ]


def _check_training(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    if entry.training_days is None and entry.class_hours is None:
        return [
            _("Enter how long the training lasted: at least %(days)s or %(hours)s.")
            % _training_minimum(rules, entry.on)
        ]
    days, hours = timeline.training()
    days += entry.training_days or 0
    hours += entry.class_hours or 0
    if _training_is_enough(days, hours, rules, entry.on):
        return []
    return [
        _("The training lasted %(given)s in all; it must last at least %(days)s or %(hours)s.")
        % {"given": _training_given(days, hours), **_training_minimum(rules, entry.on)}
    ]


def _check_admission_meeting(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    days, hours = timeline.training()
    if timeline.has(StepCode.TRAINING) and _training_is_enough(days, hours, rules, entry.on):
        return []
    return [
        _(
            "No complete concentrated training is recorded (at least %(days)s or %(hours)s): "
            "save in special cases, a candidate is admitted only after it."
        )
        % _training_minimum(rules, entry.on)
    ]


def _approval_warnings(
    on: datetime.date, meeting: datetime.date | None, rules: RuleBook, within: str, at_most: str
) -> list[str]:
    if meeting is None:
        return []
    due = rules.after(within, meeting)
    if on <= due:
        return []
    values = {
        "limit": rules.describe(within, meeting),
        "meeting": _date(meeting),
        "due": _date(due),
        "date": _date(on),
    }
    if at_most:
        latest = rules.after(at_most, meeting)
        values.update(maximum=rules.describe(at_most, meeting), latest=_date(latest))
        if on > latest:
            return [
                _(
                    "Approval dated %(date)s is past even the longest limit: at most "
                    "%(maximum)s after the general meeting (%(meeting)s), by %(latest)s."
                )
                % values
            ]
        return [
            _(
                "Approval is due within %(limit)s of the general meeting (%(meeting)s), by "
                "%(due)s; a later date (up to %(maximum)s, by %(latest)s) needs a special reason."
            )
            % values
        ]
    return [
        _(
            "Approval is due within %(limit)s of the general meeting (%(meeting)s), by %(due)s; "
            "%(date)s is later."
        )
        % values
    ]


def _check_admission_approval(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    meeting = timeline.first(StepCode.ADMISSION_MEETING) or entry.member.joined_on
    return _approval_warnings(
        entry.on, meeting, rules, TimeRuleCode.APPROVAL_WITHIN, TimeRuleCode.APPROVAL_AT_MOST
    )


def _check_full_application(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    end = probation_end(entry.member, timeline, rules)
    if end is None or entry.on <= end:
        return []
    return [
        _(
            "The application for full membership is due before probation ends (%(end)s); "
            "%(date)s is after it."
        )
        % {"end": _date(end), "date": _date(entry.on)}
    ]


def _check_full_meeting(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    end = probation_end(entry.member, timeline, rules)
    if end is None or entry.on >= end:
        return []
    return [
        _(
            "Probation ends on %(end)s: the general meeting discusses full membership once it "
            "has ended, not on %(date)s."
        )
        % {"end": _date(end), "date": _date(entry.on)}
    ]


def _check_full_approval(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    warnings = []
    if entry.member.joined_on is None:
        return warnings  # refused when the stage advances
    end = probation_end(entry.member, timeline, rules)
    if end is not None and entry.on < end:
        warnings.append(
            _("Probation ends on %(end)s: approving full membership on %(date)s is too early.")
            % {"end": _date(end), "date": _date(entry.on)}
        )
    warnings.extend(
        _approval_warnings(
            entry.on,
            timeline.last(StepCode.FULL_MEETING),
            rules,
            TimeRuleCode.FULL_APPROVAL_WITHIN,
            "",
        )
    )
    return warnings


def _check_extension(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    warnings = []
    months = entry.extension_months
    if months:
        minimum = rules.rule(TimeRuleCode.EXTENSION_MIN, entry.on)
        maximum = rules.rule(TimeRuleCode.EXTENSION_MAX, entry.on)
        start = probation_end(entry.member, timeline, rules) or entry.on
        extended_end = add_months(start, months)
        if not (
            add_period(start, minimum.value, minimum.unit)
            <= extended_end
            <= add_period(start, maximum.value, maximum.unit)
        ):
            warnings.append(
                _("Probation is extended by %(minimum)s to %(maximum)s; %(given)s is outside that.")
                % {
                    "minimum": describe(minimum.value, minimum.unit),
                    "maximum": describe(maximum.value, maximum.unit),
                    "given": describe(months, TimeUnit.MONTHS),
                }
            )
    return warnings


RULE_CHECKS = {
    StepCode.APPLICATION: _check_application,
    StepCode.TALK: _check_talk,
    StepCode.CANDIDATE_CHOSEN: _check_candidate,
    StepCode.TRAINING: _check_training,
    StepCode.ADMISSION_MEETING: _check_admission_meeting,
    StepCode.ADMISSION_APPROVAL: _check_admission_approval,
    StepCode.FULL_APPLICATION: _check_full_application,
    StepCode.FULL_MEETING: _check_full_meeting,
    StepCode.EXTENSION: _check_extension,
    StepCode.FULL_APPROVAL: _check_full_approval,
}


def recruitment_step_check(
    *,
    member: Member,
    step: RecruitmentStep,
    on: datetime.date,
    people: Iterable[Member] = (),
    has_document: bool = False,
    training_days: int | None = None,
    class_hours: int | None = None,
    extension_months: int | None = None,
    today: datetime.date | None = None,
) -> list[str]:
    """The warnings recording this step would give; raises ValidationError if it would be
    refused. Nothing is saved."""
    entry = StepInput(
        member=member,
        step=step,
        on=on,
        people=list(people),
        has_document=has_document,
        training_days=training_days,
        class_hours=class_hours,
        extension_months=extension_months,
    )
    timeline = Timeline.of(member)
    errors = _refusals(entry, timeline, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return _warnings(entry, timeline, RuleBook.load(), list(RecruitmentStep.objects.all()))


# --- services -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecorded:
    record: RecruitmentRecord
    warnings: list[str]


@transaction.atomic
def recruitment_step_record(
    *,
    member: Member,
    step: RecruitmentStep,
    on: datetime.date,
    people: Iterable[Member] = (),
    document=None,
    reference: str = "",
    note: str = "",
    training_days: int | None = None,
    class_hours: int | None = None,
    extension_months: int | None = None,
    acting_user,
    today: datetime.date | None = None,
) -> StepRecorded:
    """Record a step taken for `member`, and move them to the next stage when the step does
    (确定入党积极分子 → activist, 支部大会讨论 → probationary from that day, …).

    Refusals raise ValidationError. Warnings (order, time rules) do not stop the record: they
    are returned, and kept on the record as confirmed by `acting_user`. Pages check first
    with `recruitment_step_check` and ask for confirmation.
    """
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    entry = StepInput(
        member=member,
        step=step,
        on=on,
        people=list(people),
        has_document=bool(document) or bool(reference.strip()),
        training_days=training_days,
        class_hours=class_hours,
        extension_months=extension_months,
    )
    timeline = Timeline.of(member)
    errors = _refusals(entry, timeline, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    rules = RuleBook.load()
    warnings = _warnings(entry, timeline, rules, list(RecruitmentStep.objects.all()))

    record = RecruitmentRecord(
        member=member,
        step=step,
        done_on=on,
        reference=reference.strip(),
        note=note.strip(),
        training_days=training_days,
        class_hours=class_hours,
        extension_months=extension_months,
        warnings="\n".join(warnings),
    )
    if document:
        record.document = document
        record.document_name = os.path.basename(document.name)[-200:]
    audited_save(record, acting_user=acting_user)
    if entry.people:
        # Adding the people writes a second history row, with them, by the same user.
        record.people.set(entry.people)
    _advance_stage(member, step, on, timeline.with_record(record), rules, acting_user)
    return StepRecorded(record=record, warnings=warnings)


def _advance_stage(member, step, on, timeline, rules, acting_user) -> None:
    if not step.advances_to or stage_index(member.category) >= stage_index(step.advances_to):
        return
    if step.advances_to == Category.PROBATIONARY:
        # The general meeting's resolution is the 入党时间; probation runs from it.
        member.joined_on = on
    elif step.advances_to == Category.FULL:
        end = probation_end(member, timeline, rules)  # refused earlier when there is none
        # Full membership (and 党龄) counts from the end of probation, not the approval.
        member.full_member_on = end
    member.category = step.advances_to
    audited_save(member, acting_user=acting_user)


def _new_applicant(*, branch, name, gender, birth_date, id_number, phone, office) -> Member:
    return Member(
        branch=branch,
        name=name.strip(),
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        office=office,
        category=Category.APPLICANT,
        joined_on=None,
        full_member_on=None,
    )


def recruitment_applicant_check(
    *,
    branch: Branch,
    name: str,
    gender: str,
    birth_date: datetime.date | None,
    id_number: str = "",
    phone: str = "",
    office: str = "",
    applied_on: datetime.date,
    has_document: bool = False,
    today: datetime.date | None = None,
) -> list[str]:
    """The warnings adding this applicant would give (the minimum age, a missing document);
    raises ValidationError for a record that cannot be saved. Nothing is saved."""
    member = _new_applicant(
        branch=branch,
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        office=office,
    )
    member.full_clean()  # the identity number and phone checks, duplicates
    member.timeline_records = []  # someone new has no steps yet
    return recruitment_step_check(
        member=member,
        step=RecruitmentStep.objects.get(code=StepCode.APPLICATION),
        on=applied_on,
        has_document=has_document,
        today=today,
    )


@transaction.atomic
def recruitment_applicant_add(
    *,
    branch: Branch,
    name: str,
    gender: str,
    birth_date: datetime.date | None,
    id_number: str = "",
    phone: str = "",
    office: str = "",
    applied_on: datetime.date,
    document=None,
    reference: str = "",
    note: str = "",
    acting_user,
    today: datetime.date | None = None,
) -> StepRecorded:
    """Open a recruitment record: a new person who handed in an application (递交入党申请书)."""
    member = _new_applicant(
        branch=branch,
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        office=office,
    )
    audited_save(member, acting_user=acting_user)
    return recruitment_step_record(
        member=member,
        step=RecruitmentStep.objects.get(code=StepCode.APPLICATION),
        on=applied_on,
        document=document,
        reference=reference,
        note=note,
        acting_user=acting_user,
        today=today,
    )


# --- selectors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """Something due for one person. `level` is a Bootstrap colour: danger is overdue,
    warning is due soon (or a step is missing), info is a step the person may now take."""

    member: Member
    kind: str
    message: str
    due_on: datetime.date | None = None
    level: str = "warning"

    @property
    def overdue(self) -> bool:
        return self.level == "danger"

    @property
    def url(self) -> str:
        return reverse("recruitment:person", args=[self.member.pk])


LEVEL_RANK = {"danger": 0, "warning": 1, "info": 2}


def member_todo(
    member: Member, timeline: Timeline, rules: RuleBook, today: datetime.date
) -> list[TodoItem]:
    """What is due for one person at their stage, computed from the steps and the rules."""
    due_soon_until = rules.after(TimeRuleCode.REMINDER_LEAD, today)
    compute = {
        Category.APPLICANT: _applicant_todo,
        Category.ACTIVIST: _activist_todo,
        Category.CANDIDATE: _candidate_todo,
        Category.PROBATIONARY: _probationary_todo,
    }.get(member.category)
    if compute is None:
        return []
    return compute(member, timeline, rules, today, due_soon_until)


def _applicant_todo(member, timeline, rules, today, due_soon_until):
    applied_on = timeline.first(StepCode.APPLICATION)
    if applied_on is None:
        return [
            TodoItem(
                member,
                "application",
                _("The date of the application (递交入党申请书) is not recorded."),
            )
        ]
    if timeline.has(StepCode.TALK):
        return []
    due = rules.after(TimeRuleCode.TALK_WITHIN, applied_on)
    values = {"due": _date(due), "applied": _date(applied_on)}
    if today > due:
        message = _("The talk with the applicant was due by %(due)s (applied %(applied)s).")
        return [TodoItem(member, "talk", message % values, due, "danger")]
    message = _("Talk with the applicant by %(due)s (applied %(applied)s).")
    return [TodoItem(member, "talk", message % values, due, "warning")]


def _activist_todo(member, timeline, rules, today, due_soon_until):
    since = timeline.first(StepCode.ACTIVIST_CHOSEN)
    if since is None:
        return [
            TodoItem(
                member,
                "activist_chosen",
                _("The date the person became an activist is not recorded."),
            )
        ]
    items = []
    if not timeline.has(StepCode.MENTORS):
        items.append(TodoItem(member, "mentors", _("No mentors (培养联系人) assigned yet.")))
    last_review = max(since, timeline.last(StepCode.ACTIVIST_REVIEW) or since)
    due = rules.after(TimeRuleCode.ACTIVIST_REVIEW_EVERY, last_review)
    values = {"due": _date(due), "last": _date(last_review)}
    if today > due:
        message = _("The half-year review was due by %(due)s (last on %(last)s).")
        items.append(TodoItem(member, "review", message % values, due, "danger"))
    elif due <= due_soon_until:
        message = _("Half-year review due by %(due)s (last on %(last)s).")
        items.append(TodoItem(member, "review", message % values, due, "warning"))
    eligible_on = rules.after(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since) + datetime.timedelta(
        days=1
    )
    if eligible_on <= due_soon_until:
        values = {"since": _date(since), "date": _date(eligible_on)}
        if eligible_on <= today:
            message = _("Activist since %(since)s: may be made a candidate (since %(date)s).")
        else:
            message = _("Activist since %(since)s: may be made a candidate from %(date)s.")
        items.append(TodoItem(member, "candidate", message % values, eligible_on, "info"))
    return items


def _candidate_todo(member, timeline, rules, today, due_soon_until):
    items = []
    if not timeline.has(StepCode.SPONSORS):
        items.append(TodoItem(member, "sponsors", _("No sponsors (入党介绍人) recorded yet.")))
    days, hours = timeline.training()
    if not timeline.has(StepCode.TRAINING):
        items.append(
            TodoItem(
                member,
                "training",
                _("No concentrated training recorded (at least %(days)s or %(hours)s).")
                % _training_minimum(rules, today),
            )
        )
    elif not _training_is_enough(days, hours, rules, today):
        items.append(
            TodoItem(
                member,
                "training",
                _("Training so far: %(given)s; at least %(days)s or %(hours)s are needed.")
                % {"given": _training_given(days, hours), **_training_minimum(rules, today)},
            )
        )
    return items


def _probationary_todo(member, timeline, rules, today, due_soon_until):
    items = []
    meeting = timeline.first(StepCode.ADMISSION_MEETING)
    # Only admissions handled here are followed up: a member entered with a date of joining
    # and no steps was approved before the records began.
    if meeting is not None and not timeline.has(StepCode.ADMISSION_APPROVAL):
        due = rules.after(TimeRuleCode.APPROVAL_WITHIN, meeting)
        latest = rules.after(TimeRuleCode.APPROVAL_AT_MOST, meeting)
        values = {"due": _date(due), "latest": _date(latest), "meeting": _date(meeting)}
        if today > latest:
            message = _(
                "Approval of the admission is past the longest limit (%(latest)s; general "
                "meeting %(meeting)s)."
            )
            items.append(TodoItem(member, "approval", message % values, latest, "danger"))
        elif today > due:
            message = _(
                "Approval of the admission was due by %(due)s (general meeting %(meeting)s); "
                "at most by %(latest)s."
            )
            items.append(TodoItem(member, "approval", message % values, due, "danger"))
        else:
            message = _(
                "The upper committee's approval is due by %(due)s (general meeting %(meeting)s)."
            )
            items.append(TodoItem(member, "approval", message % values, due, "warning"))

    end = probation_end(member, timeline, rules)
    if end is None:
        return items
    extended = timeline.extended_on() is not None
    values = {"end": _date(end)}
    if not timeline.has(StepCode.FULL_APPLICATION):
        if today > end:
            message = (
                _("The extended probation ended on %(end)s; no application for full membership.")
                if extended
                else _("Probation ended on %(end)s; no application for full membership.")
            )
            items.append(TodoItem(member, "full_application", message % values, end, "danger"))
        elif end <= due_soon_until:
            message = (
                _(
                    "The extended probation ends on %(end)s: the application for full "
                    "membership is due."
                )
                if extended
                else _("Probation ends on %(end)s: the application for full membership is due.")
            )
            items.append(TodoItem(member, "full_application", message % values, end, "warning"))
    elif not timeline.has(StepCode.FULL_MEETING):
        if end <= due_soon_until:
            level = "danger" if today > end else "warning"
            message = _("Probation ends on %(end)s: the general meeting on full membership is due.")
            items.append(TodoItem(member, "full_meeting", message % values, end, level))
    elif not timeline.has(StepCode.FULL_APPROVAL):
        meeting = timeline.last(StepCode.FULL_MEETING)
        due = rules.after(TimeRuleCode.FULL_APPROVAL_WITHIN, meeting)
        level = "danger" if today > due else "warning"
        message = _(
            "Approval of full membership is due by %(due)s (general meeting %(meeting)s)."
        ) % {"due": _date(due), "meeting": _date(meeting)}
        items.append(TodoItem(member, "full_approval", message, due, level))
    return items


def _sorted(items: list[TodoItem]) -> list[TodoItem]:
    far = datetime.date.max
    return sorted(
        items, key=lambda i: (LEVEL_RANK[i.level], i.due_on or far, i.member.name, i.kind)
    )


def _pipeline_members(branch: Branch, *, with_people: bool = False):
    """Everyone whose recruitment the branch follows: applicants to candidates, and the
    probationary members on the roll, each with their records."""
    return (
        Member.objects.filter(branch=branch)
        .filter(
            Q(status=Status.ACTIVE, category__in=RECRUITING_STAGES)
            | Q(
                status__in=[Status.ACTIVE, Status.SUSPENDED],
                category=Category.PROBATIONARY,
            )
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
    return _sorted(items)


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


STAGE_ENTRY_STEP = {
    Category.APPLICANT: StepCode.APPLICATION,
    Category.ACTIVIST: StepCode.ACTIVIST_CHOSEN,
    Category.CANDIDATE: StepCode.CANDIDATE_CHOSEN,
}


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
        items=_sorted(member_todo(member, timeline, rules, today)),
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
