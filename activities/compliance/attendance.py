"""Who came to the meetings: attendance rates per member and per group, and the members whose
attendance stands out.

The rate is one function, `attendance_rate`, used by these rates, a meeting's counts
(`activities.selectors.AttendanceSummary`) and the ledger (`reports.ledger`): the share of
those expected (应到) who were present (实到). Leave (请假) is not presence; 正式 and 预备党员
count alike (the counts that keep them apart are the meeting's and the ledger's).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from activities.models import Attendance, Presence
from groups.models import (
    DEFAULT_ABSENCES_IN_A_ROW,
    DEFAULT_LOW_ATTENDANCE_RATE_PERCENT,
    DEFAULT_MIN_MEETINGS_FOR_RATE,
    Branch,
    GroupMembership,
    PartyGroup,
)
from members.models import Member


def attendance_rate(present: int, expected: int) -> float | None:
    """出席率 as a fraction from 0 to 1 (0.75); None when nobody was expected."""
    return present / expected if expected else None


@dataclass(frozen=True)
class AttendanceFlags:
    """Who stands out in the attendance rates: the branch's settings (local practice, see
    `groups.models.Branch`). Many branches' rules follow 党章 第九条 (six months without
    organisational life counts as leaving the Party) with an earlier step: a member who
    misses two meetings in a row without leave (无故连续两次缺席) is talked to. A plain
    count of absences would not do: over a school year of some 40 meetings everyone has a
    couple. Leave (请假) is normal and does not make a run; but someone often away even with
    leave shows as a low rate, judged only once there are enough meetings for a rate to
    mean something."""

    absences_in_a_row: int = DEFAULT_ABSENCES_IN_A_ROW
    low_rate_percent: int = DEFAULT_LOW_ATTENDANCE_RATE_PERCENT
    min_meetings_for_rate: int = DEFAULT_MIN_MEETINGS_FOR_RATE

    @classmethod
    def of(cls, branch: Branch) -> "AttendanceFlags":
        return cls(
            absences_in_a_row=branch.absences_in_a_row,
            low_rate_percent=branch.low_attendance_rate_percent,
            min_meetings_for_rate=branch.min_meetings_for_rate,
        )

    def is_low(self, present: int, expected: int) -> bool:
        """Under the low rate, once there are enough meetings (compared in whole numbers,
        so that 4 of 5 is exactly 80 %)."""
        return (
            expected >= self.min_meetings_for_rate
            and present * 100 < self.low_rate_percent * expected
        )


@dataclass
class Tally:
    """Attendance counted over attendance rows: 应到 (expected), 实到, 请假, 缺席."""

    expected: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0

    def add(self, presence: str) -> None:
        self.expected += 1
        if presence == Presence.PRESENT:
            self.present += 1
        elif presence == Presence.EXCUSED:
            self.excused += 1
        else:
            self.absent += 1

    @property
    def rate(self) -> float | None:
        """Share present, from 0 to 1; None when nobody was expected."""
        return attendance_rate(self.present, self.expected)

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


@dataclass
class MemberAttendance(Tally):
    """One member's tally. Rows must be added in the order the meetings were held, so that
    a run of absences can be seen."""

    member_id: int = 0
    name: str = ""
    group_name: str = ""
    group_order: int = 0
    run: int = 0  # absences without leave in a row, up to the latest meeting
    longest_run: int = 0
    flags: AttendanceFlags = field(default_factory=AttendanceFlags)

    def add(self, presence: str) -> None:
        super().add(presence)
        self.run = self.run + 1 if presence == Presence.ABSENT else 0
        self.longest_run = max(self.longest_run, self.run)

    @property
    def absent_in_a_row(self) -> bool:
        return self.longest_run >= self.flags.absences_in_a_row

    @property
    def low_rate(self) -> bool:
        return self.flags.is_low(self.present, self.expected)

    @property
    def repeatedly_absent(self) -> bool:
        return self.absent_in_a_row or self.low_rate


@dataclass
class GroupAttendance(Tally):
    group: PartyGroup | None = None


@dataclass
class AttendanceReport:
    start: datetime.date
    end: datetime.date
    members: list[MemberAttendance]
    groups: list[GroupAttendance]
    total: Tally
    flags: AttendanceFlags = field(default_factory=AttendanceFlags)
    # (group id or None, year, month) → the tally of that group's members in that month.
    months: dict[tuple[int | None, int, int], Tally] = field(default_factory=dict)


def _group_on(memberships, day: datetime.date) -> int | None:
    """The group a member was in on `day`; on the day of a move, the new group."""
    group_id = None
    for group, started_on, ended_on in memberships:  # ordered by start
        if started_on <= day and (ended_on is None or day <= ended_on):
            group_id = group
    return group_id


def attendance_rates(
    branch: Branch,
    start: datetime.date,
    end: datetime.date,
    groups: Iterable | None = None,
) -> AttendanceReport:
    """Attendance per member and per group at the branch's meetings from `start` to `end`.

    A meeting counts for the group its member was in on the day. Without `groups` every
    member's whole record is counted; with `groups` (a leader's) only what happened while
    the member was in one of them. Members on the roll who were expected nowhere are listed
    too, with no rate. Who stands out follows the branch's `AttendanceFlags`. 4 queries.
    """
    group_ids = None if groups is None else {getattr(g, "pk", g) for g in groups}
    flags = AttendanceFlags.of(branch)
    party_groups = PartyGroup.objects.filter(branch=branch)
    if group_ids is not None:
        party_groups = party_groups.filter(pk__in=group_ids)
    party_groups = list(party_groups.order_by("sort_order", "name"))

    memberships = GroupMembership.objects.filter(group__branch=branch, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    if group_ids is not None:
        memberships = memberships.filter(group_id__in=group_ids)
    history = defaultdict(list)
    current_members = set()
    for member_id, group_id, started_on, ended_on in memberships.order_by(
        "started_on", "pk"
    ).values_list("member_id", "group_id", "started_on", "ended_on"):
        history[member_id].append((group_id, started_on, ended_on))
        if ended_on is None:
            current_members.add(member_id)

    rows = Attendance.objects.filter(
        meeting__branch=branch, meeting__held_on__range=(start, end)
    ).order_by("meeting__held_on", "meeting__starts_at", "meeting_id")
    rows = rows.values_list("member_id", "presence", "meeting__held_on")
    if group_ids is not None:
        rows = rows.filter(member_id__in=list(history))

    tallies: dict[int, MemberAttendance] = {}
    by_group = {group.pk: GroupAttendance(group=group) for group in party_groups}
    total = Tally()
    months: dict[tuple[int | None, int, int], Tally] = {}
    for member_id, presence, held_on in rows.iterator(chunk_size=2000):
        group_id = _group_on(history.get(member_id, ()), held_on)
        if group_ids is not None and group_id not in group_ids:
            continue
        tallies.setdefault(member_id, MemberAttendance(member_id=member_id, flags=flags)).add(
            presence
        )
        if group_id in by_group:
            by_group[group_id].add(presence)
        months.setdefault((group_id, held_on.year, held_on.month), Tally()).add(presence)
        total.add(presence)

    if group_ids is None:
        # Everyone on the roll, and whoever was expected at a meeting and has left since.
        listed = Member.objects.filter(branch=branch).on_roll() | Member.objects.filter(
            pk__in=list(tallies)
        )
    else:
        listed = Member.objects.filter(pk__in=list(set(tallies) | current_members))
    for member_id, name, group_name, group_order in listed.with_current_group().values_list(
        "pk", "name", "current_group_name", "current_group_order"
    ):
        tally = tallies.setdefault(member_id, MemberAttendance(member_id=member_id, flags=flags))
        tally.name, tally.group_name = name, group_name or ""
        tally.group_order = group_order if group_order is not None else 1 << 15
    members = sorted(
        (tally for tally in tallies.values() if tally.name),
        key=lambda tally: (tally.group_order, tally.group_name, tally.name),
    )
    return AttendanceReport(
        start, end, members, list(by_group.values()), total, flags, months=months
    )
