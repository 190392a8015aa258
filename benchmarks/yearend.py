"""The year-end summary end to end, against WeasyPrint alone on the same finished HTML.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.yearend
    (or: make bench)

Runs in a throwaway SQLite database (benchmarks/throwaway.py). Two branches:

- the demo school (`manage.py seed_demo`: 33 members, a year of meetings, activities, dues,
  evaluations), this calendar year's summary;
- the same school grown to 50 members with five school years of meetings
  (benchmarks.meetings.build_meetings), the same summary.

Timed, each the median of --repeat runs:

- the summary as PDF, end to end: the year's figures (queries), the draft's blocks, the
  charts, the template and WeasyPrint's layout and PDF (`YearEndDocument.render("pdf")`);
- WeasyPrint alone on the finished HTML of the same summary (`html_to_pdf`);
- the app's share: what the whole takes beyond WeasyPrint;
- the Word file, end to end;
- the editor page through the test client (figures, preview, form).

The PDFs' weight: the summary and a meeting's minutes with their CJK faces packed
(reports/pdf_fonts.py) against WeasyPrint's own embedding of the same HTML, size and time.

Peak memory: the process's peak resident set after the runs (ru_maxrss, which includes
WeasyPrint's Pango and HarfBuzz), and the Python heap's peak during one end-to-end render
(tracemalloc), so that a leak or a blow-up shows either way. The PDF's size and pages too.
"""

import argparse
import datetime
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

from benchmarks import report
from benchmarks.throwaway import django_on_throwaway_database

TARGET_SECONDS = 1.0
TARGET_APP_SHARE = 0.25
GROWN_MEMBERS = 50
YEARS = 5


def median_time(action, *, repeat: int) -> float:
    action()  # warm up: templates, translations, fonts
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved(first, second, *, repeat: int) -> tuple[float, float]:
    """The medians of two actions timed in turn, so that a busy moment of the machine
    weighs on both alike (a difference of a few per cent is otherwise lost in drift)."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(max(repeat, 9)):
        for action, kept in zip((first, second), times, strict=True):
            gc.collect()
            started = time.perf_counter()
            action()
            kept.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


def python_peak(action) -> int:
    gc.collect()
    tracemalloc.start()
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def pdf_pages(content: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        info = subprocess.run(
            ["pdfinfo", file.name], capture_output=True, text=True, check=False
        ).stdout
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0
    )


def grow(branch, *, members: int, years: int, today: datetime.date) -> str:
    """The demo school grown to `members` members with `years` school years of meetings."""
    from benchmarks.meetings import build_meetings
    from branchsite.dates import school_year_of
    from groups.models import GroupMembership
    from members.models import Category, Gender, Member

    groups = list(branch.party_groups.order_by("sort_order", "name"))
    missing = members - branch.members.on_roll().count()
    added = Member.objects.bulk_create(
        Member(
            branch=branch,
            name=f"新增党员{n:02d}",
            gender=Gender.MALE if n % 3 else Gender.FEMALE,
            birth_date=datetime.date(1975 + n % 25, 1 + n % 12, 1 + n % 28),
            category=Category.FULL,
            joined_on=datetime.date(2005 + n % 15, 7, 1),
            full_member_on=datetime.date(2006 + n % 15, 7, 1),
        )
        for n in range(max(missing, 0))
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(
            group=groups[n % len(groups)], member=member, started_on=datetime.date(2015, 9, 1)
        )
        for n, member in enumerate(added)
    )
    current = school_year_of(today)
    meetings, rows = build_meetings(
        branch, first_school_year=current - years + 1, until=today, seed=7
    )
    return f"{members} members, {meetings} more meetings with {rows} attendance rows"


def run(label: str, branch, year: int, secretary, *, repeat: int) -> list[str]:
    from django.test import Client
    from django.urls import reverse

    from reports.documents import YearEndDocument
    from reports.pdf import html_to_pdf
    from reports.yearend import services
    from reports.yearend.pdf import document_html

    document = services.document_open(
        branch=branch, kind="summary", year=year, acting_user=secretary
    )
    report = YearEndDocument(document)
    html = document_html(report.printed())
    content = report.render("pdf").content
    client = Client()
    client.force_login(secretary)
    editor_url = reverse("reports:year_document", args=[document.pk])

    whole = median_time(lambda: report.render("pdf"), repeat=repeat)
    weasyprint = median_time(lambda: html_to_pdf(html), repeat=repeat)
    word = median_time(lambda: report.render("docx"), repeat=repeat)
    editor = median_time(lambda: client.get(editor_url), repeat=repeat)
    heap = python_peak(lambda: report.render("pdf"))
    share = (whole - weasyprint) / whole
    verdict = "ok" if whole < TARGET_SECONDS and share < TARGET_APP_SHARE else "OVER TARGET"
    return [
        f"{label}",
        f"  summary PDF, end to end (median of {repeat})   {whole:7.3f} s   [{verdict}: "
        f"< {TARGET_SECONDS:.0f} s, app share < {TARGET_APP_SHARE:.0%}]",
        f"  WeasyPrint alone on the same HTML             {weasyprint:7.3f} s",
        f"  the app's share (figures, charts, template)   {whole - weasyprint:7.3f} s  "
        f"({share:.0%})",
        f"  Word file, end to end                         {word:7.3f} s",
        f"  editor page (test client)                     {editor:7.3f} s",
        f"  PDF: {len(content) / 1024:.0f} KB, {pdf_pages(content)} pages; "
        f"Python heap peak of one render {heap / 2**20:.1f} MiB",
    ]


def weights(branch, *, repeat: int) -> list[str]:
    """Each PDF packed and as WeasyPrint embeds its fonts: size and time."""
    from activities.models import Meeting
    from reports.documents import MeetingMinutes, YearEndDocument
    from reports.models import YearDocument
    from reports.pdf import html_to_pdf
    from reports.yearend.pdf import document_html

    meeting = Meeting.objects.filter(branch=branch).order_by("-held_on", "pk").first()
    minutes = MeetingMinutes(meeting)
    summary = YearEndDocument(YearDocument.objects.get(branch=branch, kind="summary"))
    documents = [
        ("meeting minutes", minutes.render_html().decode()),
        ("summary", document_html(summary.printed())),
    ]
    lines = ["PDF weight: fonts packed (reports/pdf_fonts.py) against WeasyPrint's own"]
    for label, html in documents:
        packed, plain = html_to_pdf(html), html_to_pdf(html, compact=False)
        packed_time, plain_time = interleaved(
            lambda html=html: html_to_pdf(html),
            lambda html=html: html_to_pdf(html, compact=False),
            repeat=repeat,
        )
        lines.append(
            f"  {label:<16} {pdf_pages(packed)} pages  packed {len(packed) / 1024:5.0f} KB "
            f"{packed_time:6.3f} s   WeasyPrint's {len(plain) / 1024:5.0f} KB "
            f"{plain_time:6.3f} s   ({1 - len(packed) / len(plain):.0%} lighter)"
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--save", type=Path, help="also write the demo summary's PDF here")
    options = parser.parse_args(argv)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    folder = django_on_throwaway_database()

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone, translation

    from groups.models import Branch

    translation.activate(settings.LANGUAGE_CODE)
    today = timezone.localdate()
    started = time.perf_counter()
    call_command("seed_demo", verbosity=0, force=True)  # DEBUG is off for the timings
    seeded = time.perf_counter() - started
    branch = Branch.objects.get()
    secretary = branch.members.get(name="沈卫东").user

    print(f"Python {sys.version.split()[0]}, SQLite database in {folder.name}")
    print(f"demo school seeded in {seeded:.1f} s; the {today.year} summary")
    print()
    lines = run(
        f"demo school ({branch.members.on_roll().count()} members)",
        branch,
        today.year,
        secretary,
        repeat=options.repeat,
    )
    if options.save:
        from reports.documents import YearEndDocument
        from reports.models import YearDocument

        document = YearDocument.objects.get(branch=branch, kind="summary", year=today.year)
        options.save.write_bytes(YearEndDocument(document).render("pdf").content)
    lines += weights(branch, repeat=options.repeat)
    grown = grow(branch, members=GROWN_MEMBERS, years=YEARS, today=today)
    lines += run(f"grown: {grown}", branch, today.year, secretary, repeat=options.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak resident memory of the process: {peak:.0f} MiB")
    print("\n".join(lines))
    folder.cleanup()
    return 0


if __name__ == "__main__":
    with report.captured(
        "yearend",
        "年终总结 / Documents: the year-end summary (50 members, five years) vs WeasyPrint "
        "alone: time and peak memory",
        "make bench  (or: python -m benchmarks.yearend)",
    ):
        status = main()
    sys.exit(status)
