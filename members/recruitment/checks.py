"""The checks before a step is recorded.

Refusals (what cannot be recorded at all) are raised as `ValidationError`; what breaks a time
rule or the order of the steps is returned as warnings, one sentence each, which the pages
show and ask the user to confirm.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branchsite.dates import add_months, long_date
from groups.models import PartyGroup
from groups.services import group_member_place_check
from members.models import (
    Category,
    Member,
    PeopleRole,
    RecruitmentStep,
    Status,
    TimeRuleCode,
    TimeUnit,
)
from members.recruitment.rules import (
    RuleBook,
    add_period,
    describe,
    describe_age,
    notice_length,
    training_given,
    training_is_enough,
    training_minimum,
)
from members.recruitment.stages import NOTICE_STEPS, StepCode
from members.recruitment.timeline import Timeline, probation_end


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
    notice_ends_on: datetime.date | None = None
    group: PartyGroup | None = None


def step_refusals(entry: StepInput, timeline: Timeline, today: datetime.date) -> list[str]:
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
            % {"date": long_date(entry.on)}
        )
    if step.code == StepCode.EXTENSION and (extended_on := timeline.extended_on()):
        errors.append(
            _("Probation can be extended only once; %(name)s's was extended on %(date)s.")
            % {"name": member.name, "date": long_date(extended_on)}
        )
    elif not step.repeatable and (earlier := timeline.of_step(step.code)):
        errors.append(
            _(
                "“%(step)s” was already recorded on %(date)s. To correct it, change that "
                "record in the workbench."
            )
            % {"step": step.name, "date": long_date(earlier[0].done_on)}
        )
    if step.code == StepCode.EXTENSION and not entry.extension_months:
        errors.append(_("Enter by how many months probation is extended."))
    if step.code == StepCode.PLACED_IN_GROUP:
        errors.extend(_group_refusals(entry))
    if step.code in NOTICE_STEPS and entry.notice_ends_on is None:
        errors.append(_("Enter the last day of the public notice."))
    elif entry.notice_ends_on is not None and entry.notice_ends_on < entry.on:
        errors.append(_("A public notice cannot end before it starts."))
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


def _group_refusals(entry: StepInput) -> list[str]:
    """编入党小组 places the new member in a group, by the group service's own rules."""
    if entry.group is None:
        return [_("Choose the party group %(name)s joins.") % {"name": entry.member.name}]
    (problem,) = group_member_place_check([(entry.group, entry.member)])
    return problem.messages if problem is not None else []


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


def step_warnings(
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
    # 取消预备党员资格 may come at any time of probation, not only after the steps before it.
    missing = [
        s.name
        for s in steps
        if step.code != StepCode.PROBATION_CANCELLED
        and s.stage == step.stage
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
                "date": long_date(on),
                "step": later_earlier_step.step.name,
                "step_date": long_date(later_earlier_step.done_on),
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
    if step.code in NOTICE_STEPS:
        warnings.extend(_check_notice(entry, rules))
    return warnings


def _check_notice(entry: StepInput, rules: RuleBook) -> list[str]:
    """A 公示 lasts at least the `public_notice` rule in force on its first day."""
    if entry.notice_ends_on is None:
        return []  # refused
    rule = rules.rule(TimeRuleCode.PUBLIC_NOTICE, entry.on)
    length = notice_length(entry.on, entry.notice_ends_on, rule.unit)
    if length >= rule.value:
        return []
    return [
        _("A public notice lasts at least %(limit)s: from %(first)s to %(last)s is %(length)s.")
        % {
            "limit": describe(rule.value, rule.unit),
            "first": long_date(entry.on),
            "last": long_date(entry.notice_ends_on),
            "length": describe(length, rule.unit),
        }
    ]


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
            % {"name": member.name, "age": describe_age(rule.value, rule.unit)}
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
                "age": describe_age(rule.value, rule.unit),
                "of_age": long_date(of_age_on),
                "date": long_date(on),
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
            "applied": long_date(applied_on),
            "due": long_date(due),
            "date": long_date(entry.on),
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
    # "一年以上" includes the year itself (以上 counts the number, 民法典 第一千二百五十九条):
    # an activist of 1 March may become a candidate on 1 March of the next year.
    earliest = rules.after(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since)
    if entry.on >= earliest:
        return []
    return [
        _(
            "An activist becomes a candidate after %(limit)s or more of training and review: "
            "%(name)s has been an activist since %(since)s, so from %(earliest)s at the earliest."
        )
        % {
            "limit": rules.describe(TimeRuleCode.ACTIVIST_BEFORE_CANDIDATE, since),
            "name": entry.member.name,
            "since": long_date(since),
            "earliest": long_date(earliest),
        }
    ]


def _check_training(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    if entry.training_days is None and entry.class_hours is None:
        return [
            _("Enter how long the training lasted: at least %(days)s or %(hours)s.")
            % training_minimum(rules, entry.on)
        ]
    days, hours = timeline.training()
    days += entry.training_days or 0
    hours += entry.class_hours or 0
    if training_is_enough(days, hours, rules, entry.on):
        return []
    return [
        _("The training lasted %(given)s in all; it must last at least %(days)s or %(hours)s.")
        % {"given": training_given(days, hours), **training_minimum(rules, entry.on)}
    ]


def _check_admission_meeting(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    days, hours = timeline.training()
    if timeline.has(StepCode.TRAINING) and training_is_enough(days, hours, rules, entry.on):
        return []
    return [
        _(
            "No complete concentrated training is recorded (at least %(days)s or %(hours)s): "
            "save in special cases, a candidate is admitted only after it."
        )
        % training_minimum(rules, entry.on)
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
        "meeting": long_date(meeting),
        "due": long_date(due),
        "date": long_date(on),
    }
    if at_most:
        latest = rules.after(at_most, meeting)
        values.update(maximum=rules.describe(at_most, meeting), latest=long_date(latest))
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
        % {"end": long_date(end), "date": long_date(entry.on)}
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
        % {"end": long_date(end), "date": long_date(entry.on)}
    ]


def _check_full_approval(entry: StepInput, timeline: Timeline, rules: RuleBook) -> list[str]:
    warnings = []
    if entry.member.joined_on is None:
        return warnings  # refused when the stage advances
    end = probation_end(entry.member, timeline, rules)
    if end is not None and entry.on < end:
        warnings.append(
            _("Probation ends on %(end)s: approving full membership on %(date)s is too early.")
            % {"end": long_date(end), "date": long_date(entry.on)}
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
    notice_ends_on: datetime.date | None = None,
    group: PartyGroup | None = None,
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
        notice_ends_on=notice_ends_on,
        group=group,
    )
    timeline = Timeline.of(member)
    errors = step_refusals(entry, timeline, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return step_warnings(entry, timeline, RuleBook.load(), list(RecruitmentStep.objects.all()))
