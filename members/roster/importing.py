"""Importing roster rows into a branch: matching each row to a member, validating every row as
the model would, then writing all of them in bulk with their history, or nothing."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branchsite.audit import audited_bulk_history
from branchsite.constraints import full_clean_many
from groups.models import Branch, GroupMembership, PartyGroup
from groups.services import group_member_place, group_member_place_check
from members.models import Member
from members.roster.cells import CellError, display_value, folded_text, parse_cell
from members.roster.columns import COLUMNS_BY_KEY, IMPORTED_FIELDS
from members.roster.reading import RosterRow, RosterSheet
from members.validators import birth_date_from_id

logger = logging.getLogger(__name__)

# Every column of a member's table, to find what an update changes.
MEMBER_FIELDS = Member._meta.concrete_fields

# Where a constraint's message belongs in the file, for the error list.
CONSTRAINT_COLUMNS = {
    "member_full_membership_after_joining": "full_member_on",
    "member_probationary_has_no_full_date": "full_member_on",
    "member_joined_after_birth": "joined_on",
    "member_id_number_unique": "id_number",
    "member_lost_contact_has_date": "lost_contact_on",
    "member_mobile_has_destination": "mobile_destination",
    "member_exit_has_kind_and_date": "status",
}


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class Change:
    header: str
    old: str
    new: str


@dataclass
class RowOutcome:
    number: int
    name: str
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {
            Action.CREATE: _("New"),
            Action.UPDATE: _("Update"),
            Action.UNCHANGED: _("Unchanged"),
        }[self.action]


@dataclass
class RowError:
    row: int
    column: str  # the column letter, "" when the file has no such column
    header: str
    message: str

    def within_row(self) -> str:
        """The problem without the row number, for the error column of the returned file."""
        if self.column:
            return _("Column %(column)s (%(header)s): %(message)s") % {
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.header:
            return _("%(header)s: %(message)s") % {"header": self.header, "message": self.message}
        return self.message

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column %(column)s (%(header)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.header:
            return _("Row %(row)s, %(header)s: %(message)s") % {
                "row": self.row,
                "header": self.header,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    outcomes: list[RowOutcome]
    errors: list[RowError]
    dry_run: bool

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    def summary(self) -> str:
        return _("%(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class _BranchIndex:
    """The branch's members and groups, fetched once, for matching rows to records."""

    def __init__(self, branch: Branch):
        members = list(Member.objects.filter(branch=branch))
        self.by_id = {m.id_number: m for m in members if m.id_number}
        self.by_name_birth = defaultdict(list)
        self.by_name = defaultdict(list)
        for member in members:
            self.by_name_birth[(member.name, member.birth_date)].append(member)
            self.by_name[member.name].append(member)
        self.current_group = {
            member_id: (group_id, group_name)
            for member_id, group_id, group_name in GroupMembership.objects.current()
            .filter(member__branch=branch)
            .values_list("member_id", "group_id", "group__name")
        }
        groups = list(PartyGroup.objects.filter(branch=branch, dissolved_on__isnull=True))
        self.groups = groups
        self.groups_by_name = {}
        for group in groups:
            folded = folded_text(group.name)
            self.groups_by_name[folded] = group
            if folded.endswith("党小组"):
                self.groups_by_name.setdefault(folded.removesuffix("党小组"), group)

    def match(self, values: dict) -> tuple[Member | None, str | None]:
        """The existing member a row describes: by identity number; else by name and birth
        date (when one side has no identity number); else by name alone when the row has
        neither. Returns (member, None) or (None, message) when several records fit."""
        id_number = values.get("id_number")
        if id_number and id_number in self.by_id:
            return self.by_id[id_number], None
        name = values.get("name")
        birth_date = values.get("birth_date") or (
            birth_date_from_id(id_number) if id_number and len(id_number) == 18 else None
        )
        if birth_date:
            candidates = self.by_name_birth.get((name, birth_date), [])
        elif not id_number:
            candidates = self.by_name.get(name, [])
        else:
            candidates = []
        candidates = [m for m in candidates if not (id_number and m.id_number)]
        if len(candidates) > 1:
            return None, _(
                "%(count)s members of the branch are called %(name)s and none can be told "
                "apart by identity number or birth date; add the identity number."
            ) % {"count": len(candidates), "name": name}
        return (candidates[0] if candidates else None), None


def _validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field key, message) pairs; constraint messages go to the column they are about."""
    constraint_messages = {
        str(constraint.violation_error_message): CONSTRAINT_COLUMNS.get(constraint.name, "")
        for constraint in Member._meta.constraints
    }
    pairs = []
    for key, messages in error.message_dict.items():
        for message in messages:
            if key == NON_FIELD_ERRORS:
                pairs.append((constraint_messages.get(message, ""), message))
            else:
                pairs.append((key, message))
    return pairs


def _check_duplicates(rows: list[RosterRow], parsed: dict[int, dict], error) -> None:
    """Two rows for the same person (same identity number, or same name and birth date):
    each row names the other."""
    seen: dict[tuple, int] = {}
    for row in rows:
        values = parsed.get(row.number)
        if not values:
            continue
        if values.get("id_number"):
            key = ("id_number", values["id_number"])
            message = _("Rows %(first)s and %(second)s have the same identity number; keep one.")
        elif values.get("birth_date"):
            key = ("name", values["name"], values["birth_date"])
            message = _(
                "Rows %(first)s and %(second)s have the same name and birth date; keep one."
            )
        else:
            continue  # a name alone does not make two rows the same person
        if key in seen:
            message = message % {"first": seen[key], "second": row.number}
            error(seen[key], key[0], message)
            error(row.number, key[0], message)
        else:
            seen[key] = row.number


def roster_import(
    *,
    branch: Branch,
    rows: list[RosterRow],
    acting_user,
    sheet: RosterSheet | None = None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> ImportResult:
    """Create or update the branch's members from roster rows, all or nothing.

    Each row is matched to an existing member (identity number, else name and birth date)
    and validated as the model's `full_clean` would (`full_clean_many`: the same checks and
    messages, without a query per row). Only the members a row changes are written, in bulk,
    each with a history row by `acting_user`. A 所在党小组 places a new member in that group
    from `today` the same way, and moves an existing one through `group_member_place`. If any
    row is invalid nothing is written and every problem is returned. `dry_run` does all the
    work and rolls it back, so a preview shows exactly what the import will do. `sheet` lets
    error messages name the file's own columns.
    """
    today = today or timezone.localdate()
    errors: list[RowError] = []
    outcomes: list[RowOutcome] = []

    def label(key: str) -> tuple[str, str]:
        if sheet is not None:
            return sheet.column_label(key)
        column = COLUMNS_BY_KEY.get(key)
        return "", column.header if column else ""

    def error(number: int, key: str, message) -> None:
        column, header = label(key) if key else ("", "")
        errors.append(RowError(number, column, header, str(message)))

    writer = _Writer(acting_user=acting_user, today=today, error=error)
    try:
        with transaction.atomic():
            # Imports into one branch wait for each other (PostgreSQL; SQLite locks anyway).
            Branch.objects.select_for_update().filter(pk=branch.pk).first()
            index = _BranchIndex(branch)
            parsed = _parse_rows(rows, error)
            _check_duplicates(rows, parsed, error)
            unreadable = {problem.row for problem in errors}
            readable = [
                row for row in rows if row.number in parsed and row.number not in unreadable
            ]
            plans = _plan_rows(readable, parsed, index=index, branch=branch, error=error)
            _validate(plans, error)
            writer.write(plans)
            outcomes = [_outcome(plan, label) for plan in plans if not plan.failed]
            if errors or dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Every row was validated, so only a concurrent change gets here.
        logger.warning("Roster import hit an integrity error at row %s", writer.row)
        errors.append(
            RowError(
                writer.row or 0,
                "",
                "",
                _(
                    "The records changed while the roster was being imported; nothing was saved. "
                    "Please import again."
                ),
            )
        )
    errors.sort(key=lambda problem: (problem.row, problem.column or "~"))
    return ImportResult(outcomes=outcomes, errors=errors, dry_run=dry_run)


def _parse_rows(rows: list[RosterRow], error) -> dict[int, dict]:
    """{row number: {key: value}} for the rows whose every cell could be read."""
    parsed = {}
    for row in rows:
        values, readable = {}, True
        for key, raw in row.values.items():
            if key == "branch":
                continue  # informative: the import goes to the branch chosen for it
            try:
                value = parse_cell(COLUMNS_BY_KEY[key], raw)
            except CellError as problem:
                error(row.number, key, str(problem))
                readable = False
                continue
            if value is not None:
                values[key] = value
        if not values.get("name"):
            error(row.number, "name", _("The name is missing."))
            readable = False
        if readable:
            parsed[row.number] = values
    return parsed


def _same(key: str, old, new) -> bool:
    if COLUMNS_BY_KEY[key].kind == "month" and old is not None and new is not None:
        return (old.year, old.month) == (new.year, new.month)  # dues: the day is ignored
    return old == new


@dataclass
class _RowPlan:
    """What one row does to its member, worked out before anything is written."""

    number: int
    values: dict
    member: Member  # with the row's values set; saved only by the writer
    creating: bool
    before: dict  # the imported fields as they were
    stored: dict  # every column as stored (attname → value), if the row changes any
    changed: bool  # the row changes an imported field
    group: PartyGroup | None  # the group the row names
    old_group: tuple[int, str] | None  # (id, name) of the member's current group
    failed: bool = False  # a problem was reported for the row

    @property
    def moves(self) -> bool:
        return self.group is not None and (
            self.old_group is None or self.old_group[0] != self.group.pk
        )

    @property
    def saves(self) -> bool:
        return self.creating or self.changed


def _plan_rows(rows, parsed, *, index, branch, error) -> list[_RowPlan]:
    """A plan for every row that names a known group and at most one member."""
    plans = []
    matched_rows: dict[int, int] = {}
    for row in rows:
        values = parsed[row.number]
        member, problem = index.match(values)
        if problem:
            error(row.number, "name", problem)
            continue
        if member is not None:
            if member.pk in matched_rows:
                message = _(
                    "Rows %(first)s and %(second)s are both %(name)s; keep one of them."
                ) % {"first": matched_rows[member.pk], "second": row.number, "name": member.name}
                error(matched_rows[member.pk], "name", message)
                error(row.number, "name", message)
                continue
            matched_rows[member.pk] = row.number

        group = None
        if values.get("group"):
            group = index.groups_by_name.get(folded_text(values["group"]))
            if group is None:
                error(
                    row.number,
                    "group",
                    _("%(branch)s has no party group called %(name)s. Its groups: %(groups)s.")
                    % {
                        "branch": branch.name,
                        "name": values["group"],
                        "groups": "、".join(g.name for g in index.groups) or "—",
                    },
                )
                continue
        creating = member is None
        if creating:
            member = Member(branch=branch)
        before = {key: getattr(member, key) for key in IMPORTED_FIELDS}
        updates = {
            key: values[key]
            for key in IMPORTED_FIELDS
            if key in values and not _same(key, before[key], values[key])
        }
        stored = {}
        if updates and not creating:
            stored = {field.attname: getattr(member, field.attname) for field in MEMBER_FIELDS}
        for key, value in updates.items():
            setattr(member, key, value)
        old_group = None if creating else index.current_group.get(member.pk)
        plans.append(
            _RowPlan(
                row.number,
                values,
                member,
                creating,
                before,
                stored,
                changed=bool(updates),
                group=group,
                old_group=old_group,
            )
        )
    return plans


def _validate(plans: list[_RowPlan], error) -> None:
    """The model's own validation of every member to be saved; a failed row is marked."""
    saving = [plan for plan in plans if plan.saves]
    for plan, problem in zip(saving, full_clean_many([p.member for p in saving]), strict=True):
        if problem is not None:
            plan.failed = True
            for key, message in _validation_messages(problem):
                error(plan.number, key, message)


class _Writer:
    """Writes the validated plans: members and memberships in bulk, each with its history
    row by the acting user, as `audited_save` would have written them one by one."""

    def __init__(self, *, acting_user, today: datetime.date, error):
        self.acting_user = acting_user
        self.today = today
        self.error = error
        self.row: int | None = None  # the row being written, for an IntegrityError

    def write(self, plans: list[_RowPlan]) -> None:
        plans = [plan for plan in plans if not plan.failed]
        created = [plan for plan in plans if plan.creating]
        self.create_members(created)
        self.update_members([plan for plan in plans if plan.saves and not plan.creating])
        self.place_new_members([plan for plan in created if plan.group is not None])
        # Existing members move through the service: it ends their current membership and
        # any leadership of the group they leave.
        for plan in plans:
            if plan.moves and not plan.creating:
                self.place(plan)

    def in_bulk(self, plans: list[_RowPlan], write) -> None:
        """`write(plans)` in one go. Should the database refuse (a concurrent change:
        everything was validated), write them again one at a time, so that the
        IntegrityError which ends the import names its row."""
        if not plans:
            return
        self.row = plans[0].number
        try:
            with transaction.atomic():
                write(plans)
        except IntegrityError:
            for plan in plans:
                self.row = plan.number
                write([plan])

    def history(self, instances, *, update: bool = False) -> None:
        audited_bulk_history(instances, acting_user=self.acting_user, update=update)

    def create_members(self, plans: list[_RowPlan]) -> None:
        self.in_bulk(plans, lambda batch: Member.objects.bulk_create([p.member for p in batch]))
        if plans:
            self.history([plan.member for plan in plans])

    def update_members(self, plans: list[_RowPlan]) -> None:
        # Only the columns some row changed (validation may fill more than the row named).
        fields = [
            field.name
            for field in MEMBER_FIELDS
            if any(
                getattr(plan.member, field.attname) != plan.stored[field.attname] for plan in plans
            )
        ]
        self.in_bulk(
            plans, lambda batch: Member.objects.bulk_update([p.member for p in batch], fields)
        )
        if plans:
            self.history([plan.member for plan in plans], update=True)

    def place_new_members(self, plans: list[_RowPlan]) -> None:
        """What `group_member_place` does for a member without a group, in bulk, after the
        same check (`group_member_place_check`), so a refusal reads the same."""
        placing = []
        checks = group_member_place_check([(plan.group, plan.member) for plan in plans])
        for plan, problem in zip(plans, checks, strict=True):
            if problem is None:
                placing.append(plan)
            else:
                plan.failed = True
                for message in problem.messages:
                    self.error(plan.number, "group", message)
        memberships = [
            GroupMembership(group=plan.group, member=plan.member, started_on=self.today)
            for plan in placing
        ]
        valid = []
        for plan, membership, problem in zip(
            placing, memberships, full_clean_many(memberships), strict=True
        ):
            if problem is None:
                valid.append(membership)
            else:
                plan.failed = True
                for message in problem.messages:
                    self.error(plan.number, "group", message)
        if valid:
            self.row = placing[0].number
            GroupMembership.objects.bulk_create(valid)
            self.history(valid)

    def place(self, plan: _RowPlan) -> None:
        self.row = plan.number
        try:
            group_member_place(
                group=plan.group,
                member=plan.member,
                started_on=self.today,
                acting_user=self.acting_user,
            )
        except ValidationError as problem:
            plan.failed = True
            for message in problem.messages:
                self.error(plan.number, "group", message)


def _outcome(plan: _RowPlan, label) -> RowOutcome:
    """What the row did, for the preview: the values a new member got, or the changes."""
    member = plan.member
    if not plan.saves and not plan.moves:
        return RowOutcome(plan.number, member.name, Action.UNCHANGED)
    if plan.creating:
        recorded = [
            Change(label(key)[1], "", display_value(key, getattr(member, key)))
            for key in IMPORTED_FIELDS
            if key in plan.values and key != "name"
        ]
        if plan.group is not None:
            recorded.append(Change(label("group")[1], "", plan.group.name))
        return RowOutcome(plan.number, member.name, Action.CREATE, recorded)
    changes = [
        Change(
            label(key)[1],
            display_value(key, plan.before[key]),
            display_value(key, getattr(member, key)),
        )
        for key in IMPORTED_FIELDS
        if getattr(member, key) != plan.before[key]
    ]
    if plan.moves:
        old_name = plan.old_group[1] if plan.old_group else ""
        changes.append(Change(label("group")[1], old_name, plan.group.name))
    return RowOutcome(plan.number, member.name, Action.UPDATE, changes)
