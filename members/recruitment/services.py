"""Recruitment writes: recording a step (and the stage it moves the person to), and opening
the record of a new applicant. Both check first (`members.recruitment.checks`)."""

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from branchsite.audit import audited_save
from branchsite.uploads import reencoded
from groups.models import Branch, PartyGroup
from groups.services import group_member_place
from members.models import (
    Category,
    ExitKind,
    Member,
    RecruitmentRecord,
    RecruitmentStep,
    validate_recruitment_document,
)
from members.recruitment.checks import (
    StepInput,
    recruitment_step_check,
    step_refusals,
    step_warnings,
)
from members.recruitment.rules import RuleBook
from members.recruitment.stages import StepCode, stage_index
from members.recruitment.timeline import Timeline, probation_end
from members.services import member_exit


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
    notice_ends_on: datetime.date | None = None,
    group: PartyGroup | None = None,
    acting_user,
    today: datetime.date | None = None,
) -> StepRecorded:
    """Record a step taken for `member`, and move them to the next stage when the step does
    (确定入党积极分子 → activist, 支部大会讨论 → probationary from that day, …); 编入党小组
    places them in `group` through the group service.

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
        notice_ends_on=notice_ends_on,
        group=group,
    )
    timeline = Timeline.of(member)
    errors = step_refusals(entry, timeline, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    rules = RuleBook.load()
    warnings = step_warnings(entry, timeline, rules, list(RecruitmentStep.objects.all()))

    record = RecruitmentRecord(
        member=member,
        step=step,
        done_on=on,
        reference=reference.strip(),
        note=note.strip(),
        training_days=training_days,
        class_hours=class_hours,
        extension_months=extension_months,
        notice_ends_on=notice_ends_on,
        warnings="\n".join(warnings),
    )
    if document:
        # Checked before it is decoded; a photo of a document is then written again.
        validate_recruitment_document(document)
        record.document = reencoded(document)
        record.document_name = os.path.basename(document.name)[-200:]
    audited_save(record, acting_user=acting_user)
    if entry.people:
        # Adding the people writes a second history row, with them, by the same user.
        record.people.set(entry.people)
    _advance_stage(member, step, on, timeline.with_record(record), rules, acting_user)
    if step.code == StepCode.PLACED_IN_GROUP:
        # 编入党小组 is the group membership itself, with the group's rules (a move ends
        # the current membership), not only a line in the recruitment record.
        group_member_place(group=group, member=member, started_on=on, acting_user=acting_user)
    if step.code == StepCode.PROBATION_CANCELLED:
        # The person leaves the probationary list and the roll; record and history stay.
        member_exit(
            member=member,
            kind=ExitKind.PROBATION_CANCELLED,
            on=on,
            reason=reference.strip() or step.name,
            acting_user=acting_user,
        )
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
