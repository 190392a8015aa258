"""Charts drawn on the server as SVG markup, for the year-end documents (blocks.Chart).

The same markup is inlined into the web page and into the printed HTML, which WeasyPrint
draws itself, so the screen and the PDF show one chart. The functions are pure: figures in,
a string of SVG out, the same string for the same figures.

Decisions taken:
- The viewBox is 600 units wide (the A4 text block is 156 mm, so a unit is about 0.26 mm and
  12-unit text prints near 9 pt); the height follows the rows. `width="100%"` lets the page
  or the printed block set the size.
- Every <text> names the CJK family itself: WeasyPrint's SVG text reads only the element's
  own attributes, and without the family it would pick a Latin face and print boxes.
- The chart draws no visible title: the document prints the chart's caption. The title goes
  into <title>, and <desc> states every figure drawn, with every label in full (labels drawn
  are cut to about 10 Chinese characters), for screen readers and for whoever checks the
  chart against the text.
- Black and greys plus the party red; the series' fills differ in lightness by at least 45 of
  255, so they stay apart when printed in black and white. Light fills get an outline.
- Text is positioned by its baseline, not by dominant-baseline, which WeasyPrint and the
  browsers place differently.
- No data at all (no categories, or every figure zero or absent) draws a chart that says so,
  rather than scaling by zero.
- The ids that tie <title> and <desc> to aria-labelledby are made from the chart's content,
  so they are deterministic and differ between different charts on one page.
"""

import hashlib
import math
import unicodedata
from html import escape

from django.utils.translation import gettext, pgettext

WIDTH = 600
FONT_SIZE = 12
FONT = "'\"Noto Sans CJK SC\", sans-serif'"  # a quoted attribute value
ACCENT = "#c00000"  # the party red; prints as a dark grey
TEXT_COLOUR = "#000000"
MUTED = "#595959"
GRID = "#d9d9d9"
# (fill, outline) per series, in order; grey levels 57, 153, 204, 0, 255, 105.
PALETTE = (
    (ACCENT, ""),
    ("#999999", ""),
    ("#cccccc", "#595959"),
    ("#000000", ""),
    ("#ffffff", "#000000"),
    ("#696969", ""),
)
LABEL_EMS = 10.5  # labels are cut beyond about ten Chinese characters
ELLIPSIS = "…"
NO_VALUE = "—"

Number = float | int


# Formatting ---------------------------------------------------------------------------------


def _coordinate(value: float) -> str:
    """A coordinate rounded to 0.1 unit, without a trailing .0."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _number(value: Number, decimals: int = 1) -> str:
    """A figure as printed: whole numbers without decimals, others to `decimals` places."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def _labelled(label: str, value: str) -> str:
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def _listed(items: list[str]) -> str:
    return pgettext("list separator", ", ").join(items)


def _sentences(items: list[str]) -> str:
    return pgettext("group separator", "; ").join(items)


def _char_width(char: str) -> float:
    """A character's advance in ems, about as Noto Sans CJK sets it: Chinese characters are
    square, a space about a third, Latin letters and digits a little over half."""
    if unicodedata.east_asian_width(char) in ("W", "F") or char == ELLIPSIS:
        return 1.0
    return 0.3 if char == " " else 0.55


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(_char_width(char) for char in text) * size


def _fitted(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text`, cut with an ellipsis to fit `width` and at most LABEL_EMS ems."""
    room = min(width, LABEL_EMS * size)
    if _text_width(text, size) <= room:
        return text
    kept = ""
    for char in text:
        if _text_width(kept + char + ELLIPSIS, size) > room:
            break
        kept += char
    return kept + ELLIPSIS


# Markup -------------------------------------------------------------------------------------


def _attributes(attributes: dict) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = _coordinate(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    return "".join(parts)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float = FONT_SIZE,
    fill: str = TEXT_COLOUR,
    **attributes,
) -> str:
    """A line of text with its baseline at y."""
    shown = _attributes({"x": x, "y": y, "font_size": size, "fill": fill, **attributes})
    anchored = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f"<text{shown}{anchored} font-family={FONT}>{escape(text)}</text>"


def _rect(x: float, y: float, width: float, height: float, *, fill: str, **attributes) -> str:
    shown = _attributes(
        {"x": x, "y": y, "width": width, "height": height, "fill": fill, **attributes}
    )
    return f"<rect{shown}/>"


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float) -> str:
    shown = _attributes({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke})
    return f'<line{shown} stroke-width="{_coordinate(width)}"/>'


def _outline(index: int) -> dict:
    fill, outline = PALETTE[index % len(PALETTE)]
    return {"fill": fill, "stroke": outline, "stroke_width": 0.8 if outline else None}


def _svg(kind: str, *, title: str, desc: str, height: float, body: list[str]) -> str:
    digest = hashlib.sha1(f"{kind}\n{title}\n{desc}".encode()).hexdigest()[:10]
    ident = f"chart-{digest}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_coordinate(height)}"'
        f' width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc"'
        f' class="chart chart-{kind}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _no_data(kind: str, title: str) -> str:
    """A chart with nothing to draw says so."""
    words = gettext("No data")
    height = 60
    body = [_text(WIDTH / 2, height / 2 + 0.35 * 14, words, anchor="middle", size=14, fill=MUTED)]
    return _svg(kind, title=title, desc=_sentences([title, words]), height=height, body=body)


def _legend(names: list[str], top: float) -> tuple[list[str], float]:
    """Swatches and names in rows across the width; returns the markup and its height."""
    body, x, y, row = ['<g class="legend">'], 0.0, top, 20
    swatch, gap = 12, 16
    for index, name in enumerate(names):
        shown = _fitted(name, WIDTH)
        item_width = swatch + 4 + _text_width(shown) + gap
        if x and x + item_width > WIDTH:
            x, y = 0.0, y + row
        body.append(_rect(x + 0.5, y + 2.5, swatch, swatch, **_outline(index)))
        body.append(_text(x + swatch + 4, y + 2.5 + swatch / 2 + 0.35 * FONT_SIZE, shown))
        x += item_width
    body.append("</g>")
    return body, y + row - top


# The value axis -----------------------------------------------------------------------------


def nice_axis(top: float, *, whole: bool = False) -> tuple[float, float]:
    """(axis maximum, tick step) for figures up to `top`: a step of 1, 2 or 5 times a power
    of ten giving 3–5 intervals (4–6 ticks). `whole` figures are counts: no step below 1."""
    magnitude = 10 ** math.floor(math.log10(top / 5))
    for mantissa in (1, 2, 5, 10, 20, 50):
        step = mantissa * magnitude
        if whole and step < 1:
            continue
        intervals = math.ceil(round(top / step, 9))
        if intervals <= 5:
            break
    intervals = max(intervals, 3)
    return round(intervals * step, 9), step


def _tick_decimals(step: float) -> int:
    return 0 if float(step).is_integer() else max(1, -math.floor(math.log10(step)))


# Grouped vertical bars ----------------------------------------------------------------------


def grouped_bars(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float | int | None]]],
    unit: str = "",
    max_value: float | int | None = None,
    value_labels: bool = True,
) -> str:
    """Vertical bars, one group per category and one bar per series in each group, with a
    legend above and a value axis of round ticks. A figure that is None draws no bar and the
    label "—". Percentages (unit "%") run on an axis from 0 to 100; `max_value` raises the
    axis to at least that figure.

    `value_labels=False` leaves out the figure above each bar, for a chart printed beside a
    table of the same figures: the table carries them, the bars show the shape (and a PDF
    with three dozen turned labels takes WeasyPrint noticeably longer to lay out)."""
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values, not {len(categories)}")
    figures = [value for _, values in series for value in values if value is not None]
    if any(value < 0 for value in figures):
        raise ValueError("bars cannot show negative figures")
    if not categories or not series or not any(value > 0 for value in figures):
        return _no_data("bars", title)

    def shown(value: float | int | None) -> str:
        return NO_VALUE if value is None else f"{_number(value)}{unit}"

    desc = _sentences(
        [title]
        + [
            _labelled(
                category,
                _listed([f"{name} {shown(values[index])}" for name, values in series]),
            )
            for index, category in enumerate(categories)
        ]
    )

    top = max([*figures, max_value or 0])
    if unit == "%" and top <= 100:
        axis_max, step = 100, 20
    else:
        whole = all(float(value).is_integer() for value in [*figures, max_value or 0])
        axis_max, step = nice_axis(top, whole=whole)
    decimals = _tick_decimals(step)
    ticks = [round(step * index, 9) for index in range(round(axis_max / step) + 1)]
    tick_labels = [f"{_number(tick, decimals)}{unit}" for tick in ticks]

    body, legend_height = _legend([name for name, _ in series], 0)
    left = max(_text_width(label) for label in tick_labels) + 10
    right = 4
    plot_width = WIDTH - left - right
    group_width = plot_width / len(categories)
    bar_width = min(group_width * 0.8 / len(series), 40)
    band = bar_width * len(series)

    # Value labels stand above their bars, upright when they fit the bar's width and
    # turned on their side when they do not (twelve months of three groups).
    values_shown = [shown(value) for _, values in series for value in values]
    widest_value = max(_text_width(text) for text in values_shown)
    upright = widest_value <= bar_width + 2
    if not value_labels:
        headroom = 6
    elif upright:
        headroom = FONT_SIZE + 6
    else:
        headroom = widest_value + 8
    plot_top = legend_height + headroom
    plot_height = 200
    plot_bottom = plot_top + plot_height

    body.append('<g class="y-axis">')
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = plot_bottom - tick / axis_max * plot_height
        if tick:
            body.append(_line(left, y, WIDTH - right, y, stroke=GRID, width=0.6))
        body.append(_text(left - 6, y + 0.35 * FONT_SIZE, label, anchor="end", fill=MUTED))
    body.append("</g>")

    body.append('<g class="bars">')
    for category_index, category in enumerate(categories):
        group_left = left + group_width * category_index
        band_left = group_left + (group_width - band) / 2
        for series_index, (_, values) in enumerate(series):
            value = values[category_index]
            x = band_left + bar_width * series_index
            centre = x + bar_width / 2
            height = 0.0 if value is None else value / axis_max * plot_height
            if value is not None:
                body.append(
                    _rect(
                        x + 0.5,
                        plot_bottom - height,
                        bar_width - 1,
                        height,
                        class_="bar",
                        data_category=category_index,
                        data_series=series_index,
                        **_outline(series_index),
                    )
                )
            if not value_labels:
                continue
            label, label_y = shown(value), plot_bottom - height - 4
            # The dash of a missing figure stays upright: on its side it reads as a bar.
            if upright or value is None:
                body.append(_text(centre, label_y, label, anchor="middle", class_="value"))
            else:
                baseline_x = centre + 0.35 * FONT_SIZE
                body.append(
                    _text(
                        baseline_x,
                        label_y,
                        label,
                        class_="value",
                        transform=(f"rotate(-90 {_coordinate(baseline_x)} {_coordinate(label_y)})"),
                    )
                )
        body.append(
            _text(
                group_left + group_width / 2,
                plot_bottom + 6 + FONT_SIZE,
                _fitted(category, group_width - 4),
                anchor="middle",
                class_="category",
            )
        )
    body.append("</g>")
    body.append(_line(left, plot_bottom, WIDTH - right, plot_bottom, stroke=TEXT_COLOUR, width=1))
    return _svg("bars", title=title, desc=desc, height=plot_bottom + FONT_SIZE + 12, body=body)


# Held against required ----------------------------------------------------------------------


def paired_bars(*, title: str, labels: list[str], held: list[int], required: list[int]) -> str:
    """Horizontal bars, one row per label: a light bar for the meetings required and a solid
    red bar for those held laid over it, with "held/required" at the end of the row."""
    if not len(labels) == len(held) == len(required):
        raise ValueError("labels, held and required must have one entry per row")
    if any(value < 0 for value in [*held, *required]):
        raise ValueError("bars cannot show negative figures")
    if not labels or not any(value > 0 for value in [*held, *required]):
        return _no_data("paired", title)

    desc = _sentences(
        [title]
        + [
            _labelled(label, gettext("%(held)s of %(times)s held") % {"held": h, "times": r})
            for label, h, r in zip(labels, held, required, strict=True)
        ]
    )

    legend_names = [pgettext("chart legend", "Held"), pgettext("chart legend", "Required")]
    body, legend_height = ['<g class="legend">'], 20
    x = 0.0
    for name, style in zip(
        legend_names, ({"fill": ACCENT}, {"fill": "#d9d9d9", "stroke": MUTED}), strict=True
    ):
        body.append(
            _rect(x + 0.5, 2.5, 12, 12, stroke_width=0.8 if "stroke" in style else None, **style)
        )
        body.append(_text(x + 16, 8.5 + 0.35 * FONT_SIZE, name))
        x += 16 + _text_width(name) + 16
    body.append("</g>")

    shown_labels = [_fitted(label, LABEL_EMS * FONT_SIZE) for label in labels]
    counts = [f"{h}/{r}" for h, r in zip(held, required, strict=True)]
    label_width = max(_text_width(label) for label in shown_labels) + 10
    count_width = max(_text_width(count) for count in counts) + 10
    bar_left, bar_right = label_width, WIDTH - count_width
    scale = (bar_right - bar_left) / max([*held, *required])
    row, top = 30, legend_height + 8

    body.append('<g class="rows">')
    for index, (label, h, r) in enumerate(zip(shown_labels, held, required, strict=True)):
        y = top + row * index
        baseline = y + row / 2 + 0.35 * FONT_SIZE
        body.append(_text(label_width - 8, baseline, label, anchor="end", class_="label"))
        body.append(
            _rect(
                bar_left,
                y + 5,
                r * scale,
                row - 10,
                fill="#d9d9d9",
                stroke=MUTED,
                stroke_width=0.8 if r else None,
                class_="required",
                data_row=index,
            )
        )
        body.append(
            _rect(bar_left, y + 10, h * scale, row - 20, fill=ACCENT, class_="held", data_row=index)
        )
        body.append(_text(WIDTH - 2, baseline, counts[index], anchor="end", class_="count"))
    body.append("</g>")
    bottom = top + row * len(labels)
    body.append(_line(bar_left, top, bar_left, bottom, stroke=TEXT_COLOUR, width=1))
    return _svg("paired", title=title, desc=desc, height=bottom + 4, body=body)


# The recruitment funnel ---------------------------------------------------------------------


def funnel(*, title: str, stages: list[tuple[str, int]]) -> str:
    """The stages of recruitment from applicant to full member: one centred bar per stage,
    as wide as its count, each labelled "stage: n" on its left."""
    if any(count < 0 for _, count in stages):
        raise ValueError("a stage cannot hold a negative count")
    if not stages or not any(count > 0 for _, count in stages):
        return _no_data("funnel", title)

    labels = [_labelled(stage, str(count)) for stage, count in stages]
    desc = _sentences([title, *labels])
    shown = [
        _labelled(_fitted(stage, LABEL_EMS * FONT_SIZE), str(count)) for stage, count in stages
    ]
    label_width = max(_text_width(label) for label in shown) + 12
    area_left, area_right = label_width, WIDTH - 4
    centre = (area_left + area_right) / 2
    scale = (area_right - area_left) / max(count for _, count in stages)
    row = 32

    body = ['<g class="stages">']
    for index, ((_, count), label) in enumerate(zip(stages, shown, strict=True)):
        y = row * index
        width = count * scale
        body.append(
            _text(
                label_width - 10,
                y + row / 2 + 0.35 * FONT_SIZE,
                label,
                anchor="end",
                class_="label",
            )
        )
        body.append(
            _rect(
                centre - width / 2,
                y + 4,
                width,
                row - 8,
                fill=ACCENT,
                class_="stage",
                data_stage=index,
            )
        )
    body.append("</g>")
    return _svg("funnel", title=title, desc=desc, height=row * len(stages), body=body)
