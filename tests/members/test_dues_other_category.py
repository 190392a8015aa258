"""The dues category "other" (其他（支部核定数额）): the member pays the fixed amount a month the
branch set on the basis, whatever the base; the amount is required for that category and
refused for the others; the payroll import reads the category but leaves the amount to the
member's page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.dues import services
from members.dues.ledger import branch_dues
from members.dues.payroll import parse_dues_category, payroll_read
from members.dues.payroll_import import dues_bases_import
from members.dues.selectors import month_collection
from members.models import DuesBasis, DuesBracket, DuesCategory, Member
from tests.factories import UserFactory
from tests.members.dues.payroll_files import simple_payroll

JANUARY = datetime.date(2026, 1, 1)
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


def set_other(member, clerk, amount="0.50", base="3000", starts_on=JANUARY):
    return services.dues_basis_set(
        member=member,
        category=DuesCategory.OTHER,
        monthly_base=Decimal(base),
        fixed_amount=Decimal(amount) if amount is not None else None,
        starts_on=starts_on,
        acting_user=clerk,
    )


def dues_of(member):
    (row,) = branch_dues(Member.objects.filter(pk=member.pk), today=TODAY).members
    return row


def test_the_member_pays_the_amount_the_branch_set_whatever_the_base(world, clerk):
    set_other(world.member, clerk, amount="0.50", base="12000")

    assert dues_of(world.member).amount_for(datetime.date(2026, 10, 1)) == Decimal("0.50")
    collection = month_collection(
        Member.objects.filter(pk=world.member.pk), month=datetime.date(2026, 10, 1), today=TODAY
    )
    assert [row.amount for row in collection.rows] == [Decimal("0.50")]
    (payment,) = services.dues_pay(
        member=world.member,
        months=[datetime.date(2026, 11, 1)],
        paid_on=TODAY,
        acting_user=clerk,
    )
    assert payment.amount == Decimal("0.50")


def test_the_category_other_without_an_amount_is_refused(world, clerk):
    with pytest.raises(ValidationError) as raised:
        set_other(world.member, clerk, amount=None)

    assert "fixed_amount" in raised.value.message_dict
    assert not DuesBasis.objects.exists()


@pytest.mark.parametrize(
    "category", [DuesCategory.IN_SERVICE, DuesCategory.RETIRED, DuesCategory.NO_INCOME]
)
def test_the_other_categories_refuse_a_fixed_amount(world, clerk, category):
    with pytest.raises(ValidationError) as raised:
        services.dues_basis_set(
            member=world.member,
            category=category,
            monthly_base=Decimal("3000"),
            fixed_amount=Decimal("1.00"),
            starts_on=JANUARY,
            acting_user=clerk,
        )

    assert "少交或免交" in " ".join(raised.value.message_dict["fixed_amount"])
    assert not DuesBasis.objects.exists()


def test_a_new_basis_of_another_category_drops_the_fixed_amount(world, clerk):
    set_other(world.member, clerk)
    services.dues_basis_set(
        member=world.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=JANUARY,
        acting_user=clerk,
    )

    basis = DuesBasis.objects.get(member=world.member)
    assert (basis.category, basis.fixed_amount) == (DuesCategory.IN_SERVICE, None)
    assert dues_of(world.member).amount_for(JANUARY) == Decimal("90.00")


def test_the_database_refuses_other_without_an_amount(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        DuesBasis.objects.create(
            member=world.member, category=DuesCategory.OTHER, starts_on=JANUARY
        )


def test_no_bracket_schedule_can_be_made_for_the_category_other():
    choices = [value for value, _label in DuesBracket._meta.get_field("category").choices]

    assert DuesCategory.OTHER not in choices
    assert DuesCategory.NO_INCOME in choices


@pytest.mark.parametrize("text", ["其他", "其它", "其他（支部核定数额）"])
def test_the_payroll_sheet_reads_the_category(text):
    assert parse_dues_category(text) == DuesCategory.OTHER


def test_the_payroll_import_refuses_a_row_of_the_category_other(world, clerk):
    stream = simple_payroll(
        [["普通党员", None, 3000, "其他"], ["书记", None, 6000, "在职"]],
        ("姓名", "身份证号", "党费基数", "类别"),
    )

    result = dues_bases_import(
        branch=world.branch, sheet=payroll_read(stream), starts_on=JANUARY, acting_user=clerk
    )

    assert not result.written
    ((row, column, message),) = [(e.row, e.header, e.message) for e in result.errors]
    assert (row, column) == (2, "类别")
    assert "其他（支部核定数额）" in message and "党费页面" in message
    assert not DuesBasis.objects.exists()


def test_the_payroll_preview_shows_the_fixed_amount_as_the_old_monthly_dues(world, clerk):
    set_other(world.member, clerk, amount="0.80")
    stream = simple_payroll(
        [["普通党员", None, 3000, "在职"]], ("姓名", "身份证号", "党费基数", "类别")
    )

    result = dues_bases_import(
        branch=world.branch,
        sheet=payroll_read(stream),
        starts_on=datetime.date(2026, 3, 1),
        acting_user=clerk,
        dry_run=True,
    )

    (change,) = result.rows
    assert (change.old_amount, change.amount) == (Decimal("0.80"), Decimal("15.00"))


def test_a_sheet_without_categories_does_not_turn_the_branchs_amount_into_a_computed_one(
    world, clerk
):
    set_other(world.member, clerk, amount="0.50")
    stream = simple_payroll(
        [["普通党员", None, 3000], ["书记", None, 6000]], ("姓名", "身份证号", "党费基数")
    )

    result = dues_bases_import(
        branch=world.branch,
        sheet=payroll_read(stream),
        starts_on=datetime.date(2026, 3, 1),
        acting_user=clerk,
    )

    assert not result.written
    ((row, message),) = [(e.row, e.message) for e in result.errors]
    assert row == 2 and "普通党员" in message and "删除该行" in message
    assert list(world.member.dues_bases.values_list("category", flat=True)) == ["other"]
