"""Reads for the pages that compose every app: the branch overview's recent changes.

Each returns data in a fixed number of queries, whatever the number of rows."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from activities.models import Meeting, MeetingType, Suggestion
from branchsite.users import display_name
from groups.models import (
    Branch,
    CommitteeMembership,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
)
from members.models import Member, RecruitmentRecord

# Models whose changes the branch overview lists: the path to the branch id, the relations
# the label needs (fetched in the same query) and the label itself. Labels read the
# historical row, so they show the record as it was.
AUDITED = [
    (Branch, "id", [], lambda r: r.name),
    (CommitteeTerm, "branch_id", [], lambda r: _("Term %(number)s") % {"number": r.number}),
    (
        CommitteeMembership,
        "term__branch_id",
        ["member"],
        lambda r: f"{CommitteeRole(r.role).label} {r.member.name}",
    ),
    (PartyGroup, "branch_id", [], lambda r: r.name),
    (
        GroupMembership,
        "group__branch_id",
        ["member", "group"],
        lambda r: f"{r.member.name} · {r.group.name}",
    ),
    (
        GroupLeadership,
        "group__branch_id",
        ["member", "group"],
        lambda r: f"{GroupRole(r.role).label} {r.member.name} · {r.group.name}",
    ),
    (Member, "branch_id", [], lambda r: r.name),
    (
        RecruitmentRecord,
        "member__branch_id",
        ["member", "step"],
        lambda r: f"{r.member.name} · {r.step.name}",
    ),
    (
        Meeting,
        "branch_id",
        [],
        lambda r: f"{r.held_on:%Y-%m-%d} {MeetingType(r.kind).label}：{r.topic}",
    ),
    (Suggestion, "branch_id", [], lambda r: str(r.instance)),
]


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    action: str
    what: str
    record: str

    @property
    def sentence(self) -> str:
        """ "沈卫东修改了会议“2026-11-26 党课：…”": who did what to which record."""
        return _("%(who)s %(action)s the %(what)s “%(record)s”") % {
            "who": self.who,
            "action": self.action,
            "what": self.what,
            "record": self.record,
        }


def recent_changes(branch: Branch, limit: int = 10) -> list[Change]:
    """The latest audited changes in the branch: one query per audited model."""
    actions = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    changes = []
    for model, path, related, label in AUDITED:
        records = model.history.filter(**{path: branch.pk}).select_related(
            "history_user__member", *related
        )[:limit]
        changes.extend(
            Change(
                when=record.history_date,
                who=display_name(record.history_user, nobody=_("system")),
                action=actions[record.history_type],
                what=str(model._meta.verbose_name),
                record=label(record),
            )
            for record in records
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
