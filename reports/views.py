"""Downloads of the reports (reports.documents). Each view fetches the report's subject as
its app's access helper does (404 to outsiders), builds the report, and hands it to
`_get_report_for_user` (403 if the report is not available to the user, 404 for a format it
does not come in); then it streams the file. No view decides access inline."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from activities.access import get_branch_for_meetings, get_meeting_for_user
from activities.filters import MeetingFilterForm
from activities.work.access import get_branch_for_work, sees_talks
from activities.work.selectors import listed_activities
from activities.work.views import year_from
from branchsite.jobs import job_request
from groups.access import get_branch_for_user, roles_for
from members.access import get_evaluation_for_reader
from members.forms import RosterFilterForm
from members.roster.exporting import DIRECT_EXPORT_MAX_ROWS
from reports.base import Report
from reports.documents import (
    DuesNotice,
    EvaluationResults,
    GroupDocumentsZip,
    MeetingLedger,
    MeetingMinutes,
    RosterExport,
    WorkLedger,
    YearEndDocument,
)
from reports.jobs import ROSTER_EXPORT, roster_filters
from reports.yearend.access import get_document_for_reader


def _get_report_for_user(request, report: Report, extension: str) -> Report:
    """`report`, if it comes in this format (else 404), is available to the user (else
    403: whoever reaches this has a tie to the subject, the fetch turned outsiders away) and
    exists yet (else 404)."""
    report.format_named(extension)  # raises Http404 for a format it does not come in
    if not report.is_available_to(request.user):
        raise PermissionDenied
    if not report.is_ready():
        raise Http404
    return report


@login_required
def meeting_minutes(request, pk, format):
    """The minutes, shown in the browser (PDF to print, or the same page as HTML)."""
    meeting = get_meeting_for_user(request, pk)
    report = _get_report_for_user(request, MeetingMinutes(meeting), format)
    return report.render(format, request=request).response()


@login_required
def meeting_ledger(request, pk, format):
    """三会一课台账 as Excel, with the meeting list's filters from the query string: every
    meeting of the branch for the committee and viewers, their own groups' for a leader."""
    branch, groups = get_branch_for_meetings(request, pk)
    form = MeetingFilterForm(request.GET, branch=branch, groups=groups)
    start, end = form.period
    report = MeetingLedger(branch=branch, meetings=form.queryset(), start=start, end=end)
    report = _get_report_for_user(request, report, format)
    if not form.is_valid():
        return render(
            request, "reports/filter_errors.html", {"form": form, "branch": branch}, status=400
        )
    return report.render(format, request=request).response()


@login_required
def roster_export(request, branch_pk, format):
    """The roster as the member list shows it (same filters, from the query string), at
    once while it is small; a longer one is made in the background (the page says so and
    offers it: roster_export_job)."""
    branch = get_branch_for_user(request, branch_pk)
    form = RosterFilterForm(request.GET or None, branch=branch)
    report = _get_report_for_user(
        request, RosterExport(branch=branch, members=form.queryset()), format
    )
    if report.members.count() > DIRECT_EXPORT_MAX_ROWS:
        return render(
            request,
            "reports/export_in_background.html",
            {"branch": branch, "query": request.GET.urlencode(), "limit": DIRECT_EXPORT_MAX_ROWS},
        )
    return report.render(format, request=request).response()


@login_required
@require_POST
def roster_export_job(request, branch_pk):
    """Asks the background worker for the roster with the member list's filters (from the
    query string), then shows its progress in 我的下载."""
    branch = get_branch_for_user(request, branch_pk)
    report = RosterExport(branch=branch, members=RosterFilterForm(branch=branch).queryset())
    _get_report_for_user(request, report, "xlsx")
    job = job_request(
        user=request.user,
        kind=ROSTER_EXPORT,
        branch=branch,
        parameters={"filters": roster_filters(request.GET, branch=branch)},
        title=report.title,
    )
    return redirect("jobs:detail", job.pk)


@login_required
def evaluation_results(request, pk, format):
    """民主评议党员结果汇总表 of a round, once its ballot is closed (404 before)."""
    evaluation = get_evaluation_for_reader(request, pk)
    report = _get_report_for_user(request, EvaluationResults(evaluation), format)
    return report.render(format, request=request).response()


@login_required
def dues_notice(request, branch_pk, year, format):
    """党费收缴公示 of a year, up to the current one."""
    branch = get_branch_for_user(request, branch_pk)
    report = _get_report_for_user(request, DuesNotice(branch=branch, year=year), format)
    return report.render(format, request=request).response()


@login_required
def work_ledger(request, branch_pk, format):
    """党建活动台账 of a year, with the activity list's filters."""
    branch, groups = get_branch_for_work(request, branch_pk)
    talks = sees_talks(roles_for(request.user), branch.pk)
    year = year_from(request)
    activities = listed_activities(
        branch,
        year=year,
        groups=groups,
        talks=talks,
        kind=request.GET.get("kind", ""),
        group=request.GET.get("group", ""),
        query=request.GET.get("q", "").strip(),
    )
    report = WorkLedger(branch=branch, year=year, activities=activities, groups=groups, talks=talks)
    report = _get_report_for_user(request, report, format)
    return report.render(format, request=request).response()


@login_required
def year_document(request, pk, format):
    """A year-end document as it stands (its latest version, today's figures)."""
    document = get_document_for_reader(request, pk)
    report = _get_report_for_user(request, YearEndDocument(document), format)
    return report.render(format, request=request).response()


@login_required
def group_documents_zip(request, branch_pk, year, format):
    """Every party group's documents of the year, as one ZIP."""
    branch = get_branch_for_user(request, branch_pk)
    report = _get_report_for_user(request, GroupDocumentsZip(branch=branch, year=year), format)
    return report.render(format, request=request).response()
