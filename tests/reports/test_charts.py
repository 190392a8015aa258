"""The charts of the year-end documents (reports.charts): complete SVG that parses, bars as
long as their figures, round axes, every figure and full label stated in <desc>, user text
escaped, nothing to draw said as 无数据, the same markup for the same figures, and the CJK
family on every text. One PDF, built once, shows that WeasyPrint prints them with Noto CJK
and real Chinese text."""

import itertools
import math
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from reports.charts import PALETTE, funnel, grouped_bars, nice_axis, paired_bars
from reports.pdf import html_to_pdf

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'A<组>&"x"'
MONTHS = [f"{month}月" for month in range(1, 13)]
STAGES = [
    ("入党申请人", 12),
    ("入党积极分子", 8),
    ("发展对象", 4),
    ("预备党员", 2),
    ("正式党员", 0),
]


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, css_class: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}text")
    return [t for t in found if css_class is None or t.get("class") == css_class]


def rects(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == css_class]


def desc(root: ET.Element) -> str:
    return root.find(f"{SVG}desc").text


def attendance(**overrides) -> str:
    arguments = {
        "title": "各党小组出勤率",
        "categories": ["1月", "2月", "3月"],
        "series": [("第一党小组", [90, 45, None]), ("第二党小组", [60.5, 30, 100])],
        "unit": "%",
    }
    return grouped_bars(**{**arguments, **overrides})


def meetings(**overrides) -> str:
    arguments = {
        "title": "三会一课",
        "labels": ["支部委员会 / 全支部", "党小组会 / A组", "党课 / 全支部"],
        "held": [12, 6, 3],
        "required": [12, 12, 4],
    }
    return paired_bars(**{**arguments, **overrides})


def all_charts() -> list[str]:
    return [attendance(), meetings(), funnel(title="发展党员", stages=STAGES)]


def bar(root: ET.Element, category: int, series: int) -> ET.Element | None:
    for rect in rects(root, "bar"):
        if (rect.get("data-category"), rect.get("data-series")) == (str(category), str(series)):
            return rect
    return None


def number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text))


# Every chart ------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(3))
def test_every_chart_is_an_svg_labelled_by_its_title_and_description(index):
    svg = all_charts()[index]
    root = parsed(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    x, y, width, height = (float(part) for part in root.get("viewBox").split())
    assert (x, y, width) == (0, 0, 600)
    assert 50 < height < 500
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}title").text in {"各党小组出勤率", "三会一课", "发展党员"}


def test_two_different_charts_on_one_page_have_different_ids():
    first, second = (parsed(svg).get("aria-labelledby") for svg in all_charts()[:2])
    assert first != second


@pytest.mark.parametrize("index", range(3))
def test_every_text_names_the_cjk_family(index):
    root = parsed(all_charts()[index])
    families = [text.get("font-family") for text in texts(root)]
    assert families
    assert all(family == '"Noto Sans CJK SC", sans-serif' for family in families)


@pytest.mark.parametrize("index", range(3))
def test_the_same_figures_give_the_same_markup_with_short_numbers(index):
    assert all_charts()[index] == all_charts()[index]
    attributes = [
        value for element in parsed(all_charts()[index]).iter() for value in element.attrib.values()
    ]
    long_numbers = [value for value in attributes if re.search(r"\d\.\d{2,}", value)]
    assert long_numbers == []


def test_user_labels_are_escaped_everywhere():
    charts = [
        grouped_bars(title=NASTY, categories=[NASTY], series=[(NASTY, [3])]),
        paired_bars(title=NASTY, labels=[NASTY], held=[1], required=[2]),
        funnel(title=NASTY, stages=[(NASTY, 3)]),
    ]
    for svg in charts:
        assert "A&lt;组&gt;&amp;&quot;x&quot;" in svg
        assert "<组>" not in svg
        root = parsed(svg)
        assert root.find(f"{SVG}title").text == NASTY
        assert any(NASTY in "".join(text.itertext()) for text in texts(root))


@pytest.mark.parametrize(
    "svg",
    [
        grouped_bars(title="出勤率", categories=[], series=[]),
        grouped_bars(title="出勤率", categories=["1月", "2月"], series=[("A组", [0, 0])]),
        grouped_bars(title="出勤率", categories=["1月"], series=[("A组", [None])]),
        paired_bars(title="三会一课", labels=[], held=[], required=[]),
        paired_bars(title="三会一课", labels=["党课"], held=[0], required=[0]),
        funnel(title="发展党员", stages=[]),
        funnel(title="发展党员", stages=[("入党申请人", 0)]),
    ],
)
def test_nothing_to_draw_gives_a_chart_that_says_no_data(svg):
    root = parsed(svg)
    assert [text.text for text in texts(root)] == ["无数据"]
    assert list(root.iter(f"{SVG}rect")) == []
    assert "无数据" in desc(root)


def test_series_stay_apart_when_printed_in_greyscale():
    def grey(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * red + 0.587 * green + 0.114 * blue

    levels = [grey(fill) for fill, _ in PALETTE]
    gaps = [abs(a - b) for i, a in enumerate(levels) for b in levels[i + 1 :]]
    assert min(gaps) >= 45


# Grouped bars -----------------------------------------------------------------------------


def test_bars_are_as_tall_as_their_figures():
    root = parsed(attendance())
    ninety, forty_five = bar(root, 0, 0), bar(root, 1, 0)
    ratio = float(ninety.get("height")) / float(forty_five.get("height"))
    assert ratio == pytest.approx(90 / 45, rel=0.01)
    sixty, thirty = bar(root, 0, 1), bar(root, 1, 1)
    assert float(sixty.get("height")) / float(thirty.get("height")) == pytest.approx(
        60.5 / 30, rel=0.01
    )
    # Bars stand on one axis.
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in rects(root, "bar")}
    assert len(bottoms) == 1


def axis_ticks(root: ET.Element) -> list[float]:
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "y-axis")
    return [number(text.text) for text in axis.iter(f"{SVG}text")]


def test_a_percentage_axis_runs_from_0_to_100_in_round_steps():
    ticks = axis_ticks(parsed(attendance()))
    assert ticks == [0, 20, 40, 60, 80, 100]


def test_a_count_axis_ends_on_a_round_number_above_the_largest_figure():
    root = parsed(
        grouped_bars(title="会议次数", categories=["A组", "B组"], series=[("已开", [13, 7])])
    )
    ticks = axis_ticks(root)
    assert 4 <= len(ticks) <= 6
    assert ticks[0] == 0 and ticks[-1] >= 13
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    assert step / 10 ** math.floor(math.log10(step)) in {1, 2, 5}
    # The bar of 13 is 13/axis-max of the plot's height (the axis from 0 to the top tick).
    thirteen, seven = bar(root, 0, 0), bar(root, 1, 0)
    assert float(thirteen.get("height")) / float(seven.get("height")) == pytest.approx(13 / 7, 0.01)


@pytest.mark.parametrize("top", [0.3, 1, 3, 5, 7, 11, 13, 48, 99, 100, 101, 640, 12345])
def test_the_axis_has_four_to_six_round_ticks_reaching_the_largest_figure(top):
    axis_max, step = nice_axis(top, whole=float(top).is_integer())
    assert axis_max >= top
    assert 3 <= round(axis_max / step) <= 5
    assert round(axis_max / step) == pytest.approx(axis_max / step)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in {1, 2, 5}


def test_a_max_value_raises_the_axis():
    root = parsed(
        grouped_bars(title="次数", categories=["A组"], series=[("已开", [3])], max_value=40)
    )
    assert axis_ticks(root)[-1] >= 40


def test_the_legend_names_every_series():
    root = parsed(attendance())
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [text.text for text in legend.iter(f"{SVG}text")] == ["第一党小组", "第二党小组"]


def test_a_missing_figure_draws_no_bar_but_a_dash():
    root = parsed(attendance())
    assert bar(root, 2, 0) is None
    assert bar(root, 2, 1) is not None
    assert len(rects(root, "bar")) == 5
    assert [text.text for text in texts(root, "value")].count("—") == 1


def test_the_description_states_every_figure_and_category():
    root = parsed(attendance())
    text = desc(root)
    for category in ["1月", "2月", "3月"]:
        assert category in text
    for expected in [
        "第一党小组 90%",
        "第一党小组 45%",
        "第一党小组 —",
        "第二党小组 60.5%",
        "第二党小组 30%",
        "第二党小组 100%",
    ]:
        assert expected in text
    values = [text.text for text in texts(root, "value")]
    assert sorted(values) == sorted(["90%", "45%", "—", "60.5%", "30%", "100%"])


def test_value_labels_too_wide_for_their_bars_turn_on_their_side():
    crowded = grouped_bars(
        title="出勤率",
        categories=MONTHS,
        series=[(name, [95.5] * 12) for name in ("A组", "B组", "C组")],
        unit="%",
    )
    labels = texts(parsed(crowded), "value")
    assert all(label.get("transform", "").startswith("rotate(-90") for label in labels)
    roomy = texts(parsed(attendance()), "value")
    assert not any(label.get("transform") for label in roomy)


def test_a_chart_beside_its_table_draws_the_bars_without_labels_and_keeps_the_figures():
    """The year-end attendance chart is printed beside its table: no figure above a bar,
    the same bars, and every figure still in the description."""
    series = [(name, [95.5, None, 60.0]) for name in ("A组", "B组")]
    arguments = {"title": "出勤率", "categories": MONTHS[:3], "series": series, "unit": "%"}
    plain = parsed(grouped_bars(**arguments, value_labels=False))
    labelled = parsed(grouped_bars(**arguments))
    assert texts(plain, "value") == []
    assert len(texts(labelled, "value")) == 6
    heights = [bar.get("height") for bar in rects(plain, "bar")]
    assert heights == [bar.get("height") for bar in rects(labelled, "bar")]
    assert len(heights) == 4
    desc = plain.find(f"{SVG}desc").text
    assert "A组 95.5%" in desc and "B组 —" in desc


def test_a_long_label_is_cut_with_an_ellipsis_and_kept_whole_in_the_description():
    long_name = "离退休教师第一党小组（含返聘教师）"
    root = parsed(grouped_bars(title="出勤率", categories=[long_name], series=[("A组", [5])]))
    (shown,) = texts(root, "category")
    assert shown.text.endswith("…")
    assert long_name.startswith(shown.text[:-1])
    assert 8 <= len(shown.text) <= 11
    assert long_name in desc(root)


def test_series_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError):
        grouped_bars(title="出勤率", categories=["1月", "2月"], series=[("A组", [1])])


# Held against required --------------------------------------------------------------------


def test_held_and_required_bars_are_as_long_as_their_figures():
    root = parsed(meetings())
    held = [float(r.get("width")) for r in rects(root, "held")]
    required = [float(r.get("width")) for r in rects(root, "required")]
    assert held[1] / held[0] == pytest.approx(6 / 12, rel=0.01)
    assert required[2] / required[0] == pytest.approx(4 / 12, rel=0.01)
    assert held[0] == pytest.approx(required[0], abs=0.1)  # all twelve held: the bars agree
    # The held bar lies on the required one: same start, thinner.
    for h, r in zip(rects(root, "held"), rects(root, "required"), strict=True):
        assert h.get("x") == r.get("x")
        assert float(h.get("height")) < float(r.get("height"))
        assert h.get("fill") != r.get("fill")


def test_each_row_ends_with_held_over_required():
    root = parsed(meetings())
    assert [text.text for text in texts(root, "count")] == ["12/12", "6/12", "3/4"]
    assert [text.text for text in texts(root, "label")] == [
        "支部委员会 / 全支部",
        "党小组会 / A组",
        "党课 / 全支部",
    ]


def test_the_held_chart_describes_every_row():
    text = desc(parsed(meetings()))
    for label, held, required in [("支部委员会 / 全支部", 12, 12), ("党小组会 / A组", 6, 12)]:
        assert label in text
        assert f"{held}/{required}" in text


def test_the_held_chart_has_a_legend():
    root = parsed(meetings())
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [text.text for text in legend.iter(f"{SVG}text")] == ["已开", "应开"]


# The funnel -------------------------------------------------------------------------------


def test_the_funnel_bars_are_centred_and_as_wide_as_their_counts():
    root = parsed(funnel(title="发展党员", stages=STAGES))
    bars = rects(root, "stage")
    widths = [float(r.get("width")) for r in bars]
    assert widths[1] / widths[0] == pytest.approx(8 / 12, rel=0.01)
    assert widths[3] / widths[2] == pytest.approx(2 / 4, rel=0.01)
    assert widths[4] == 0
    centres = {round(float(r.get("x")) + float(r.get("width")) / 2) for r in bars}
    assert len(centres) == 1


def test_each_funnel_stage_is_labelled_with_its_count():
    root = parsed(funnel(title="发展党员", stages=STAGES))
    labels = [text.text for text in texts(root, "label")]
    assert labels == [f"{stage}：{count}" for stage, count in STAGES]
    assert all(label in desc(root) for label in labels)


# Printed ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    charts = "".join(all_charts())
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        'body { font-family: "Noto Sans CJK SC", sans-serif; width: 156mm; }'
        "</style></head><body>" + charts + "</body></html>"
    )
    path = tmp_path_factory.mktemp("charts") / "charts.pdf"
    path.write_bytes(html_to_pdf(html))
    return path


def test_the_printed_charts_carry_their_chinese_labels_as_text(printed):
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for label in [
        "第一党小组",
        "1月",
        "支部委员会/全支部",
        "党小组会/A组",
        "入党积极分子：8",
        "已开",
        "应开",
        "60.5%",
        "6/12",
    ]:
        assert label in flat


def test_the_printed_charts_use_only_noto_cjk_fonts(printed):
    listing = subprocess.run(
        ["pdffonts", str(printed)], capture_output=True, text=True, check=True
    ).stdout
    fonts = [line.split()[0] for line in listing.splitlines()[2:]]
    assert fonts
    assert all("Noto" in font and "CJK" in font for font in fonts)
