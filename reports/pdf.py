"""Printable documents as PDF, through WeasyPrint.

Every printed document extends `reports/base_print.html`, which holds the shared print
stylesheet (A4, Noto CJK fonts, page numbers in the footer) inline: nothing is fetched while
rendering. Chinese is real text with the fonts embedded (subset), so a PDF can be searched
and copied from. The fonts come from Debian's fonts-noto-cjk; a branch that installs its own
仿宋 or 小标宋 adds them to the font stacks of its document.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from reports.pdf_fonts import compact_fonts


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_number_content() -> str:
    """The CSS `content` value of the footer, "第 1 页 共 2 页" in Chinese: the translated
    sentence with its placeholders replaced by the page counters."""
    marker = "\x00"
    sentence = gettext("Page %(page)s of %(pages)s") % {
        "page": f"{marker}page{marker}",
        "pages": f"{marker}pages{marker}",
    }
    parts = []
    for index, piece in enumerate(sentence.split(marker)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def render_print_html(template_name: str, context: dict, *, request=None) -> str:
    """The template (which extends `reports/base_print.html`) as the HTML that is printed."""
    return render_to_string(
        template_name, {**context, "page_number_content": page_number_content()}, request=request
    )


def html_to_pdf(html: str, *, compact: bool = True) -> bytes:
    """Printed HTML as PDF bytes; WeasyPrint breaks it into as many A4 pages as it needs.
    The CJK faces are embedded without their empty glyph slots (reports.pdf_fonts), which
    halves a PDF's weight; `compact=False` keeps WeasyPrint's own embedding, to compare."""
    # Only data: URLs may load. The templates fetch nothing, and text typed by users is
    # escaped; this keeps a slip from reaching the network or the server's files.
    fetcher = URLFetcher(allowed_protocols={"data"})
    font_config = FontConfiguration()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        font_config=font_config, finisher=compact_fonts if compact else None
    )
