"""One year of a branch's dues, as the dues documents and the year-end summary read it,
each in a fixed number of queries for any number of members.

A year's regular dues are the dues for its months, whenever they were paid: a back payment
made in January for December counts for the year it pays for, a quarter paid ahead in
December for the months of the next. Special dues (特殊党费) count in the year they were paid,
and never as regular dues.

The members of a year are the branch's Party members on the roll at its end (on the roll
today, or gone after the year ended) who had joined by then, and anyone who paid for one of
its months (a member who left during the year keeps the months they paid).

A month with an approved reduction (少交) or waiver (免交) is counted on the member's line
(减免), so that the 公示 explains a smaller total; a waived month has no payment and is not
counted as paid.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum

from groups.models import Branch
from members.dues.ledger import MemberDues, branch_dues, first_of, months_between
from members.models import (
    ON_ROLL_STATUSES,
    PARTY_MEMBER_CATEGORIES,
    DuesPayment,
    Member,
    SpecialDues,
)

ZERO = Decimal("0.00")


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def members_of_the_year(branch: Branch, year: int):
    """The members of the year (see the module), each annotated with `owed_dues`: whether
    they owed the year's dues (on the roll at its end), and with their current group
    (`current_group_name`), by group and name."""
    end = year_end(year)
    owed = (
        Q(category__in=PARTY_MEMBER_CATEGORIES)
        & (Q(status__in=ON_ROLL_STATUSES) | Q(status_since__gt=end))
        & (Q(joined_on__isnull=True) | Q(joined_on__lte=end))
    )
    # Who owed this branch (its members), and whoever paid it, a member since moved on too.
    owed = Q(branch=branch) & owed
    paid = Q(pk__in=DuesPayment.objects.filter(branch=branch, month__year=year).values("member"))
    return (
        Member.objects.filter(owed | paid)
        .annotate(owed_dues=ExpressionWrapper(owed, output_field=BooleanField()))
        .with_current_group()
        .order_by(F("current_group_order").asc(nulls_last=True), "current_group_name", "name", "pk")
    )


def _as_of(year: int, today: datetime.date) -> datetime.date:
    """The day the year is read on: today while it runs, the day after it once it is over."""
    return min(today, year_end(year) + datetime.timedelta(days=1))


@dataclass(frozen=True)
class NoticeRow:
    """One member's line of the 公示."""

    member: Member
    group_name: str
    category: str  # the dues category's label; "" without a basis
    monthly_base: Decimal | None  # in force in the year's last month read; None: not set
    monthly_amount: Decimal | None
    months_paid: int
    total_paid: Decimal
    base_changes: list[datetime.date]  # months in the year from which a new base applied
    reduced_months: int = 0  # months of the year owed, read so far, with a reduction (减免)


@dataclass(frozen=True)
class YearNotice:
    """党费收缴公示: the regular dues of the year per member, and the special dues apart."""

    branch: Branch
    year: int
    as_of: datetime.date
    rows: list[NoticeRow]
    special: list[SpecialDues]  # paid in the year, oldest first, each with its member

    @property
    def months_paid(self) -> int:
        return sum(row.months_paid for row in self.rows)

    @property
    def total_paid(self) -> Decimal:
        return sum((row.total_paid for row in self.rows), ZERO)

    @property
    def special_total(self) -> Decimal:
        return sum((special.amount for special in self.special), ZERO)


def _notice_row(dues: MemberDues, year: int, last_month: datetime.date) -> NoticeRow:
    payments = [payment for month, payment in dues.paid.items() if month.year == year]
    basis = dues.basis_for(last_month)
    # dues.bases is newest first: a basis is a change when an older one came before it.
    changes = sorted(
        later.starts_on
        for index, later in enumerate(dues.bases)
        if index + 1 < len(dues.bases) and datetime.date(year, 1, 1) < later.starts_on <= last_month
    )
    first = max(datetime.date(year, 1, 1), dues.first_month) if dues.first_month else None
    reduced = [
        month
        for month in (months_between(first, last_month) if first else [])
        if dues.reduction_for(month) is not None
    ]
    return NoticeRow(
        member=dues.member,
        group_name=dues.member.current_group_name or "",
        category=basis.get_category_display() if basis else "",
        monthly_base=basis.monthly_base if basis else None,
        monthly_amount=dues.amount_for(last_month) if basis else None,
        months_paid=len(payments),
        total_paid=sum((payment.amount for payment in payments), ZERO),
        base_changes=changes,
        reduced_months=len(reduced),
    )


def _special_dues(branch: Branch, year: int):
    return SpecialDues.objects.filter(branch=branch, paid_on__year=year)


def year_notice(branch: Branch, year: int, *, today: datetime.date) -> YearNotice:
    """The 公示 of `year` as read on `today`: 7 queries, whatever the number of members.
    The base and monthly amount shown are those of December, or of the current month while
    the year runs; a base changed during the year is listed with the month it changed."""
    as_of = _as_of(year, today)
    last_month = min(datetime.date(year, 12, 1), first_of(as_of))
    ledger = branch_dues(members_of_the_year(branch, year), today=as_of)
    return YearNotice(
        branch=branch,
        year=year,
        as_of=as_of,
        rows=[_notice_row(dues, year, last_month) for dues in ledger.members],
        special=list(
            _special_dues(branch, year).select_related("member").order_by("paid_on", "pk")
        ),
    )


@dataclass(frozen=True)
class Arrears:
    member: Member
    months_behind: int  # unpaid months in a row up to the year's end
    serious: bool  # six months or more: for the committee to handle (never automatic)


@dataclass(frozen=True)
class SpecialPurpose:
    purpose: str
    members: int
    total: Decimal


@dataclass(frozen=True)
class DuesFigures:
    """The dues figures of the year-end summary (年度工作总结)."""

    year: int
    collected: Decimal  # regular dues for the months of the year
    members_paid: int  # members who paid for at least one of its months
    in_arrears: list[Arrears]  # three months behind or more at the year's end
    special_total: Decimal
    special_purposes: list[SpecialPurpose]  # by total, largest first


def dues_figures(branch: Branch, year: int, *, today: datetime.date) -> DuesFigures:
    """What the summary says of the year's dues, in 8 queries. Arrears are counted at the
    year's end (or today while it runs) with the payments made by then: a back payment
    made in January does not undo December's arrears."""
    as_of = _as_of(year, today)
    collected = DuesPayment.objects.filter(branch=branch, month__year=year).aggregate(
        total=Sum("amount"), members=Count("member", distinct=True)
    )
    ledger = branch_dues(members_of_the_year(branch, year).filter(owed_dues=True), today=as_of)
    arrears = []
    for dues in ledger.members:
        by_then = {month: p for month, p in dues.paid.items() if p.paid_on < as_of}
        dues = dataclasses.replace(dues, paid=by_then)
        if dues.stands_out:
            arrears.append(Arrears(dues.member, dues.months_behind, dues.serious))
    purposes = [
        SpecialPurpose(purpose=row["purpose"], members=row["members"], total=row["total"])
        for row in _special_dues(branch, year)
        .values("purpose")
        .annotate(total=Sum("amount"), members=Count("member", distinct=True))
        .order_by("-total", "purpose")
    ]
    return DuesFigures(
        year=year,
        collected=collected["total"] or ZERO,
        members_paid=collected["members"],
        in_arrears=sorted(arrears, key=lambda row: (-row.months_behind, row.member.name)),
        special_total=sum((purpose.total for purpose in purposes), ZERO),
        special_purposes=purposes,
    )
