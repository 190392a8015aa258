"""The year-end document as a Word (.docx) file, laid out after GB/T 9704-2012 like the PDF.

The upper committee asks for Word files and the secretary finishes hers in Word, so the file
is built to be edited, not only printed:

- Every look lives in a style (Normal, Title, Subtitle, Heading 1–4, Caption, Footer, and our
  Table Text, Table Heading, Table Note and Signature), so a change of face or size in Word's
  style pane changes the whole document. Direct formatting is kept to what has no style: a
  centred numeric cell, a footer's side, the highlight on a missing figure.
- The headings use Word's own "Heading 1".."Heading 4", so the navigation pane and the upper
  committee's templates know them; their blue, bold look is replaced by black in the official
  faces, and no numbering is added: the text carries its own 一、 （一） 1. （1）.
- The page is A4 with the standard's margins and a grid of 22 lines of 28 characters of 16 pt
  (三号); body lines are spaced exactly at the grid's pitch. Indents are given in characters
  (w:firstLineChars …) for Word and in twips for readers that ignore character units.
- Tables and charts: Word cannot show our SVG charts reliably, so a chart prints its numbers as
  a table (its `data`), or, without data, a sentence sending the reader to the PDF. Table rows
  do not split across pages; the header row repeats on each page. Table text is off the grid
  (w:snapToGrid="0"): 10.5 pt text on a 16 pt grid would be spread apart and double-spaced.
- Page numbers "— N —" in 宋体 14 pt (四号), on the right of odd pages and the left of even
  ones, one character in from the edge of the text.
- A figure the records cannot supply (【待补充】) is highlighted yellow so the secretary finds
  what is left to fill in; other figures print plain.
- Text typed by users may hold characters XML forbids (a pasted \\x0b); they are dropped.
"""

import io
import math
import re

from django.utils import timezone
from django.utils.translation import gettext
from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

from reports.yearend import blocks, fonts

# The page, in millimetres (GB/T 9704-2012, 5.2.1 and 5.2.2).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 10.5, 14
PAGE_NUMBER_FACE = "宋体"  # the standard names 宋体 for page numbers, whatever the body face
BLACK = RGBColor(0, 0, 0)
HEADING_ROLES = {1: "heading", 2: "kai", 3: "body", 4: "body"}

# What XML 1.0 cannot hold: C0 controls but tab and newline, lone surrogates, U+FFFE/FFFF.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Children of w:pPr that come after w:snapToGrid, which python-docx cannot place itself.
AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


# The run properties that come after w:spacing in CT_RPr (ECMA-376, 17.3.2.28).
RPR_AFTER_SPACING = (
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_TWIPS = tuple(twips(mm) for mm in PAGE_MM)
MARGIN_TWIPS = {side: twips(mm) for side, mm in MARGINS_MM.items()}
TEXT_WIDTH = PAGE_TWIPS[0] - MARGIN_TWIPS["left"] - MARGIN_TWIPS["right"]
TEXT_HEIGHT = PAGE_TWIPS[1] - MARGIN_TWIPS["top"] - MARGIN_TWIPS["bottom"]
# The grid: the largest line pitch that fits 22 lines in the text height (a line grid), and
# 16 pt characters condensed (in 1/20 pt) just enough that 28 fill the width. A character
# grid (linesAndChars with a negative charSpace) does the same in Word and WPS, but
# LibreOffice then gives every character two cells, 17 to the line; condensed spacing, as
# the PDF's letter-spacing, is honoured by all three.
LINE_PITCH = TEXT_HEIGHT // LINES
CHAR_CONDENSE = math.floor(TEXT_WIDTH / CHARS - BODY_PT * 20)  # in twips: 1/20 pt


def clean(text: str) -> str:
    """`text` without what XML forbids; Windows line ends as one break, not two."""
    return ILLEGAL_XML.sub("", text.replace("\r\n", "\n"))


def document_docx(document: blocks.Document) -> bytes:
    """The whole document as the bytes of a .docx file."""
    doc = new_docx()
    _set_up_page(doc)
    _set_up_styles(doc)
    _set_up_footers(doc)

    doc.add_paragraph(clean(document.title), style="Title")
    if document.subtitle:
        doc.add_paragraph(clean(document.subtitle), style="Subtitle")
    doc.add_paragraph()
    for block in document.blocks:
        _add_block(doc, block)
    doc.add_paragraph()
    doc.add_paragraph(clean(document.signature), style="Signature")
    doc.add_paragraph(clean(document.date_text), style="Signature")

    properties = doc.core_properties
    properties.title = clean(document.title)
    properties.author = clean(str(document.meta.get("author", "")))
    properties.last_modified_by = properties.author
    properties.comments = ""  # the template says "generated by python-docx"
    properties.language = "zh-CN"
    properties.created = properties.modified = timezone.now()
    properties.revision = 1

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# The page


def _set_up_page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = (Twips(value) for value in PAGE_TWIPS)
    section.top_margin = Twips(MARGIN_TWIPS["top"])
    section.bottom_margin = Twips(MARGIN_TWIPS["bottom"])
    section.left_margin = Twips(MARGIN_TWIPS["left"])
    section.right_margin = Twips(MARGIN_TWIPS["right"])
    # The page number's line sits 7 mm under the text (GB/T 9704, 7.5).
    section.footer_distance = Twips(MARGIN_TWIPS["bottom"] - twips(7)) - Pt(PAGE_NUMBER_PT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)
    # Theme fonts for East Asian text follow this language (the template says Japanese).
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


# Styles


def _set_up_styles(doc) -> None:
    styles = doc.styles
    body = fonts.word_font("body")

    # What a style without a face of its own falls back on: the body face, not the theme's.
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_face(default_rpr, body)

    normal = styles["Normal"]
    _set_face(normal.element.get_or_add_rPr(), body)
    normal.font.size = Pt(BODY_PT)
    _set_language(normal.element.get_or_add_rPr())
    _set_spacing(normal.element.get_or_add_rPr(), CHAR_CONDENSE)
    _on_grid(normal, alignment=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _indent(normal.element, first=2, font_pt=BODY_PT)

    for level, role in HEADING_ROLES.items():
        style = styles[f"Heading {level}"]
        _plain_look(style, face=fonts.word_font(role), size_pt=BODY_PT)
        _on_grid(style)
        style.paragraph_format.keep_with_next = True

    title = styles["Title"]
    _plain_look(title, face=fonts.word_font("title"), size_pt=TITLE_PT)
    _on_grid(title, alignment=WD_ALIGN_PARAGRAPH.CENTER)
    _indent(title.element, first=0, font_pt=TITLE_PT)

    subtitle = styles["Subtitle"]
    _plain_look(subtitle, face=fonts.word_font("kai"), size_pt=BODY_PT)
    _on_grid(subtitle, alignment=WD_ALIGN_PARAGRAPH.CENTER)
    _indent(subtitle.element, first=0, font_pt=BODY_PT)

    caption = _style(styles, "Caption", base=normal)
    _plain_look(caption, face=fonts.word_font("heading"), size_pt=BODY_PT)
    _on_grid(caption, alignment=WD_ALIGN_PARAGRAPH.CENTER)
    _indent(caption.element, first=0, font_pt=BODY_PT)
    caption.paragraph_format.keep_with_next = True

    table_text = _style(styles, "Table Text", base=normal)
    table_text.font.size = Pt(TABLE_PT)
    _set_spacing(table_text.element.get_or_add_rPr(), 0)  # tables are off the grid
    _off_grid(table_text, alignment=WD_ALIGN_PARAGRAPH.LEFT)
    _indent(table_text.element, first=0, font_pt=TABLE_PT)
    table_heading = _style(styles, "Table Heading", base=table_text)
    _set_face(table_heading.element.get_or_add_rPr(), fonts.word_font("heading"))
    table_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _style(styles, "Table Note", base=table_text)

    signature = _style(styles, "Signature", base=normal)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent(signature.element, first=0, right=4, font_pt=BODY_PT)

    footer = styles["Footer"]
    _set_face(footer.element.get_or_add_rPr(), PAGE_NUMBER_FACE)
    footer.font.size = Pt(PAGE_NUMBER_PT)
    _set_spacing(footer.element.get_or_add_rPr(), 0)
    _off_grid(footer)
    _indent(footer.element, first=0, font_pt=PAGE_NUMBER_PT)


def _set_spacing(rpr, twentieths: int) -> None:
    """Characters closer (negative) or farther apart, in 1/20 pt (w:spacing of a run)."""
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        # The schema fixes the order of a run's properties; Word refuses a file without it.
        rpr.insert_element_before(spacing, *(f"w:{tag}" for tag in RPR_AFTER_SPACING))
    spacing.set(qn("w:val"), str(twentieths))


def _style(styles, name: str, *, base):
    """The paragraph style `name`, added (based on `base`) if the template lacks it."""
    if name in [style.name for style in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base
    style.next_paragraph_style = styles["Normal"]
    style.quick_style = True
    return style


def _set_face(rpr, face: str) -> None:
    """One face for Latin and Chinese text alike; the theme's faces (which would win) go."""
    rfonts = rpr.get_or_add_rFonts()
    rfonts.attrib.clear()
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{script}"), face)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # w:lang is last among what our styles hold
    lang.set(qn("w:eastAsia"), "zh-CN")


def _plain_look(style, *, face: str, size_pt: float) -> None:
    """Black, upright, not bold, in `face` at `size_pt`: the template's colours, letter
    spacing, kerning, borders and numbering removed."""
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:spacing", "w:kern", "w:bCs", "w:iCs", "w:szCs"):
        for child in rpr.findall(qn(tag)):
            rpr.remove(child)
    _set_face(rpr, face)
    style.font.size = Pt(size_pt)
    style.font.bold = style.font.italic = False
    style.font.color.rgb = BLACK
    style.hidden = False  # Caption and Heading 4 start hidden from the style gallery
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:numPr", "w:contextualSpacing"):
        for child in ppr.findall(qn(tag)):
            ppr.remove(child)


def _on_grid(style, *, alignment=None) -> None:
    """Lines exactly one grid pitch apart, no space before or after."""
    paragraph = style.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing = Twips(LINE_PITCH)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if alignment is not None:
        paragraph.alignment = alignment


def _off_grid(style, *, alignment=None) -> None:
    """Single spacing, not snapped to the page's 16 pt grid (for smaller text)."""
    paragraph = style.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if alignment is not None:
        paragraph.alignment = alignment
    ppr = style.element.get_or_add_pPr()
    snap = ppr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(snap, *AFTER_SNAP_TO_GRID)
    snap.set(qn("w:val"), "0")
    rpr = style.element.get_or_add_rPr()  # the character grid too
    if rpr.find(qn("w:snapToGrid")) is None:
        rsnap = OxmlElement("w:snapToGrid")
        rsnap.set(qn("w:val"), "0")
        rpr.insert_element_before(
            rsnap, "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
            "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
            "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
        )  # fmt: skip


def _indent(
    element,
    *,
    font_pt: float,
    first: int | None = None,
    left: int | None = None,
    right: int | None = None,
) -> None:
    """The indents given, of a style's or paragraph's `element`, in characters of `font_pt`:
    as w:…Chars (hundredths of a character, which Word prefers and which win over twips) and
    in twips for other readers. A 0 is written too, to override the style based on."""
    ind = element.get_or_add_pPr().get_or_add_ind()
    for name, chars in (("firstLine", first), ("left", left), ("right", right)):
        if chars is None:
            continue
        ind.set(qn(f"w:{name}Chars"), str(chars * 100))
        ind.set(qn(f"w:{name}"), str(round(chars * font_pt * 20)))


# The footers


def _set_up_footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["Footer"]
        paragraph.alignment = (
            WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
        )
        _indent(paragraph._p, font_pt=PAGE_NUMBER_PT, **{side: 1})
        paragraph.add_run("— ")
        _add_page_field(paragraph)
        paragraph.add_run(" —")


def _add_page_field(paragraph) -> None:
    """A PAGE field, as Word writes it (begin, instruction, separator, result, end)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


# The blocks


def _add_block(doc, block: blocks.Block) -> None:
    if block.kind == blocks.HEADING:
        level = min(max(block.level, 1), 4)
        _add_runs(doc.add_paragraph(style=f"Heading {level}"), block.runs)
    elif block.kind == blocks.PARAGRAPH:
        _add_runs(doc.add_paragraph(), block.runs)
    elif block.kind == blocks.TABLE:
        _add_caption(doc, block.table.caption)
        _add_table(doc, block.table)
    elif block.kind == blocks.CHART:
        _add_caption(doc, block.chart.caption)
        if block.chart.data is None:
            doc.add_paragraph(gettext("The chart is in the PDF of this document."))
        else:
            _add_table(doc, block.chart.data)
    else:
        raise ValueError(f"unknown block kind {block.kind!r}")


def _add_runs(paragraph, runs: tuple[blocks.Run, ...]) -> None:
    for piece in runs:
        run = paragraph.add_run(clean(piece.text))
        if piece.missing:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _add_caption(doc, caption: str) -> None:
    if caption:
        doc.add_paragraph(clean(caption), style="Caption")


def _add_table(doc, table: blocks.Table) -> None:
    columns = max([len(table.header), *(len(row) for row in table.rows)], default=0)
    if not columns:
        return
    numeric = tuple(table.numeric) + (False,) * (columns - len(table.numeric))
    lines = ([tuple(table.header)] if table.header else []) + [tuple(r) for r in table.rows]
    grid = doc.add_table(rows=len(lines), cols=columns)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _column_widths(numeric)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Twips(width)
    _full_width(grid)

    for index, (row, cells) in enumerate(zip(grid.rows, lines, strict=True)):
        is_header = index == 0 and bool(table.header)
        _row_properties(row, header=is_header)
        for column, cell in enumerate(row.cells):
            cell.width = Twips(widths[column])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["Table Heading" if is_header else "Table Text"]
            if numeric[column] and not is_header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            text = cells[column] if column < len(cells) else ""
            paragraph.add_run(clean(str(text)))

    if table.note:
        doc.add_paragraph(clean(table.note), style="Table Note")


def _column_widths(numeric: tuple[bool, ...]) -> list[int]:
    """The text width shared out, a text column taking twice a numeric one's share."""
    weights = [1 if is_numeric else 2 for is_numeric in numeric]
    widths = [TEXT_WIDTH * weight // sum(weights) for weight in weights]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _full_width(grid) -> None:
    tblpr = grid._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), str(TEXT_WIDTH))
    width.set(qn("w:type"), "dxa")


def _row_properties(row, *, header: bool) -> None:
    """No row breaks across pages; the header row repeats on each page the table runs over."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
