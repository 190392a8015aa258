"""Downloads of printable documents and ledgers. The work is in reports.minutes and
reports.ledger; these views check who may have the file and adapt."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from activities.access import can_edit_meeting, get_branch_for_meetings, get_meeting_for_user
from activities.filters import MeetingFilterForm
from groups.access import roles_for
from reports.ledger import meeting_ledger_workbook, period_label
from reports.minutes import minutes_filename, minutes_pdf

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, *, content_type: str, filename: str, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    # Attendance lists and reasons for absence: keep them out of shared caches.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def meeting_minutes(request, pk):
    """The minutes as a PDF, shown in the browser: for the branch's committee and viewers and
    whoever may edit the meeting (its group's leader). A member who was only expected at the
    meeting reads it on the meeting page; the full lists of others stay with the officers."""
    meeting = get_meeting_for_user(request, pk)
    roles = roles_for(request.user)
    if not (roles.can_view_branch(meeting.branch_id) or can_edit_meeting(roles, meeting)):
        raise PermissionDenied
    return _download(
        minutes_pdf(meeting, request=request),
        content_type=PDF_TYPE,
        filename=minutes_filename(meeting),
        inline=True,
    )


@login_required
def meeting_ledger(request, pk):
    """三会一课台账 as Excel, with the meeting list's filters from the query string: every
    meeting of the branch for the committee and viewers, their own groups' for a leader."""
    branch, groups = get_branch_for_meetings(request, pk)
    if groups is not None and not groups:
        raise PermissionDenied  # a member who leads no group here keeps no ledger
    form = MeetingFilterForm(request.GET, branch=branch, groups=groups)
    if not form.is_valid():
        return render(
            request, "reports/filter_errors.html", {"form": form, "branch": branch}, status=400
        )
    start, end = form.period
    content = meeting_ledger_workbook(branch=branch, meetings=form.queryset(), start=start, end=end)
    filename = _("%(branch)s meeting ledger %(period)s.xlsx") % {
        "branch": branch.name,
        "period": period_label(start, end),
    }
    return _download(content, content_type=XLSX_TYPE, filename=filename, inline=False)
