"""The district's ZIP of every branch's year-end summary (PDF and Word), made by the
background job's own function, on the district data set: time and peak memory.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.district_zip
    [--quick] [--sample N] [--all]
    (or: make bench)

Runs in a throwaway SQLite database (benchmarks/throwaway.py) with uploads in a temporary
folder (MEDIA_ROOT). The data set is the district (`manage.py generate_district`) when that
command exists, else the demo school (one branch). Each branch of the sample has its summary
of this year opened (the draft as its first version, `document_open`), so the job finds it.

The job is asked for as the district's viewer asks (`job_request`, kind
`district_summaries_zip`) and run by the worker's own function (`branchsite.jobs.job_run`)
in this process, so the figures are the whole job: reading each summary's figures, the PDF
(WeasyPrint) and the Word file of each branch, the ZIP and saving it as the job's file.

Measured:

- the job over a sample of N branches (--sample; the first N of the district by name, as
  the job orders them), wall-clock, then once more under tracemalloc for the Python heap's
  peak; the process's peak resident set (ru_maxrss) after both;
- the reference: one branch's summary as PDF and as Word alone (`YearEndDocument.render`),
  so that the job's cost per branch can be read against what the documents cost;
- the whole district (--district, 200 branches) extrapolated from the sample: time per
  branch × branches, and the archive's size per branch × branches (the archive is held in
  memory while it is made, so the heap's peak grows with it). Only the sample's branches are
  generated (a branch's summary reads its own rows alone); --all with --branches N runs
  the job over N generated branches instead of extrapolating.
"""

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings

from benchmarks import report


def setup(options) -> tempfile.TemporaryDirectory:
    media = tempfile.TemporaryDirectory(prefix="branchsite-bench-media-")
    os.environ["MEDIA_ROOT"] = media.name
    from benchmarks.throwaway import django_on_throwaway_database

    database = django_on_throwaway_database()
    media.database = database  # cleaned up together
    return media


def load_data(options) -> str:
    from benchmarks.throwaway import load_district

    return load_district(branches=options.branches, years=options.years, seed=options.seed)


def run_job(viewer, district, year: int):
    from branchsite.jobs import job_request, job_run
    from branchsite.models import Job
    from reports.district.jobs import DISTRICT_SUMMARIES_ZIP

    job = job_request(
        user=viewer,
        kind=DISTRICT_SUMMARIES_ZIP,
        parameters={"district": district.pk, "year": year},
    )
    job_run(job.pk)
    job = Job.objects.get(pk=job.pk)
    if job.status != "done":
        raise RuntimeError(f"the job ended {job.status}: {job.error}")
    size = job.file.size
    job.file.delete(save=False)
    return size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sample", type=int, default=None, help="branches in the sample")
    parser.add_argument("--all", action="store_true", help="every branch, no extrapolation")
    parser.add_argument(
        "--district", type=int, default=200, help="the district's branches, to extrapolate to"
    )
    parser.add_argument("--branches", type=int, default=None)
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    options.sample = options.sample or (2 if options.quick else 5)
    # Only the sample is generated: a branch's documents read its own rows alone.
    options.branches = options.branches or options.sample
    options.years = options.years or (2 if options.quick else 5)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    folders = setup(options)

    from django.conf import settings
    from django.db.models import Count
    from django.utils import timezone, translation

    from groups.models import Branch, UpperCommittee, UpperCommitteeViewer
    from reports.district.jobs import written_summaries
    from reports.documents import YearEndDocument
    from reports.yearend import services

    translation.activate(settings.LANGUAGE_CODE)
    loaded = load_data(options)
    year = timezone.localdate().year
    district = (
        UpperCommittee.objects.annotate(size=Count("branches")).order_by("-size", "pk").first()
    )
    viewer = UpperCommitteeViewer.objects.filter(upper_committee=district).order_by("pk")[0].user
    branches = list(Branch.objects.filter(upper_committee=district).order_by("name", "pk"))
    sample = branches if options.all else branches[: options.sample]
    opened_started = time.perf_counter()
    for branch in sample:
        services.document_open(branch=branch, kind="summary", year=year, acting_user=None)
    opened = time.perf_counter() - opened_started
    documents = list(written_summaries(district, year))
    members = sum(branch.members.on_roll().count() for branch in sample)

    # The reference: one branch's two documents alone, median of 3 after a warm-up.
    single = YearEndDocument(documents[0])
    single.render("pdf")
    alone = []
    for _ in range(3):
        gc.collect()
        started = time.perf_counter()
        single.render("pdf")
        single.render("docx")
        alone.append(time.perf_counter() - started)
    per_branch_alone = statistics.median(alone)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.collect()
    started = time.perf_counter()
    size = run_job(viewer, district, year)
    elapsed = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    traced_started = time.perf_counter()
    run_job(viewer, district, year)
    traced = time.perf_counter() - traced_started
    _current, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    count = len(documents)
    per_branch = elapsed / count
    whole = len(branches) if options.all else max(options.district, len(branches))
    print(f"{loaded}")
    print(
        f"district {district.name}: {len(branches)} branches generated; sample {count} "
        "branches "
        f"({members} members on the roll), the {year} summary of each opened in {opened:.1f} s"
    )
    print()
    print(f"job over the sample (job_run, PDF + Word each)  {elapsed:8.1f} s")
    print(f"  per branch                                     {per_branch:8.2f} s")
    print(f"  one branch's PDF + Word alone (reference)      {per_branch_alone:8.2f} s")
    print(
        f"  the job's overhead per branch beyond that      {per_branch - per_branch_alone:8.2f} s"
    )
    print(f"  archive                                        {size / 2**20:8.1f} MiB")
    print(f"  Python heap peak (tracemalloc; run {traced:.0f} s)  {heap_peak / 2**20:8.1f} MiB")
    print(
        f"  peak resident set (ru_maxrss)  {rss_after:6.0f} MiB "
        f"(before the job runs {rss_before:.0f} MiB)"
    )
    if count < whole:
        print()
        print(f"whole district, extrapolated from the sample ({whole} branches):")
        print(f"  time           {per_branch * whole / 60:8.1f} min")
        print(f"  archive        {size / count * whole / 2**20:8.0f} MiB")
        whole_archive = size / count * whole
        # The heap's peak is one document's layout (WeasyPrint's, the same for any number
        # of branches) plus the archive, which is held twice at the end (the BytesIO
        # buffer and getvalue()'s bytes for the job's file): only the archive grows.
        estimate = heap_peak + 2 * (whole_archive - size)
        print(
            f"  Python heap peak, estimated   {estimate / 2**20:8.0f} MiB  (the sample's peak "
            "+ twice the archive's growth: the archive is built in memory, io.BytesIO "
            "then getvalue())"
        )
    folders.database.cleanup()
    folders.cleanup()
    return 0


if __name__ == "__main__":
    with report.captured(
        "district_zip",
        "区级总结打包 / Documents at scale: the district's ZIP of every branch's summary "
        "(time and peak memory)",
        "make bench  (or: python -m benchmarks.district_zip)",
    ):
        status = main()
    sys.exit(status)
