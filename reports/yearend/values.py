"""The year's figures as the documents hold them: a figure is its key, its label and its
value as printed, or None when the records cannot supply it (printed as 【待补充】, never as
0); the year's figures, tables and charts by key. The wording helpers every part of
reports.yearend.figures shares are here too."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from groups.models import Branch, PartyGroup
from reports.yearend.blocks import Chart, Table


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str | None  # as printed; None when the records cannot supply it

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class YearFigures:
    """The year's figures, tables and charts, by key."""

    branch: Branch
    year: int
    as_of: datetime.date  # the year's end, or today while it runs
    group: PartyGroup | None = None
    values: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)

    def add(self, key: str, label, value) -> None:
        self.values[key] = Figure(key=key, label=str(label), value=printed_value(value))

    def __getitem__(self, key: str) -> Figure:
        return self.values[key]


def printed_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # Money and hours as a school writes them: 5191元, 1.5学时; cents only when there are.
        value = value.quantize(Decimal("0.01"))
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def count_or_missing(count: int, recorded: bool):
    """A count the records state, or None when nothing of its kind was recorded at all."""
    return count if recorded else None


def names_list(names) -> str | None:
    names = [name for name in names if name]
    return "、".join(names) if names else None


def chinese_date(day: datetime.date | None) -> str | None:
    return f"{day.year}年{day.month}月{day.day}日" if day else None
