"""The text the secretary writes, and how it becomes blocks (reports.yearend.blocks).

A document is a list of sections, each a heading (numbered 一、二、… in order; empty for the
opening paragraphs) and a text. The text is plain: one paragraph per line, never HTML. A line
that starts with a number of the official scheme is a heading of that level: （一） level 2,
1. or 1、 level 3, （1） level 4 (the sections themselves are level 1). A figure from the
records is written `{{members.total}}` inside a line; a line holding only `{{table:meetings}}`
or `{{chart:attendance}}` is that table or chart. The browser editor shows the tokens as
marked values; without JavaScript they are simply there to read and move.
"""

import re
from dataclasses import dataclass

from reports.yearend.blocks import (
    CHART,
    HEADING,
    MISSING_MARK,
    PARAGRAPH,
    TABLE,
    Block,
    Run,
)

FIGURE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
BLOCK = re.compile(r"^\s*\{\{\s*(table|chart):([A-Za-z0-9_.]+)\s*\}\}\s*$")
NUMERALS = "一二三四五六七八九十"
HEADING_LEVELS = (
    (2, re.compile(rf"^[（(][{NUMERALS}]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
)


@dataclass(frozen=True)
class Section:
    key: str  # stable within a kind of document: "basic", "work", …
    heading: str  # without its number; "" for the opening
    text: str

    def as_json(self) -> dict:
        return {"key": self.key, "heading": self.heading, "text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> "Section":
        return cls(key=str(data["key"]), heading=str(data["heading"]), text=str(data["text"]))


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (headings do not run past a few dozen)."""
    if number <= 10:
        return NUMERALS[number - 1]
    tens, units = divmod(number, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[units - 1] if units else "")


def normalise(text: str) -> str:
    """The text as stored: Windows and old Mac line ends made plain, trailing spaces and
    empty lines dropped (a paragraph is a line; the editor and the printers agree)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines if line.strip())


def figure_keys(text: str) -> set[str]:
    return set(FIGURE.findall(text))


def runs_of(line: str, figures) -> tuple[Run, ...]:
    """A line as runs: typed text, figures, and 【待补充】 for what the records lack."""
    runs, position = [], 0
    for match in FIGURE.finditer(line):
        if match.start() > position:
            runs.append(Run(line[position : match.start()]))
        key = match.group(1)
        figure = figures.values.get(key)
        if figure is None or figure.missing:
            runs.append(Run(MISSING_MARK, figure=key, missing=True))
        else:
            runs.append(Run(figure.value, figure=key))
        position = match.end()
    if position < len(line):
        runs.append(Run(line[position:]))
    return tuple(runs)


def blocks_of(sections: list[Section], figures) -> list[Block]:
    blocks, number = [], 0
    for section in sections:
        if section.heading.strip():
            number += 1
            text = f"{chinese_numeral(number)}、{section.heading.strip()}"
            blocks.append(Block(kind=HEADING, level=1, runs=runs_of(text, figures)))
        for line in normalise(section.text).split("\n"):
            if not line.strip():
                continue
            blocks.append(_line_block(line.strip(), figures))
    return blocks


def _line_block(line: str, figures) -> Block:
    match = BLOCK.match(line)
    if match:
        kind, key = match.groups()
        if kind == "table" and key in figures.tables:
            return Block(kind=TABLE, table=figures.tables[key])
        if kind == "chart" and key in figures.charts:
            return Block(kind=CHART, chart=figures.charts[key])
        return Block(
            kind=PARAGRAPH, runs=(Run(MISSING_MARK, figure=f"{kind}:{key}", missing=True),)
        )
    for level, pattern in HEADING_LEVELS:
        if pattern.match(line):
            return Block(kind=HEADING, level=level, runs=runs_of(line, figures))
    return Block(kind=PARAGRAPH, runs=runs_of(line, figures))
