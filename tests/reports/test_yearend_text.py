"""The text the secretary writes, made into blocks: heading levels from the official
numbering, figures from the records, 【待补充】 for what they lack, tables and charts."""

import datetime

from reports.yearend.blocks import CHART, HEADING, MISSING_MARK, PARAGRAPH, TABLE, Chart, Table
from reports.yearend.text import Section, blocks_of, chinese_numeral, figure_keys, normalise
from reports.yearend.values import Figure, YearFigures

TABLE_ = Table(caption="表", header=("组", "人数"), rows=(("A组", "3"),), numeric=(False, True))
CHART_ = Chart(caption="图", svg="<svg></svg>")


def figures(**values) -> YearFigures:
    result = YearFigures(branch=None, year=2026, as_of=datetime.date(2026, 12, 31))
    for key, value in values.items():
        key = key.replace("__", ".")
        result.values[key] = Figure(key=key, label=key, value=value)
    result.tables["meetings"] = TABLE_
    result.charts["attendance"] = CHART_
    return result


def test_sections_with_a_heading_are_numbered_in_order_and_the_opening_is_not():
    blocks = blocks_of(
        [
            Section("opening", "", "开头一段。"),
            Section("basic", "基本情况", "正文。"),
            Section("work", "主要工作", "正文。"),
        ],
        figures(),
    )
    headings = [(b.level, b.text) for b in blocks if b.kind == HEADING]
    assert headings == [(1, "一、基本情况"), (1, "二、主要工作")]
    assert blocks[0].kind == PARAGRAPH and blocks[0].text == "开头一段。"


def test_a_line_numbered_the_official_way_is_a_heading_of_its_level():
    text = "\n".join(
        (
            "（一）抓学习",
            "1. 学党章",
            "1、学党史",
            "（1）读原著",
            "(二)抓建设",
            "2026年是关键一年。",
            "1.5倍的学时",
        )
    )
    blocks = blocks_of([Section("work", "主要工作", text)], figures())
    levels = [(b.kind, b.level, b.text) for b in blocks[1:]]
    assert levels == [
        (HEADING, 2, "（一）抓学习"),
        (HEADING, 3, "1. 学党章"),
        (HEADING, 3, "1、学党史"),
        (HEADING, 4, "（1）读原著"),
        (HEADING, 2, "(二)抓建设"),
        (PARAGRAPH, 0, "2026年是关键一年。"),
        (PARAGRAPH, 0, "1.5倍的学时"),
    ]


def test_a_figure_prints_its_value_and_remembers_its_key():
    blocks = blocks_of(
        [Section("basic", "", "支部现有党员{{members.total}}名，女党员{{ members.female }}名。")],
        figures(members__total="33", members__female="23"),
    )
    runs = blocks[0].runs
    assert blocks[0].text == "支部现有党员33名，女党员23名。"
    assert [(run.text, run.figure, run.missing) for run in runs if run.figure] == [
        ("33", "members.total", False),
        ("23", "members.female", False),
    ]


def test_a_figure_the_records_lack_or_an_unknown_code_prints_as_to_be_completed():
    blocks = blocks_of(
        [Section("dues", "", "收缴党费{{dues.collected}}元，另有{{no.such_figure}}。")],
        figures(dues__collected=None),
    )
    missing = [run for run in blocks[0].runs if run.missing]
    assert [run.figure for run in missing] == ["dues.collected", "no.such_figure"]
    assert blocks[0].text == f"收缴党费{MISSING_MARK}元，另有{MISSING_MARK}。"
    assert "0" not in blocks[0].text


def test_a_line_with_only_a_table_or_chart_token_is_that_table_or_chart():
    blocks = blocks_of(
        [Section("work", "", "{{table:meetings}}\n  {{chart:attendance}} \n{{table:nothing}}")],
        figures(),
    )
    assert [b.kind for b in blocks] == [TABLE, CHART, PARAGRAPH]
    assert blocks[0].table is TABLE_ and blocks[1].chart is CHART_
    assert blocks[2].runs[0].missing and blocks[2].runs[0].figure == "table:nothing"


def test_a_table_token_inside_a_sentence_is_not_a_table():
    blocks = blocks_of([Section("work", "", "见{{table:meetings}}。")], figures())
    assert blocks[0].kind == PARAGRAPH


def test_text_is_stored_with_plain_line_ends_and_no_empty_lines():
    assert normalise("一段。  \r\n\r\n二段。\r三段。\n   \n") == "一段。\n二段。\n三段。"


def test_chinese_numerals_for_headings():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 23)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


def test_figure_keys_lists_the_codes_used():
    assert figure_keys("{{a.b}}与{{ c_d }}，{{table:x}}") == {"a.b", "c_d"}


def test_a_section_survives_its_json():
    section = Section("work", "主要工作", "正文{{year}}")
    assert Section.from_json(section.as_json()) == section
