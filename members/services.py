"""Writes to the registry: status changes, exits, deaths, disciplinary sanctions and
transfers. Each runs in one transaction and records `acting_user` in the audit history."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branchsite.audit import audited_note, audited_save
from branchsite.dates import ONE_DAY, add_years
from branchsite.lockout import account_unlock
from groups.access import roles_for
from groups.models import Branch, CommitteeMembership, GroupLeadership, GroupMembership
from members.models import (
    EXIT_GROUND_OUTCOMES,
    ON_ROLL_STATUSES,
    Category,
    ExitKind,
    Member,
    Sanction,
    SanctionKind,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)


def _leave_posts(
    member: Member, *, last_day: datetime.date, leave_group: bool, acting_user
) -> None:
    """End the member's group-leader and committee posts on `last_day` — and with them the
    access they gave — and, with `leave_group`, their group membership too. A row that
    started after `last_day` ends the day it started."""
    rows = [
        *GroupLeadership.objects.current().filter(member=member),
        *CommitteeMembership.objects.current().filter(member=member),
    ]
    if leave_group:
        rows = [*GroupMembership.objects.current().filter(member=member), *rows]
    for row in rows:
        row.ended_on = max(row.started_on, last_day)
        audited_save(row, acting_user=acting_user)


def _require_on_roll(member: Member) -> None:
    if member.status not in ON_ROLL_STATUSES:
        raise ValidationError(_("%(name)s is no longer on the roll.") % {"name": member.name})


@transaction.atomic
def member_exit(
    *, member: Member, kind: str, on: datetime.date, reason: str, acting_user, ground: str = ""
) -> Member:
    """出党: 退党, 除名, 开除党籍, 不予承认 or 取消预备党员资格, with the procedure that led there
    when there was one (`ground`: 劝退 or 自行脱党). The record and its history stay."""
    _require_on_roll(member)
    if kind not in ExitKind.values:
        raise ValidationError(_("Choose how the member left."))
    if ground and kind not in EXIT_GROUND_OUTCOMES.get(ground, ()):
        raise ValidationError(_("劝退 ends in 退党 or 除名, and 自行脱党 in 除名 (党章 第九条)."))
    if kind == ExitKind.PROBATION_CANCELLED and member.category != Category.PROBATIONARY:
        raise ValidationError(
            _("Only a probationary member's membership can be cancelled; %(name)s is %(category)s.")
            % {"name": member.name, "category": member.get_category_display()}
        )
    member.status = Status.EXITED
    member.exit_kind = kind
    member.exit_ground = ground
    member.status_since = on
    member.status_reason = reason
    audited_save(member, acting_user=acting_user)
    _leave_posts(member, last_day=on, leave_group=True, acting_user=acting_user)
    return member


@transaction.atomic
def member_death_record(*, member: Member, on: datetime.date, reason: str, acting_user) -> Member:
    """A member died: they leave the roll, their group and posts, without leaving the Party."""
    _require_on_roll(member)
    member.status = Status.DECEASED
    member.status_since = on
    member.status_reason = reason
    audited_save(member, acting_user=acting_user)
    _leave_posts(member, last_day=on, leave_group=True, acting_user=acting_user)
    return member


@transaction.atomic
def sanction_record(
    *,
    member: Member,
    kind: str,
    started_on: datetime.date,
    decision: str,
    acting_user,
    ends_on: datetime.date | None = None,
) -> Sanction:
    """Record a 党纪处分. 留党察看 and 撤销党内职务 end the member's posts in the branch from
    the first day (纪律处分条例: under 留党察看 党内职务自然撤销); the others change no right."""
    _require_on_roll(member)
    if kind != SanctionKind.PROBATION:
        ends_on = None  # only 留党察看 has a term
    sanction = Sanction(
        member=member, kind=kind, started_on=started_on, ends_on=ends_on, decision=decision
    )
    audited_save(sanction, acting_user=acting_user)
    if kind in (SanctionKind.PROBATION, SanctionKind.DISMISSAL):
        # From `started_on` they no longer hold them; their group membership stays.
        _leave_posts(
            member, last_day=started_on - ONE_DAY, leave_group=False, acting_user=acting_user
        )
    return sanction


@transaction.atomic
def sanction_probation_extend(*, sanction: Sanction, decision: str, acting_user) -> Sanction:
    """留党察看一年 whose member does not yet meet the conditions at its end is extended by a
    year (纪律处分条例); two years in all is the limit, which the model enforces. The
    history keeps the first term and decision."""
    if sanction.kind != SanctionKind.PROBATION:
        raise ValidationError(_("Only 留党察看 can be extended."))
    sanction.ends_on = add_years(sanction.ends_on + ONE_DAY, 1) - ONE_DAY
    sanction.decision = decision
    audited_save(sanction, acting_user=acting_user)
    return sanction


@transaction.atomic
def member_suspend(*, member: Member, on: datetime.date, reason: str, acting_user) -> Member:
    """停止党籍: e.g. out of contact for six months or more, or abroad. Stays on the roll."""
    if member.status != Status.ACTIVE:
        raise ValidationError(
            _("Only a member with normal status can be suspended; %(name)s is %(status)s.")
            % {"name": member.name, "status": member.get_status_display()}
        )
    member.status = Status.SUSPENDED
    member.status_since = on
    member.status_reason = reason
    audited_save(member, acting_user=acting_user)
    return member


@transaction.atomic
def member_restore(*, member: Member, on: datetime.date, reason: str, acting_user) -> Member:
    """恢复党籍 after a suspension."""
    if member.status != Status.SUSPENDED:
        raise ValidationError(_("%(name)s's membership is not suspended.") % {"name": member.name})
    member.status = Status.ACTIVE
    member.status_since = on
    member.status_reason = reason
    audited_save(member, acting_user=acting_user)
    return member


@transaction.atomic
def transfer_start(
    *,
    member: Member,
    direction: str,
    issued_on: datetime.date,
    acting_user,
    other_organisation: str = "",
    to_branch: Branch | None = None,
    letter_number: str = "",
    note: str = "",
) -> Transfer:
    """Open a transfer. Out: the member stays ours, and on our roll, until the other side
    accepts — a Party organisation outside this deployment (`other_organisation`) or a
    branch of it (`to_branch`), whose committee then accepts on its own pages. In: the
    letter is recorded with the member's new record until we accept it."""
    if direction == TransferDirection.OUT and member.status not in ON_ROLL_STATUSES:
        raise ValidationError(_("%(name)s is no longer on the roll.") % {"name": member.name})
    if to_branch is not None:
        if direction != TransferDirection.OUT:
            raise ValidationError(
                _("A transfer in from another branch of this deployment is started there.")
            )
        if to_branch.pk == member.branch_id:
            raise ValidationError(
                _("%(name)s is already a member of %(branch)s: choose another branch.")
                % {"name": member.name, "branch": to_branch.name}
            )
        other_organisation = ""  # the branch names the other side
    transfer = Transfer(
        member=member,
        direction=direction,
        other_organisation=other_organisation,
        from_branch=member.branch if to_branch is not None else None,
        to_branch=to_branch,
        letter_number=letter_number,
        issued_on=issued_on,
        note=note,
    )
    audited_save(transfer, acting_user=acting_user)
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, on: datetime.date, acting_user) -> Transfer:
    """The receiving side has accepted: the member leaves (out) or joins (in) our roll.
    Between two branches of this deployment only the receiving branch's committee accepts
    (`transfer_receive`)."""
    if transfer.is_between_branches:
        return transfer_receive(transfer=transfer, on=on, acting_user=acting_user)
    _complete(transfer, TransferState.ACCEPTED, on, acting_user)
    member = transfer.member
    if transfer.direction == TransferDirection.OUT:
        member.status = Status.TRANSFERRED_OUT
        member.status_since = on
        member.status_reason = transfer.other_organisation
        audited_save(member, acting_user=acting_user)
        _leave_posts(member, last_day=on, leave_group=True, acting_user=acting_user)
    return transfer


@transaction.atomic
def transfer_receive(*, transfer: Transfer, on: datetime.date, acting_user) -> Transfer:
    """The receiving branch's committee accepts a transfer between two branches: from `on`
    the member is the receiving branch's. They leave their party group and posts in the
    sending branch (the dated rows keep that history) and join no group until the
    receiving committee places them; everything else about them — their history,
    meetings, evaluations, dues, recruitment — stays where it is, on the one record. The
    sending branch keeps reading what happened up to `on` (`members.access`)."""
    if not transfer.is_between_branches:
        raise ValidationError(_("This transfer is not between two branches of this deployment."))
    if not roles_for(acting_user).can_manage_branch(transfer.to_branch_id):
        raise ValidationError(
            _("Only the committee of %(branch)s, the receiving branch, may accept this transfer.")
            % {"branch": transfer.to_branch.name}
        )
    # Locked, and its state read again: two secretaries accepting at once, or the sender
    # cancelling meanwhile, complete it only once.
    transfer.state = (
        Transfer.objects.select_for_update().values_list("state", flat=True).get(pk=transfer.pk)
    )
    if transfer.state != TransferState.PENDING:
        raise ValidationError(_("This transfer has already been completed."))
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    _require_on_roll(member)
    if member.branch_id != transfer.from_branch_id:
        raise ValidationError(
            _("%(name)s is no longer a member of %(branch)s, which issued the letter.")
            % {"name": member.name, "branch": transfer.from_branch.name}
        )
    _complete(transfer, TransferState.ACCEPTED, on, acting_user)
    _leave_posts(member, last_day=on, leave_group=True, acting_user=acting_user)
    member.branch = transfer.to_branch
    member._change_reason = _("Transferred from %(from)s to %(to)s") % {
        "from": transfer.from_branch.name,
        "to": transfer.to_branch.name,
    }
    audited_save(member, acting_user=acting_user)
    transfer.member = member
    return transfer


@transaction.atomic
def transfer_cancel(
    *, transfer: Transfer, on: datetime.date, acting_user, note: str = ""
) -> Transfer:
    """The letter expired or the move fell through: nothing changes for the member."""
    if note:
        transfer.note = note
    _complete(transfer, TransferState.CANCELLED, on, acting_user)
    return transfer


def _complete(transfer: Transfer, state: str, on: datetime.date, acting_user) -> None:
    if transfer.state != TransferState.PENDING:
        raise ValidationError(_("This transfer has already been completed."))
    if on < transfer.issued_on:
        raise ValidationError(_("The transfer cannot be completed before its letter was issued."))
    transfer.state = state
    transfer.completed_on = on
    audited_save(transfer, acting_user=acting_user)


@transaction.atomic
def member_account_create(*, member: Member, username: str, password: str, acting_user):
    """Give a member a login account; their roles follow from their posts at once."""
    user_model = get_user_model()
    if member.user_id is not None:
        raise ValidationError(_("%(name)s already has an account.") % {"name": member.name})
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("The account name %(username)s is taken; choose another.") % {"username": username}
        )
    user = user_model(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    member.user = user
    # The member's history row names who created the account; the account's password
    # (or its hash) is kept nowhere but on the account itself.
    member._change_reason = _("Create a login account")
    audited_save(member, acting_user=acting_user)
    return user


@transaction.atomic
def member_password_reset(*, member: Member, password: str, acting_user):
    """Set a new password for a member who forgot theirs (schools rarely have mail)."""
    user = member.user
    if user is None:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    if user.is_staff or user.is_superuser or user == acting_user:
        raise ValidationError(
            _("This account's password is changed by its owner or the site administrator.")
        )
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # A member who forgot their password has often locked the account trying.
    account_unlock(user.get_username())
    _record_on_member(member, _("Reset password"), acting_user)
    return user


@transaction.atomic
def member_login_unlock(*, member: Member, acting_user) -> None:
    """Lift the lock that wrong passwords put on a member's account before it ends."""
    if member.user is None:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    account_unlock(member.user.get_username())
    _record_on_member(member, _("Unlock the login"), acting_user)


def _record_on_member(member: Member, reason: str, acting_user) -> None:
    """A history row of the member naming who acted and why (the secretary reads it in the
    member's history and the overview's recent changes)."""
    audited_note(member, acting_user=acting_user, reason=reason, field="user")


# The registry's own facts, corrected from the member's page. The category and its dates
# move with the recruitment steps; status, groups and posts with the actions above.
REGISTRY_FIELDS = (
    "name",
    "gender",
    "id_number",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "job",
    "employment",
    "office",
    "position",
    "professional_title",
    "work_started_on",
    "phone",
    "address",
)


@transaction.atomic
def member_registry_update(*, member: Member, changes: dict, acting_user) -> list[str]:
    """Correct the member's registry fields (`REGISTRY_FIELDS` only); returns the labels of
    the fields that changed. Nothing changed writes no history row."""
    unknown = set(changes) - set(REGISTRY_FIELDS)
    if unknown:
        raise ValueError(f"not registry fields: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(member, name, changes[name])
    member.full_clean()
    audited_save(member, acting_user=acting_user)
    return [str(Member._meta.get_field(name).verbose_name) for name in changed]
