"""The dues of a month at every bracket boundary, for each category and each version of the
brackets; the whole base pays the rate; amounts rounded half up to the fen."""

import datetime
from decimal import Decimal

import pytest

from members.dues.rules import DuesSchedules, to_fen
from members.models import DuesBracket, DuesCategory

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 11, 1)


@pytest.fixture
def schedules():
    return DuesSchedules.load()


@pytest.mark.parametrize(
    ("base", "amount"),
    [
        ("0", "0.00"),
        ("2999.99", "15.00"),  # 0.5 %: 14.99995 rounds up to the fen
        ("3000", "15.00"),  # 3000元以下（含3000元）: still 0.5 %
        ("3000.01", "30.00"),  # the whole base at 1 %, not marginal
        ("5000", "50.00"),
        ("5000.01", "75.00"),
        ("10000", "150.00"),
        ("10000.01", "200.00"),
        ("12345.67", "246.91"),
    ],
)
def test_in_service_members_pay_the_rate_of_their_bracket_on_the_whole_base(
    schedules, base, amount
):
    assert schedules.monthly_amount(DuesCategory.IN_SERVICE, Decimal(base), MONTH) == Decimal(
        amount
    )


@pytest.mark.parametrize(
    ("base", "amount"),
    [("4000", "20.00"), ("5000", "25.00"), ("5000.01", "50.00"), ("8000", "80.00")],
)
def test_retired_members_pay_half_a_percent_up_to_5000_then_one(schedules, base, amount):
    assert schedules.monthly_amount(DuesCategory.RETIRED, Decimal(base), MONTH) == Decimal(amount)


@pytest.mark.parametrize("base", ["0", "800", "20000"])
def test_members_without_an_income_pay_twenty_fen_whatever_the_base(schedules, base):
    assert schedules.monthly_amount(DuesCategory.NO_INCOME, Decimal(base), MONTH) == Decimal("0.20")


def test_every_default_bracket_names_its_source():
    assert DuesBracket.objects.count() == 7
    assert all("2008" in bracket.source for bracket in DuesBracket.objects.all())


def test_a_new_version_applies_from_its_month_and_the_old_one_before(schedules):
    new = datetime.date(2027, 1, 1)
    for up_to, rate in [("4000", "0.5"), (None, "1")]:
        DuesBracket.objects.create(
            category=DuesCategory.RETIRED,
            up_to=up_to,
            rate_percent=rate,
            effective_from=new,
            source="某年新规定",
        )
    schedules = DuesSchedules.load()
    base = Decimal("4500")
    assert schedules.monthly_amount(DuesCategory.RETIRED, base, datetime.date(2026, 12, 1)) == (
        Decimal("22.50")
    )
    # From January, 4500 is above the new 4000 bound: 1 %.
    assert schedules.monthly_amount(DuesCategory.RETIRED, base, new) == Decimal("45.00")
    # A day in the month counts as its month.
    assert schedules.monthly_amount(
        DuesCategory.RETIRED, base, datetime.date(2027, 1, 20)
    ) == Decimal("45.00")
    # The other categories keep their schedule.
    assert schedules.monthly_amount(DuesCategory.IN_SERVICE, base, new) == Decimal("45.00")


def test_before_the_first_schedule_the_first_applies(schedules):
    assert schedules.monthly_amount(
        DuesCategory.IN_SERVICE, Decimal("3000"), datetime.date(2001, 5, 1)
    ) == Decimal("15.00")


@pytest.mark.parametrize(
    ("amount", "fen"), [("0.005", "0.01"), ("0.0049", "0.00"), ("14.99995", "15.00")]
)
def test_half_a_fen_rounds_up(amount, fen):
    assert to_fen(Decimal(amount)) == Decimal(fen)


def test_the_brackets_are_read_by_the_committee_and_changed_by_the_site_administrator(
    world, secretary_client
):
    from django.urls import reverse

    bracket = DuesBracket.objects.first()
    assert secretary_client.get(reverse("admin:members_duesbracket_changelist")).status_code == 200
    response = secretary_client.post(
        reverse("admin:members_duesbracket_change", args=[bracket.pk]),
        {"category": bracket.category, "rate_percent": "9", "effective_from": "2008-04-01"},
    )
    assert response.status_code == 403
    bracket.refresh_from_db()
    assert bracket.rate_percent != Decimal("9")
