"""The reports' long work, run in the background (branchsite.jobs): the roster of a whole
branch. Registered from ReportsConfig.ready(), so that the worker knows it too."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.jobs import JobFailed, JobFile, JobKind, Progress, register
from branchsite.models import Job
from branchsite.xlsx import XLSX_TYPE
from groups.access import roles_for
from members.access import can_export_roster
from members.forms import RosterFilterForm
from members.roster import roster_workbook
from reports.documents import RosterExport

ROSTER_EXPORT = "roster_export"


def roster_filters(query: QueryDict, *, branch) -> dict[str, str]:
    """The member list's filters in `query`, as a job keeps them: only the form's own
    fields, each cut to a length no filter needs more than."""
    names = RosterFilterForm(branch=branch).fields
    return {name: query[name][:200] for name in names if query.get(name)}


def roster_export_work(job: Job, progress: Progress) -> JobFile:
    """The roster of `job.branch` with the filters the user had (党员花名册, xlsx)."""
    branch = job.branch
    if branch is None or not can_export_roster(roles_for(job.user), branch):
        raise JobFailed(_("You may no longer export this branch's roster."))
    query = QueryDict(mutable=True)
    query.update(job.parameters.get("filters", {}))
    form = RosterFilterForm(query or None, branch=branch)
    report = RosterExport(branch=branch, members=form.queryset())
    progress.stage(_("Counting the members"))
    total = report.members.count()
    rows = progress.counted(
        report.members.iterator(chunk_size=1000),
        total=total,
        stage=_("Writing member %(done)s of %(total)s"),
    )
    content = roster_workbook(branch=branch, members=rows, today=report.today)
    return JobFile(content=content, filename=f"{report.file_stem()}.xlsx", content_type=XLSX_TYPE)


def register_jobs() -> None:
    register(
        JobKind(
            code=ROSTER_EXPORT,
            title=gettext_lazy("Party member roster"),
            run=roster_export_work,
        )
    )
