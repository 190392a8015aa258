"""Working days as the Chinese calendar has them (branchsite/workdays.py)."""

import datetime

import pytest

from branchsite.workdays import is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 9, 26), True),  # a Friday
        (D(2025, 9, 27), False),  # a Saturday
        (D(2025, 9, 28), True),  # a Sunday made a working day (调休 for National Day)
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 8), False),  # a Wednesday of the National Day holiday
        (D(2025, 10, 11), True),  # a Saturday made a working day
    ],
)
def test_holidays_and_adjusted_weekends_follow_the_state_councils_calendar(day, working):
    assert is_working_day(day) is working


def test_outside_the_known_years_monday_to_friday_are_working_days():
    assert is_working_day(D(2035, 1, 1))  # a Monday, and New Year: no calendar for 2035 yet
    assert not is_working_day(D(2035, 1, 6))  # a Saturday


def test_both_ends_count_and_a_reversed_span_is_empty():
    assert working_days_between(D(2025, 12, 1), D(2025, 12, 5)) == 5
    assert working_days_between(D(2025, 12, 5), D(2025, 12, 1)) == 0
