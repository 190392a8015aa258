"""The one way a file leaves the site: `download_response`.

Every download holds personal data (rosters, attendance lists, reasons for absence), so none
may be kept by a shared cache. A browser shows PDF and HTML itself: those open in a tab, ready
to print; everything else (spreadsheets, Word files) is saved.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

HTML_TYPE = "text/html; charset=utf-8"
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_TYPE = "application/zip"
SHOWN_INLINE = frozenset({"text/html", PDF_TYPE})


def download_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """`content` as a file named `filename`: inline for types a browser shows, else an
    attachment; never stored by a cache."""
    response = HttpResponse(content, content_type=content_type)
    inline = content_type.partition(";")[0].strip() in SHOWN_INLINE
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "no-store"
    return response


def stored_file_response(stored) -> FileResponse:
    """An uploaded photo or scan (a model with `file` and `content_type`), shown in the
    browser as what it was checked to be, never sniffed as anything else nor cached; 404 when
    the file is gone from storage."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def saved_file_response(saved, *, content_type: str, filename: str) -> FileResponse:
    """A file the site made and kept (a background job's export), under `filename`:
    inline for types a browser shows, else an attachment; never sniffed nor cached; 404
    when the file is gone from storage."""
    try:
        handle = saved.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    inline = content_type.partition(";")[0].strip() in SHOWN_INLINE
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
