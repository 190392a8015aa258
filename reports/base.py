"""A report is a small class, after django-oscar's report generators: a `code`, a translated
`title`, a period, `is_available_to(user)` and one renderer per format. The view fetches the
report's subject (404 to outsiders), asks `is_available_to` (403 to the wrong role), picks the
format and streams `report.render(format)`; it knows nothing of how a document is made.

    class MeetingMinutes(PrintedReport):         # reports.documents
        code = "meeting_minutes"
        template_name = "reports/minutes.html"   # formats: PDF (the default), HTML

        def __init__(self, meeting):             # the period: the day it was held
            super().__init__(start=meeting.held_on, end=meeting.held_on)
            self.meeting = meeting

        title = ...                              # "一支部 A组 党小组会会议记录"
        def is_available_to(self, user): ...     # from groups' roles, activities.access
        def context(self): return {"minutes": minutes_of(self.meeting)}

    report.render("pdf")  # Rendered(content=b"%PDF-…", content_type=…, filename="….pdf")

A format is added by naming it in `formats` and writing `render_<extension>(request=None)`,
which returns the file's bytes; `render` adds the content type and the file name. Documents of
many pages are `PrintedReport`s: one template extending `reports/base_print.html`, shown as
HTML and printed to PDF by WeasyPrint, which paginates (page numbers, running title). Word is
`DOCX` and a `render_docx` on the reports that come in it (the year-end documents); neither
the base nor the views change for a new format.
"""

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.http import Http404, HttpResponse

from branchsite.downloads import DOCX_TYPE, HTML_TYPE, PDF_TYPE, ZIP_TYPE, download_response
from branchsite.xlsx import XLSX_TYPE
from reports.pdf import html_to_pdf, render_print_html


@dataclass(frozen=True)
class Format:
    extension: str  # also the last part of the report's URL: minutes.pdf
    content_type: str


HTML = Format("html", HTML_TYPE)
PDF = Format("pdf", PDF_TYPE)
XLSX = Format("xlsx", XLSX_TYPE)
DOCX = Format("docx", DOCX_TYPE)
ZIP = Format("zip", ZIP_TYPE)


@dataclass(frozen=True)
class Rendered:
    """A report in one format: the file's bytes, its content type and its name."""

    content: bytes
    content_type: str
    filename: str

    def response(self) -> HttpResponse:
        return download_response(
            self.content, content_type=self.content_type, filename=self.filename
        )


class Report:
    """One document about one subject (a meeting, a branch) over a period.

    Subclasses set `code` (stable, for URLs and logs) and `formats` (the first is the
    default), and write `title`, `is_available_to` and a `render_<extension>` per format.
    """

    code: ClassVar[str]
    formats: ClassVar[tuple[Format, ...]]

    def __init__(self, *, start: datetime.date | None = None, end: datetime.date | None = None):
        # The period the report covers; None at either end: open-ended (all).
        self.start = start
        self.end = end

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for format in getattr(cls, "formats", ()):
            if not callable(getattr(cls, f"render_{format.extension}", None)):
                raise TypeError(f"{cls.__name__} lists {format.extension} but cannot render it")

    @property
    def title(self) -> str:
        """The document's translated title, as printed at its top."""
        raise NotImplementedError

    def is_available_to(self, user) -> bool:
        """Whether `user` may have this report (about this subject), built on their roles."""
        raise NotImplementedError

    def is_ready(self) -> bool:
        """Whether the document exists yet (the view answers 404 until it does): a
        round's results once its ballot is closed, say. Most documents always are."""
        return True

    def file_stem(self) -> str:
        """The file name without its extension; the title unless a report says otherwise."""
        return self.title

    def format_named(self, extension: str) -> Format:
        """The format with this extension, or 404: the report does not come in it."""
        for format in self.formats:
            if format.extension == extension:
                return format
        raise Http404

    def render(self, extension: str, *, request=None) -> Rendered:
        format = self.format_named(extension)
        content = getattr(self, f"render_{format.extension}")(request=request)
        return Rendered(
            content=content,
            content_type=format.content_type,
            filename=f"{self.file_stem()}.{format.extension}",
        )


class PrintedReport(Report):
    """A document laid out for A4 paper, of one page or many: a template that extends
    `reports/base_print.html`, shown as HTML in the browser or printed to PDF."""

    formats = (PDF, HTML)
    template_name: ClassVar[str]

    def context(self) -> dict:
        """What the template shows; read in a fixed number of queries."""
        raise NotImplementedError

    def render_html(self, *, request=None) -> bytes:
        return render_print_html(self.template_name, self.context(), request=request).encode()

    def render_pdf(self, *, request=None) -> bytes:
        return html_to_pdf(render_print_html(self.template_name, self.context(), request=request))
