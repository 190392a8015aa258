"""The recruitment time rules (`TimeRule` rows) and the lengths of time they state.

A period is measured by the rule in force on the day it starts: the talk deadline by the rule
of the application date, the approval deadline by the rule of the general meeting, and so on.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import ngettext

from branchsite.dates import add_months, add_years
from branchsite.rules import DatedRules
from branchsite.workdays import working_days_between
from members.models import TimeRule, TimeRuleCode, TimeUnit


def add_period(day: datetime.date, value: int, unit: str) -> datetime.date:
    """The day a period of `value` `unit`s starting on `day` ends."""
    if unit == TimeUnit.DAYS:
        return day + datetime.timedelta(days=value)
    if unit == TimeUnit.MONTHS:
        return add_months(day, value)
    if unit == TimeUnit.YEARS:
        return add_years(day, value)
    raise ValueError(f"{unit!r} is not a length of time")


def describe(value: int, unit: str) -> str:
    """'1个月', '3天', '24学时', '5个工作日'."""
    if unit == TimeUnit.DAYS:
        text = ngettext("%(count)s day", "%(count)s days", value)
    elif unit == TimeUnit.MONTHS:
        text = ngettext("%(count)s month", "%(count)s months", value)
    elif unit == TimeUnit.YEARS:
        text = ngettext("%(count)s year", "%(count)s years", value)
    elif unit == TimeUnit.WORKING_DAYS:
        text = ngettext("%(count)s working day", "%(count)s working days", value)
    else:
        text = ngettext("%(count)s class hour", "%(count)s class hours", value)
    return text % {"count": value}


def notice_length(first: datetime.date, last: datetime.date, unit: str) -> int:
    """How long a public notice from `first` to `last` (both included) lasted, in `unit`:
    working days as the Chinese calendar has them (调休 included), or calendar days."""
    if unit == TimeUnit.WORKING_DAYS:
        return working_days_between(first, last)
    if unit == TimeUnit.DAYS:
        return (last - first).days + 1
    raise ValueError(f"A public notice is not measured in {unit!r}")


def describe_age(value: int, unit: str) -> str:
    """An age: '18周岁' (not '18年'); a rule counted in another unit reads as `describe`."""
    if unit == TimeUnit.YEARS:
        return ngettext("%(count)s year of age", "%(count)s years of age", value) % {"count": value}
    return describe(value, unit)


class RuleBook:
    """Every time rule, read in one query. `rule(code, on)` is the one in force on a date
    (`branchsite.rules`: before the first rule on record, the first one applies)."""

    def __init__(self, rules: Iterable[TimeRule]):
        self._rules = DatedRules(rules, key=lambda rule: rule.code)

    @classmethod
    def load(cls) -> "RuleBook":
        return cls(TimeRule.objects.all())

    def rule(self, code: str, on: datetime.date) -> TimeRule:
        rule = self._rules.in_force(code, on)
        if rule is None:
            raise LookupError(
                f"No recruitment time rule {code!r} is recorded; add it in the workbench."
            )
        return rule

    def value(self, code: str, on: datetime.date) -> int:
        return self.rule(code, on).value

    def after(self, code: str, start: datetime.date) -> datetime.date:
        """The end of the period `code` that starts on `start`."""
        rule = self.rule(code, start)
        return add_period(start, rule.value, rule.unit)

    def describe(self, code: str, on: datetime.date) -> str:
        rule = self.rule(code, on)
        return describe(rule.value, rule.unit)


# Concentrated training is enough when it reached either minimum: the days or the class hours.


def training_is_enough(days: int, hours: int, rules: RuleBook, on: datetime.date) -> bool:
    return days >= rules.value(TimeRuleCode.TRAINING_MIN_DAYS, on) or hours >= rules.value(
        TimeRuleCode.TRAINING_MIN_HOURS, on
    )


def training_minimum(rules: RuleBook, on: datetime.date) -> dict:
    """The two minimums in words, as the `days` and `hours` of a message."""
    return {
        "days": rules.describe(TimeRuleCode.TRAINING_MIN_DAYS, on),
        "hours": rules.describe(TimeRuleCode.TRAINING_MIN_HOURS, on),
    }


def training_given(days: int, hours: int) -> str:
    """The training recorded, in words: '3天、12学时'."""
    parts = []
    if days:
        parts.append(describe(days, TimeUnit.DAYS))
    if hours:
        parts.append(describe(hours, TimeUnit.HOURS))
    return "、".join(parts) or describe(0, TimeUnit.DAYS)
