"""The site's documents as reports (reports.base): the minutes of a meeting, the meeting
ledger (三会一课台账) and the roster export. Each says who may have it; the work of making the
file is in reports.minutes, reports.ledger and members.roster."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext

from activities.access import can_read_whole_meeting
from activities.models import Meeting
from groups.access import roles_for
from groups.models import Branch
from members.models import Member
from members.roster import roster_title, roster_workbook
from reports.base import XLSX, PrintedReport, Report
from reports.ledger import ledger_title, meeting_ledger_workbook, period_label
from reports.minutes import minutes_file_stem, minutes_of, minutes_title


class MeetingMinutes(PrintedReport):
    """The minutes of one meeting, a page of the record book: for the branch's committee
    and viewers and whoever may edit the meeting (its group's leader). A member who was only
    expected at the meeting reads it on the meeting page; the full lists of others stay with
    the officers."""

    code = "meeting_minutes"
    template_name = "reports/minutes.html"

    def __init__(self, meeting: Meeting):
        super().__init__(start=meeting.held_on, end=meeting.held_on)
        self.meeting = meeting

    @property
    def title(self) -> str:
        return minutes_title(self.meeting)

    def file_stem(self) -> str:
        return minutes_file_stem(self.meeting)

    def is_available_to(self, user) -> bool:
        return can_read_whole_meeting(roles_for(user), self.meeting)

    def context(self) -> dict:
        return {"minutes": minutes_of(self.meeting)}


class MeetingLedger(Report):
    """三会一课台账 of `meetings` (the meeting list's filters applied): for the branch's
    committee and viewers, and for the leaders of its groups (their groups' meetings, which
    `meetings` is limited to). A member who leads no group keeps no ledger."""

    code = "meeting_ledger"
    formats = (XLSX,)

    def __init__(
        self,
        *,
        branch: Branch,
        meetings: QuerySet[Meeting],
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ):
        super().__init__(start=start, end=end)
        self.branch = branch
        self.meetings = meetings

    @property
    def title(self) -> str:
        return ledger_title(self.branch, self.start, self.end)

    def file_stem(self) -> str:
        return pgettext("file name", "%(branch)s meeting ledger %(period)s") % {
            "branch": self.branch.name,
            "period": period_label(self.start, self.end),
        }

    def is_available_to(self, user) -> bool:
        roles = roles_for(user)
        return roles.can_view_branch(self.branch.pk) or self.branch.pk in roles.led_group_branch_ids

    def render_xlsx(self, *, request=None) -> bytes:
        return meeting_ledger_workbook(
            branch=self.branch, meetings=self.meetings, start=self.start, end=self.end
        )


class RosterExport(Report):
    """The roster (党员花名册) as the member list shows it (the same filters), unmasked: for
    the branch's committee only. Upper-committee viewers see masked lists, never this file.
    It is the roll as of `today`: no period."""

    code = "roster_export"
    formats = (XLSX,)

    def __init__(
        self, *, branch: Branch, members: QuerySet[Member], today: datetime.date | None = None
    ):
        super().__init__()
        self.branch = branch
        self.members = members
        self.today = today or timezone.localdate()

    @property
    def title(self) -> str:
        return roster_title(self.branch)

    def file_stem(self) -> str:
        return pgettext("file name", "%(branch)s Party member roster %(date)s") % {
            "branch": self.branch.name,
            "date": self.today.isoformat(),
        }

    def is_available_to(self, user) -> bool:
        return roles_for(user).can_manage_branch(self.branch.pk)

    def render_xlsx(self, *, request=None) -> bytes:
        return roster_workbook(
            branch=self.branch, members=self.members.iterator(chunk_size=1000), today=self.today
        )
