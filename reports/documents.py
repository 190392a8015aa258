"""The site's documents as reports (reports.base): the minutes of a meeting, the meeting
ledger (三会一课台账), the roster export, the results sheet of a member evaluation
(民主评议党员结果汇总表), the year's dues notice (党费收缴公示), the activities ledger
(党建活动台账) and the year-end documents (年度工作总结, 年度工作计划). Each says who may have
it; the work of making the file is in reports.minutes, reports.ledger, members.roster,
reports.evaluation, reports.dues, reports.work and reports.yearend."""

import datetime
import io
import zipfile

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext

from activities.access import can_export_meetings, can_read_whole_meeting
from activities.models import Meeting
from activities.work.selectors import work_figures
from groups.access import roles_for
from groups.models import Branch
from members.access import can_export_roster
from members.dues.yearly import year_notice
from members.models import EvaluationRound, Grade, Member, RoundKind, RoundState
from members.roster import roster_title, roster_workbook
from reports.base import DOCX, HTML, PDF, XLSX, ZIP, PrintedReport, Report
from reports.dues import (
    notice_columns,
    notice_period,
    notice_title,
    notice_workbook,
    regular_total_line,
    row_note,
    special_columns,
    special_total_line,
)
from reports.evaluation import results_sheet, results_title, results_workbook
from reports.ledger import ledger_title, meeting_ledger_workbook, period_label
from reports.minutes import minutes_file_stem, minutes_of, minutes_title
from reports.models import DocumentVersion, YearDocument
from reports.work import work_ledger_title, work_ledger_workbook
from reports.yearend.access import can_read_document
from reports.yearend.compose import document_figures, printed_document
from reports.yearend.docx import document_docx
from reports.yearend.pdf import document_html, document_pdf
from reports.yearend.services import latest_version


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
        return can_export_meetings(roles_for(user), self.branch)

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
        return can_export_roster(roles_for(user), self.branch)

    def render_xlsx(self, *, request=None) -> bytes:
        return roster_workbook(
            branch=self.branch, members=self.members.iterator(chunk_size=1000), today=self.today
        )


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class EvaluationResults(PrintedReport):
    """民主评议党员结果汇总表 of one round, once its ballot is closed: the tally per member and
    who takes part, never who voted how. For the branch's committee and upper-committee
    viewers; a group leader follows their groups' voting on the round page, no more."""

    code = "evaluation_results"
    formats = (PDF, XLSX, HTML)
    template_name = "reports/evaluation_results.html"

    def __init__(self, evaluation: EvaluationRound, *, today: datetime.date | None = None):
        start, end = _year(evaluation.year)
        super().__init__(start=start, end=end)
        self.evaluation = evaluation
        self.today = today or timezone.localdate()

    @property
    def title(self) -> str:
        return results_title(self.evaluation)

    def is_available_to(self, user) -> bool:
        return roles_for(user).can_view_branch(self.evaluation.branch_id)

    def is_ready(self) -> bool:
        # The tally is secret until the ballot closes; a trust poll has no results sheet.
        return (
            self.evaluation.state != RoundState.OPEN
            and self.evaluation.kind == RoundKind.EVALUATION
        )

    def context(self) -> dict:
        return {
            "sheet": results_sheet(self.evaluation),
            "grades": Grade.choices,
            "today": self.today,
        }

    def render_xlsx(self, *, request=None) -> bytes:
        return results_workbook(results_sheet(self.evaluation), today=self.today)


class DuesNotice(PrintedReport):
    """党费收缴公示 of one year (up to the current one): for the branch's committee and
    upper-committee viewers, who post or publish it to the members."""

    code = "dues_notice"
    formats = (PDF, XLSX, HTML)
    template_name = "reports/dues_notice.html"

    def __init__(self, *, branch: Branch, year: int, today: datetime.date | None = None):
        start, end = _year(year)
        super().__init__(start=start, end=end)
        self.branch = branch
        self.year = year
        self.today = today or timezone.localdate()

    @property
    def title(self) -> str:
        return notice_title(self.branch, self.year)

    def is_available_to(self, user) -> bool:
        return roles_for(user).can_view_branch(self.branch.pk)

    def is_ready(self) -> bool:
        return self.year <= self.today.year

    def notice(self):
        return year_notice(self.branch, self.year, today=self.today)

    def context(self) -> dict:
        notice = self.notice()
        return {
            "title": self.title,
            "notice": notice,
            "period": notice_period(notice),
            "columns": notice_columns(),
            "special_columns": special_columns(),
            "lines": [{"row": row, "note": row_note(row)} for row in notice.rows],
            "regular_total": regular_total_line(notice),
            "special_total": special_total_line(notice),
            "today": self.today,
        }

    def render_xlsx(self, *, request=None) -> bytes:
        return notice_workbook(self.notice(), today=self.today)


class WorkLedger(Report):
    """党建活动台账 of a year (the list's filters applied to the activities sheet): for the
    branch's committee and viewers, and for its leaders (their groups only). Talks are
    listed without their content, and only to those who may know of them."""

    code = "work_ledger"
    formats = (XLSX,)

    def __init__(
        self,
        *,
        branch: Branch,
        year: int,
        activities: QuerySet,
        groups: frozenset[int] | None,
        talks: bool,
        today: datetime.date | None = None,
    ):
        start, end = _year(year)
        super().__init__(start=start, end=end)
        self.branch, self.year = branch, year
        self.activities, self.groups, self.talks = activities, groups, talks
        self.today = today or timezone.localdate()

    @property
    def title(self) -> str:
        return work_ledger_title(self.branch, self.start, self.end)

    def is_available_to(self, user) -> bool:
        roles = roles_for(user)
        return roles.can_view_branch(self.branch.pk) or bool(roles.led_groups_in(self.branch.pk))

    def render_xlsx(self, *, request=None) -> bytes:
        return work_ledger_workbook(
            branch=self.branch,
            activities=self.activities,
            figures=work_figures(self.branch, self.start, self.end, talks=self.talks),
            groups=self.groups,
            today=self.today,
        )


class YearEndDocument(Report):
    """A year-end document (年度工作总结, 年度工作计划) as it stands: its latest version with the
    records' figures of today, laid out after GB/T 9704 as PDF, as Word for the upper
    committee and last changes, and as HTML. For its branch's committee and viewers."""

    code = "year_document"
    formats = (PDF, DOCX, HTML)

    def __init__(
        self,
        document: YearDocument,
        *,
        version: DocumentVersion | None = None,
        today: datetime.date | None = None,
    ):
        """`version` is the one printed: the latest unless given (an unsaved draft, say)."""
        start, end = _year(document.year)
        super().__init__(start=start, end=end)
        self.document = document
        self.version = version or latest_version(document)
        self.today = today or timezone.localdate()

    def printed(self):
        figures = document_figures(self.document, today=self.today)
        return printed_document(self.version, figures, today=self.today)

    @property
    def title(self) -> str:
        return self.version.title

    def is_available_to(self, user) -> bool:
        return can_read_document(roles_for(user), self.document)

    def render_pdf(self, *, request=None) -> bytes:
        return document_pdf(self.printed(), request=request)

    def render_html(self, *, request=None) -> bytes:
        return document_html(self.printed(), request=request).encode()

    def render_docx(self, *, request=None) -> bytes:
        return document_docx(self.printed())


class GroupDocumentsZip(Report):
    """Every party group's summary and plan of a year, each as PDF and Word, in one ZIP for
    the secretary to pass on or print: for the branch's committee and viewers. Only the
    documents the groups have opened are in it; with none, there is no file (404)."""

    code = "group_documents_zip"
    formats = (ZIP,)

    def __init__(self, *, branch: Branch, year: int, today: datetime.date | None = None):
        start, end = _year(year)
        super().__init__(start=start, end=end)
        self.branch = branch
        self.year = year
        self.today = today or timezone.localdate()
        self.documents = list(
            YearDocument.objects.filter(branch=branch, year=year, group__isnull=False)
            .select_related("branch", "group")
            .order_by("group__sort_order", "group__name", "kind")
        )

    @property
    def title(self) -> str:
        return pgettext("file name", "%(branch)s party groups' documents %(year)s") % {
            "branch": self.branch.name,
            "year": f"{self.year}年",
        }

    def is_available_to(self, user) -> bool:
        return roles_for(user).can_view_branch(self.branch.pk)

    def is_ready(self) -> bool:
        return bool(self.documents)

    def render_zip(self, *, request=None) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for document in self.documents:
                report = YearEndDocument(document, today=self.today)
                folder = _file_name(document.group.name)
                for extension in ("pdf", "docx"):
                    rendered = report.render(extension, request=request)
                    archive.writestr(f"{folder}/{_file_name(rendered.filename)}", rendered.content)
        return buffer.getvalue()


def _file_name(name: str) -> str:
    """A name safe as one part of a path in a ZIP: no folders, no traversal."""
    return name.replace("/", "／").replace("\\", "＼").strip(". ") or "-"
