"""Writes to the ledgers: pairings and their meetings, hardship cases and their helps,
pledges and their review, duty posts. Each validates (ValidationError with the reason in
Chinese), saves in one transaction and records who acted (`branchsite.audit`)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import (
    DutyPost,
    HardshipCase,
    HardshipHelp,
    Pairing,
    PairingMeeting,
    PartnerKind,
    Pledge,
)
from branchsite.audit import audited_delete, audited_save
from members.models import (
    ON_ROLL_STATUSES,
    PARTY_MEMBER_CATEGORIES,
    Category,
    Member,
    RecruitmentRecord,
)
from members.recruitment.stages import StepCode

# Whom a 培养联系人 accompanies: from activist until admission (2014 细则 第十一条 assigns them
# to an activist; they follow the person as a candidate).
MENTORED_CATEGORIES = (Category.ACTIVIST, Category.CANDIDATE)


def _changed(instance, field: str) -> bool:
    """Whether `field` differs from the stored row (True for a new record)."""
    if instance.pk is None:
        return True
    stored = type(instance).objects.filter(pk=instance.pk).values_list(field, flat=True).first()
    return stored != getattr(instance, field)


def _check_member(record, *, field: str = "member") -> None:
    """The record's member is a Party member of the record's branch, and on the roll when
    the record is new or names another member (an old record keeps a member who left)."""
    member: Member | None = getattr(record, field)
    if member is None:
        return  # required: the model's validation says so
    if member.branch_id != record.branch_id:
        raise ValidationError(
            {field: gettext("%(name)s is not in this branch.") % {"name": member.name}}
        )
    if member.category not in PARTY_MEMBER_CATEGORIES:
        raise ValidationError(
            {field: gettext("%(name)s is not a Party member yet.") % {"name": member.name}}
        )
    if member.status not in ON_ROLL_STATUSES and _changed(record, f"{field}_id"):
        raise ValidationError(
            {field: gettext("%(name)s is no longer on the branch's roll.") % {"name": member.name}}
        )


def _check_not_future(day: datetime.date, field: str, today: datetime.date | None) -> None:
    if day > (today or timezone.localdate()):
        raise ValidationError({field: gettext("Record it once it has taken place.")})


# ---------------------------------------------------------------------------------------
# Pairings


def _check_activist(pairing: Pairing) -> None:
    """With an activist, the member is one of the activist's 培养联系人 as recruitment
    recorded them (the 确定培养联系人 step), and the activist is of the same branch."""
    activist = pairing.partner_member
    if activist.branch_id != pairing.branch_id:
        raise ValidationError(
            {"partner_member": gettext("%(name)s is not in this branch.") % {"name": activist.name}}
        )
    if activist.category not in MENTORED_CATEGORIES and _changed(pairing, "partner_member_id"):
        raise ValidationError(
            {
                "partner_member": gettext("%(name)s is not an activist or a candidate.")
                % {"name": activist.name}
            }
        )
    is_mentor = RecruitmentRecord.objects.filter(
        member=activist, step__code=StepCode.MENTORS, people=pairing.member
    ).exists()
    if not is_mentor:
        raise ValidationError(
            {
                "member": gettext(
                    "%(member)s is not recorded as %(activist)s's mentor (培养联系人). Record "
                    "the mentors in the activist's recruitment steps first."
                )
                % {"member": pairing.member.name, "activist": activist.name}
            }
        )


def _check_pairing(pairing: Pairing) -> None:
    """The rules that read other rows; the model's own are checked when it is saved."""
    _check_member(pairing)
    if pairing.kind == PartnerKind.ACTIVIST and pairing.partner_member_id is not None:
        _check_activist(pairing)
    if pairing.pk is None or pairing.started_on is None:
        return
    meetings = PairingMeeting.objects.filter(pairing=pairing)
    if meetings.filter(held_on__lt=pairing.started_on).exists():
        raise ValidationError(
            {"started_on": gettext("A meeting of this pairing was held before this date.")}
        )
    if pairing.ended_on and meetings.filter(held_on__gt=pairing.ended_on).exists():
        raise ValidationError(
            {"ended_on": gettext("A meeting of this pairing was held after this date.")}
        )


@transaction.atomic
def pairing_record(*, pairing: Pairing, acting_user) -> Pairing:
    """Record a new pairing (its `branch` set): the member of the branch on the roll, the
    partner of its kind, with an activist one the member mentors."""
    _check_pairing(pairing)
    audited_save(pairing, acting_user=acting_user)
    return pairing


@transaction.atomic
def pairing_update(*, pairing: Pairing, acting_user) -> Pairing:
    """Save a changed pairing; its dates must still hold every meeting recorded."""
    _check_pairing(pairing)
    audited_save(pairing, acting_user=acting_user)
    return pairing


@transaction.atomic
def pairing_delete(*, pairing: Pairing, acting_user) -> None:
    """Delete a pairing and its meetings; the history keeps them."""
    for meeting in pairing.meetings.all():
        audited_delete(meeting, acting_user=acting_user)
    audited_delete(pairing, acting_user=acting_user)


@transaction.atomic
def pairing_meeting_add(
    *,
    pairing: Pairing,
    held_on: datetime.date,
    note: str,
    acting_user,
    today: datetime.date | None = None,
) -> PairingMeeting:
    """A meeting the pairing held, within its dates and not in the future."""
    _check_not_future(held_on, "held_on", today)
    meeting = PairingMeeting(pairing=pairing, held_on=held_on, note=note.strip())
    audited_save(meeting, acting_user=acting_user)
    return meeting


@transaction.atomic
def pairing_meeting_remove(*, meeting: PairingMeeting, acting_user) -> None:
    audited_delete(meeting, acting_user=acting_user)


# ---------------------------------------------------------------------------------------
# The hardship ledger


def _check_case(case: HardshipCase) -> None:
    _check_member(case)
    for field in ("opened_on", "closed_on"):
        if getattr(case, field) is not None:
            _check_not_future(getattr(case, field), field, None)
    if case.pk is None or case.opened_on is None:
        return
    helps = HardshipHelp.objects.filter(case=case)
    if helps.filter(given_on__lt=case.opened_on).exists():
        raise ValidationError({"opened_on": gettext("A help was given before this date.")})
    if case.closed_on and helps.filter(given_on__gt=case.closed_on).exists():
        raise ValidationError({"closed_on": gettext("A help was given after this date.")})


@transaction.atomic
def hardship_case_open(*, case: HardshipCase, acting_user) -> HardshipCase:
    """Open a case (its `branch` set) for a member of the branch or a teacher by name."""
    _check_case(case)
    audited_save(case, acting_user=acting_user)
    return case


@transaction.atomic
def hardship_case_update(*, case: HardshipCase, acting_user) -> HardshipCase:
    """Save a changed case, closing it with `closed_on`; its dates must hold every help."""
    _check_case(case)
    audited_save(case, acting_user=acting_user)
    return case


@transaction.atomic
def hardship_case_delete(*, case: HardshipCase, acting_user) -> None:
    """Delete a case and its helps; the history keeps them."""
    for help_given in case.helps.all():
        audited_delete(help_given, acting_user=acting_user)
    audited_delete(case, acting_user=acting_user)


@transaction.atomic
def hardship_help_add(
    *,
    case: HardshipCase,
    given_on: datetime.date,
    what: str,
    amount,
    givers: Iterable[Member],
    acting_user,
    today: datetime.date | None = None,
) -> HardshipHelp:
    """A help given to `case`: within its dates, not in the future, the money to the fen,
    given by at least one member of the branch."""
    givers = list(givers)
    _check_not_future(given_on, "given_on", today)
    if not givers:
        raise ValidationError({"givers": gettext("Choose who from the branch gave the help.")})
    strangers = [member.name for member in givers if member.branch_id != case.branch_id]
    if strangers:
        raise ValidationError(
            {
                "givers": gettext("%(names)s are not in this branch.")
                % {"names": "、".join(strangers)}
            }
        )
    help_given = HardshipHelp(case=case, given_on=given_on, what=what.strip(), amount=amount)
    audited_save(help_given, acting_user=acting_user)
    # Adding the givers writes a second history row, with them, by the same user.
    help_given.givers.set(givers)
    return help_given


@transaction.atomic
def hardship_help_remove(*, help_given: HardshipHelp, acting_user) -> None:
    audited_delete(help_given, acting_user=acting_user)


# ---------------------------------------------------------------------------------------
# Pledges


def _check_pledge(pledge: Pledge, today: datetime.date | None) -> None:
    today = today or timezone.localdate()
    if pledge.year is not None and pledge.year > today.year + 1:
        raise ValidationError({"year": gettext("A pledge is made for this year or the next.")})
    _check_member(pledge)
    joined = pledge.member.joined_on if pledge.member_id else None
    if joined is not None and pledge.year is not None and joined.year > pledge.year:
        raise ValidationError(
            {
                "year": gettext("%(name)s joined the Party in %(joined)s, after that year.")
                % {"name": pledge.member.name, "joined": joined.year}
            }
        )


@transaction.atomic
def pledge_record(*, pledge: Pledge, acting_user, today: datetime.date | None = None) -> Pledge:
    """Record a member's pledge for a year (its `branch` set): once per member, kind and
    year, for a year the member belonged to the Party, this year or the next at the latest."""
    pledge.promises = pledge.promises.strip()
    _check_pledge(pledge, today)
    audited_save(pledge, acting_user=acting_user)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, acting_user, today: datetime.date | None = None) -> Pledge:
    """Save a changed pledge (its promises, the account of its fulfilment)."""
    pledge.promises = pledge.promises.strip()
    _check_pledge(pledge, today)
    audited_save(pledge, acting_user=acting_user)
    return pledge


@transaction.atomic
def pledge_review(
    *,
    pledge: Pledge,
    outcome: str,
    reviewed_on: datetime.date,
    fulfilment: str,
    acting_user,
    today: datetime.date | None = None,
) -> Pledge:
    """The committee's review of how a pledge was kept: fulfilled, partly or not, on a
    date in or after the pledge's year and not in the future."""
    if not outcome:
        raise ValidationError({"outcome": gettext("Choose how the pledge was kept.")})
    _check_not_future(reviewed_on, "reviewed_on", today)
    pledge.outcome, pledge.reviewed_on = outcome, reviewed_on
    pledge.fulfilment = fulfilment.strip()
    audited_save(pledge, acting_user=acting_user)
    return pledge


@transaction.atomic
def pledge_delete(*, pledge: Pledge, acting_user) -> None:
    audited_delete(pledge, acting_user=acting_user)


# ---------------------------------------------------------------------------------------
# Duty posts


@transaction.atomic
def duty_post_assign(*, post: DutyPost, acting_user) -> DutyPost:
    """Give a member of the branch on the roll a post (its `branch` set) for a term."""
    _check_member(post)
    audited_save(post, acting_user=acting_user)
    return post


@transaction.atomic
def duty_post_update(*, post: DutyPost, acting_user) -> DutyPost:
    """Save a changed post, ending it with `ended_on`."""
    _check_member(post)
    audited_save(post, acting_user=acting_user)
    return post


@transaction.atomic
def duty_post_delete(*, post: DutyPost, acting_user) -> None:
    audited_delete(post, acting_user=acting_user)
