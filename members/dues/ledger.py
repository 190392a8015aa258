"""What each member owes and has paid, month by month, computed from their bases, the
brackets and the payments; read for a whole branch in a fixed number of queries.

A member owes dues from the month they joined (预备党员 pay from the day the general
meeting admits them: 中组发〔2008〕3号 第八条, so from that month) or, if
later, the month of their first recorded basis: before it the app does not know the amount.
A month is in arrears once it has passed unpaid: the current month is still open.

What a month owes is what its basis gives (members.dues.rules), or the lower amount of an
approved reduction that covers it (`DuesReduction`, 少交). A waived month (免交, a reduction to
0) needs no payment row: it is settled like a paid month, so it is never unpaid, it ends a
run of months behind, and it counts towards 党费缴至 up to the current month.

Arrears: a member stands out at 3 months behind in a row, with the committee's recorded
reason when there is one (`DuesArrearsReason`); the 6-month flag (`serious`) counts only the
months of the run before a reason covers them. A reason covers the unpaid months from its
month until the member is settled again: a later run of arrears needs a reason of its own.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery

from branchsite.dates import add_months
from members.dues.rules import DuesSchedules
from members.models import DuesArrearsReason, DuesBasis, DuesPayment, DuesReduction, Member

# Domain §5: warn at three months behind; six months without reason is for the committee
# (中组发〔2008〕3号 第十三条 and 党章 第九条: 无正当理由连续6个月不交纳党费 is treated as 自行脱党
# — never applied automatically).
ARREARS_WARNING_MONTHS = 3
ARREARS_SERIOUS_MONTHS = 6


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first` to `last`, both included. (Counted as
    month numbers: a ledger of thirty years asks for this again and again, and stepping
    with `add_months` made the district's arrears the slowest part of its pages.)"""
    start = first.year * 12 + first.month - 1
    end = last.year * 12 + last.month - 1
    return [datetime.date(index // 12, index % 12 + 1, 1) for index in range(start, end + 1)]


@dataclass
class MemberDues:
    member: Member
    bases: list[DuesBasis]  # newest first
    paid: dict[datetime.date, DuesPayment]
    schedules: DuesSchedules
    today: datetime.date
    reductions: list[DuesReduction] = field(default_factory=list)  # newest first
    reasons: list[DuesArrearsReason] = field(default_factory=list)  # newest first

    def basis_for(self, month: datetime.date) -> DuesBasis | None:
        return next((basis for basis in self.bases if basis.starts_on <= month), None)

    def reduction_for(self, month: datetime.date) -> DuesReduction | None:
        return next((reduction for reduction in self.reductions if reduction.covers(month)), None)

    def amount_for(self, month: datetime.date) -> Decimal | None:
        """What `month` owes: the basis's amount, or an approved reduction's where it is
        lower (a reduction never raises the dues); None without a basis for it."""
        basis = self.basis_for(month)
        if basis is None:
            return None
        amount = self.schedules.basis_amount(basis, month)
        reduction = self.reduction_for(month)
        if reduction is not None:
            return min(amount, reduction.monthly_amount)
        return amount

    def waived(self, month: datetime.date) -> bool:
        """免交: an approved reduction to nothing covers `month`."""
        reduction = self.reduction_for(month)
        return reduction is not None and reduction.waives

    def settled(self, month: datetime.date) -> bool:
        """Paid, or waived: nothing more is owed for `month`."""
        return month in self.paid or self.waived(month)

    @property
    def first_month(self) -> datetime.date | None:
        if not self.bases:
            return None
        starts = [first_of(self.bases[-1].starts_on)]
        if self.member.joined_on:
            starts.append(first_of(self.member.joined_on))
        return max(starts)

    def due_months(self) -> list[datetime.date]:
        """The months owed up to last month (the current month is not yet late)."""
        if self.first_month is None:
            return []
        return months_between(self.first_month, add_months(first_of(self.today), -1))

    @property
    def unpaid_months(self) -> list[datetime.date]:
        """Months passed unpaid (and not waived), oldest first."""
        return [month for month in self.due_months() if not self.settled(month)]

    @property
    def months_behind(self) -> int:
        """Unpaid months in a row up to last month: what the arrears rules count. A paid or
        a waived month ends the run."""
        first = self.first_month
        if first is None:
            return 0
        # Back from last month, without listing the decades of months before the run.
        behind, month = 0, add_months(first_of(self.today), -1)
        while month >= first and not self.settled(month):
            behind += 1
            month = add_months(month, -1)
        return behind

    @property
    def paid_until(self) -> datetime.date | None:
        """党费缴至: the last month of the unbroken run of settled months from the first
        month owed (a quarter paid ahead included; a waived month up to the current month
        only, so that an open-ended waiver does not run on into the future); None before
        the first settled month."""
        current = first_of(self.today)

        def counts(month: datetime.date) -> bool:
            return month in self.paid or (month <= current and self.waived(month))

        if self.first_month is None or not counts(self.first_month):
            return None
        month = self.first_month
        while counts(add_months(month, 1)):
            month = add_months(month, 1)
        return month

    def reason_for(self, month: datetime.date) -> DuesArrearsReason | None:
        """The recorded reason that covers an unpaid `month`: the latest recorded from that
        month or before, unless the member was settled for a month in between (it was the
        reason for an earlier run of arrears)."""
        reason = next((reason for reason in self.reasons if reason.starts_on <= month), None)
        if reason is None:
            return None
        since = max(reason.starts_on, self.first_month or reason.starts_on)
        if any(self.settled(between) for between in months_between(since, add_months(month, -1))):
            return None
        return reason

    @property
    def arrears_reason(self) -> DuesArrearsReason | None:
        """The recorded reason for the current run of months behind, if any."""
        if not self.months_behind:
            return None
        return self.reason_for(add_months(first_of(self.today), -1))

    @property
    def months_behind_without_reason(self) -> int:
        """The months of the current run before a recorded reason covers them."""
        reason = self.arrears_reason
        if reason is None:
            return self.months_behind
        last = add_months(first_of(self.today), -1)
        run_start = add_months(last, 1 - self.months_behind)
        return len(months_between(run_start, add_months(reason.starts_on, -1)))

    @property
    def stands_out(self) -> bool:
        return self.months_behind >= ARREARS_WARNING_MONTHS

    @property
    def serious(self) -> bool:
        """Six months in a row unpaid without a recorded reason: for the committee."""
        return self.months_behind_without_reason >= ARREARS_SERIOUS_MONTHS


@dataclass
class BranchDues:
    members: list[MemberDues] = field(default_factory=list)

    @property
    def in_arrears(self) -> list[MemberDues]:
        return [row for row in self.members if row.stands_out]

    @property
    def without_basis(self) -> list[Member]:
        return [row.member for row in self.members if not row.bases]


def branch_dues(members, *, today: datetime.date, schedules: DuesSchedules | None = None):
    """The dues of `members` (a queryset): 6 queries for any number of members (the
    members, their bases, payments, reductions and arrears reasons, and the brackets)."""
    schedules = schedules or DuesSchedules.load()
    members = members.prefetch_related(
        Prefetch("dues_bases", queryset=DuesBasis.objects.order_by("-starts_on")),
        Prefetch("dues_payments", queryset=DuesPayment.objects.order_by("month")),
        Prefetch("dues_reductions", queryset=DuesReduction.objects.order_by("-starts_on")),
        Prefetch("dues_arrears_reasons", queryset=DuesArrearsReason.objects.order_by("-starts_on")),
    )
    return BranchDues(
        members=[
            MemberDues(
                member=member,
                bases=list(member.dues_bases.all()),
                paid={payment.month: payment for payment in member.dues_payments.all()},
                schedules=schedules,
                today=today,
                reductions=list(member.dues_reductions.all()),
                reasons=list(member.dues_arrears_reasons.all()),
            )
            for member in members
        ]
    )


def recent_dues(members, *, today: datetime.date, schedules: DuesSchedules | None = None):
    """`branch_dues` for the arrears alone, over any number of members (a district's): each
    member's ledger holds their latest payment up to last month instead of every payment,
    and their first basis instead of all of them. That is all the arrears read — the run of
    unsettled months back from last month ends at the latest payment, and a reason recorded
    before that payment belongs to an earlier run — so `months_behind`, `stands_out` and
    `serious` are the full ledger's, in 5 queries without reading years of payments."""
    schedules = schedules or DuesSchedules.load()
    last_month = add_months(first_of(today), -1)
    latest_paid = DuesPayment.objects.filter(member=OuterRef("pk"), month__lte=last_month)
    first_basis = DuesBasis.objects.filter(member=OuterRef("pk"))
    members = members.annotate(
        latest_paid=Subquery(latest_paid.order_by("-month").values("month")[:1]),
        first_basis=Subquery(first_basis.order_by("starts_on").values("starts_on")[:1]),
    ).prefetch_related(
        Prefetch("dues_reductions", queryset=DuesReduction.objects.order_by("-starts_on")),
        Prefetch("dues_arrears_reasons", queryset=DuesArrearsReason.objects.order_by("-starts_on")),
    )
    return BranchDues(
        members=[
            MemberDues(
                member=member,
                bases=[DuesBasis(starts_on=member.first_basis)] if member.first_basis else [],
                paid={member.latest_paid: None} if member.latest_paid else {},
                schedules=schedules,
                today=today,
                reductions=list(member.dues_reductions.all()),
                reasons=list(member.dues_arrears_reasons.all()),
            )
            for member in members
        ]
    )
