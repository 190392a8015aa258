"""The payment rules of 中组发〔2008〕3号 that a member's payment and a month's collection share:
a back payment reaches 6 months before the month of payment (补交党费的时间一般不得超过6个月),
further only with a reason for the arrears the committee recorded; a month after the month of
payment is paid ahead only with the branch's consent (经党支部同意，可以每季度交纳一次), at
most a quarter."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.dues import services
from members.models import DuesCategory, DuesPayment
from tests.factories import UserFactory

PAID_ON = datetime.date(2026, 11, 5)


def month(number: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, number, 1)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def teacher(world, clerk):
    services.dues_basis_set(
        member=world.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=month(1, 2025),
        acting_user=clerk,
    )
    return world.member


def pay(member, clerk, months, *, paid_on=PAID_ON, with_consent=False):
    return services.dues_pay(
        member=member,
        months=months,
        paid_on=paid_on,
        with_consent=with_consent,
        acting_user=clerk,
    )


def messages_of(raised) -> str:
    return " ".join(raised.value.messages)


# 补交: at most 6 months back.


def test_a_back_payment_reaches_exactly_six_months_back(teacher, clerk):
    pay(teacher, clerk, [month(5)])  # paid in November: May is six months back

    assert list(teacher.dues_payments.values_list("month", flat=True)) == [month(5)]


def test_a_back_payment_of_seven_months_back_is_refused_naming_the_member_and_months(
    teacher, clerk
):
    with pytest.raises(ValidationError) as raised:
        pay(teacher, clerk, [month(3), month(4), month(5)])

    text = messages_of(raised)
    assert "普通党员" in text and "2026-03、2026-04" in text and "2026-05" not in text
    assert "补交党费的时间一般不得超过6个月" in text
    assert not DuesPayment.objects.exists()  # all or nothing: May is not paid either


def test_a_recorded_reason_lets_older_months_be_paid_back(teacher, clerk):
    services.dues_arrears_reason_record(
        member=teacher, starts_on=month(1), reason="长期病休", acting_user=clerk
    )

    pay(teacher, clerk, [month(number) for number in range(1, 11)])

    assert teacher.dues_payments.count() == 10


def test_a_reason_for_an_earlier_run_of_arrears_does_not_reach_later_months(teacher, clerk):
    services.dues_arrears_reason_record(
        member=teacher, starts_on=month(1), reason="出国探亲", acting_user=clerk
    )
    pay(teacher, clerk, [month(2)], paid_on=datetime.date(2026, 2, 10))  # caught up once

    with pytest.raises(ValidationError) as raised:
        pay(teacher, clerk, [month(3), month(4)])

    assert "2026-03、2026-04" in messages_of(raised)


def test_a_collection_of_a_month_seven_months_back_is_refused(world, teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        services.dues_collect(members=[teacher], month=month(4), paid_on=PAID_ON, acting_user=clerk)

    assert "2026-04" in messages_of(raised)
    assert not DuesPayment.objects.exists()


# 预交: ahead only with consent, at most a quarter.


def test_the_month_of_payment_needs_no_consent(teacher, clerk):
    (payment,) = pay(teacher, clerk, [month(11)])

    assert payment.paid_ahead_with_consent is False


def test_a_month_ahead_without_consent_is_refused(teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        pay(teacher, clerk, [month(11), month(12)])

    text = messages_of(raised)
    assert "普通党员" in text and "2026-12" in text and "经党支部同意" in text
    assert not DuesPayment.objects.exists()


def test_a_quarter_ahead_with_consent_is_marked_so_on_the_months_ahead_only(teacher, clerk):
    pay(teacher, clerk, [month(10), month(11), month(12), month(1, 2027)], with_consent=True)

    marked = dict(teacher.dues_payments.values_list("month", "paid_ahead_with_consent"))
    assert marked == {month(10): False, month(11): False, month(12): True, month(1, 2027): True}


def test_consent_does_not_stretch_beyond_a_quarter(teacher, clerk):
    with pytest.raises(ValidationError):
        pay(teacher, clerk, [month(2, 2027)], with_consent=True)


def test_a_collection_pays_no_month_ahead(teacher, clerk):
    with pytest.raises(ValidationError) as raised:
        services.dues_collect(
            members=[teacher], month=month(12), paid_on=PAID_ON, acting_user=clerk
        )

    assert "经党支部同意" in messages_of(raised)


def test_the_database_refuses_consent_on_a_month_that_was_not_ahead(teacher):
    with pytest.raises(IntegrityError), transaction.atomic():
        DuesPayment.objects.create(
            member=teacher,
            branch=teacher.branch,
            month=month(11),
            amount=Decimal("90"),
            paid_on=PAID_ON,
            paid_ahead_with_consent=True,
        )
