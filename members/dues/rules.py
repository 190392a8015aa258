"""The monthly amount of a member's dues: the schedule of their category in force in the
month, applied to the whole base (not marginally), rounded half up to the fen.

A schedule is the set of brackets of one category sharing one `effective_from`; the schedule
in force in a month is the latest that took effect on or before its first day
(`branchsite.rules.DatedRules`; before the first on record, the first). Within a schedule, the
bracket is the first whose `up_to` the base does not exceed: "3000元以下（含3000元）" puts a
base of exactly 3000.00 in the lower bracket.

A member of the category "other" has no schedule: they pay the fixed amount the branch set on
their basis (`basis_amount`).

Rounding: the 2008 rules state rates, not a rounding rule; amounts are kept to the fen, and a
half fen rounds up (ROUND_HALF_UP), the usual practice of 党费 ledgers.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from branchsite.rules import DatedRules
from members.models import DuesBasis, DuesBracket, DuesCategory

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Schedule:
    category: str
    effective_from: datetime.date
    brackets: tuple[DuesBracket, ...]  # by `up_to`, the open top bracket last

    def bracket_for(self, base: Decimal) -> DuesBracket:
        for bracket in self.brackets:
            if bracket.up_to is None or base <= bracket.up_to:
                return bracket
        return self.brackets[-1]

    def amount(self, base: Decimal) -> Decimal:
        bracket = self.bracket_for(base)
        if bracket.monthly_amount is not None:
            return to_fen(bracket.monthly_amount)
        return to_fen(base * bracket.rate_percent / 100)


class DuesSchedules:
    """Every schedule of every category, read once (`load`)."""

    def __init__(self, brackets: Iterable[DuesBracket]):
        grouped = defaultdict(list)
        for bracket in brackets:
            grouped[(bracket.category, bracket.effective_from)].append(bracket)
        schedules = [
            Schedule(
                category=category,
                effective_from=effective_from,
                brackets=tuple(
                    sorted(rows, key=lambda row: (row.up_to is None, row.up_to or Decimal(0)))
                ),
            )
            for (category, effective_from), rows in grouped.items()
        ]
        self._rules = DatedRules(schedules, key=lambda schedule: schedule.category)

    @classmethod
    def load(cls) -> "DuesSchedules":
        return cls(DuesBracket.objects.all())

    def schedule_for(self, category: str, month: datetime.date) -> Schedule | None:
        return self._rules.in_force(category, month.replace(day=1))

    def monthly_amount(self, category: str, base: Decimal, month: datetime.date) -> Decimal:
        """What a member of `category` with `base` pays for `month` (0 with no schedule)."""
        schedule = self.schedule_for(category, month)
        if schedule is None:
            return Decimal("0.00")
        return schedule.amount(Decimal(base))

    def basis_amount(self, basis: DuesBasis, month: datetime.date) -> Decimal:
        """What `basis` gives for `month`: the branch's fixed amount for the category
        "other", else its category's schedule applied to its base."""
        if basis.category == DuesCategory.OTHER:
            return to_fen(basis.fixed_amount)
        return self.monthly_amount(basis.category, basis.monthly_base, month)
