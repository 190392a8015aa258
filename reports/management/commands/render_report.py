"""Print a year-end document to a file from the command line, for a secretary's script or
a check of the layout without a browser:

    python manage.py render_report summary --branch CODE --year 2026 -o 总结.pdf
    python manage.py render_report group-plan --branch CODE --year 2027 --group 语文组 \\
        --format docx -o 计划.docx

The document as it stands (its latest version) if it has been opened, else the first draft
from the records, which is printed without being saved: the command writes nothing to the
database. The format is --format, or the output file's extension.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from groups.models import Branch
from reports.documents import YearEndDocument
from reports.models import DocumentVersion, YearDocument
from reports.yearend import services

DOCUMENTS = {
    "summary": ("summary", False),
    "plan": ("plan", False),
    "group-summary": ("summary", True),
    "group-plan": ("plan", True),
}
FORMATS = ("pdf", "docx", "html")


class Command(BaseCommand):
    help = "Print a year-end document (summary, plan, or a party group's) to a PDF or Word file."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=sorted(DOCUMENTS))
        parser.add_argument("--branch", required=True, help="the branch's code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", help="the party group's name (group documents)")
        parser.add_argument("--format", choices=FORMATS)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, document, branch, year, group, format, output, **options):
        kind, for_group = DOCUMENTS[document]
        try:
            branch = Branch.objects.get(code=branch)
        except Branch.DoesNotExist:
            raise CommandError(_("No branch has the code %(code)s.") % {"code": branch}) from None
        party_group = None
        if for_group:
            if not group:
                raise CommandError(_("Name the party group with --group."))
            party_group = branch.party_groups.filter(name=group).first()
            if party_group is None:
                raise CommandError(
                    _("%(branch)s has no party group named %(group)s.")
                    % {"branch": branch.name, "group": group}
                )
        elif group:
            raise CommandError(_("--group is for group-summary and group-plan."))
        format = format or output.suffix.lstrip(".").lower()
        if format not in FORMATS:
            raise CommandError(_("Give --format pdf, docx or html, or an output file ending so."))

        document, version = _document(branch, party_group, kind, year)
        report = YearEndDocument(document, version=version)
        content = report.render(format).content
        output.write_bytes(content)
        self.stdout.write(
            _("Wrote %(file)s (%(size)s bytes).") % {"file": output, "size": len(content)}
        )


def _document(branch, group, kind, year) -> tuple[YearDocument, DocumentVersion]:
    """The saved document and its latest version, or an unsaved one and its first draft."""
    document = YearDocument.objects.filter(branch=branch, group=group, kind=kind, year=year).first()
    if document is not None:
        return document, services.latest_version(document)
    document = YearDocument(branch=branch, group=group, kind=kind, year=year)
    draft = DocumentVersion(
        document=document,
        number=1,
        title=services.default_title(document),
        sections=services.first_sections(document),
    )
    return document, draft
