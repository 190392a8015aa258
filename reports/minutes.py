"""The minutes of one meeting (会议记录), as a page of a record book: who was expected, who
came, who was excused and why, who was absent, the non-member attendees, the counts with
full and probationary members apart, the record itself and, for a general meeting that
voted, whether it could decide and which motions passed (activities.votes)."""

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

from activities.models import Attendance, Meeting, Motion, Presence
from activities.selectors import AttendanceSummary, attendance_summary
from activities.votes import MotionResult, Quorum, motion_result, quorum_of
from members.models import Category, Member


@dataclass(frozen=True)
class MotionLine:
    motion: Motion
    result: MotionResult


@dataclass(frozen=True)
class Minutes:
    meeting: Meeting
    title: str
    present_full: list[Member]
    present_probationary: list[Member]
    excused: list[Attendance]  # each with its reason
    absent: list[Attendance]
    guests: list[str]
    counts: AttendanceSummary  # 应到/实到/请假/缺席, full and probationary members apart
    quorum: Quorum | None  # only when the meeting voted
    motions: list[MotionLine]

    @property
    def make_up(self) -> list[Attendance]:
        """Who owed make-up study (补学): the excused, then the absent. Each row's
        `make_up` says whether it has been done."""
        return [*self.excused, *self.absent]


def minutes_title(meeting: Meeting) -> str:
    """The title, e.g. "一支部 A组 党小组会会议记录": branch, group that met, meeting type."""
    organisation = meeting.branch.name
    if meeting.group_id:
        organisation = f"{organisation} {meeting.group.name}"
    return gettext("%(organisation)s %(kind)s minutes") % {
        "organisation": organisation,
        "kind": meeting.get_kind_display(),
    }


def minutes_file_stem(meeting: Meeting) -> str:
    """The file name without its extension, e.g. "2026-10-15-党小组会会议记录"."""
    return pgettext("file name", "%(date)s-%(kind)s minutes") % {
        "date": meeting.held_on.isoformat(),
        "kind": meeting.get_kind_display(),
    }


def minutes_of(meeting: Meeting) -> Minutes:
    """Everything the minutes show, read in three queries (attendance, motions, the
    applicants and activists invited)."""
    rows = list(
        meeting.attendances.select_related("member", "make_up").order_by("member__name", "pk")
    )
    present = [row for row in rows if row.presence == Presence.PRESENT]
    motions = list(meeting.motions.all())
    quorum = quorum_of(rows) if motions else None
    return Minutes(
        meeting=meeting,
        title=minutes_title(meeting),
        present_full=[row.member for row in present if row.category == Category.FULL],
        present_probationary=[
            row.member for row in present if row.category == Category.PROBATIONARY
        ],
        excused=[row for row in rows if row.presence == Presence.EXCUSED],
        absent=[row for row in rows if row.presence == Presence.ABSENT],
        guests=[
            *meeting.guest_names,
            *(str(guest) for guest in meeting.invited.select_related("person")),
        ],
        counts=attendance_summary(rows),
        quorum=quorum,
        motions=[MotionLine(motion, motion_result(motion, quorum)) for motion in motions],
    )
