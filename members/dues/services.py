"""Writes to the dues ledger: bases, a month's collection, a member's back or advance
payment, special dues, reductions (少交、免交) and the reasons for arrears. Each validates,
saves in one transaction and records who acted.

The payment rules (中组发〔2008〕3号), shared by a month's collection and a member's payment:
dues are paid month by month; 经党支部同意，可以每季度交纳一次 — a month after the month of
payment is paid ahead only with the branch's consent, at most a quarter (this month and the
next two); 补交党费的时间一般不得超过6个月 — a month more than 6 months before the month of
payment is paid back only when the committee has recorded a reason for those arrears.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from branchsite.audit import audited_save
from branchsite.dates import add_months
from groups.models import DuesBaseChanges
from members.dues.ledger import MemberDues, branch_dues, first_of
from members.models import (
    DuesArrearsReason,
    DuesBasis,
    DuesCategory,
    DuesPayment,
    DuesReduction,
    Employment,
    Member,
    ReductionApproval,
    SpecialDues,
)

# 第十二条: 经党支部同意，可以每季度交纳一次 — at most a quarter paid ahead: the month of
# payment and the next two.
MAX_MONTHS_AHEAD = 3
# 补交党费的时间一般不得超过6个月: a back payment reaches 6 months before the month of payment
# (paid in November, May is the earliest month), further only with a recorded reason.
MAX_MONTHS_BACK = 6


def month_list(months) -> str:
    return "、".join(f"{month:%Y-%m}" for month in months)


@transaction.atomic
def dues_basis_set(
    *,
    member: Member,
    category: str,
    monthly_base,
    starts_on: datetime.date,
    acting_user,
    note: str = "",
    fixed_amount=None,
) -> DuesBasis:
    """Set a member's category and base from the month of `starts_on` (核定基数); a basis
    from the same month is replaced, earlier ones stay for their months. The category
    "other" takes `fixed_amount`, the amount a month the branch set; the others refuse one."""
    month = first_of(starts_on)
    yearly = member.branch.dues_base_changes == DuesBaseChanges.YEARLY
    if yearly and month.month != 1 and member.dues_bases.exclude(starts_on=month).exists():
        raise ValidationError(
            {
                "starts_on": gettext(
                    "The branch sets the dues bases once a year: a new base starts in January."
                )
            }
        )
    basis = DuesBasis.objects.filter(member=member, starts_on=month).first() or DuesBasis(
        member=member, starts_on=month
    )
    basis.category, basis.monthly_base, basis.note = category, monthly_base, note.strip()
    basis.fixed_amount = fixed_amount
    audited_save(basis, acting_user=acting_user)
    return basis


def _payment_problem(
    dues: MemberDues, month: datetime.date, paid_on: datetime.date, amount, with_consent: bool
):
    member = dues.member
    if amount is None:
        return gettext("%(name)s has no dues base for %(month)s: set the base first.") % {
            "name": member.name,
            "month": f"{month:%Y-%m}",
        }
    if member.joined_on and month < first_of(member.joined_on):
        return gettext("%(name)s joined on %(joined)s and owes no dues for %(month)s.") % {
            "name": member.name,
            "joined": member.joined_on.isoformat(),
            "month": f"{month:%Y-%m}",
        }
    if month > add_months(first_of(paid_on), MAX_MONTHS_AHEAD - 1):
        return gettext(
            "Dues are paid at most a quarter ahead: %(month)s is too far after %(paid)s."
        ) % {"month": f"{month:%Y-%m}", "paid": paid_on.isoformat()}
    if month > first_of(paid_on) and not with_consent:
        return gettext(
            "%(name)s's dues for %(month)s are for a month after %(paid)s: paying ahead "
            "needs the branch's consent (经党支部同意，可以每季度交纳一次)."
        ) % {"name": member.name, "month": f"{month:%Y-%m}", "paid": paid_on.isoformat()}
    if month in dues.paid:
        return gettext("%(name)s's dues for %(month)s are already recorded.") % {
            "name": member.name,
            "month": f"{month:%Y-%m}",
        }
    if dues.waived(month):
        return gettext("%(name)s's dues for %(month)s are waived: there is nothing to pay.") % {
            "name": member.name,
            "month": f"{month:%Y-%m}",
        }
    return None


def _too_far_back(dues: MemberDues, month: datetime.date, paid_on: datetime.date) -> bool:
    """More than 6 months before the month of payment, and no recorded reason covers it."""
    earliest = add_months(first_of(paid_on), -MAX_MONTHS_BACK)
    return month < earliest and dues.reason_for(month) is None


def _payments(
    dues: MemberDues,
    months,
    *,
    paid_on: datetime.date,
    by_proxy: bool,
    note: str,
    with_consent: bool = False,
):
    """The payments of `months` for one ledger row at the amount each month owes, and the
    problems that stop them (no base, not yet a member, ahead without consent or too far
    ahead, too far back without a reason, paid, waived)."""
    member = dues.member
    payments, problems, too_far_back = [], [], []
    for month in sorted({first_of(month) for month in months}):
        amount = dues.amount_for(month)
        problem = _payment_problem(dues, month, paid_on, amount, with_consent)
        if problem is None and _too_far_back(dues, month, paid_on):
            too_far_back.append(month)
            continue
        if problem:
            problems.append(problem)
            continue
        payments.append(
            DuesPayment(
                member=member,
                branch_id=member.branch_id,
                month=month,
                amount=amount,
                paid_on=paid_on,
                by_proxy=by_proxy,
                paid_ahead_with_consent=month > first_of(paid_on),
                note=note.strip(),
            )
        )
    if too_far_back:
        problems.append(
            gettext(
                "%(name)s's dues for %(months)s are more than 6 months before %(paid)s: "
                "补交党费的时间一般不得超过6个月. If the committee accepts a reason for these "
                "arrears, record it on the member's dues page first; then they can be paid."
            )
            % {"name": member.name, "months": month_list(too_far_back), "paid": paid_on.isoformat()}
        )
    return payments, problems


def _refuse_future(paid_on: datetime.date) -> None:
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": gettext("The date cannot be in the future.")})


def _save(payments: list[DuesPayment], acting_user) -> list[DuesPayment]:
    for payment in payments:
        audited_save(payment, acting_user=acting_user, exclude=["member"])
    return payments


@transaction.atomic
def dues_pay(
    *,
    member: Member,
    months: Iterable[datetime.date],
    paid_on: datetime.date,
    acting_user,
    by_proxy: bool = False,
    with_consent: bool = False,
    note: str = "",
) -> list[DuesPayment]:
    """Record `member`'s dues for `months` (a back payment, a quarter ahead) at the amount
    each month owes. A month already paid is refused, not paid twice; months after the
    month of `paid_on` need `with_consent` (经支部同意按季度交纳), months more than 6 before
    it a recorded reason for the arrears (see the module)."""
    _refuse_future(paid_on)
    (dues,) = branch_dues(Member.objects.filter(pk=member.pk), today=paid_on).members
    payments, problems = _payments(
        dues, months, paid_on=paid_on, by_proxy=by_proxy, note=note, with_consent=with_consent
    )
    if problems:
        raise ValidationError(problems)
    return _save(payments, acting_user)


@transaction.atomic
def dues_collect(
    *,
    members: Iterable[Member],
    month: datetime.date,
    paid_on: datetime.date,
    acting_user,
    not_paid: Iterable[int] = (),
    by_proxy: Iterable[int] = (),
) -> list[DuesPayment]:
    """A month's collection for a branch or a group on one screen: everyone in `members`
    who owes `month` and has not paid it pays the amount it owes, except those in
    `not_paid` (member ids) and those whose month is waived; those in `by_proxy` had it
    handed in for them. All or nothing: one member without a base stops the whole
    collection, with every problem listed. A collection pays no month ahead (that needs
    the branch's consent, on the member's own payment). The members' dues are read once
    (the ledger's 6 queries)."""
    _refuse_future(paid_on)
    month = first_of(month)
    not_paid, by_proxy = set(not_paid), set(by_proxy)
    ledger = branch_dues(
        Member.objects.filter(pk__in=[member.pk for member in members]), today=paid_on
    )
    payments, problems = [], []
    for dues in ledger.members:
        member = dues.member
        if member.pk in not_paid or dues.settled(month):
            continue
        if member.joined_on and month < first_of(member.joined_on):
            continue
        owed, wrong = _payments(
            dues, [month], paid_on=paid_on, by_proxy=member.pk in by_proxy, note=""
        )
        payments += owed
        problems += wrong
    if problems:
        raise ValidationError(problems)
    return _save(payments, acting_user)


@transaction.atomic
def special_dues_record(
    *, member: Member, amount, paid_on: datetime.date, purpose: str, acting_user
) -> SpecialDues:
    """特殊党费: a voluntary extra payment, kept apart from the regular dues."""
    if not purpose.strip():
        raise ValidationError({"purpose": gettext("Say what the special dues are for.")})
    special = SpecialDues(
        member=member,
        branch_id=member.branch_id,
        amount=amount,
        paid_on=paid_on,
        purpose=purpose.strip(),
    )
    audited_save(special, acting_user=acting_user)
    return special


def _is_retired(member: Member, month: datetime.date, dues: MemberDues) -> bool:
    """离退休: retired in the registry, or paying dues as retired in `month`."""
    basis = dues.basis_for(month)
    return member.employment == Employment.RETIRED or (
        basis is not None and basis.category == DuesCategory.RETIRED
    )


@transaction.atomic
def dues_reduction_record(
    *,
    member: Member,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    monthly_amount,
    reason: str,
    approved_by: str,
    approval_reference: str,
    approved_on: datetime.date,
    acting_user,
    reduction: DuesReduction | None = None,
) -> DuesReduction:
    """少交或者免交党费 from the month of `starts_on` to that of `ends_on` (None: until the
    branch ends it), at `monthly_amount` a month (0: 免交); `reduction` given, it is changed
    (to end it, say). 党员交纳党费确有困难的，经党支部研究并报上一级党委批准 (中组发〔2008〕3号):
    the branch's own agreement is enough only for a retired member (离退休干部职工党员生活确有
    困难的，经党支部研究同意). Reductions of one member do not overlap; the approval is not
    dated in the future."""
    month = first_of(starts_on)
    last = first_of(ends_on) if ends_on else None
    errors = {}
    if not reason.strip():
        errors["reason"] = gettext("Say why the member cannot pay their dues in full.")
    if not approval_reference.strip():
        errors["approval_reference"] = gettext(
            "Give the approval: the upper committee's document number or reply, or the branch "
            "meeting that agreed."
        )
    if last is not None and last < month:
        errors["ends_on"] = gettext("A reduction cannot end before it starts.")
    if approved_on > timezone.localdate():
        errors["approved_on"] = gettext("The date cannot be in the future.")
    (dues,) = branch_dues(Member.objects.filter(pk=member.pk), today=timezone.localdate()).members
    if approved_by == ReductionApproval.BRANCH and not _is_retired(member, month, dues):
        errors["approved_by"] = gettext(
            "%(name)s is not retired: a reduction needs the approval of the Party committee "
            "above (经党支部研究并报上一级党委批准); the branch's agreement alone is for retired "
            "members."
        ) % {"name": member.name}
    others = [other for other in dues.reductions if reduction is None or other.pk != reduction.pk]
    for other in others:
        if (other.ends_on is None or month <= other.ends_on) and (
            last is None or other.starts_on <= last
        ):
            errors.setdefault(
                "starts_on",
                gettext(
                    "%(name)s already has a reduction from %(start)s%(end)s: end it first, or "
                    "choose months outside it."
                )
                % {
                    "name": member.name,
                    "start": f"{other.starts_on:%Y-%m}",
                    "end": f" — {other.ends_on:%Y-%m}" if other.ends_on else "",
                },
            )
    if errors:
        raise ValidationError(errors)
    reduction = reduction or DuesReduction(member=member)
    reduction.starts_on, reduction.ends_on = month, last
    reduction.monthly_amount = monthly_amount
    reduction.reason = reason.strip()
    reduction.approved_by = approved_by
    reduction.approval_reference = approval_reference.strip()
    reduction.approved_on = approved_on
    audited_save(reduction, acting_user=acting_user)
    return reduction


@transaction.atomic
def dues_arrears_reason_record(
    *, member: Member, starts_on: datetime.date, reason: str, acting_user, note: str = ""
) -> DuesArrearsReason:
    """The committee's record of why `member` is behind with their dues from the month of
    `starts_on` (illness, abroad, a hardship being processed): the months behind from then
    on no longer count towards the six that 党章 第九条 treats as leaving the Party, and a
    back payment of them may reach further than 6 months. A reason from the same month is
    replaced. Nothing else changes: the months stay unpaid until paid."""
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the member is behind with their dues.")})
    month = first_of(starts_on)
    if month > first_of(timezone.localdate()):
        raise ValidationError(
            {"starts_on": gettext("Record a reason from this month or an earlier one.")}
        )
    record = DuesArrearsReason.objects.filter(
        member=member, starts_on=month
    ).first() or DuesArrearsReason(member=member, starts_on=month)
    record.reason, record.note = reason.strip(), note.strip()
    audited_save(record, acting_user=acting_user)
    return record
