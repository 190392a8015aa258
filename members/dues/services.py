"""Writes to the dues ledger: bases, a month's collection, a member's back or advance
payment, special dues. Each validates, saves in one transaction and records who acted."""

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
from members.models import DuesBasis, DuesPayment, Member, SpecialDues

# 第十二条: 经党支部同意，可以每季度交纳一次 — at most a quarter paid ahead.
MAX_MONTHS_AHEAD = 3


@transaction.atomic
def dues_basis_set(
    *,
    member: Member,
    category: str,
    monthly_base,
    starts_on: datetime.date,
    acting_user,
    note: str = "",
) -> DuesBasis:
    """Set a member's category and base from the month of `starts_on` (核定基数); a basis
    from the same month is replaced, earlier ones stay for their months."""
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
    audited_save(basis, acting_user=acting_user)
    return basis


def _payment_problem(member: Member, month: datetime.date, paid_on: datetime.date, amount):
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
    return None


def _payments(dues: MemberDues, months, *, paid_on: datetime.date, by_proxy: bool, note: str):
    """The payments of `months` for one ledger row at the amount each month's basis gives,
    and the problems that stop them (no base, not yet a member, too far ahead, paid)."""
    member = dues.member
    payments, problems = [], []
    for month in sorted({first_of(month) for month in months}):
        amount = dues.amount_for(month)
        problem = _payment_problem(member, month, paid_on, amount)
        if problem is None and month in dues.paid:
            problem = gettext("%(name)s's dues for %(month)s are already recorded.") % {
                "name": member.name,
                "month": f"{month:%Y-%m}",
            }
        if problem:
            problems.append(problem)
            continue
        payments.append(
            DuesPayment(
                member=member,
                month=month,
                amount=amount,
                paid_on=paid_on,
                by_proxy=by_proxy,
                note=note.strip(),
            )
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
    note: str = "",
) -> list[DuesPayment]:
    """Record `member`'s dues for `months` (a back payment, a quarter ahead) at the amount
    each month's basis gives. A month already paid is refused, not paid twice."""
    _refuse_future(paid_on)
    (dues,) = branch_dues(Member.objects.filter(pk=member.pk), today=paid_on).members
    payments, problems = _payments(dues, months, paid_on=paid_on, by_proxy=by_proxy, note=note)
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
    who owes `month` and has not paid it pays the computed amount, except those in
    `not_paid` (member ids); those in `by_proxy` had it handed in for them. All or nothing:
    one member without a base stops the whole collection, with every problem listed. The
    members' bases and payments are read once (the ledger's 4 queries)."""
    _refuse_future(paid_on)
    month = first_of(month)
    not_paid, by_proxy = set(not_paid), set(by_proxy)
    ledger = branch_dues(
        Member.objects.filter(pk__in=[member.pk for member in members]), today=paid_on
    )
    payments, problems = [], []
    for dues in ledger.members:
        member = dues.member
        if member.pk in not_paid or month in dues.paid:
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
    special = SpecialDues(member=member, amount=amount, paid_on=paid_on, purpose=purpose.strip())
    audited_save(special, acting_user=acting_user)
    return special
