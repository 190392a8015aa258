"""The meeting rule book of a branch: which rule (`MeetingRule`) is in force for a meeting
type on a day, built on the kernel's `branchsite.rules.DatedRules`."""

import datetime
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext

from activities.models import MeetingRule, Period
from branchsite.dates import ONE_DAY
from branchsite.rules import DatedRules
from groups.models import Branch


class RuleBook:
    """All the rules that may apply to one branch: its own rows and the defaults, read once.
    For a meeting type on a day, the branch's own rule in force that day wins over the
    default (`branchsite.rules`: a branch's own rule only from its own date; before the
    first default on record, the first default applies)."""

    def __init__(self, rules: Iterable[MeetingRule], branch_id: int):
        rules = list(rules)
        self.own = DatedRules(
            [rule for rule in rules if rule.branch_id == branch_id], key=lambda rule: rule.kind
        )
        self.defaults = DatedRules(
            [rule for rule in rules if rule.branch_id != branch_id], key=lambda rule: rule.kind
        )

    @classmethod
    def load(cls, branch: Branch) -> "RuleBook":
        rules = MeetingRule.objects.filter(Q(branch=branch) | Q(branch__isnull=True))
        return cls(rules, branch.pk)

    @classmethod
    def load_many(cls, branch_ids) -> dict[int, "RuleBook"]:
        """The rule book of each branch in `branch_ids`, in 1 query for them all."""
        branch_ids = list(branch_ids)
        rules = list(MeetingRule.objects.filter(Q(branch__in=branch_ids) | Q(branch__isnull=True)))
        return {
            branch_id: cls(
                [rule for rule in rules if rule.branch_id in (branch_id, None)], branch_id
            )
            for branch_id in branch_ids
        }

    def rule_for(self, kind: str, on: datetime.date) -> MeetingRule | None:
        return self.own.in_force(kind, on, before_first=False) or self.defaults.in_force(kind, on)

    def segments(self, kind: str, start: datetime.date, end: datetime.date):
        """[(first day, last day, rule or None)] covering `start`..`end`: where a new rule
        takes effect inside the range, the range is cut on that day."""
        changes = sorted(
            {*self.own.changes(kind, start, end), *self.defaults.changes(kind, start, end)}
        )
        segments = []
        for first, following in zip([start, *changes], [*changes, end + ONE_DAY], strict=True):
            rule = self.rule_for(kind, first)
            if segments and segments[-1][2] == rule:
                segments[-1] = (segments[-1][0], following - ONE_DAY, rule)
            else:
                segments.append((first, following - ONE_DAY, rule))
        return segments


def rule_for(branch: Branch, kind: str, on: datetime.date) -> MeetingRule | None:
    """The rule for meeting type `kind` in force at `branch` on `on` (1 query). None, or a
    rule with `required` off, means the type is not checked."""
    return RuleBook.load(branch).rule_for(kind, on)


def is_checked(rule: MeetingRule | None) -> bool:
    """Whether a rule (or its absence) asks for meetings to be checked."""
    return rule is not None and rule.required


def rule_summary(rule: MeetingRule) -> str:
    """How often, in words: "每月 1 次", "每学期 2 次", "每年度 1 次 · 12月31日前"."""
    if rule.period == Period.CALENDAR_YEAR:
        return gettext("%(times)s per year, due by %(month)s/%(day)s") % {
            "times": rule.times,
            "month": rule.due_month,
            "day": rule.due_day,
        }
    templates = {
        Period.MONTH: gettext("%(times)s per month"),
        Period.QUARTER: gettext("%(times)s per quarter"),
        Period.SEMESTER: gettext("%(times)s per semester"),
        Period.YEAR: gettext("%(times)s per school year"),
    }
    return templates[rule.period] % {"times": rule.times}
