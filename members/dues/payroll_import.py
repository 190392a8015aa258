"""Importing the year's dues bases from a payroll sheet (`members.dues.payroll`), with the
roster importer's guarantees: every row that is a member's is matched to them and checked
first, every bad row is reported with its row number, column and reason, and the bases are
written all together through `dues_basis_set` (audited), or not at all. A dry run is the
preview: per member, the base in force before and after, and the monthly amount it gives.

A school's payroll lists all its staff, most of them not party members: a row that is no
member's on the branch's roll is skipped and listed, not an error. Against silent loss the
result lists the members on the roll who have no row, and a file in which no row is a
member's is refused as the wrong file."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    # Found by the name alone: the row or the member's record has no identity number.
    by_name: bool = False

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


@dataclass(frozen=True)
class SkippedRow:
    """A row that is no member's on the branch's roll (staff who are not party members, or
    people no longer on the roll): left out of the import. `namesake_row` is the row of the
    member of the same name, when the row's identity number shows it is someone else."""

    number: int
    name: str
    namesake_row: int | None = None


@dataclass
class PayrollImportResult:
    starts_on: datetime.date
    rows: list[BasisChange]
    errors: list[RowError]
    dry_run: bool
    absent: list[Member] = field(default_factory=list)  # on the roll, in no row
    skipped: list[SkippedRow] = field(default_factory=list)
    refusal: str = ""  # why the file as a whole is refused (no row is a member's)

    @property
    def written(self) -> bool:
        return not self.errors and not self.refusal and not self.dry_run

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
        summary = _("%(changed)s bases set, %(unchanged)s unchanged.") % {
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }
        if self.skipped:
            summary += " " + (
                ngettext(
                    "%(count)s row of someone not on the roll was skipped.",
                    "%(count)s rows of people not on the roll were skipped.",
                    len(self.skipped),
                )
                % {"count": len(self.skipped)}
            )
        return summary


class _Unmatched(Exception):
    """A row that is a member's, but whose it is, or whether its name or identity number is
    right, cannot be told: the column at fault and why, for the user."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key, self.message = key, message


@dataclass(frozen=True)
class _Identity:
    """Whom a row is: a member on the roll (`by_name` when no identity number could be
    compared), or no one on the roll. `namesakes` are the members of the row's name whose
    identity numbers on file are not the row's: someone else of the same name, unless the
    number in the sheet or on file is wrong."""

    member: Member | None = None
    by_name: bool = False
    namesakes: tuple[Member, ...] = ()


def _namesake_message(name: str) -> str:
    return _(
        "The identity number is not the one on file for %(name)s, and no other row is "
        "theirs: check the number in the row and on the member's record. If the row is "
        "someone else's of the same name who is not a member, delete it."
    ) % {"name": name}


class _Roll:
    """The branch's members on the roll and their bases, fetched once (two queries)."""

    def __init__(self, branch: Branch):
        self.members = list(Member.objects.filter(branch=branch).on_roll().order_by("name", "pk"))
        self.by_id = {member.id_number: member for member in self.members if member.id_number}
        self.by_name = defaultdict(list)
        for member in self.members:
            self.by_name[parse_name(member.name)].append(member)
        self.bases = defaultdict(list)  # member id → bases, newest first
        for basis in DuesBasis.objects.filter(member__branch=branch).order_by("-starts_on"):
            self.bases[basis.member_id].append(basis)

    def match(self, name: str, id_number: str | None) -> _Identity:
        """Whom a row is: by identity number when it has one (a record without one is found
        by its name, if unique), else by a unique name; no one when neither the number nor
        the name is a member's. Raises _Unmatched for a row that is a member's but not
        unambiguously."""
        named = self.by_name.get(name, [])
        if id_number:
            return self._match_identity(name, id_number, named)
        if len(named) == 1:
            return _Identity(named[0], by_name=True)
        if named:
            raise _Unmatched(
                "name",
                _(
                    "%(count)s members of the branch are called %(name)s: add their identity "
                    "numbers (身份证号) to tell them apart."
                )
                % {"count": len(named), "name": name},
            )
        return _Identity()

    def _match_identity(self, name: str, id_number: str, named: list[Member]) -> _Identity:
        member = self.by_id.get(id_number)
        if member is not None and parse_name(member.name) == name:
            return _Identity(member)
        if member is not None:
            raise _Unmatched(
                "id_number",
                _("This identity number is %(member)s's, not %(name)s's: check the row.")
                % {"member": member.name, "name": name},
            )
        if len(named) == 1 and not named[0].id_number:
            return _Identity(named[0], by_name=True)
        if any(not namesake.id_number for namesake in named):
            raise _Unmatched(
                "id_number",
                _(
                    "%(count)s members of the branch are called %(name)s and not all of them "
                    "have an identity number on file: record their numbers on their pages to "
                    "tell whose row this is."
                )
                % {"count": len(named), "name": name},
            )
        return _Identity(namesakes=tuple(named))

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
    number if the row has one, else by a unique name); a row that is no member's is skipped.
    Its category is the row's 类别, else 离退休 for a retired member and 在职 for the others.
    A row whose member already has this category and base in force that month changes
    nothing. With errors, with no row a member's (the wrong file: refused), or `dry_run`,
    nothing is written; the result says what would be."""
    month = first_of(starts_on)
    schedules = schedules or DuesSchedules.load()
    errors: list[RowError] = []

    def error(number: int, key: str, message: str) -> None:
        column, header = sheet.column_label(key) if key else ("", "")
        errors.append(RowError(number, column, header, message))

    refusal = ""
    with transaction.atomic():
        if not dry_run:
            # Imports into one branch wait for each other (PostgreSQL; SQLite locks anyway).
            Branch.objects.select_for_update().filter(pk=branch.pk).first()
        roll = _Roll(branch)
        rows, skipped = _plan_rows(sheet, roll=roll, month=month, schedules=schedules, error=error)
        if not errors and not rows:
            refusal = _(
                "No row of the file is a member's on the roll of %(branch)s, so nothing can "
                "be imported: is it the right file? A row is a member's when its name (and "
                "identity number, if it has one) are those of the member's record."
            ) % {"branch": branch.name}
        if not errors and not refusal and not dry_run:
            _write(rows, month=month, acting_user=acting_user, file_name=file_name, error=error)
    matched = {change.member.pk for change in rows}
    absent = [member for member in roll.members if member.pk not in matched]
    errors.sort(key=lambda problem: (problem.row, problem.column or "~"))
    return PayrollImportResult(
        starts_on=month,
        rows=rows,
        errors=errors,
        dry_run=dry_run,
        absent=absent,
        skipped=skipped,
        refusal=refusal,
    )


def _plan_rows(
    sheet, *, roll: _Roll, month, schedules, error
) -> tuple[list[BasisChange], list[SkippedRow]]:
    """A change for every row that is one member's, whom no other row names, and the rows
    that are no member's, skipped. A row with a member's name but another identity number is
    skipped when that member has a row of their own (a namesake who is not a member), and is
    an error when they have none: the number in the sheet or on file may be wrong."""
    identities = [(row, _identify(row, roll=roll, error=error)) for row in sheet.rows]
    own_row: dict[int, int] = {}  # member id → the first row that is theirs
    for row, identity in identities:
        if identity is not None and identity.member is not None:
            own_row.setdefault(identity.member.pk, row.number)
    changes: list[BasisChange] = []
    skipped: list[SkippedRow] = []
    refused: set[int] = set()  # members named by two rows
    for row, identity in identities:
        if identity is not None and identity.member is None:
            name = parse_name(row.values.get("name"))
            namesake_rows = [own_row.get(namesake.pk) for namesake in identity.namesakes]
            if None not in namesake_rows:
                skipped.append(SkippedRow(row.number, name, min(namesake_rows, default=None)))
                continue
            error(row.number, "id_number", _namesake_message(name))
            identity = None
        member = identity.member if identity is not None else None
        if member is not None and own_row[member.pk] != row.number:
            message = _("Rows %(first)s and %(second)s are both %(name)s; keep one of them.") % {
                "first": own_row[member.pk],
                "second": row.number,
                "name": member.name,
            }
            error(own_row[member.pk], "name", message)
            error(row.number, "name", message)
            refused.add(member.pk)
        # The cells of every row that may be a member's are checked, even one already wrong.
        change = _row_change(
            sheet, row, identity=identity, roll=roll, month=month, schedules=schedules, error=error
        )
        if change is not None:
            changes.append(change)
    return [change for change in changes if change.member.pk not in refused], skipped


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


def _identify(row: RosterRow, *, roll: _Roll, error) -> _Identity | None:
    """Whom the row is, or None after reporting why that cannot be told. A missing name and
    an invalid identity number are errors even in a row that may be no member's: the
    member it may be would otherwise be left out without a word."""

    def report(key: str, message: str) -> None:
        error(row.number, key, message)

    name = parse_name(row.values.get("name"))
    if not name:
        report("name", _("The name is missing."))
    id_number, identified = _parse_identity(row, report)
    if not name or not identified:
        return None
    try:
        return roll.match(name, id_number)
    except _Unmatched as problem:
        report(problem.key, problem.message)
        return None


def _row_change(
    sheet, row, *, identity: _Identity | None, roll: _Roll, month, schedules, error
) -> BasisChange | None:
    """What the row does for its member, or None after reporting each problem of its cells
    (they are reported for a row whose member could not be told too: None, then)."""
    problems = 0

    def report(key: str, message: str) -> None:
        nonlocal problems
        problems += 1
        error(row.number, key, message)

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
    if problems or identity is None or base is None:
        return None
    member = identity.member
    in_force = roll.basis_in(member, month)
    if category is None and in_force is not None and in_force.category == DuesCategory.OTHER:
        # The sheet says nothing of the category: it must not turn the branch's amount into
        # a computed one behind the secretary's back.
        error(
            row.number,
            "category",
            _(
                "%(name)s pays the amount the branch sets (%(category)s): give the row a dues "
                "category, or delete the row to keep that amount."
            )
            % {"name": member.name, "category": DuesCategory.OTHER.label},
        )
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
    old = in_force
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
        by_name=identity.by_name,
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
