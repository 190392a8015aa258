from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branchsite.lockout import account_locked
from groups import selectors as group_selectors
from groups.access import roles_for
from members import selectors, services
from members.access import (
    can_act_on_member,
    can_export_roster,
    can_manage_dues,
    can_see_personal_data,
    get_member_for_manager,
    get_member_for_reader,
    get_roster_for_user,
    get_transfer_for_receiver,
)
from members.dues.selectors import member_dues_card
from members.evaluation import selectors as evaluation_selectors
from members.forms import (
    AccountCreateForm,
    LoginUnlockForm,
    MemberExitForm,
    MemberRegistryForm,
    MemberStatusForm,
    PasswordResetForm,
    RosterFilterForm,
    SanctionForm,
    TransferCompleteForm,
    TransferOutForm,
    TransferReceiveForm,
)
from members.models import (
    ON_ROLL_STATUSES,
    SanctionKind,
    Status,
    TransferDirection,
    TransferState,
)
from members.roster.exporting import DIRECT_EXPORT_MAX_ROWS
from members.services import REGISTRY_FIELDS

PAGE_SIZE = 50
TABS = {
    "": _("Roster"),
    "birthdays": _("Political birthdays this month"),
    "probation": _("Probationary members"),
}


@login_required
def member_list(request, branch_pk):
    branch, group_ids = get_roster_for_user(request, branch_pk)
    roles = roles_for(request.user)
    form = RosterFilterForm(request.GET or None, branch=branch)
    members = form.queryset()
    if group_ids is not None:
        # A group leader sees their own group's members, not the rest of the branch.
        members = members.in_groups(group_ids)
    tab = request.GET.get("tab", "")
    if tab == "birthdays":
        members = selectors.political_birthdays(members, timezone.localdate())
    elif tab == "probation":
        members = selectors.probationary_by_end(members)
    else:
        tab = ""
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_probation_ends(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    can_export = can_export_roster(roles, branch)
    # The export covers the filters, not the tab: on a tab, count what it would write.
    exported = page.paginator.count if not tab else form.queryset().count() if can_export else 0
    context = {
        "branch": branch,
        "form": form,
        "page": page,
        "tab": tab,
        "tabs": TABS,
        "query": query.urlencode(),
        "can_export": can_export,
        # A small roster is downloaded at once; a long one is made in the background.
        "export_at_once": exported <= DIRECT_EXPORT_MAX_ROWS,
        "limited_to_groups": group_ids is not None,
        "today": timezone.localdate(),
        "filters_used": sum(1 for name in form.fields if request.GET.get(name)),
        # 转入待接收: transfers from other branches of this deployment, for the committee
        # (who accepts) and the viewers; a leader's list is their groups'.
        "awaiting": selectors.transfers_awaiting(branch) if group_ids is None else [],
        "can_receive": roles.can_manage_branch(branch.pk),
    }
    return render(request, "members/member_list.html", context)


@login_required
def member_detail(request, pk):
    reading = get_member_for_reader(request, pk)
    member = _with_transfers(reading.member)
    # A branch the member was transferred from reads what happened up to that day.
    until = reading.until
    roles = roles_for(request.user)
    selectors.attach_probation_ends([member])
    sanctions = [s for s in member.sanctions.all() if until is None or s.started_on <= until]
    transfers = [t for t in member.transfers.all() if until is None or t.issued_on <= until]
    context = {
        "member": member,
        "branch": member.branch,
        "read_until": until,
        "is_own_record": roles.member is not None and roles.member.pk == member.pk,
        "show_personal_data": can_see_personal_data(request, member),
        "can_view_branch": roles.can_view_branch(member.branch_id),
        "group_history": [
            membership
            for membership in group_selectors.member_groups(member)
            if until is None or membership.started_on <= until
        ],
        "timeline": [
            event
            for event in selectors.member_timeline(member)
            if until is None or event.on <= until
        ],
        "party_age": selectors.party_age(member, timezone.localdate()),
        "transfers": transfers,
        "sanctions": sanctions,
        "without_rights": until is None
        and any(
            s.kind == SanctionKind.PROBATION and s.in_force_on(timezone.localdate())
            for s in sanctions
        ),
        "transfer_warnings": []
        if until
        else selectors.pending_transfer_warnings(member.transfers.all(), timezone.localdate()),
        "actions": [
            (name, spec.title)
            for name, spec in MEMBER_ACTIONS.items()
            if can_act_on_member(roles, member) and spec.available(member)
        ],
    }
    context["can_edit"] = can_act_on_member(roles, member)
    context["status_actions"] = STATUS_ACTIONS
    context["has_status_actions"] = any(name in STATUS_ACTIONS for name, _t in context["actions"])
    if context["is_own_record"] or context["can_view_branch"]:
        context["evaluations"] = evaluation_selectors.member_evaluations(member)
    elif until is not None:
        # The rounds the sending branch held while the member was theirs.
        context["evaluations"] = [
            item
            for item in evaluation_selectors.member_evaluations(member)
            if item.round.branch_id != member.branch_id and item.round.opened_on <= until
        ]
    # 党费: the member's own dues, for everyone who opens the page; the links for the
    # committee. The sending branch does not read the ledger the receiving one keeps now.
    if until is None:
        context["dues"] = member_dues_card(member, today=timezone.localdate())
    context["can_manage_dues"] = can_manage_dues(roles, member)
    # Why a member pays less or is behind (hardship, illness) is not for other members.
    context["can_read_dues_reasons"] = context["is_own_record"] or context["can_view_branch"]
    return render(request, "members/member_detail.html", context)


@dataclass(frozen=True)
class MemberAction:
    title: str
    form_class: type
    perform: Callable  # (member, cleaned_data, acting_user) -> success message
    refusal: Callable  # (member) -> why the action does not apply to them now, or None
    warning: str = ""

    def available(self, member) -> bool:
        return self.refusal(member) is None


def _pending_transfer(member):
    """Read from the member's transfers, fetched once per request by `_with_transfers`."""
    return next((t for t in member.transfers.all() if t.state == TransferState.PENDING), None)


def _with_transfers(member):
    prefetch_related_objects([member], selectors.member_transfers())
    return member


def _exit(member, data, user):
    services.member_exit(
        member=member,
        kind=data["kind"],
        ground=data["ground"],
        on=data["on"],
        reason=data["reason"],
        acting_user=user,
    )
    return gettext("%(name)s has been recorded as having left the Party.") % {"name": member.name}


def _death(member, data, user):
    services.member_death_record(
        member=member, on=data["on"], reason=data["reason"], acting_user=user
    )
    return gettext("%(name)s's death is recorded.") % {"name": member.name}


def _sanction(member, data, user):
    services.sanction_record(
        member=member,
        kind=data["kind"],
        started_on=data["on"],
        ends_on=data["ends_on"],
        decision=data["reason"],
        acting_user=user,
    )
    return gettext("The sanction is recorded.")


def _suspend(member, data, user):
    services.member_suspend(member=member, on=data["on"], reason=data["reason"], acting_user=user)
    return gettext("%(name)s's membership is suspended.") % {"name": member.name}


def _restore(member, data, user):
    services.member_restore(member=member, on=data["on"], reason=data["reason"], acting_user=user)
    return gettext("%(name)s's membership is restored.") % {"name": member.name}


def _transfer_out(member, data, user):
    transfer = services.transfer_start(
        member=member,
        direction=TransferDirection.OUT,
        other_organisation=data["other_organisation"],
        to_branch=data["to_branch"],
        letter_number=data["letter_number"],
        issued_on=data["on"],
        acting_user=user,
    )
    if transfer.is_between_branches:
        return gettext(
            "The transfer letter is recorded. %(name)s stays on the roll until %(branch)s "
            "accepts them on its pages."
        ) % {"name": member.name, "branch": transfer.to_branch.name}
    return gettext(
        "The transfer letter is recorded. %(name)s stays on the roll until the receiving "
        "side accepts."
    ) % {"name": member.name}


def _transfer_complete(member, data, user):
    transfer = _pending_transfer(member)
    if data["outcome"] == TransferCompleteForm.ACCEPTED:
        services.transfer_accept(transfer=transfer, on=data["on"], acting_user=user)
        return gettext("The transfer is complete.")
    services.transfer_cancel(transfer=transfer, on=data["on"], acting_user=user)
    return gettext("The transfer is cancelled; nothing else changed.")


def _account_create(member, data, user):
    services.member_account_create(
        member=member, username=data["username"], password=data["password"], acting_user=user
    )
    return gettext("%(name)s can now log in as %(username)s.") % {
        "name": member.name,
        "username": data["username"],
    }


def _password_reset(member, data, user):
    services.member_password_reset(member=member, password=data["password"], acting_user=user)
    return gettext("%(name)s's password has been reset.") % {"name": member.name}


def _login_unlock(member, data, user):
    services.member_login_unlock(member=member, acting_user=user)
    return gettext("%(name)s can log in again.") % {"name": member.name}


# Each refusal says why an action does not apply to the member now, or returns None.


def _off_roll(member):
    if member.status not in ON_ROLL_STATUSES:
        return gettext("%(name)s is no longer on the roll (%(status)s).") % {
            "name": member.name,
            "status": member.get_status_display(),
        }
    return None


def _transfer_out_refusal(member):
    if refusal := _off_roll(member):
        return refusal
    if _pending_transfer(member) is not None:
        return gettext("%(name)s already has a transfer in progress; complete it first.") % {
            "name": member.name
        }
    return None


def _transfer_complete_refusal(member):
    if _pending_transfer(member) is None:
        return gettext("%(name)s has no transfer in progress.") % {"name": member.name}
    return None


def _suspend_refusal(member):
    if member.status != Status.ACTIVE:
        return gettext(
            "Only a member with normal status can be suspended; %(name)s is %(status)s."
        ) % {"name": member.name, "status": member.get_status_display()}
    return None


def _restore_refusal(member):
    if member.status != Status.SUSPENDED:
        return gettext("%(name)s's membership is not suspended.") % {"name": member.name}
    return None


def _account_refusal(member):
    if member.user_id is not None:
        return gettext("%(name)s already has an account.") % {"name": member.name}
    if member.status != Status.ACTIVE:
        return gettext(
            "Only a member with normal status can be given a login account; %(name)s is %(status)s."
        ) % {"name": member.name, "status": member.get_status_display()}
    return None


def _password_refusal(member):
    if member.user_id is None:
        return gettext("%(name)s has no account yet.") % {"name": member.name}
    if member.user.is_staff or member.user.is_superuser:
        return gettext("This account's password is changed by its owner or the site administrator.")
    return None


def _unlock_refusal(member):
    if member.user_id is None:
        return gettext("%(name)s has no account yet.") % {"name": member.name}
    if not account_locked(member.user.get_username()):
        return gettext("%(name)s's account is not locked.") % {"name": member.name}
    return None


# The actions that change a member's standing (转出, 停止党籍, 出党…): apart from the
# harmless ones, behind "更多操作", each with its confirmation page.
STATUS_ACTIONS = frozenset(
    {"transfer-out", "transfer-complete", "suspend", "restore", "sanction", "death", "exit"}
)

MEMBER_ACTIONS = {
    "transfer-out": MemberAction(
        _("Transfer out of the branch"),
        TransferOutForm,
        _transfer_out,
        _transfer_out_refusal,
    ),
    "transfer-complete": MemberAction(
        _("Complete the transfer"),
        TransferCompleteForm,
        _transfer_complete,
        _transfer_complete_refusal,
    ),
    "suspend": MemberAction(
        _("Suspend membership"),
        MemberStatusForm,
        _suspend,
        _suspend_refusal,
    ),
    "restore": MemberAction(
        _("Restore membership"),
        MemberStatusForm,
        _restore,
        _restore_refusal,
    ),
    "account": MemberAction(
        _("Create a login account"),
        AccountCreateForm,
        _account_create,
        _account_refusal,
    ),
    "password": MemberAction(
        _("Reset password"),
        PasswordResetForm,
        _password_reset,
        _password_refusal,
    ),
    "unlock": MemberAction(
        _("Unlock the login"),
        LoginUnlockForm,
        _login_unlock,
        _unlock_refusal,
        warning=_(
            "The account was locked after too many wrong passwords. Unlock it when you know "
            "the member made them; if not, reset the password instead."
        ),
    ),
    "sanction": MemberAction(
        _("Record a disciplinary sanction"),
        SanctionForm,
        _sanction,
        _off_roll,
        warning=_(
            "留党察看 takes away the vote and the right to elect and be elected until its last "
            "day; it and 撤销党内职务 end the member's posts in the branch from the first day."
        ),
    ),
    "death": MemberAction(
        _("Record death"),
        MemberStatusForm,
        _death,
        _off_roll,
        warning=_(
            "The member leaves every list and their party group on this date. Their record "
            "and history are kept. This cannot be undone from this page."
        ),
    ),
    "exit": MemberAction(
        _("Record leaving the Party"),
        MemberExitForm,
        _exit,
        _off_roll,
        warning=_(
            "The member leaves every list and their party group on this date. Their record "
            "and history are kept. This cannot be undone from this page."
        ),
    ),
}


@login_required
def member_action(request, pk, action):
    """A committee member's registry action on one member, confirmed on its own page."""
    member = _with_transfers(get_member_for_manager(request, pk))
    spec = MEMBER_ACTIONS.get(action)
    if spec is None:
        raise Http404
    refusal = spec.refusal(member)
    if refusal is not None:
        messages.warning(request, refusal)
        return redirect("members:member_detail", pk=member.pk)
    form = spec.form_class(request.POST if request.method == "POST" else None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            message = spec.perform(member, form.cleaned_data, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect("members:member_detail", pk=member.pk)
    context = {"member": member, "form": form, "spec": spec, "transfer": _pending_transfer(member)}
    return render(request, "members/member_action.html", context)


@login_required
@transaction.atomic
def member_edit(request, pk):
    """A committee member corrects the registry fields of one member (the category, status,
    groups and posts move through their own steps and actions)."""
    member = get_member_for_manager(request, pk)
    form = MemberRegistryForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.member_registry_update(
                member=member,
                changes={name: form.cleaned_data[name] for name in REGISTRY_FIELDS},
                acting_user=request.user,
            )
        except ValidationError as error:
            member.refresh_from_db()
            form.add_error(None, error)
        else:
            if changed:
                messages.success(
                    request,
                    gettext("Saved: %(fields)s.") % {"fields": "、".join(changed)},
                )
            else:
                messages.info(request, gettext("Nothing was changed."))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_edit.html", {"member": member, "form": form})


@login_required
def transfer_receive(request, pk):
    """The receiving branch's committee accepts a member transferred from another branch of
    this deployment (转入待接收 on its member list)."""
    transfer = get_transfer_for_receiver(request, pk)
    if transfer.state != TransferState.PENDING:
        messages.warning(request, gettext("This transfer has already been completed."))
        return redirect("members:member_list", branch_pk=transfer.to_branch_id)
    form = TransferReceiveForm(request.POST or None, transfer=transfer)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_receive(
                transfer=transfer, on=form.cleaned_data["on"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext(
                    "%(name)s is now a member of %(branch)s. Place them in a party group from "
                    "the group's page."
                )
                % {"name": transfer.member.name, "branch": transfer.to_branch.name},
            )
            return redirect("members:member_detail", pk=transfer.member_id)
    return render(request, "members/transfer_receive.html", {"transfer": transfer, "form": form})
