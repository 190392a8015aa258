"""The rule in force on a date (branchsite/rules.py), for every dated rule book."""

import datetime
from dataclasses import dataclass

from branchsite.rules import DatedRules

D = datetime.date


@dataclass(frozen=True)
class Rule:
    code: str
    effective_from: datetime.date
    value: int


RULES = DatedRules(
    [Rule("a", D(2020, 1, 1), 2), Rule("a", D(2014, 5, 28), 1), Rule("b", D(2018, 10, 28), 9)],
    key=lambda rule: rule.code,
)


def test_the_latest_rule_taking_effect_on_or_before_the_day_is_in_force():
    assert RULES.in_force("a", D(2019, 12, 31)).value == 1
    assert RULES.in_force("a", D(2020, 1, 1)).value == 2


def test_before_the_first_rule_the_first_applies_unless_told_otherwise():
    assert RULES.in_force("a", D(2010, 1, 1)).value == 1
    assert RULES.in_force("a", D(2010, 1, 1), before_first=False) is None


def test_a_code_without_rules_has_none_in_force():
    assert RULES.in_force("c", D(2026, 1, 1)) is None


def test_changes_are_the_dates_a_new_rule_takes_effect_within_the_range():
    assert RULES.changes("a", D(2014, 5, 28), D(2020, 1, 1)) == [D(2020, 1, 1)]
    assert RULES.changes("a", D(2020, 1, 1), D(2026, 1, 1)) == []
