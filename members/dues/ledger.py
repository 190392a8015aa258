"""What each member owes and has paid, month by month, computed from their bases, the
brackets and the payments; read for a whole branch in a fixed number of queries.

A member owes dues from the month they joined (预备党员 pay from the day the general
meeting admits them: 中组发〔2008〕3号 第八条, so from that month) or, if
later, the month of their first recorded basis: before it the app does not know the amount.
A month is in arrears once it has passed unpaid: the current month is still open.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from branchsite.dates import add_months
from members.dues.rules import DuesSchedules
from members.models import DuesBasis, DuesPayment, Member

# Domain §5: warn at three months behind; six months without reason is for the committee
# (中组发〔2008〕3号 第十三条 and 党章 第九条: 无正当理由连续6个月不交纳党费 is treated as 自行脱党
# — never applied automatically).
ARREARS_WARNING_MONTHS = 3
ARREARS_SERIOUS_MONTHS = 6


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first` to `last`, both included."""
    months, month = [], first_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass
class MemberDues:
    member: Member
    bases: list[DuesBasis]  # newest first
    paid: dict[datetime.date, DuesPayment]
    schedules: DuesSchedules
    today: datetime.date

    def basis_for(self, month: datetime.date) -> DuesBasis | None:
        return next((basis for basis in self.bases if basis.starts_on <= month), None)

    def amount_for(self, month: datetime.date) -> Decimal | None:
        """The computed amount for `month`, None without a basis for it."""
        basis = self.basis_for(month)
        if basis is None:
            return None
        return self.schedules.monthly_amount(basis.category, basis.monthly_base, month)

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
        """Months passed unpaid, oldest first."""
        return [month for month in self.due_months() if month not in self.paid]

    @property
    def months_behind(self) -> int:
        """Unpaid months in a row up to last month: what the arrears rules count."""
        behind = 0
        for month in reversed(self.due_months()):
            if month in self.paid:
                break
            behind += 1
        return behind

    @property
    def paid_until(self) -> datetime.date | None:
        """党费缴至: the last month of the unbroken run of paid months from the first month
        owed (a quarter paid ahead included); None before the first payment."""
        if self.first_month is None or self.first_month not in self.paid:
            return None
        month = self.first_month
        while add_months(month, 1) in self.paid:
            month = add_months(month, 1)
        return month

    @property
    def stands_out(self) -> bool:
        return self.months_behind >= ARREARS_WARNING_MONTHS

    @property
    def serious(self) -> bool:
        return self.months_behind >= ARREARS_SERIOUS_MONTHS


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
    """The dues of `members` (a queryset): 4 queries for any number of members."""
    schedules = schedules or DuesSchedules.load()
    members = members.prefetch_related(
        Prefetch("dues_bases", queryset=DuesBasis.objects.order_by("-starts_on")),
        Prefetch("dues_payments", queryset=DuesPayment.objects.order_by("month")),
    )
    return BranchDues(
        members=[
            MemberDues(
                member=member,
                bases=list(member.dues_bases.all()),
                paid={payment.month: payment for payment in member.dues_payments.all()},
                schedules=schedules,
                today=today,
            )
            for member in members
        ]
    )
