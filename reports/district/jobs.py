"""The district's long work, run in the background (branchsite.jobs): every branch's
year-end summary of a year, as PDF and Word, in one ZIP for the upper committee."""

import io
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.downloads import ZIP_TYPE
from branchsite.jobs import JobFailed, JobFile, JobKind, Progress, register
from branchsite.models import Job
from groups.access import roles_for
from groups.models import UpperCommittee
from reports.documents import YearEndDocument, _file_name
from reports.models import DocumentKind, YearDocument

DISTRICT_SUMMARIES_ZIP = "district_summaries_zip"


def written_summaries(district: UpperCommittee, year: int):
    """The district's branch summaries of `year` that have a saved version, by branch."""
    return (
        YearDocument.objects.filter(
            branch__upper_committee=district,
            year=year,
            kind=DocumentKind.SUMMARY,
            group=None,
            versions__isnull=False,
        )
        .distinct()
        .select_related("branch")
        .order_by("branch__name", "branch__pk")
    )


def district_summaries_work(job: Job, progress: Progress) -> JobFile:
    district = UpperCommittee.objects.filter(pk=job.parameters.get("district")).first()
    year = int(job.parameters.get("year", 0))
    if district is None or not roles_for(job.user).can_view_district(district.pk):
        raise JobFailed(_("You may no longer read this upper committee's branches."))
    documents = list(written_summaries(district, year))
    if not documents:
        raise JobFailed(_("No branch has saved its summary of this year yet."))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in progress.counted(
            documents, total=len(documents), stage=_("Writing summary %(done)s of %(total)s")
        ):
            report = YearEndDocument(document)
            folder = _file_name(document.branch.name)
            for extension in ("pdf", "docx"):
                rendered = report.render(extension)
                archive.writestr(f"{folder}/{_file_name(rendered.filename)}", rendered.content)
    name = _("%(district)s branches' summaries %(year)s") % {
        "district": district.name,
        "year": f"{year}年",
    }
    return JobFile(content=buffer.getvalue(), filename=f"{name}.zip", content_type=ZIP_TYPE)


def register_jobs() -> None:
    register(
        JobKind(
            code=DISTRICT_SUMMARIES_ZIP,
            title=gettext_lazy("Every branch's year-end summary"),
            run=district_summaries_work,
        )
    )
