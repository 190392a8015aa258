"""The year-end document's Word file (reports.yearend.docx), read back with python-docx and
its XML: the page and grid of GB/T 9704-2012, the styles and faces, figures, tables, charts,
the signature, the page numbers and the file's properties. No database: the documents are
built from blocks."""

import datetime
import io
import subprocess
from pathlib import Path

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reports.yearend import blocks, fonts
from reports.yearend.blocks import CHART, MISSING_MARK, TABLE, Block, Chart, Run, Table
from reports.yearend.docx import document_docx

LIBREOFFICE = "/usr/bin/libreoffice"

TWIPS_PER_PT = 20
MEETINGS = Table(
    caption="表1 全年会议情况",
    header=("会议", "次数", "参加人次"),
    rows=(("支部党员大会", "4", "92"), ("支部委员会", "12", "60"), ("党课", "4", "88")),
    numeric=(False, True, True),
    note="数据来源：会议记录。",
)
DUES = Table(
    caption="",
    header=("季度", "党费（元）"),
    rows=(("第一季度", "1,200.00"), ("第二季度", "1,350.00")),
    numeric=(False, True),
)
BLOCKS = (
    blocks.heading(1, "一、基本情况"),
    blocks.heading(2, "（一）组织建设"),
    blocks.heading(3, "1.党员队伍"),
    blocks.heading(4, "（1）发展党员"),
    blocks.paragraph(
        "全年召开支部党员大会",
        Run("4", figure="meetings.general"),
        "次，发展党员",
        Run(MISSING_MARK, figure="recruitment.admitted", missing=True),
        "名。",
    ),
    Block(kind=TABLE, table=MEETINGS),
    Block(kind=CHART, chart=Chart(caption="图1 各季度党费", svg="<svg/>", data=DUES)),
    Block(kind=CHART, chart=Chart(caption="图2 活动分布", svg="<svg/>")),
    blocks.paragraph("下一年，支部将继续加强学习。"),
)


def year_document(**changes) -> blocks.Document:
    fields = {
        "title": "第一党支部2026年度工作总结",
        "subtitle": "（2026年1月—12月）",
        "blocks": BLOCKS,
        "signature": "中共某某学校第一支部委员会",
        "date": datetime.date(2026, 12, 30),
        "meta": {"author": "王书记"},
    }
    return blocks.Document(**(fields | changes))


def read(document: blocks.Document) -> docx.document.Document:
    with translation.override("zh-hans"):
        data = document_docx(document)
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def word() -> docx.document.Document:
    return read(year_document())


def inherited(style, get):
    """`get(style)` from the style or the first style it is based on that says."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def face(style) -> str | None:
    def east_asian(style):
        rfonts = style.element.rPr.rFonts if style.element.rPr is not None else None
        return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None

    return inherited(style, east_asian)


def indent(style, attribute: str) -> str | None:
    def value(style):
        ppr = style.element.pPr
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        return ind.get(qn(f"w:{attribute}")) if ind is not None else None

    return inherited(style, value)


def size(style):
    return inherited(style, lambda style: style.font.size)


def alignment(paragraph):
    if paragraph.alignment is not None:
        return paragraph.alignment
    return inherited(paragraph.style, lambda style: style.paragraph_format.alignment)


def body_paragraphs(word) -> list:
    return [paragraph for paragraph in word.paragraphs if paragraph.text]


def paragraph_with(word, text: str):
    return next(paragraph for paragraph in word.paragraphs if paragraph.text == text)


def grid(word):
    return word.sections[0]._sectPr.find(qn("w:docGrid"))


# The page


def test_the_page_is_a4_with_the_margins_of_gb_t_9704(word):
    section = word.sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.05), name


def test_the_grid_is_22_lines_of_28_characters_of_16_points(word):
    section = word.sections[0]
    text_width_pt = section.page_width.pt - section.left_margin.pt - section.right_margin.pt
    text_height_twips = (
        section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    )
    line_pitch = int(grid(word).get(qn("w:linePitch")))
    condensed = int(word.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")))

    assert grid(word).get(qn("w:type")) == "lines"
    # 22 lines fit in the text height, and a line pitch one twip more would not.
    assert 22 * line_pitch <= text_height_twips < 22 * (line_pitch + 1)
    # 28 characters of 16 pt condensed by the spacing (1/20 pt) fit, and a twentieth of a
    # point less condensed would not.
    assert condensed < 0
    assert 28 * (16 + condensed / 20) <= text_width_pt < 28 * (16 + (condensed + 1) / 20)


# Styles


def test_the_normal_style_is_the_body_face_at_16_points_indented_two_characters(word):
    normal = word.styles["Normal"]
    rfonts = normal.element.rPr.rFonts
    paragraph = normal.paragraph_format

    assert rfonts.get(qn("w:eastAsia")) == fonts.word_font("body")
    assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == fonts.word_font("body")
    assert normal.font.size == Pt(16)
    assert indent(normal, "firstLineChars") == "200"
    assert int(indent(normal, "firstLine")) == 2 * 16 * TWIPS_PER_PT
    assert paragraph.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert paragraph.line_spacing.twips == int(grid(word).get(qn("w:linePitch")))
    assert paragraph.space_before == paragraph.space_after == 0
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_body_paragraphs_take_their_look_from_the_normal_style(word):
    paragraph = paragraph_with(word, "下一年，支部将继续加强学习。")

    assert paragraph.style.name == "Normal"
    assert paragraph._p.pPr is None  # no direct formatting
    assert all(run._r.rPr is None for run in paragraph.runs)


@pytest.mark.parametrize(
    ("level", "text", "role"),
    [
        (1, "一、基本情况", "heading"),
        (2, "（一）组织建设", "kai"),
        (3, "1.党员队伍", "body"),
        (4, "（1）发展党员", "body"),
    ],
)
def test_each_heading_level_is_words_own_heading_style_in_its_face(word, level, text, role):
    paragraph = paragraph_with(word, text)
    style = paragraph.style

    assert style.name == f"Heading {level}"
    assert face(style) == fonts.word_font(role)
    assert size(style) == Pt(16)
    assert style.font.bold is False
    assert style.font.color.rgb == RGBColor(0, 0, 0)
    assert style.font.color.theme_color is None
    assert style.paragraph_format.keep_with_next is True
    assert indent(style, "firstLineChars") == "200"
    assert style.element.pPr.find(qn("w:numPr")) is None
    assert paragraph._p.pPr.find(qn("w:numPr")) is None


def test_no_style_names_a_theme_font_which_would_win_over_the_named_face(word):
    names = ["Normal", "Title", "Subtitle", "Caption", "Footer"]
    names += [f"Heading {level}" for level in range(1, 5)]
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rfonts = [word.styles[name].element.rPr.rFonts for name in names]
    rfonts.append(defaults.find(qn("w:rPr")).rFonts)

    for element in rfonts:
        themed = [name for name in element.attrib if "theme" in name.lower()]
        assert themed == [], element.attrib


def test_the_title_is_22_points_and_centred_in_the_title_face_then_the_subtitle(word):
    title, subtitle, empty = word.paragraphs[:3]

    assert title.text == "第一党支部2026年度工作总结"
    assert title.style.name == "Title"
    assert alignment(title) == WD_ALIGN_PARAGRAPH.CENTER
    assert size(title.style) == Pt(22)
    assert face(title.style) == fonts.word_font("title")
    assert indent(title.style, "firstLineChars") == "0"
    assert title.style.element.pPr.find(qn("w:pBdr")) is None  # the template's blue rule
    assert subtitle.text == "（2026年1月—12月）"
    assert alignment(subtitle) == WD_ALIGN_PARAGRAPH.CENTER
    assert size(subtitle.style) == Pt(16)
    assert face(subtitle.style) == fonts.word_font("kai")
    assert empty.text == ""
    assert word.paragraphs[3].text == "一、基本情况"


def test_without_a_subtitle_the_title_is_followed_by_one_empty_line():
    word = read(year_document(subtitle=""))

    assert [paragraph.text for paragraph in word.paragraphs[:3]] == [
        "第一党支部2026年度工作总结",
        "",
        "一、基本情况",
    ]


# Figures


def test_a_missing_figure_is_highlighted_yellow_and_an_ordinary_figure_is_not(word):
    paragraph = next(p for p in word.paragraphs if p.text.startswith("全年召开"))
    runs = {run.text: run for run in paragraph.runs}

    assert paragraph.text == f"全年召开支部党员大会4次，发展党员{MISSING_MARK}名。"
    assert runs[MISSING_MARK].font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert runs["4"].font.highlight_color is None
    assert runs["名。"].font.highlight_color is None


# Tables and charts


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_table_has_its_caption_above_and_its_note_below(word):
    caption = paragraph_with(word, MEETINGS.caption)
    following = caption._p.getnext()
    note = paragraph_with(word, MEETINGS.note)

    assert caption.style.name == "Caption"
    assert alignment(caption) == WD_ALIGN_PARAGRAPH.CENTER
    assert face(caption.style) == fonts.word_font("heading")
    assert size(caption.style) == Pt(16)
    assert indent(caption.style, "firstLineChars") == "0"
    assert following.tag == qn("w:tbl")
    assert following is word.tables[0]._tbl
    assert note._p.getprevious() is word.tables[0]._tbl
    assert size(note.style) == Pt(10.5)


def test_a_tables_header_row_repeats_on_every_page_and_rows_do_not_split(word):
    table = word.tables[0]
    header_marks = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]

    assert header_marks == [True, False, False, False]
    assert table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert table_texts(table) == [list(MEETINGS.header), *(list(row) for row in MEETINGS.rows)]


def test_a_tables_cells_are_small_not_indented_and_numbers_are_centred(word):
    table = word.tables[0]
    for row in table.rows[1:]:
        name, *numbers = (cell.paragraphs[0] for cell in row.cells)
        assert alignment(name) == WD_ALIGN_PARAGRAPH.LEFT
        assert [alignment(number) for number in numbers] == [WD_ALIGN_PARAGRAPH.CENTER] * 2
        for paragraph in (name, *numbers):
            assert size(paragraph.style) == Pt(10.5)
            assert face(paragraph.style) == fonts.word_font("body")
            assert indent(paragraph.style, "firstLineChars") == "0"


def test_a_table_fills_the_text_width_with_single_borders(word):
    table = word.tables[0]
    section = word.sections[0]
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    width = table._tbl.tblPr.find(qn("w:tblW"))
    borders = table.style.element.find(qn("w:tblPr")).find(qn("w:tblBorders"))

    assert table.style.name == "Table Grid"
    assert (width.get(qn("w:type")), int(width.get(qn("w:w")))) == ("dxa", text_width)
    assert sum(column.width.twips for column in table.columns) == text_width
    assert {border.get(qn("w:val")) for border in borders} == {"single"}
    assert len(borders) == 6  # top, left, bottom, right and both inside lines


def test_a_chart_prints_its_caption_and_its_data_as_a_table(word):
    caption = paragraph_with(word, "图1 各季度党费")
    table = word.tables[1]

    assert caption.style.name == "Caption"
    assert caption._p.getnext() is table._tbl
    assert table_texts(table) == [list(DUES.header), *(list(row) for row in DUES.rows)]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert alignment(table.rows[1].cells[1].paragraphs[0]) == WD_ALIGN_PARAGRAPH.CENTER


def test_a_chart_without_data_prints_its_caption_and_sends_the_reader_to_the_pdf(word):
    caption = paragraph_with(word, "图2 活动分布")
    sentence = docx.text.paragraph.Paragraph(caption._p.getnext(), caption._parent)

    assert caption.style.name == "Caption"
    assert sentence.text == "图表见本文件的 PDF 版。"
    assert len(word.tables) == 2  # the meetings and the dues; none for this chart


# The end of the document


def test_the_signature_and_the_date_end_the_document_right_aligned_after_an_empty_line(word):
    *_, last_text, empty, signature, date = word.paragraphs

    assert last_text.text == "下一年，支部将继续加强学习。"
    assert empty.text == ""
    assert (signature.text, date.text) == ("中共某某学校第一支部委员会", "2026年12月30日")
    for paragraph in (signature, date):
        assert alignment(paragraph) == WD_ALIGN_PARAGRAPH.RIGHT
        assert indent(paragraph.style, "firstLineChars") == "0"
        assert indent(paragraph.style, "rightChars") == "400"
        assert int(indent(paragraph.style, "right")) == 4 * 16 * TWIPS_PER_PT


# Page numbers


def footer_paragraph(footer):
    (paragraph,) = footer.paragraphs
    return paragraph


def has_page_field(paragraph) -> bool:
    instructions = [node.text for node in paragraph._p.iter(qn("w:instrText"))]
    kinds = [node.get(qn("w:fldCharType")) for node in paragraph._p.iter(qn("w:fldChar"))]
    return [text.strip() for text in instructions] == ["PAGE"] and kinds == [
        "begin",
        "separate",
        "end",
    ]


def test_odd_and_even_pages_have_their_own_footers(word):
    setting = word.settings.element.find(qn("w:evenAndOddHeaders"))

    assert word.settings.odd_and_even_pages_header_footer is True
    assert setting is not None


def test_the_odd_page_number_is_on_the_right_one_character_in(word):
    paragraph = footer_paragraph(word.sections[0].footer)
    ind = paragraph._p.pPr.find(qn("w:ind"))

    assert has_page_field(paragraph)
    assert paragraph.text.startswith("— ")
    assert paragraph.text.endswith(" —")
    assert alignment(paragraph) == WD_ALIGN_PARAGRAPH.RIGHT
    assert ind.get(qn("w:rightChars")) == "100"
    assert ind.get(qn("w:leftChars")) is None


def test_the_even_page_number_is_on_the_left_one_character_in(word):
    paragraph = footer_paragraph(word.sections[0].even_page_footer)
    ind = paragraph._p.pPr.find(qn("w:ind"))

    assert has_page_field(paragraph)
    assert paragraph.text.startswith("— ")
    assert paragraph.text.endswith(" —")
    assert alignment(paragraph) == WD_ALIGN_PARAGRAPH.LEFT
    assert ind.get(qn("w:leftChars")) == "100"
    assert ind.get(qn("w:rightChars")) is None


def test_page_numbers_are_14_point_song_without_the_body_indent(word):
    style = footer_paragraph(word.sections[0].footer).style

    assert style.name == "Footer"
    assert face(style) == "宋体"
    assert size(style) == Pt(14)
    assert indent(style, "firstLineChars") == "0"


# Settings, bad input, properties


def test_the_branchs_own_body_face_is_named_throughout(settings):
    settings.DOCUMENT_FONTS = {"body": "方正仿宋_GBK"}
    word = read(year_document())
    cell = word.tables[0].rows[1].cells[0].paragraphs[0]

    assert face(word.styles["Normal"]) == "方正仿宋_GBK"
    assert face(word.styles["Heading 3"]) == "方正仿宋_GBK"
    assert face(cell.style) == "方正仿宋_GBK"
    assert face(word.styles["Heading 1"]) == fonts.WORD["heading"]  # other roles keep theirs


def test_control_characters_typed_by_users_are_dropped():
    document = year_document(
        title="年度\x0b工作总结",
        blocks=(
            blocks.paragraph("第一\x00段\x1f落", Run("3\x0c", figure="x")),
            Block(
                kind=TABLE,
                table=Table(caption="表\x01", header=("名\x08称",), rows=(("甲\x1b",),)),
            ),
        ),
        signature="第一\x0b支部",
    )
    word = read(document)

    assert word.paragraphs[0].text == "年度工作总结"
    assert paragraph_with(word, "第一段落3").style.name == "Normal"
    assert paragraph_with(word, "表").style.name == "Caption"
    assert table_texts(word.tables[0]) == [["名称"], ["甲"]]
    assert word.paragraphs[-2].text == "第一支部"
    assert word.core_properties.title == "年度工作总结"


def test_the_files_properties_name_the_title_the_author_and_the_language(word):
    properties = word.core_properties

    assert properties.title == "第一党支部2026年度工作总结"
    assert properties.author == "王书记"
    assert properties.language == "zh-CN"
    assert properties.comments == ""  # not the template's "generated by python-docx"


def opened_in_libreoffice(document: blocks.Document, folder: Path, *args: str) -> str:
    """The text of the PDF LibreOffice Writer makes of the .docx (Debian's
    libreoffice-writer-nogui, in the test packages): the file as a reader's word processor
    lays it out, read back with pdftotext `args`."""
    assert Path(LIBREOFFICE).exists(), "scripts/system-packages.sh test installs LibreOffice"
    source = folder / "document.docx"
    source.write_bytes(document_docx(document))
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", folder, source],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return subprocess.run(
        ["pdftotext", *args, folder / "document.pdf", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_libreoffice_converts_the_file_to_a_pdf_of_the_text(tmp_path):
    with translation.override("zh-hans"):
        text = opened_in_libreoffice(year_document(), tmp_path, "-layout")

    # LibreOffice sets a space between Chinese and digits (autospace); compare without.
    squeezed = "".join(text.split())
    assert "第一党支部2026年度工作总结" in squeezed
    assert "一、基本情况" in squeezed
    assert "支部党员大会" in squeezed
    assert "2026年12月30日" in squeezed


def test_libreoffice_sets_the_body_on_28_characters_a_line(tmp_path):
    sentence = "支部坚持把理论学习作为首要政治任务认真落实三会一课制度充分发挥战斗堡垒作用"
    document = blocks.Document(
        title="标题",
        blocks=(blocks.paragraph(sentence * 4),),
        signature="支部",
        date=datetime.date(2026, 12, 30),
    )
    lines = opened_in_libreoffice(document, tmp_path).split("\n")
    body = [line.strip() for line in lines if line.strip() and set(line.strip()) <= set(sentence)]
    assert [len(line) for line in body[:3]] == [26, 28, 28]
