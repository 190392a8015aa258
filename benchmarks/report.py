"""docs/benchmarks.md: every benchmark writes its own section, leaving the others as they are.

A section sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; running one benchmark
replaces its section (or appends it) and keeps the rest, so `make bench` rewrites the whole
page and `python -m benchmarks.roster` only the roster's part. Each section says when and where
it was measured and the command that reproduces it.

    with report.captured("roster", "名册导入导出 / Roster import and export",
                         "make bench  (or: python -m benchmarks.roster)"):
        ...  # whatever is printed lands in the section as a code block

    report.write("pages", "页面 / Pages", command, markdown)  # a section written as Markdown
"""

import contextlib
import datetime
import io
import os
import platform
import re
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

HEADER = """# 性能基准 / Benchmarks

Written by `make bench` (each section by its own module in `benchmarks/`; run one alone with
`DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings .venv/bin/python -m benchmarks.NAME`).
Every figure is compared with a reference measured in the same run on the same machine, so a
busy machine moves both; the ratios are what to read. Timings are wall-clock seconds or
milliseconds; memory is the peak traced by Python's tracemalloc unless a section says otherwise.
"""


def machine() -> str:
    cores = os.cpu_count() or 0
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}"


def write(name: str, title: str, command: str, markdown: str, *, page: Path = PAGE) -> None:
    """Put the section NAME on the page, replacing an earlier run's."""
    # UTC: Django's TIME_ZONE (Asia/Shanghai) would otherwise stamp some sections CST.
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Measured {stamp} on {machine()}. Reproduce: `{command}`\n\n"
        f"{markdown.strip()}\n<!-- /bench:{name} -->\n"
    )
    text = page.read_text(encoding="utf-8") if page.exists() else HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->\n.*?<!-- /bench:{re.escape(name)} -->\n", re.S
    )
    if pattern.search(text):
        text = pattern.sub(lambda _: body, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")


class _Tee(io.TextIOBase):
    def __init__(self, *streams):
        self.streams = streams

    def write(self, text):
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self):
        for stream in self.streams:
            stream.flush()


@contextlib.contextmanager
def captured(name: str, title: str, command: str, *, intro: str = "", page: Path = PAGE):
    """Print as usual, and put what was printed in the section as a code block. Nothing is
    written when the benchmark fails: the page keeps the last good run."""
    buffer = io.StringIO()
    stdout = sys.stdout
    sys.stdout = _Tee(stdout, buffer)
    try:
        yield
    finally:
        sys.stdout = stdout
    text = buffer.getvalue().strip("\n")
    write(name, title, command, f"{intro.strip()}\n\n```text\n{text}\n```\n", page=page)
