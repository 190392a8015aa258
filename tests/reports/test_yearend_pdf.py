"""A year-end document printed to PDF after GB/T 9704-2012, read back with poppler: the
grid of 22 lines × 28 characters, the faces of each heading level, the page numbers, the
tables' repeated header rows, 【待补充】, the signature and the date. Printed once."""

import datetime
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from reports.yearend.blocks import (
    CHART,
    MISSING_MARK,
    TABLE,
    Block,
    Chart,
    Document,
    Run,
    Table,
    heading,
    paragraph,
)
from reports.yearend.pdf import document_html, document_pdf

XHTML = "{http://www.w3.org/1999/xhtml}"
# Characters without Latin letters or digits, which are narrower than a character.
SENTENCE = "支部坚持把理论学习作为首要政治任务认真落实三会一课制度充分发挥战斗堡垒作用"
MM = 72 / 25.4


def long_paragraph(characters: int) -> Block:
    text = (SENTENCE * (characters // len(SENTENCE) + 1))[:characters]
    return paragraph(text)


def a_document() -> Document:
    rows = tuple((f"第{n}党小组", str(n), str(n + 1)) for n in range(1, 60))
    return Document(
        title="一支部2026年工作总结",
        blocks=(
            paragraph("开头", Run("33", figure="members.total"), "名党员。"),
            heading(1, "一、基本情况"),
            long_paragraph(26 + 28 * 3),  # four full lines: 26 after the indent, then 28s
            heading(2, "（一）加强理论学习"),
            heading(3, "1. 学党章"),
            heading(4, "（1）读原著"),
            paragraph("收缴党费", Run(MISSING_MARK, figure="dues.collected", missing=True), "元。"),
            long_paragraph(26 + 28 * 60),  # runs over two pages and more
            Block(
                kind=TABLE,
                table=Table(
                    caption="各党小组会议情况",
                    header=("党小组", "已召开", "应开"),
                    rows=rows,
                    numeric=(False, True, True),
                ),
            ),
            Block(
                kind=CHART,
                chart=Chart(
                    caption="出勤率",
                    svg='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20">'
                    '<rect x="0" y="0" width="60" height="20" fill="#c00000"/></svg>',
                ),
            ),
        ),
        signature="一支部",
        date=datetime.date(2026, 12, 30),
        meta={"author": "一支部"},
    )


def poppler(tool: str, path, *args: str) -> str:
    output = ["-"] if tool == "pdftotext" else []
    return subprocess.run(
        [f"/usr/bin/{tool}", *args, str(path), *output], capture_output=True, check=True, text=True
    ).stdout


def pages_of(path) -> list[list[dict]]:
    """Each page's text lines with their boxes (points from the page's top left)."""
    tree = ET.fromstring(poppler("pdftotext", path, "-bbox-layout", "-enc", "UTF-8"))
    pages = []
    for page in tree.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [word.text or "" for word in line.iter(f"{XHTML}word")]
            lines.append(
                {
                    "text": "".join(words),
                    "x": float(line.get("xMin")),
                    "right": float(line.get("xMax")),
                    "y": float(line.get("yMin")),
                    "height": float(line.get("yMax")) - float(line.get("yMin")),
                }
            )
        pages.append(lines)
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("yearend") / "summary.pdf"
    path.write_bytes(document_pdf(a_document()))
    return {
        "path": path,
        "pages": pages_of(path),
        "text": poppler("pdftotext", path, "-enc", "UTF-8"),
        "fonts": poppler("pdffonts", path),
        "info": poppler("pdfinfo", path),
    }


def body_lines(page: list[dict]) -> list[dict]:
    """A page's lines of the long paragraphs (the sentence's characters only)."""
    allowed = set(SENTENCE)
    return [line for line in page if line["text"] and set(line["text"]) <= allowed]


def test_the_page_is_a4(printed):
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", printed["info"])
    assert (round(float(size[1])), round(float(size[2]))) == (595, 842)


def test_a_full_body_line_holds_28_characters_and_an_indented_first_line_26(printed):
    lines = body_lines(printed["pages"][0])
    lengths = [len(line["text"]) for line in lines]
    assert lengths[:4] == [26, 28, 28, 28]


def test_the_text_block_starts_28_mm_from_the_left_and_ends_26_mm_from_the_right(printed):
    lines = body_lines(printed["pages"][1])
    assert min(line["x"] for line in lines) == pytest.approx(28 * MM, abs=1.5)
    assert max(line["right"] for line in lines) == pytest.approx(595.3 - 26 * MM, abs=2.5)


def test_a_page_of_body_text_holds_22_lines(printed):
    page = printed["pages"][1]  # the second page is all body text
    lines = body_lines(page)
    assert len(lines) == 22
    assert lines[0]["y"] == pytest.approx(37 * MM, abs=8)  # the top margin, within a line


def test_page_numbers_are_dashed_odd_pages_right_and_even_pages_left(printed):
    numbers = []
    for index, page in enumerate(printed["pages"], start=1):
        footer = [line for line in page if re.fullmatch(r"—\s*\d+\s*—", line["text"])]
        assert len(footer) == 1, page[-3:]
        numbers.append((index, footer[0]))
    assert len(numbers) >= 3
    for index, line in numbers:
        assert line["text"].replace(" ", "") == f"—{index}—"
        if index % 2:
            assert line["right"] == pytest.approx(595.3 - 26 * MM - 14, abs=3)
        else:
            assert line["x"] == pytest.approx(28 * MM + 14, abs=3)
        assert line["y"] > 842 - 35 * MM  # below the text block


def test_the_title_is_centred_and_larger_than_the_body(printed):
    title = next(line for line in printed["pages"][0] if line["text"] == "一支部2026年工作总结")
    centre = (title["x"] + title["right"]) / 2
    assert centre == pytest.approx((28 * MM + 595.3 - 26 * MM) / 2, abs=2)
    body = body_lines(printed["pages"][0])[0]
    assert title["height"] > body["height"] * 1.25


def test_the_faces_are_the_free_cjk_faces_and_nothing_else(printed):
    fonts = printed["fonts"]
    assert "Noto-Serif-CJK-SC" in fonts  # body, title
    assert "Noto-Sans-CJK-SC" in fonts  # 一、 headings, captions
    assert "AR-PL-KaitiM-GB" in fonts  # （一） headings
    embedded = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert all(re.search(r"CJK-SC|KaitiM-GB", name) for name in embedded), embedded


def test_a_missing_figure_prints_as_to_be_completed_and_a_figure_as_its_value(printed):
    text = re.sub(r"\s+", "", printed["text"])
    assert f"收缴党费{MISSING_MARK}元。" in text
    assert "开头33名党员。" in text


def test_the_tables_header_row_repeats_on_every_page_it_runs_over(printed):
    pages_with_rows = [
        page
        for page in printed["pages"]
        if any(
            line["text"] == "第1党小组" or re.fullmatch(r"第\d+党小组", line["text"])
            for line in page
        )
    ]
    assert len(pages_with_rows) >= 2
    for page in pages_with_rows:
        texts = [line["text"] for line in page]
        assert "党小组" in texts and "应开" in texts


def test_the_signature_and_date_close_the_document_right_aligned(printed):
    last = printed["pages"][-1]
    texts = [line["text"] for line in last]
    assert texts.index("一支部") < texts.index("2026年12月30日")
    date = last[texts.index("2026年12月30日")]
    assert date["right"] < 595.3 - 26 * MM - 3 * 15  # four characters in from the margin


def test_the_html_is_chinese_and_names_the_cjk_family_in_every_stack():
    html = document_html(a_document())
    assert '<html lang="zh-CN">' in html
    stacks = re.findall(r"font-family:\s*([^;]+);", html)
    assert stacks
    assert all(re.search(r"Noto (Serif|Sans) CJK SC|KaitiM GB", stack) for stack in stacks)


def test_a_branchs_own_faces_come_first(settings):
    settings.DOCUMENT_FONTS = {"body": "方正仿宋_GBK"}
    html = document_html(a_document())
    assert 'html { font-family: "方正仿宋_GBK", "仿宋_GB2312"' in html
