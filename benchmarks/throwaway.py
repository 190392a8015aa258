"""Django set up on a throwaway SQLite database, for the benchmarks."""

import io
import os
import tempfile
import time
from pathlib import Path


def django_on_throwaway_database() -> tempfile.TemporaryDirectory:
    """Point DATABASE_URL at a new SQLite file in a temporary folder (neither the
    development database nor PostgreSQL is touched), set Django up with DEBUG off for the
    timings (DEBUG keeps every query in memory) and migrate. Clean the folder up at the end."""
    folder = tempfile.TemporaryDirectory(prefix="branchsite-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchsite.settings")
    os.environ.setdefault("DEBUG", "1")  # settings need no SECRET_KEY then
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    return folder


def load_district(*, branches: int, years: int, seed: int) -> str:
    """The district data set (`manage.py generate_district`) in the current database; says
    what was loaded and how long it took, for the benchmark's report."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "generate_district",
        branches=branches,
        years=years,
        seed=seed,
        force=True,
        verbosity=0,
        stdout=io.StringIO(),
    )
    return (
        f"district data set (`generate_district --branches {branches} --years {years} "
        f"--seed {seed}`), loaded in {time.perf_counter() - started:.0f} s"
    )
