"""The rule in force on a date, for every rule book kept as dated rows.

Rules change by a new row with the date it takes effect (`effective_from`); the old row
stays, so a record is always judged by the rule of its own day. One stated behaviour for a
date before the first rule on record: the earliest rule applies, because it is the best
knowledge there is (a member admitted in 2010 is judged by the 2014 细则, not by nothing).
A rule book that layers a branch's own rules over the defaults asks the branch's rules
with `before_first=False`: a branch's own rule applies only from its own date.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

Rule = TypeVar("Rule")


class DatedRules(Generic[Rule]):
    """Rows grouped by a key (a rule code, a meeting type), each group ordered by the date
    its rules take effect. `key` and `effective` read them off a row."""

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        key: Callable[[Rule], Hashable],
        effective: Callable[[Rule], datetime.date] = lambda rule: rule.effective_from,
    ):
        self._effective = effective
        self._by_key: dict[Hashable, list[Rule]] = defaultdict(list)
        for rule in sorted(rules, key=effective):
            self._by_key[key(rule)].append(rule)

    def in_force(self, key: Hashable, on: datetime.date, *, before_first: bool = True):
        """The rule of `key` in force on `on`: the latest to take effect on or before it.
        Before the first one, the first (or None with `before_first=False`); None when
        there is no rule of `key` at all."""
        rules = self._by_key.get(key)
        if not rules:
            return None
        in_force = None
        for rule in rules:
            if self._effective(rule) > on:
                break
            in_force = rule
        if in_force is None and before_first:
            return rules[0]
        return in_force

    def changes(self, key: Hashable, start: datetime.date, end: datetime.date) -> list:
        """The dates within (`start`, `end`] on which a new rule of `key` takes effect."""
        return [
            self._effective(rule)
            for rule in self._by_key.get(key, ())
            if start < self._effective(rule) <= end
        ]
