"""branchsite/constraints.py: the check conditions evaluated in Python give Django's own
verdicts, and `full_clean_many` gives the errors `full_clean()` gives, without a query per
instance."""

import datetime
import itertools
import random
import sysconfig
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.db.models.lookups import Exact

from branchsite.constraints import UnsupportedCondition, compile_condition, full_clean_many
from groups.models import GroupMembership
from members.models import Category, ExitKind, Gender, Member, Status
from members.validators import id_check_character
from tests.factories import BranchFactory, MemberFactory

# --------------------------------------------------------------------------- the evaluator

DATES = [datetime.date(2000, 1, 1), datetime.date(2010, 1, 1), datetime.date(2020, 1, 1)]
SAMPLES_PER_CONSTRAINT = 400


def sample_values(field) -> list:
    """Values that exercise a condition on `field`: every choice, each side of every
    comparison, equality, blank and NULL."""
    if field.choices:
        values = [value for value, _ in field.flatchoices]
        if isinstance(field, models.CharField):
            values.append("")
    elif isinstance(field, models.BooleanField):
        values = [False, True]
    elif isinstance(field, models.DateField):
        values = list(DATES)
    elif isinstance(field, models.IntegerField):
        values = [0, 1, 2]
    elif isinstance(field, models.CharField | models.TextField):
        values = ["", "x"]
    elif isinstance(field, models.DecimalField):
        values = [Decimal("-1"), Decimal("0"), Decimal("0.5"), Decimal("1")]
    elif isinstance(field, models.TimeField):
        values = [datetime.time(9), datetime.time(10), datetime.time(11)]
    elif isinstance(field, models.ForeignKey):
        values = [1]  # conditions on a relation ask only whether it is set
    else:
        pytest.fail(f"no sample values for {field!r}: add them here")
    # NULL even where the column refuses it: the comparisons with it are where SQL's
    # three-valued logic shows.
    return [*values, None]


def conditions_of_the_project():
    """(model, constraint) for every check constraint of the project's own models, and every
    unique constraint with a condition. An installed package's models (Django's, the task
    queue's) keep their own constraints: the evaluator serves `full_clean_many` on ours."""
    installed = Path(sysconfig.get_paths()["purelib"])
    for model in apps.get_models():
        if Path(model._meta.app_config.path).is_relative_to(installed):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint) or (
                isinstance(constraint, UniqueConstraint) and constraint.condition is not None
            ):
                yield pytest.param(model, constraint, id=constraint.name)


def sample_instances(model, compiled):
    fields = [model._meta.get_field(name) for name in sorted(compiled.fields)]
    combinations = list(itertools.product(*(sample_values(field) for field in fields)))
    if len(combinations) > SAMPLES_PER_CONSTRAINT:
        combinations = random.Random(0).sample(combinations, SAMPLES_PER_CONSTRAINT)
    for values in combinations:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        yield instance


def django_verdict(model, constraint, instance) -> bool:
    """Whether Django lets the instance through the constraint's condition (one query)."""
    if isinstance(constraint, CheckConstraint):
        try:
            constraint.validate(model, instance)
        except ValidationError:
            return False
        return True
    # A unique constraint applies where its condition holds, as validate() asks it: Q.check.
    return Q(constraint.condition).check(instance._get_field_expression_map(model._meta))


@pytest.mark.parametrize("model, constraint", list(conditions_of_the_project()))
def test_the_evaluator_agrees_with_django_on_every_condition_of_the_project(db, model, constraint):
    compiled = compile_condition(model, constraint.condition)
    verdicts = set()
    for instance in sample_instances(model, compiled):
        expected = django_verdict(model, constraint, instance)
        assert compiled.holds(instance) == expected, {
            name: getattr(instance, name) for name in compiled.fields
        }
        verdicts.add(expected)
    assert verdicts == {True, False}  # the samples reach both verdicts


def test_a_comparison_with_null_is_unknown_and_an_unknown_check_passes():
    after_joining = compile_condition(Member, Q(full_member_on__gte=F("joined_on")))
    member = Member(joined_on=None, full_member_on=datetime.date(2010, 7, 1))
    assert after_joining.test(member) is None
    assert after_joining.holds(member)
    negated = compile_condition(Member, ~Q(full_member_on__gte=F("joined_on")))
    assert negated.test(member) is None  # NOT unknown is unknown
    assert negated.holds(member)


def test_or_with_a_true_side_is_true_and_and_with_a_false_side_is_false_despite_nulls():
    member = Member(joined_on=None, full_member_on=datetime.date(2010, 7, 1), mobile=False)
    unknown = Q(full_member_on__gte=F("joined_on"))
    assert compile_condition(Member, unknown | Q(mobile=False)).test(member) is True
    assert compile_condition(Member, unknown & Q(mobile=True)).test(member) is False
    assert compile_condition(Member, unknown & Q(mobile=False)).test(member) is None


def test_a_value_is_compared_as_the_field_prepares_it():
    full = compile_condition(Member, Q(category=Category.FULL))
    assert full.holds(Member(category="full"))
    dated = compile_condition(Member, Q(joined_on__gte="2010-07-01"))
    assert dated.holds(Member(joined_on=datetime.date(2010, 7, 1)))
    assert not dated.holds(Member(joined_on=datetime.date(2010, 6, 30)))


def test_it_names_the_fields_a_condition_reads():
    constraint = next(
        c for c in Member._meta.constraints if c.name == "member_exit_has_kind_and_date"
    )
    compiled = compile_condition(Member, constraint.condition)
    assert compiled.fields == {"status", "exit_kind", "status_since"}


@pytest.mark.parametrize(
    "condition",
    [
        Q(name__startswith="张"),  # a lookup it does not know
        Q(joined_on__year__gte=2000),  # a transform
        Q(branch__name="一支部"),  # a join
        Q(joined_on__gte=F("branch__founded_on")),
        Q(Exact(F("name"), "张三")),  # an expression
        Q(mobile=False) ^ Q(lost_contact=False),  # XOR
        Q(joined_on__isnull="yes"),
    ],
)
def test_it_refuses_what_it_cannot_evaluate(condition):
    with pytest.raises(UnsupportedCondition):
        compile_condition(Member, condition)


@pytest.mark.parametrize(
    "condition, member",
    [
        (Q(name__gt="M"), Member(name="张三")),  # text, ordered by the database's collation
        (Q(joined_on__gte="2010-07-01"), Member(joined_on="2010-07-01")),  # not yet cleaned
        (Q(joined_on=F("name")), Member(joined_on=datetime.date(2010, 7, 1), name="张三")),
    ],
)
def test_values_python_cannot_compare_as_sql_does_are_left_to_the_database(condition, member):
    compiled = compile_condition(Member, condition)
    with pytest.raises(UnsupportedCondition):
        compiled.holds(member)


@pytest.mark.parametrize("model", [Member, GroupMembership])
def test_every_condition_of_the_models_the_roster_import_writes_is_evaluated_in_python(model):
    # Not required for correctness (anything else is left to Django), but the import would
    # be back to one query per row for that constraint.
    for constraint in model._meta.constraints:
        if getattr(constraint, "condition", None) is not None:
            compile_condition(model, constraint.condition)


# --------------------------------------------------------------------------- full_clean_many


def identity_number(birth: str, sequence: str) -> str:
    first = "310110" + birth + sequence
    return first + id_check_character(first)


ZHANG_ID = identity_number("19850308", "123")  # a man
LI_ID = identity_number("19900115", "242")  # a woman
TAKEN_ID = identity_number("19780620", "351")
WANG_ID = identity_number("19800101", "111")


def members_with_every_kind_of_problem(branch, existing) -> list[Member]:
    """Fresh unsaved instances (and one stored member, changed), valid and invalid."""
    date = datetime.date
    changed = Member.objects.get(pk=existing.pk)
    changed.phone = "13800138000"
    return [
        Member(branch=branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID),
        Member(branch=branch, name="李四", id_number=LI_ID.lower()),  # gender from the number
        Member(branch=branch, name="", gender=Gender.MALE),
        Member(branch=branch, name="王五", gender=Gender.MALE, id_number=ZHANG_ID[:17] + "0"),
        Member(
            branch=branch,
            name="错生日",
            id_number=identity_number("19900115", "262"),
            birth_date=date(1990, 1, 16),
        ),
        Member(
            branch=branch,
            name="早转正",
            gender=Gender.MALE,
            joined_on=date(2010, 7, 1),
            full_member_on=date(2009, 7, 1),
        ),
        Member(
            branch=branch,
            name="预备",
            gender=Gender.MALE,
            category=Category.PROBATIONARY,
            full_member_on=date(2011, 7, 1),
        ),
        Member(
            branch=branch,
            name="早入党",
            gender=Gender.MALE,
            birth_date=date(1990, 1, 1),
            joined_on=date(1989, 1, 1),
        ),
        Member(branch=branch, name="失联", gender=Gender.MALE, lost_contact=True),
        Member(branch=branch, name="流动", gender=Gender.MALE, mobile=True),
        Member(branch=branch, name="出党", gender=Gender.MALE, status=Status.EXITED),
        Member(branch=branch, name="未出党", gender=Gender.MALE, exit_kind=ExitKind.RESIGNED),
        Member(branch=branch, name="重号", id_number=TAKEN_ID),
        Member(branch_id=branch.pk + 1000, name="无支部", gender=Gender.MALE),
        # A field error: the constraints on that field are not checked, as in Django.
        Member(
            branch=branch,
            name="坏日期",
            gender=Gender.MALE,
            joined_on="2010-13-01",
            full_member_on=date(2000, 1, 1),
        ),
        Member(branch=branch, name="x" * 60, gender="other", mobile=True, phone="12"),
        changed,  # keeps its own identity number: no clash with itself
    ]


def test_full_clean_many_gives_the_errors_of_full_clean_and_tidies_the_same(db):
    branch = BranchFactory()
    MemberFactory(branch=BranchFactory(), name="别处", gender=Gender.MALE, id_number=TAKEN_ID)
    existing = MemberFactory(
        branch=branch,
        name="老党员",
        gender=Gender.MALE,
        id_number=WANG_ID,
        birth_date=datetime.date(1980, 1, 1),
    )

    expected, tidied = [], []
    for instance in members_with_every_kind_of_problem(branch, existing):
        try:
            instance.full_clean()
        except ValidationError as error:
            expected.append(error.message_dict)
        else:
            expected.append(None)
        tidied.append({f.attname: getattr(instance, f.attname) for f in Member._meta.fields})

    instances = members_with_every_kind_of_problem(branch, existing)
    found = [error and error.message_dict for error in full_clean_many(instances)]
    assert found == expected
    assert [{f.attname: getattr(i, f.attname) for f in Member._meta.fields} for i in instances] == (
        tidied
    )
    assert [found[0], found[1], found[-1]] == [None, None, None]  # the valid ones pass


def test_full_clean_many_honours_exclude_as_full_clean_does(db):
    branch = BranchFactory()
    MemberFactory(branch=BranchFactory(), gender=Gender.MALE, id_number=TAKEN_ID)

    def instances():
        return [
            Member(branch=branch, name="", id_number=TAKEN_ID, lost_contact=True),
            Member(branch_id=branch.pk + 1000, name="x", gender=Gender.MALE),
        ]

    exclude = ["name", "id_number", "lost_contact", "branch"]
    expected = []
    for instance in instances():
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            expected.append(error.message_dict)
        else:
            expected.append(None)
    found = [
        error and error.message_dict for error in full_clean_many(instances(), exclude=exclude)
    ]
    assert found == expected


def test_a_value_repeated_among_the_instances_is_an_error_on_the_later_one(db):
    branch = BranchFactory()
    first, second, third = (
        Member(branch=branch, name=name, gender=Gender.MALE, id_number=ZHANG_ID)
        for name in ("张三", "张三二", "张三三")
    )
    errors = full_clean_many([first, second, third])
    assert errors[0] is None
    message = next(
        c for c in Member._meta.constraints if c.name == "member_id_number_unique"
    ).violation_error_message
    assert errors[1].messages == errors[2].messages == [message]


def test_a_stored_member_keeps_its_number_and_another_may_take_the_one_it_gives_up(db):
    branch = BranchFactory()
    stored = MemberFactory(branch=branch, gender=Gender.MALE, id_number=ZHANG_ID)
    stored.id_number = ""
    newcomer = Member(branch=branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID)
    assert full_clean_many([stored, newcomer]) == [None, None]


def test_a_blank_identity_number_is_outside_the_unique_constraint(db):
    branch = BranchFactory()
    MemberFactory(branch=branch, id_number="")
    blanks = [Member(branch=branch, name=f"无号{n}", gender=Gender.MALE) for n in range(3)]
    assert full_clean_many(blanks) == [None, None, None]


def test_full_clean_many_runs_the_same_queries_for_3_members_as_for_30(db, query_counter):
    branch = BranchFactory()
    MemberFactory(branch=BranchFactory(), id_number=TAKEN_ID)

    def count(how_many):
        instances = [
            Member(
                branch=branch,
                name=f"党员{n}",
                id_number=identity_number("19900115", f"{n:03d}"),
                joined_on=datetime.date(2010, 7, 1),
            )
            for n in range(how_many)
        ]
        return query_counter.count(lambda: full_clean_many(instances))

    few, _ = count(3)
    many, sql = count(30)
    assert many == few, "\n".join(sql)
    assert few == 2  # the branches named, the identity numbers taken


@pytest.mark.parametrize(
    "condition",
    [
        Q(name__startswith="张"),  # refused when compiled
        Q(name__lt="李"),  # refused for these values: text, ordered by the database's collation
    ],
)
def test_a_constraint_it_cannot_evaluate_is_checked_by_django(
    db, monkeypatch, query_counter, condition
):
    branch = BranchFactory()
    only_some = CheckConstraint(
        condition=condition, name="member_only_some", violation_error_message="Not here."
    )
    monkeypatch.setattr(Member._meta, "constraints", [*Member._meta.constraints, only_some])

    def instances():
        return [Member(branch=branch, name=name, gender=Gender.MALE) for name in ("张三", "李四")]

    expected = []
    for instance in instances():
        try:
            instance.full_clean()
        except ValidationError as error:
            expected.append(error.messages)
        else:
            expected.append(None)
    assert ["Not here."] in expected  # the samples reach the constraint
    found = []
    _count, sql = query_counter.count(lambda: found.extend(full_clean_many(instances())))
    assert [error and error.messages for error in found] == expected
    # Django asked the database (Q.check), once per instance, for that constraint alone.
    assert sum('"_check"' in query for query in sql) == 2, sql
