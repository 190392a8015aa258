"""What is owed now: the meetings still due in the periods running today."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from activities.compliance.grid import KIND_ORDER, CellStatus, ComplianceGrid, compliance_grid
from activities.models import MeetingType
from branchsite.dates import school_year_of
from groups.models import Branch, PartyGroup


@dataclass(frozen=True)
class MissingItem:
    """A meeting still owed in a period that is running now."""

    kind: str
    group: PartyGroup | None
    period_label: str
    period_end: datetime.date  # the day it is due by: the period's last day, or its rule's
    held: int
    times: int

    @property
    def kind_label(self) -> str:
        return MeetingType(self.kind).label


def missing_in(grid: ComplianceGrid, today: datetime.date) -> list[MissingItem]:
    """The grid's cells whose period contains `today` and that still owe meetings, those
    ending soonest first."""
    items = [
        MissingItem(
            row.kind, row.group, cell.period.label, cell.period.due_on, cell.held, cell.times
        )
        for row in grid.rows
        for cell in row.cells
        if cell.period.contains(today) and cell.status == CellStatus.NOT_YET_DUE
    ]
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    items.sort(key=lambda item: (item.period_end, order[item.kind]))
    return items


def missed_in(grid: ComplianceGrid) -> list[MissingItem]:
    """The grid's cells whose period has ended without the meetings it required, most
    recent first."""
    items = [
        MissingItem(
            row.kind, row.group, cell.period.label, cell.period.due_on, cell.held, cell.times
        )
        for row in grid.rows
        for cell in row.cells
        if cell.status == CellStatus.MISSING
    ]
    items.sort(key=lambda item: item.period_end, reverse=True)
    return items


@dataclass(frozen=True)
class Owed:
    """The school year's meetings owed today: `due`, still owed in the periods running now
    (soonest first); `missed`, periods already over without them (latest first)."""

    due: list[MissingItem]
    missed: list[MissingItem]
    grid: ComplianceGrid  # the school year's grid they come from (the overview's heat strip)


def owed_now(branch: Branch, today: datetime.date, groups: Iterable | None = None) -> Owed:
    """`missing_now` and the school year's missed periods, from one grid (4 queries)."""
    grid = compliance_grid(branch, school_year_of(today), today, groups=groups)
    return Owed(due=missing_in(grid, today), missed=missed_in(grid), grid=grid)


def missing_now(
    branch: Branch, today: datetime.date, groups: Iterable | None = None
) -> list[MissingItem]:
    """What is still owed in the current month, quarter, semester, school year and calendar
    year: for the whole branch, or (`groups`: a leader's) for those groups' own meetings.
    4 queries."""
    return owed_now(branch, today, groups).due
