"""A year-end document as the printers see it: a title, a run of blocks, a signature and a
date. The secretary's text and the records' figures meet here (reports.yearend.text makes the
blocks); the PDF template (reports/yearend_document.html) and the Word writer
(reports.yearend.docx) print the same blocks, so the two files say the same thing.

Headings have the four levels of official documents, numbered as the text numbers them:
一、 (level 1, 黑体), （一） (level 2, 楷体), 1. (level 3) and （1） (level 4), both in the body
face. A paragraph is a run of pieces: typed text, or a figure from the records (`figure` is its
key), or a figure the records cannot supply (`missing`), printed as 【待补充】 and never as 0.
"""

import datetime
from dataclasses import dataclass, field

MISSING_MARK = "【待补充】"


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph or heading: text as printed."""

    text: str
    figure: str = ""  # the key of the figure this piece shows; "" for typed text
    missing: bool = False  # the records cannot supply the figure: text is MISSING_MARK


@dataclass(frozen=True)
class Table:
    """A table of figures: a header row (repeated on every page it runs over) and rows of
    cells as printed. `numeric[i]` says column i holds numbers (centred, no wrapping)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    note: str = ""  # printed under the table, in the table's size: a source or a caveat

    @property
    def cells(self) -> tuple[tuple[tuple[str, bool], ...], ...]:
        """The rows as (text, numeric) pairs, for templates that cannot index."""
        return tuple(
            tuple(
                (text, bool(self.numeric[i : i + 1] and self.numeric[i]))
                for i, text in enumerate(row)
            )
            for row in self.rows
        )


@dataclass(frozen=True)
class Chart:
    """A chart drawn on the server as SVG markup (reports.charts), shown on the page and in
    the PDF alike. A chart never carries the only copy of a number: the text or a table
    states every figure it draws, and `data` holds them as a table (the Word file prints
    that table where the PDF draws the chart)."""

    caption: str
    svg: str
    data: Table | None = None  # the numbers drawn, for the Word file and screen readers


HEADING, PARAGRAPH, TABLE, CHART = "heading", "paragraph", "table", "chart"


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, PARAGRAPH, TABLE or CHART
    runs: tuple[Run, ...] = ()
    level: int = 0  # 1–4 for a heading
    table: Table | None = None
    chart: Chart | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Document:
    """A whole document: its title (centred, 22 pt), the blocks, then the signature (the
    branch's or group's name) and the date in Arabic numerals (2026年12月30日)."""

    title: str
    blocks: tuple[Block, ...]
    signature: str
    date: datetime.date
    subtitle: str = ""  # a line under the title, rarely used
    meta: dict = field(default_factory=dict, compare=False)  # file properties (author, …)

    @property
    def date_text(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"


def heading(level: int, text: str) -> Block:
    return Block(kind=HEADING, level=level, runs=(Run(text),))


def paragraph(*runs: Run | str) -> Block:
    return Block(
        kind=PARAGRAPH, runs=tuple(run if isinstance(run, Run) else Run(run) for run in runs)
    )
