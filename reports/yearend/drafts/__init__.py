"""The first draft of each kind of document, in the language the documents are written in.

The drafts are prose of a Chinese official document, not interface text, so they are kept
as Chinese text files here rather than as translated messages: `summary.txt`, `plan.txt`.
In a file, a line `[key] heading` opens a section (`[opening]` has no heading) and the lines
after it are its text, in the format of reports.yearend.text.
"""

import re
from functools import cache
from pathlib import Path

from reports.yearend.text import Section

SECTION_LINE = re.compile(r"^\[(?P<key>[a-z_]+)\]\s*(?P<heading>.*)$")


@cache
def draft_sections(kind: str) -> tuple[Section, ...]:
    """The sections of the first draft of a document of `kind` ("summary", "plan", …)."""
    text = (Path(__file__).parent / f"{kind}.txt").read_text(encoding="utf-8")
    sections, key, heading, lines = [], None, "", []
    for line in text.splitlines():
        match = SECTION_LINE.match(line)
        if match:
            if key is not None:
                sections.append(Section(key, heading, "\n".join(lines)))
            key, heading, lines = match["key"], match["heading"].strip(), []
        elif line.strip():
            lines.append(line)
    if key is not None:
        sections.append(Section(key, heading, "\n".join(lines)))
    return tuple(sections)
