"""What the dues pages read: a branch's year month by month, a month's collection list, a
member's dues card and the arrears count. Each is built from the ledger (`branch_dues`), so
it costs the same few queries for any number of members."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branchsite.dates import add_months
from members.dues.ledger import MemberDues, branch_dues, first_of, recent_dues
from members.dues.services import MAX_MONTHS_AHEAD
from members.models import (
    PARTY_MEMBER_CATEGORIES,
    DuesArrearsReason,
    DuesBasis,
    DuesPayment,
    DuesReduction,
    Member,
    SpecialDues,
    Status,
)


class MonthState(models.TextChoices):
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived (免交)")
    UNPAID = "unpaid", _("Unpaid")
    OPEN = "open", _("Due this month")
    NOT_DUE = "not_due", _("Not due")


def dues_members(branch, groups=None):
    """The members the dues pages list: Party members of `branch` in good standing (a
    member whose membership is suspended, 停止党籍, takes no part in Party life and pays no
    dues meanwhile), each with `current_group_name`, by group and name; only those of
    `groups` (ids) when given."""
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE).on_roll()
    if groups is not None:
        members = members.in_groups(groups)
    return members.with_current_group().order_by(
        F("current_group_order").asc(nulls_last=True), "current_group_name", "name", "pk"
    )


def month_state(dues: MemberDues, month: datetime.date) -> str:
    if month in dues.paid:
        return MonthState.PAID
    current = first_of(dues.today)
    if dues.first_month is None or month < dues.first_month:
        return MonthState.NOT_DUE
    if dues.waived(month):
        return MonthState.WAIVED
    if month > current:
        return MonthState.NOT_DUE
    if month == current:
        return MonthState.OPEN  # not late until the month has passed
    return MonthState.UNPAID


@dataclass(frozen=True)
class MonthCell:
    month: datetime.date
    state: str
    payment: DuesPayment | None

    @property
    def state_label(self) -> str:
        return MonthState(self.state).label


@dataclass
class DuesYearRow:
    """One member's year: the basis, amount and reduction of the year's last month so far,
    a cell a month, what was paid for the year's months."""

    dues: MemberDues
    cells: list[MonthCell]
    basis: DuesBasis | None
    amount: Decimal | None
    reduction: DuesReduction | None = None

    @property
    def member(self) -> Member:
        return self.dues.member

    @property
    def paid_total(self) -> Decimal:
        return sum((cell.payment.amount for cell in self.cells if cell.payment), Decimal("0"))

    @property
    def months_paid(self) -> int:
        return sum(1 for cell in self.cells if cell.payment)

    @property
    def months_unpaid(self) -> int:
        return sum(1 for cell in self.cells if cell.state == MonthState.UNPAID)


def year_row(dues: MemberDues, year: int) -> DuesYearRow:
    reference = min(first_of(dues.today), datetime.date(year, 12, 1))
    cells = []
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        cells.append(MonthCell(month, month_state(dues, month), dues.paid.get(month)))
    return DuesYearRow(
        dues=dues,
        cells=cells,
        basis=dues.basis_for(reference),
        amount=dues.amount_for(reference),
        reduction=dues.reduction_for(reference),
    )


@dataclass
class DuesYear:
    year: int
    rows: list[DuesYearRow]

    @property
    def month_labels(self) -> list[str]:
        return [gettext("Month %(month)s") % {"month": number} for number in range(1, 13)]

    @property
    def in_arrears(self) -> list[DuesYearRow]:
        return [row for row in self.rows if row.dues.stands_out]

    @property
    def serious(self) -> list[DuesYearRow]:
        return [row for row in self.rows if row.dues.serious]

    @property
    def without_basis(self) -> list[Member]:
        return [row.member for row in self.rows if not row.dues.bases]

    @property
    def paid_total(self) -> Decimal:
        return sum((row.paid_total for row in self.rows), Decimal("0"))


def dues_year(members, *, year: int, today: datetime.date) -> DuesYear:
    """The year's dues of `members` (a queryset), month by month: the ledger's 6 queries."""
    ledger = branch_dues(members, today=today)
    return DuesYear(year=year, rows=[year_row(dues, year) for dues in ledger.members])


@dataclass(frozen=True)
class CollectionRow:
    member: Member
    amount: Decimal | None  # None: the member has no base yet, and the collection stops
    reduced: bool = False  # an approved reduction (少交) sets the amount


@dataclass
class Collection:
    """Who owes `month` and has not paid it, with the amount owed; who already paid; whose
    month is waived (免交)."""

    month: datetime.date
    rows: list[CollectionRow] = field(default_factory=list)
    already_paid: list[Member] = field(default_factory=list)
    waived: list[Member] = field(default_factory=list)

    @property
    def members(self) -> list[Member]:
        return [row.member for row in self.rows]

    @property
    def without_basis(self) -> list[Member]:
        return [row.member for row in self.rows if row.amount is None]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows if row.amount is not None), Decimal("0"))


def month_collection(members, *, month: datetime.date, today: datetime.date) -> Collection:
    """The collection list of `month` for `members`: those who owe it and have not paid it,
    and those without a base who joined by then (listed, so that the collection names them
    rather than leave them out unseen)."""
    month = first_of(month)
    collection = Collection(month=month)
    for dues in branch_dues(members, today=today).members:
        joined = dues.member.joined_on
        if month in dues.paid:
            collection.already_paid.append(dues.member)
        elif not dues.bases:
            if joined is None or first_of(joined) <= month:
                collection.rows.append(CollectionRow(dues.member, None))
        elif dues.first_month <= month:
            if dues.waived(month):
                collection.waived.append(dues.member)
                continue
            reduced = dues.reduction_for(month) is not None
            collection.rows.append(CollectionRow(dues.member, dues.amount_for(month), reduced))
    return collection


def payable_months(dues: MemberDues) -> list[datetime.date]:
    """The months a member may be offered to pay now: every month passed unpaid (a back
    payment: the service refuses those more than 6 months back without a recorded reason)
    and, up to a quarter ahead, this month and the next ones not yet settled (the next ones
    with the branch's consent)."""
    if dues.first_month is None:
        return []
    current = first_of(dues.today)
    ahead = [
        month
        for offset in range(MAX_MONTHS_AHEAD)
        if (month := add_months(current, offset)) >= dues.first_month and not dues.settled(month)
    ]
    return [*dues.unpaid_months, *ahead]


@dataclass
class MemberDuesCard:
    dues: MemberDues
    year: DuesYearRow
    special: list[SpecialDues]

    @property
    def basis(self) -> DuesBasis | None:
        return self.dues.basis_for(first_of(self.dues.today))

    @property
    def amount(self) -> Decimal | None:
        return self.dues.amount_for(first_of(self.dues.today))

    @property
    def reduction(self) -> DuesReduction | None:
        """The reduction (少交、免交) in force this month."""
        return self.dues.reduction_for(first_of(self.dues.today))

    @property
    def reductions(self) -> list[DuesReduction]:
        return self.dues.reductions

    @property
    def reasons(self) -> list[DuesArrearsReason]:
        return self.dues.reasons


def member_dues(member: Member, *, today: datetime.date) -> MemberDues:
    """One member's ledger row (the ledger's 6 queries)."""
    (dues,) = branch_dues(Member.objects.filter(pk=member.pk), today=today).members
    return dues


def member_dues_card(member: Member, *, today: datetime.date) -> MemberDuesCard | None:
    """The dues card of a member's page (this year's months, special dues); None for
    someone who is not a Party member (yet). Seven queries."""
    if member.category not in PARTY_MEMBER_CATEGORIES:
        return None
    dues = member_dues(member, today=today)
    return MemberDuesCard(
        dues=dues,
        year=year_row(dues, today.year),
        special=list(SpecialDues.objects.filter(member=member).order_by("-paid_on", "-pk")),
    )


@dataclass(frozen=True)
class Arrears:
    behind: int  # members at least 3 months behind
    serious: int  # of them, at least 6 months


def arrears(members, *, today: datetime.date) -> Arrears:
    """How many of `members` are behind enough to stand out (the overview's warning line):
    the arrears alone, so each member's latest payment rather than years of them
    (`recent_dues`, whose figures are the full ledger's)."""
    ledger = recent_dues(members, today=today)
    return Arrears(
        behind=len(ledger.in_arrears),
        serious=sum(1 for row in ledger.members if row.serious),
    )
