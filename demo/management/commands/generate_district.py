import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import district


class Command(BaseCommand):
    help = (
        "Create a district at scale for benchmarks and load tests: upper committees and "
        "--branches schools' branches (about 50 members, 4 groups, a committee each) with "
        "--years school years of meetings and attendance, activities, 民主评议 and dues, "
        "written in bulk with their history. Deterministic: the same --seed on the same "
        "--today gives the same data. Idempotent: the branches of this seed already in the "
        "database are kept as they are and only the missing ones are created (a run that "
        "stopped resumes), so a second run changes nothing. Accounts, all with the demo's "
        "password (branchsite-demo) unless --password: sS-district1… (district viewers), "
        "sS-bNNN-shuji (secretary of branch NNN), sS-bNNN-zu1…zu4 (group leaders), S being "
        "the seed and NNN 001, 002…"
    )

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=200)
        parser.add_argument("--years", type=int, default=5, help="School years of meetings.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="The day the data is generated as of (YYYY-MM-DD; default: today).",
        )
        parser.add_argument("--password", default=district.DEFAULT_PASSWORD)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off, that is on a production server.",
        )

    def handle(self, *args, branches, years, seed, today, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production server: a generated district "
                "with known passwords does not belong there. Add --force if you really want it."
            )
        if branches < 1 or years < 1:
            raise CommandError("--branches and --years must be at least 1.")
        result = district.generate_district(
            branches=branches,
            years=years,
            seed=seed,
            today=today,
            password=password,
            progress=lambda line: self.stdout.write(line),
            every=max(1, min(10, branches // 10)),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"District of seed {seed}: {branches} branches, {years} school years, "
                f"{result.totals.total:,} rows written in {result.elapsed:.1f}s."
            )
        )
        if options["verbosity"] >= 1:
            for label, count in sorted(table_counts().items()):
                self.stdout.write(f"  {label:40} {count:>10,}")


def table_counts() -> dict[str, int]:
    """Rows in every table of the project's apps (their history tables included)."""
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in {"activities", "groups", "members", "auth"}:
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
            count = cursor.fetchone()[0]
            if count:
                counts[model._meta.label] = count
    return counts
