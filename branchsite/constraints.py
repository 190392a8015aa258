"""Model validation for many instances at once, without a query per instance.

`Model.full_clean()` checks every CheckConstraint with a query (`Q.check` runs the condition as
a SELECT over the instance's values), every UniqueConstraint and every foreign key with
another. For one form that is nothing; for an import of thousands of rows it is most of the
time. `full_clean_many` returns what `full_clean()` would raise for each instance, with:

- check conditions evaluated in Python (`compile_condition`), with SQL's three-valued logic:
  a comparison with NULL is unknown, and a check fails only when its condition is false;
- each UniqueConstraint checked with one query for all the instances (and among them);
- each foreign key's targets checked with one query for all the instances.

The evaluator knows the lookups our constraints use (exact, isnull, gt, gte, lt, lte against a
value or an F() of another field of the same row, combined with &, | and ~). A condition it
does not know raises `UnsupportedCondition` when compiled, and `full_clean_many` then lets
Django check that constraint itself, with its query: slower, never different.
tests/test_constraints.py holds the evaluator to Django's own verdicts.
"""

import dataclasses
import datetime
import decimal
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import connections, router
from django.db.models import BaseConstraint, CheckConstraint, F, Model, Q, UniqueConstraint

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
# Keys per query when fetching the rows that could clash with a unique constraint; well
# under SQLite's 999 parameters.
CHUNK = 500


class UnsupportedCondition(Exception):
    """A condition (or part of one) the evaluator cannot decide in Python."""


def _kind(value) -> str | None:
    """What a value compares as; Python and SQL agree only between values of one kind."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | int | float | decimal.Decimal):
        return "number"
    if isinstance(value, datetime.datetime):
        return "datetime"
    for kind, types in (
        ("date", datetime.date),
        ("time", datetime.time),
        ("duration", datetime.timedelta),
    ):
        if isinstance(value, types):
            return kind
    return None


def _combine(tests: list[Callable], decisive: bool, negated: bool) -> Callable:
    """AND (decisive False) or OR (decisive True) of `tests` in three-valued logic: True,
    False, or None for SQL's unknown. The first decisive answer settles it."""

    def test(instance) -> bool | None:
        result = not decisive
        for child in tests:
            answer = child(instance)
            if answer is decisive:
                result = decisive
                break
            if answer is None:
                result = None
        if negated and result is not None:
            return not result
        return result

    return test


@dataclass(frozen=True)
class CompiledCondition:
    """A Q condition turned into a Python test over one instance's field values, which are
    expected to be of the fields' Python types (as clean_fields leaves them)."""

    fields: frozenset[str]  # the names of the fields it reads
    test: Callable[[Model], bool | None]

    def holds(self, instance: Model) -> bool:
        """As a database CHECK decides: only a false condition fails, unknown passes."""
        return self.test(instance) is not False


def _field(model, name: str):
    """The concrete field called `name` ("pk" included), or UnsupportedCondition."""
    try:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise UnsupportedCondition(name) from error
    if not field.concrete or field.generated or field.model is not model:
        raise UnsupportedCondition(name)
    return field


def _compile_lookup(model, path: str, value) -> tuple[set[str], Callable]:
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    field = _field(model, name)
    names = {field.name}
    left = operator.attrgetter(field.attname)

    if lookup == "isnull":
        if not isinstance(value, bool):
            raise UnsupportedCondition(path)
        return names, (lambda instance: (left(instance) is None) is value)
    if lookup not in COMPARISONS:
        raise UnsupportedCondition(path)
    compare = COMPARISONS[lookup]

    if isinstance(value, F):
        other = _field(model, value.name)
        names.add(other.name)
        right = operator.attrgetter(other.attname)
    elif hasattr(value, "resolve_expression") or isinstance(value, Model):
        raise UnsupportedCondition(path)
    elif value is None:
        if lookup != "exact":
            raise UnsupportedCondition(path)
        return names, (lambda instance: left(instance) is None)  # Django: exact None is isnull
    else:
        # The database compares the value as the field prepares it (Category.FULL → "full").
        constant = field.get_prep_value(value)

        def right(instance):
            return constant

    ordered = lookup != "exact"

    def test(instance):
        a, b = left(instance), right(instance)
        if a is None or b is None:
            return None
        kind = _kind(a)
        # Text is equal byte for byte (SQLite, and PostgreSQL's deterministic collations),
        # but ordered by the database's collation, which Python cannot reproduce.
        if kind is None or kind != _kind(b) or (ordered and kind == "text"):
            raise UnsupportedCondition(path)
        try:
            return compare(a, b)
        except TypeError as error:  # e.g. a naive and an aware datetime
            raise UnsupportedCondition(path) from error

    return names, test


def compile_condition(model, condition: Q) -> CompiledCondition:
    """The condition of a CheckConstraint (or UniqueConstraint) of `model` as a Python test.
    Raises UnsupportedCondition for lookups, expressions or connectors it does not know."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        raise UnsupportedCondition(condition)
    names: set[str] = set()
    tests = []
    for child in condition.children:
        if isinstance(child, Q):
            compiled = compile_condition(model, child)
            names |= compiled.fields
            tests.append(compiled.test)
        elif isinstance(child, tuple) and len(child) == 2:
            child_names, test = _compile_lookup(model, *child)
            names |= child_names
            tests.append(test)
        else:
            raise UnsupportedCondition(child)
    decisive = condition.connector == Q.OR
    return CompiledCondition(frozenset(names), _combine(tests, decisive, condition.negated))


# ---------------------------------------------------------------------------- full_clean_many


def _verified_relations(model, instances, exclude) -> dict[str, tuple[str, set]]:
    """{foreign key name: (attname, the values among `instances` that exist)}, one query
    per foreign key.

    An instance whose value is found needs no query of its own: for a field without
    validators or choices, ForeignKey.validate checks nothing else that an existing value
    could fail (null and blank)."""
    verified = {}
    for field in model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.remote_field.parent_link:
            continue
        if field.name in exclude or field.validators or field.choices:
            continue
        values = list({getattr(instance, field.attname) for instance in instances} - {None})
        if not values:
            continue
        target = field.remote_field.model
        using = router.db_for_read(target, instance=instances[0])
        name = field.remote_field.field_name
        found = set()
        for start in range(0, len(values), CHUNK):
            found.update(
                target._base_manager.using(using)
                .filter(**{f"{name}__in": values[start : start + CHUNK]})
                .complex_filter(field.get_limit_choices_to())
                .order_by()
                .values_list(name, flat=True)
            )
        verified[field.name] = (field.attname, found)
    return verified


@dataclass
class _Constraint:
    """One of the model's constraints, and how full_clean_many checks it."""

    model: type[Model]  # the model class that declares it
    constraint: BaseConstraint
    condition: CompiledCondition | None = None
    # A check evaluated in Python, or a unique constraint checked by one query for all the
    # instances; otherwise Django validates the constraint, instance by instance.
    batched: bool = False
    candidates: list[tuple[int, tuple]] = dataclasses.field(default_factory=list)

    @classmethod
    def of(cls, model, constraint: BaseConstraint) -> "_Constraint":
        entry = cls(model, constraint)
        if isinstance(constraint, CheckConstraint | UniqueConstraint):
            if constraint.condition is not None:
                try:
                    entry.condition = compile_condition(model, constraint.condition)
                except UnsupportedCondition:
                    return entry
            entry.batched = isinstance(constraint, CheckConstraint) or (
                bool(constraint.fields)
                and not any(model._meta.get_field(name).generated for name in constraint.fields)
            )
        return entry

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(getattr(self.constraint, "fields", ()))

    def violation(self, instance) -> ValidationError:
        """The error the constraint's validate() raises (Django 5.2)."""
        constraint = self.constraint
        if (
            isinstance(constraint, UniqueConstraint)
            and not constraint.condition
            and constraint.violation_error_message == constraint.default_violation_error_message
        ):
            message = instance.unique_error_message(self.model, constraint.fields)
            return ValidationError(message, code=message.code)
        return ValidationError(
            constraint.get_violation_error_message(), code=constraint.violation_error_code
        )

    def check(self, instance, index: int, skipped: set[str], using: str) -> None:
        """Raise the constraint's ValidationError for `instance`; for a unique constraint,
        note the instance's values for `clashes`. Like Django, skip a constraint on a field
        in `skipped` (excluded, or failed validation)."""
        if not self.batched:
            self.constraint.validate(self.model, instance, exclude=skipped, using=using)
            return
        if self.condition is not None and self.condition.fields & skipped:
            return
        if set(self.fields) & skipped:
            return
        try:
            applies = self.condition.holds(instance) if self.condition is not None else True
        except UnsupportedCondition:  # e.g. text, ordered by the database's collation
            self.constraint.validate(self.model, instance, exclude=skipped, using=using)
            return
        if isinstance(self.constraint, CheckConstraint):
            if not applies:
                raise self.violation(instance)
        elif applies:
            self._note(instance, index, using)

    def _note(self, instance, index: int, using: str) -> None:
        key = tuple(getattr(instance, self.model._meta.get_field(n).attname) for n in self.fields)
        empty_is_null = connections[using].features.interprets_empty_strings_as_nulls
        if any(
            (value is None and self.constraint.nulls_distinct is not False)
            or (value == "" and empty_is_null)
            for value in key
        ):
            return  # NULL equals nothing, not even NULL: no clash
        self.candidates.append((index, key))

    def clashes(self, instances, using) -> set[int]:
        """The indexes of the noted instances that break the constraint once all are saved:
        another row in the database has their values, or an earlier instance does."""
        attnames = [self.model._meta.get_field(name).attname for name in self.fields]
        keys = list(dict.fromkeys(key for _, key in self.candidates))
        # Rows being saved here are judged by their new values, not the stored ones.
        saved = {
            instance.pk
            for instance in instances
            if not instance._state.adding and instance._is_pk_set(self.model._meta)
        }
        queryset = self.model._default_manager.using(using).order_by()
        if self.constraint.condition is not None:
            queryset = queryset.filter(self.constraint.condition)
        taken = set()
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            if len(attnames) == 1 and all(key[0] is not None for key in chunk):
                matching = queryset.filter(**{f"{attnames[0]}__in": [key[0] for key in chunk]})
            else:
                matching = queryset.filter(
                    reduce(
                        operator.or_,
                        (Q(**dict(zip(attnames, key, strict=True))) for key in chunk),
                    )
                )
            for *values, pk in matching.values_list(*attnames, "pk"):
                if pk not in saved:
                    taken.add(tuple(values))
        clashes = set()
        for index, key in self.candidates:
            if key in taken:
                clashes.add(index)
            taken.add(key)
        return clashes


def full_clean_many(
    instances: Sequence[Model], *, exclude: Iterable[str] | None = None
) -> list[ValidationError | None]:
    """For each instance (all of one model), the ValidationError `full_clean(exclude)` would
    raise, or None; the instances are tidied by their clean methods as full_clean does.

    The queries do not grow with the instances, except `validate_unique` (unique=True fields,
    unique_together), which still runs per instance and queries only for an instance whose
    such fields hold a value. Unique constraints are judged as if every instance were saved:
    a value repeated within `instances` is an error on the later one.
    """
    if not instances:
        return []
    first = instances[0]
    exclude = set(exclude or ())
    using = router.db_for_write(type(first), instance=first)
    verified = _verified_relations(type(first), instances, exclude)
    constraints = [
        _Constraint.of(model, constraint)
        for model, model_constraints in first.get_constraints()
        for constraint in model_constraints
    ]

    field_errors: list[dict] = []
    constraint_errors: list[dict[int, ValidationError]] = []
    for index, instance in enumerate(instances):
        # Model.full_clean (Django 5.2), step by step; the foreign keys verified above are
        # left out of clean_fields only.
        errors: dict = {}
        known = {
            name
            for name, (attname, found) in verified.items()
            if getattr(instance, attname) in found
        }
        try:
            instance.clean_fields(exclude=exclude | known)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        skipped = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            instance.validate_unique(exclude=skipped)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        skipped = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
        found_errors = {}
        for number, constraint in enumerate(constraints):
            try:
                constraint.check(instance, index, skipped, using)
            except ValidationError as error:
                found_errors[number] = error
        field_errors.append(errors)
        constraint_errors.append(found_errors)

    for number, constraint in enumerate(constraints):
        if constraint.candidates:
            for index in constraint.clashes(instances, using):
                constraint_errors[index][number] = constraint.violation(instances[index])

    results = []
    for errors, found_errors in zip(field_errors, constraint_errors, strict=True):
        # Gathered as Model.validate_constraints does, in the order of Meta.constraints.
        gathered: dict = {}
        for number in sorted(found_errors):
            error = found_errors[number]
            fields = constraints[number].fields
            if getattr(error, "code", None) == "unique" and len(fields) == 1:
                gathered.setdefault(fields[0], []).append(error)
            else:
                gathered = error.update_error_dict(gathered)
        if gathered:
            errors = ValidationError(gathered).update_error_dict(errors)
        results.append(ValidationError(errors) if errors else None)
    return results
