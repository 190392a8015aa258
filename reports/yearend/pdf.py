"""The year-end documents as PDF after GB/T 9704-2012, through WeasyPrint.

The page (A4, margins 37 mm top, 28 left, 26 right, 35 bottom; "— 1 —" page numbers) is
reports/base_official.html's; the template reports/yearend_document.html prints the blocks.
The body sits on the standard's grid of 22 lines × 28 characters. WeasyPrint sets CJK text
on its faces' own advance (16 pt a character) and does not stretch lines to justify them,
and 28 × 16 pt is wider than the 156 mm line, so the characters are brought closer by a
letter-spacing that makes 28 of them fill the line, and the line pitch is the text block's
height over 22. Figures in Latin digits are narrower than a character: a line holding some
carries a few more characters, as in Word.
"""

from dataclasses import dataclass

from reports.pdf import html_to_pdf, render_print_html
from reports.yearend import fonts
from reports.yearend.blocks import Document

TEMPLATE = "reports/yearend_document.html"
MM = 72 / 25.4  # points per millimetre
TEXT_WIDTH = 156 * MM  # 210 − 28 − 26
TEXT_HEIGHT = 225 * MM  # 297 − 37 − 35
BODY_SIZE = 16.0  # 三号
LINES, CHARACTERS = 22, 28


@dataclass(frozen=True)
class Grid:
    """The grid's measures in points, rounded down so that rounding never pushes the 28th
    character or the 22nd line off the block."""

    advance: float  # a character's advance on the line
    line_pitch: float

    @property
    def letter_spacing(self) -> float:
        return round(self.advance - BODY_SIZE, 2)

    @property
    def indent(self) -> float:
        return round(2 * self.advance, 2)  # 首行缩进两字

    @property
    def signature_indent(self) -> float:
        return round(4 * self.advance, 2)

    @property
    def title_pitch(self) -> float:
        return round(1.25 * self.line_pitch, 2)


def _floor(value: float, places: int = 2) -> float:
    scale = 10**places
    return int(value * scale) / scale


# 0.02 pt of slack per character and per line: WeasyPrint measures in Pango units.
GRID = Grid(
    advance=_floor(TEXT_WIDTH / CHARACTERS) - 0.02,
    line_pitch=_floor(TEXT_HEIGHT / LINES) - 0.02,
)


def _context(document: Document) -> dict:
    return {
        "document": document,
        "grid": GRID,
        "fonts": {role: fonts.css_font_family(role) for role in fonts.ROLES},
    }


def document_html(document: Document, *, request=None) -> str:
    """The document as the HTML that is printed (also offered as the HTML download)."""
    return render_print_html(TEMPLATE, _context(document), request=request)


def document_pdf(document: Document, *, request=None) -> bytes:
    return html_to_pdf(document_html(document, request=request))
