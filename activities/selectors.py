"""Reads for the meeting pages, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from activities.compliance.attendance import attendance_rate
from activities.models import Attendance, MakeUpStudy, Meeting, MeetingType, Presence
from groups.models import GroupMembership
from members.models import Category

RECENT_MEETINGS = 5


def meeting_counts(meetings: QuerySet) -> QuerySet:
    """Annotate 应到 (expected), 实到 (present), 请假 (excused) and 缺席 (absent)."""
    return meetings.annotate(
        expected_count=Count("attendances", distinct=True),
        present_count=Count(
            "attendances", filter=Q(attendances__presence=Presence.PRESENT), distinct=True
        ),
        excused_count=Count(
            "attendances", filter=Q(attendances__presence=Presence.EXCUSED), distinct=True
        ),
        absent_count=Count(
            "attendances", filter=Q(attendances__presence=Presence.ABSENT), distinct=True
        ),
    )


@dataclass(frozen=True)
class AttendanceSummary:
    """The counts of a meeting's attendance, full and probationary members apart."""

    expected: int
    present: int
    excused: int
    absent: int
    full_expected: int
    full_present: int
    probationary_expected: int
    probationary_present: int

    @property
    def rate(self) -> float | None:
        return attendance_rate(self.present, self.expected)


def attendance_summary(rows: list[Attendance]) -> AttendanceSummary:
    def count(category=None, presence=None):
        return sum(
            1
            for row in rows
            if (category is None or row.category == category)
            and (presence is None or row.presence == presence)
        )

    return AttendanceSummary(
        expected=len(rows),
        present=count(presence=Presence.PRESENT),
        excused=count(presence=Presence.EXCUSED),
        absent=count(presence=Presence.ABSENT),
        full_expected=count(Category.FULL),
        full_present=count(Category.FULL, Presence.PRESENT),
        probationary_expected=count(Category.PROBATIONARY),
        probationary_present=count(Category.PROBATIONARY, Presence.PRESENT),
    )


def open_make_ups(branch, *, groups=None, member=None) -> QuerySet:
    """Make-up study still owed in the branch: all of it, that of the members now in
    `groups`, or that of one member; the oldest meeting first."""
    items = MakeUpStudy.objects.filter(
        done_on__isnull=True, attendance__meeting__branch=branch
    ).select_related("attendance__member", "attendance__meeting__group")
    if member is not None:
        items = items.filter(attendance__member=member)
    elif groups is not None:
        in_groups = GroupMembership.objects.current().filter(group__in=groups)
        items = items.filter(attendance__member__in=in_groups.values("member"))
    return items.order_by("attendance__meeting__held_on", "attendance__member__name", "pk")


def group_meetings_panel(group) -> dict:
    """The meeting part of a group's page (the leader's home): recent meetings of the group
    and the make-up study its members still owe."""
    recent = meeting_counts(Meeting.objects.filter(group=group, kind=MeetingType.GROUP)).order_by(
        "-held_on", "-pk"
    )[:RECENT_MEETINGS]
    owed = open_make_ups(group.branch, groups=[group])
    return {
        "recent_meetings": list(recent),
        "open_make_ups": list(owed[:10]),
        "open_make_up_count": owed.count(),
    }


def branch_meetings_panel(branch) -> dict:
    """The meeting part of the branch overview: recent meetings, records waiting for review
    and the make-up study still owed."""
    meetings = Meeting.objects.filter(branch=branch)
    recent = meetings.select_related("group").order_by("-held_on", "-pk")
    to_review = meetings.waiting_for_review()
    return {
        "recent_meetings": list(recent[:RECENT_MEETINGS]),
        "to_review_count": to_review.count(),
        "open_make_up_count": open_make_ups(branch).count(),
    }
