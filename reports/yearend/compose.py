"""A saved version and the year's figures, made into the printed document (blocks)."""

from django.utils import timezone
from django.utils.translation import gettext

from reports.models import DocumentKind, DocumentVersion
from reports.yearend.blocks import Document
from reports.yearend.figures import YearFigures, year_figures
from reports.yearend.schedule import schedule_table, year_schedule
from reports.yearend.text import Section, blocks_of


def version_sections(version: DocumentVersion) -> list[Section]:
    return [Section.from_json(data) for data in version.sections]


def document_figures(document, *, today=None) -> YearFigures:
    """The year's figures for `document`; a plan's also hold the year's schedule from the
    rules (`{{table:schedule}}`), month by month."""
    figures = year_figures(document.branch, document.year, group=document.group, today=today)
    if document.kind == DocumentKind.PLAN:
        entries = year_schedule(document.branch, document.year, group=document.group, today=today)
        if entries:
            figures.tables["schedule"] = schedule_table(
                entries,
                caption=gettext("The year's work month by month"),
            )
    return figures


def printed_document(version: DocumentVersion, figures: YearFigures, *, today=None) -> Document:
    """The document as printed: its title, the sections' blocks with the figures in, the
    branch's (or group's) name and the date: the year's last day once it is over, today
    while it runs (a summary is usually written in its last weeks)."""
    document = version.document
    today = today or timezone.localdate()
    signature = document.group.name if document.group_id else document.branch.name
    return Document(
        title=version.title,
        blocks=tuple(blocks_of(version_sections(version), figures)),
        signature=signature,
        date=min(today, figures.as_of.replace(month=12, day=31)),
        meta={"author": document.branch.name},
    )
