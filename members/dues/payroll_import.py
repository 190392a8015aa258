"""Importing the year's dues bases from a payroll sheet (`members.dues.payroll`), with the
roster importer's guarantees: every row is matched to a member on the roll and checked
first, every bad row is reported with its row number, column and reason, and the bases are
written all together through `dues_basis_set` (audited), or not at all. A dry run is the
preview: per member, the base in force before and after, and the monthly amount it gives."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groups.models import Branch
from members.dues.ledger import first_of
from members.dues.payroll import (
    BASE,
    INCOME_TAX,
    PAY_ITEMS,
    parse_amount,
    parse_dues_category,
    takes_pay_items,
)
from members.dues.rules import DuesSchedules
from members.dues.services import dues_basis_set
from members.models import DuesBasis, DuesCategory, Employment, Member
from members.roster.cells import CellError, is_blank, parse_id_number, parse_name
from members.roster.importing import RowError
from members.roster.reading import RosterRow, RosterSheet
from members.validators import validate_id_number

NOTE_LENGTH = DuesBasis._meta.get_field("note").max_length


@dataclass
class BasisChange:
    """What one row does: the member's basis in force in the month before and after."""

    number: int
    member: Member
    category: str
    base: Decimal
    amount: Decimal
    old: DuesBasis | None  # the basis in force in the month, before the import
    old_amount: Decimal | None
    later_from: datetime.date | None = None  # a later basis, which stays in force from then

    @property
    def changed(self) -> bool:
        return self.old is None or (self.old.category, self.old.monthly_base) != (
            self.category,
            self.base,
        )

    @property
    def category_label(self) -> str:
        return DuesCategory(self.category).label

    @property
    def old_category_label(self) -> str:
        return DuesCategory(self.old.category).label if self.old else ""


@dataclass
class PayrollImportResult:
    starts_on: datetime.date
    rows: list[BasisChange]
    errors: list[RowError]
    dry_run: bool
    absent: list[Member] = field(default_factory=list)  # on the roll, in no row

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    @property
    def changed(self) -> list[BasisChange]:
        return [row for row in self.rows if row.changed]

    @property
    def unchanged(self) -> int:
        return len(self.rows) - len(self.changed)

    @property
    def total_amount(self) -> Decimal:
        """The monthly dues of every row's member, once the bases are set."""
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    def summary(self) -> str:
        return _("%(changed)s bases set, %(unchanged)s unchanged.") % {
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }


class _Unmatched(Exception):
    """No single member on the roll fits a row: the column at fault and why, for the user."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key, self.message = key, message


class _Roll:
    """The branch's members on the roll and their bases, fetched once (two queries)."""

    def __init__(self, branch: Branch):
        self.branch = branch
        self.members = list(Member.objects.filter(branch=branch).on_roll().order_by("name", "pk"))
        self.by_id = {member.id_number: member for member in self.members if member.id_number}
        self.by_name = defaultdict(list)
        for member in self.members:
            self.by_name[parse_name(member.name)].append(member)
        self.bases = defaultdict(list)  # member id → bases, newest first
        for basis in DuesBasis.objects.filter(member__branch=branch).order_by("-starts_on"):
            self.bases[basis.member_id].append(basis)

    def match(self, name: str, id_number: str | None) -> Member:
        """The member a row names: by identity number when it has one (a record without one
        is found by its name, if unique), else by a unique name. Raises _Unmatched."""
        named = self.by_name.get(name, [])
        if id_number:
            return self._match_identity(name, id_number, named)
        if len(named) == 1:
            return named[0]
        if named:
            raise _Unmatched(
                "name",
                _(
                    "%(count)s members of the branch are called %(name)s: add their identity "
                    "numbers (身份证号) to tell them apart."
                )
                % {"count": len(named), "name": name},
            )
        raise _Unmatched(
            "name",
            _("No member on the roll of %(branch)s is called %(name)s.")
            % {"branch": self.branch.name, "name": name},
        )

    def _match_identity(self, name: str, id_number: str, named: list[Member]) -> Member:
        member = self.by_id.get(id_number)
        if member is not None and parse_name(member.name) == name:
            return member
        if member is not None:
            raise _Unmatched(
                "id_number",
                _("This identity number is %(member)s's, not %(name)s's: check the row.")
                % {"member": member.name, "name": name},
            )
        if len(named) == 1 and not named[0].id_number:
            return named[0]
        if named:
            raise _Unmatched(
                "id_number",
                _("The identity number is not the one on file for %(name)s: check the row.")
                % {"name": name},
            )
        raise _Unmatched(
            "id_number",
            _("No member on the roll of %(branch)s has this identity number.")
            % {"branch": self.branch.name},
        )

    def basis_in(self, member: Member, month: datetime.date) -> DuesBasis | None:
        return next((b for b in self.bases[member.pk] if b.starts_on <= month), None)

    def later_basis(self, member: Member, month: datetime.date) -> DuesBasis | None:
        later = [b for b in self.bases[member.pk] if b.starts_on > month]
        return later[-1] if later else None


def _default_category(member: Member) -> str:
    if member.employment == Employment.RETIRED:
        return DuesCategory.RETIRED
    return DuesCategory.IN_SERVICE


def _row_base(sheet: RosterSheet, row: RosterRow, report) -> Decimal | None:
    """The row's base, or None after reporting why it has none."""
    amounts, readable = {}, True
    keys = [BASE] if not takes_pay_items(sheet) else [*PAY_ITEMS, INCOME_TAX]
    for key in keys:
        if key not in sheet.columns:
            continue
        try:
            amounts[key] = parse_amount(row.values.get(key))
        except CellError as problem:
            report(key, str(problem))
            readable = False
    if not readable:
        return None
    if not takes_pay_items(sheet):
        if amounts[BASE] is None:
            report(BASE, _("The base is missing."))
            return None
        return amounts[BASE]
    pay = [amounts[key] for key in PAY_ITEMS if amounts.get(key) is not None]
    if not pay:
        first = next(key for key in PAY_ITEMS if key in sheet.columns)
        report(first, _("The pay items are all blank."))
        return None
    base = sum(pay, Decimal("0.00")) - (amounts.get(INCOME_TAX) or Decimal("0.00"))
    if base < 0:
        report(INCOME_TAX, _("The income tax is more than the pay."))
        return None
    return base


def dues_bases_import(
    *,
    branch: Branch,
    sheet: RosterSheet,
    starts_on: datetime.date,
    acting_user,
    dry_run: bool = False,
    file_name: str = "",
    schedules: DuesSchedules | None = None,
) -> PayrollImportResult:
    """Set the base of every member a row of `sheet` names from the month of `starts_on`,
    all or nothing. Each row is matched to a member of `branch` on the roll (by identity
    number if the row has one, else by a unique name); its category is the row's 类别, else
    离退休 for a retired member and 在职 for the others. A row whose member already has this
    category and base in force that month changes nothing. With errors, or `dry_run`,
    nothing is written; the result says what would be."""
    month = first_of(starts_on)
    schedules = schedules or DuesSchedules.load()
    errors: list[RowError] = []

    def error(number: int, key: str, message: str) -> None:
        column, header = sheet.column_label(key) if key else ("", "")
        errors.append(RowError(number, column, header, message))

    with transaction.atomic():
        if not dry_run:
            # Imports into one branch wait for each other (PostgreSQL; SQLite locks anyway).
            Branch.objects.select_for_update().filter(pk=branch.pk).first()
        roll = _Roll(branch)
        rows = _plan_rows(sheet, roll=roll, month=month, schedules=schedules, error=error)
        if not errors and not dry_run:
            _write(rows, month=month, acting_user=acting_user, file_name=file_name, error=error)
    matched = {change.member.pk for change in rows}
    absent = [member for member in roll.members if member.pk not in matched]
    errors.sort(key=lambda problem: (problem.row, problem.column or "~"))
    return PayrollImportResult(
        starts_on=month, rows=rows, errors=errors, dry_run=dry_run, absent=absent
    )


def _plan_rows(sheet, *, roll: _Roll, month, schedules, error) -> list[BasisChange]:
    """A change for every row that names one member, who no other row names."""
    rows: list[BasisChange] = []
    matched: dict[int, BasisChange] = {}  # member id → the row naming them
    refused: set[int] = set()
    for row in sheet.rows:
        change = _plan_row(sheet, row, roll=roll, month=month, schedules=schedules, error=error)
        if change is None:
            continue
        member = change.member
        if member.pk in matched:
            first = matched[member.pk]
            message = _("Rows %(first)s and %(second)s are both %(name)s; keep one of them.") % {
                "first": first.number,
                "second": row.number,
                "name": member.name,
            }
            error(first.number, "name", message)
            error(row.number, "name", message)
            refused.add(member.pk)
            continue
        matched[member.pk] = change
        rows.append(change)
    return [change for change in rows if change.member.pk not in refused]


def _parse_identity(row: RosterRow, report) -> tuple[str | None, bool]:
    """(the row's identity number or None, whether it can be used)."""
    if is_blank(row.values.get("id_number")):
        return None, True
    try:
        id_number = parse_id_number(row.values["id_number"])
        validate_id_number(id_number)
    except CellError as problem:
        report("id_number", str(problem))
        return None, False
    except ValidationError as problem:
        for message in problem.messages:
            report("id_number", message)
        return None, False
    return id_number, True


def _plan_row(sheet, row, *, roll: _Roll, month, schedules, error) -> BasisChange | None:
    """What the row does, or None after reporting each of its problems."""
    problems = 0

    def report(key: str, message: str) -> None:
        nonlocal problems
        problems += 1
        error(row.number, key, message)

    name = parse_name(row.values.get("name"))
    if not name:
        report("name", _("The name is missing."))
    id_number, identified = _parse_identity(row, report)
    try:
        category = parse_dues_category(row.values.get("category"))
    except CellError as problem:
        report("category", str(problem))
        category = None
    if category == DuesCategory.OTHER:
        # 其他: a fixed amount the branch sets, which no payroll sheet gives.
        report(
            "category",
            _(
                "%(category)s pays the amount the branch sets, not one computed from pay: set "
                "it on the member's dues page."
            )
            % {"category": DuesCategory.OTHER.label},
        )
    base = _row_base(sheet, row, report)
    member = None
    if name and identified:
        try:
            member = roll.match(name, id_number)
        except _Unmatched as problem:
            report(problem.key, problem.message)
    if problems or member is None or base is None:
        return None
    category = category or _default_category(member)
    basis = DuesBasis(member=member, category=category, monthly_base=base, starts_on=month)
    try:
        basis.full_clean(exclude=["member"], validate_unique=False, validate_constraints=False)
    except ValidationError as problem:
        # Only the base can be wrong here (too large): the category is one of the choices.
        for message in problem.messages:
            report(_amount_column(sheet), message)
        return None
    old = roll.basis_in(member, month)
    later = roll.later_basis(member, month)
    return BasisChange(
        number=row.number,
        member=member,
        category=category,
        base=base,
        amount=schedules.monthly_amount(category, base, month),
        old=old,
        old_amount=(schedules.basis_amount(old, month) if old else None),
        later_from=later.starts_on if later else None,
    )


def _amount_column(sheet: RosterSheet) -> str:
    """The column a problem with the base as a whole is reported in."""
    return next(key for key in (BASE, *PAY_ITEMS) if key in sheet.columns)


def _write(rows: list[BasisChange], *, month, acting_user, file_name: str, error) -> None:
    """Every changed basis through `dues_basis_set`, in one transaction: a refusal (only a
    concurrent change can cause one, everything was checked) undoes them all."""
    note = ""
    if file_name:
        note = (_("From the payroll sheet %(file)s") % {"file": file_name})[:NOTE_LENGTH]
    current = None
    try:
        with transaction.atomic():
            for change in rows:
                if not change.changed:
                    continue
                current = change
                dues_basis_set(
                    member=change.member,
                    category=change.category,
                    monthly_base=change.base,
                    starts_on=month,
                    acting_user=acting_user,
                    note=note,
                )
    except (ValidationError, IntegrityError):
        error(
            current.number if current else 0,
            "",
            _(
                "The records changed while the bases were being imported; nothing was saved. "
                "Please import again."
            ),
        )
