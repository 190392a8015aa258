"""Roster import and export against plain openpyxl.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.roster
    (or: make bench)

Runs in a throwaway SQLite database in a temporary folder (DATABASE_URL is overridden, so
neither the development database nor PostgreSQL is touched):

- import: a 2,000-row roster with every column, read and imported through the real service
  (`roster_read` + `roster_import`: the model's validation, bulk inserts of the members, their
  group memberships and the history rows of both), then the same file again (every row
  unchanged), then a file that changes one column of every member (bulk update and history);
  compared with openpyxl reading the same cells.
- the same roster as .xls and .ods (the tests' converters, tests/members/roster/
  other_formats.py): read, and imported into an empty branch; still compared with openpyxl
  reading the .xlsx, since the point is what a school's file costs, whatever its format.
- export: 10,000 members through `roster_workbook` (the query included), compared with
  openpyxl writing the same cells in write-only mode without any formatting.

Each timing is the best of a few runs; peak memory (tracemalloc) is measured in a separate
run, since tracing slows Python down. The target is at most 2× plain openpyxl.
"""

import argparse
import datetime
import gc
import io
import sys
import time
import tracemalloc
from dataclasses import dataclass

from benchmarks import report
from benchmarks.throwaway import django_on_throwaway_database

TARGET_RATIO = 2.0


@dataclass
class Measurement:
    label: str
    rows: int
    seconds: float
    peak_bytes: int
    baseline: "Measurement | None" = None

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.baseline.seconds if self.baseline else None

    @property
    def memory_ratio(self) -> float | None:
        return self.peak_bytes / self.baseline.peak_bytes if self.baseline else None


def measure(label: str, rows: int, action, *, repeat: int = 3, setup=None, baseline=None):
    """Best time of `repeat` runs, then one traced run for the peak memory."""
    best = float("inf")
    for _ in range(repeat):
        if setup:
            setup()
        gc.collect()
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    if setup:
        setup()
    gc.collect()
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measurement(label, rows, best, peak, baseline)


def print_table(title: str, measurements: list[Measurement]) -> None:
    print(f"\n{title}")
    header = (
        f"{'':48} {'rows':>6} {'time':>9} {'peak memory':>12} {'× openpyxl':>11} {'memory ×':>9}"
    )
    print(header)
    print("-" * len(header))
    for m in measurements:
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else "1.00×"
        memory = f"{m.memory_ratio:.2f}×" if m.memory_ratio is not None else "1.00×"
        verdict = ""
        if m.ratio is not None:
            verdict = "  ok" if m.ratio <= TARGET_RATIO else f"  over {TARGET_RATIO:.0f}×"
        print(
            f"{m.label:48} {m.rows:>6} {m.seconds:>8.3f}s {m.peak_bytes / 2**20:>10.1f}MB"
            f" {ratio:>11} {memory:>9}{verdict}"
        )


# ---------------------------------------------------------------------------- data


def identity_number(n: int) -> str:
    from members.validators import id_check_character

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 12000)
    first = f"310110{birth:%Y%m%d}{n % 1000:03d}"
    return first + id_check_character(first)


def roster_rows(
    count: int, groups: list[str], offset: int = 0, dues=datetime.date(2025, 6, 1)
) -> list[list]:
    """Rows with every column of the roster, as a school would fill them in."""
    rows = []
    for n in range(offset, offset + count):
        id_number = identity_number(n)
        birth = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        gender = "男" if int(id_number[16]) % 2 else "女"
        joined = (
            birth.replace(year=birth.year + 25)
            if birth.month != 2
            else birth.replace(year=birth.year + 25, day=1)
        )
        rows.append(
            [
                f"党员{n:05d}",
                gender,
                id_number,
                "汉族",
                birth,
                "大学本科",
                "正式党员",
                "奉教院附小党支部",
                groups[n % len(groups)],
                joined,
                joined.replace(year=joined.year + 1),
                "专业技术人员（教师）",
                f"139{n:08d}",
                f"上海市奉贤区南桥镇解放东路{n % 500}弄{n % 30}号",
                "正常",
                "否",
                None,
                "否",
                None,
                "语文组",
                "",
                "一级教师",
                joined.replace(month=8, day=1),
                "上海奉贤",
                dues,
                "在职",
            ]
        )
    return rows


def plain_workbook(rows: list[list], headers: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# ---------------------------------------------------------------------------- scenarios


def bench_import(branch, user, rows_count: int) -> list[Measurement]:
    from django.db import connection
    from openpyxl import load_workbook

    from members.models import Member
    from members.roster import COLUMNS, roster_import, roster_read

    groups = list(branch.party_groups.values_list("name", flat=True))
    headers = [c.header for c in COLUMNS]
    content = plain_workbook(roster_rows(rows_count, groups), headers)
    # The same members, their dues paid three months further.
    paid_up = plain_workbook(
        roster_rows(rows_count, groups, dues=datetime.date(2025, 9, 1)), headers
    )

    def openpyxl_read():
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for _ in workbook.active.iter_rows(values_only=True):
            pass
        workbook.close()

    def read():
        assert len(roster_read(io.BytesIO(content)).rows) == rows_count

    def import_new(source=content):
        sheet = roster_read(io.BytesIO(source))
        result = roster_import(branch=branch, rows=sheet.rows, sheet=sheet, acting_user=user)
        assert result.written and result.created == rows_count, result.errors[:3]

    def import_again():
        sheet = roster_read(io.BytesIO(content))
        result = roster_import(branch=branch, rows=sheet.rows, sheet=sheet, acting_user=user)
        assert result.unchanged == rows_count, result.errors[:3]

    def import_paid_up():
        sheet = roster_read(io.BytesIO(paid_up))
        result = roster_import(branch=branch, rows=sheet.rows, sheet=sheet, acting_user=user)
        assert result.written and result.updated == rows_count, result.errors[:3]

    def back_to_the_first_file():
        sheet = roster_read(io.BytesIO(content))
        roster_import(branch=branch, rows=sheet.rows, sheet=sheet, acting_user=user)

    def empty_branch():
        Member.history.filter(branch_id=branch.pk).delete()
        Member.objects.filter(branch=branch).delete()  # memberships cascade
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM groups_historicalgroupmembership")

    baseline = measure("openpyxl: read the cells (read-only)", rows_count, openpyxl_read)
    measurements = [
        baseline,
        measure("roster_read: find header, parse cells", rows_count, read, baseline=baseline),
        measure(
            "import: read + validate + create (new members)",
            rows_count,
            import_new,
            setup=empty_branch,
            baseline=baseline,
        ),
        measure(
            "import: read + match + compare (all unchanged)",
            rows_count,
            import_again,
            repeat=2,
            baseline=baseline,
        ),
        measure(
            "import: read + validate + update (all changed)",
            rows_count,
            import_paid_up,
            setup=back_to_the_first_file,
            baseline=baseline,
        ),
    ]
    from tests.members.roster.other_formats import as_ods, as_xls

    for kind, convert in (("xls", as_xls), ("ods", as_ods)):
        converted = convert(io.BytesIO(content)).getvalue()
        measurements += [
            measure(
                f"roster_read (.{kind}): find header, parse cells",
                rows_count,
                lambda converted=converted: roster_read(io.BytesIO(converted)),
                baseline=baseline,
            ),
            measure(
                f"import (.{kind}): read + validate + create",
                rows_count,
                lambda converted=converted: import_new(converted),
                setup=empty_branch,
                baseline=baseline,
            ),
        ]
    empty_branch()
    return measurements


def bench_export(branch, rows_count: int) -> list[Measurement]:
    from openpyxl import Workbook

    from groups.models import GroupMembership
    from members.forms import RosterFilterForm
    from members.models import Category, Gender, Member
    from members.roster import COLUMNS, export_value, roster_workbook

    groups = list(branch.party_groups.all())
    members = Member.objects.bulk_create(
        Member(
            branch=branch,
            name=f"党员{n:05d}",
            gender=Gender.MALE if n % 2 else Gender.FEMALE,
            id_number=identity_number(n),
            birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=n % 5000),
            category=Category.FULL,
            joined_on=datetime.date(2009, 7, 1),
            full_member_on=datetime.date(2010, 7, 1),
            job="专业技术人员（教师）",
            phone=f"139{n:08d}",
            address=f"上海市奉贤区南桥镇解放东路{n % 500}弄{n % 30}号",
            office="语文组",
            professional_title="一级教师",
            work_started_on=datetime.date(2005, 8, 1),
            native_place="上海奉贤",
            dues_paid_until=datetime.date(2025, 6, 1),
        )
        for n in range(rows_count)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(
            group=groups[n % len(groups)], member=member, started_on=datetime.date(2020, 9, 1)
        )
        for n, member in enumerate(members)
    )
    queryset = RosterFilterForm({}, branch=branch).queryset()
    cells = [
        [export_value(column, member, branch) for column in COLUMNS]
        for member in queryset.iterator(chunk_size=1000)
    ]
    assert len(cells) == rows_count

    def openpyxl_write():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([c.header for c in COLUMNS])
        for row in cells:
            sheet.append(row)
        workbook.save(io.BytesIO())

    def export():
        members = RosterFilterForm({}, branch=branch).queryset().iterator(chunk_size=1000)
        roster_workbook(branch=branch, members=members)

    baseline = measure("openpyxl: write the cells (write-only)", rows_count, openpyxl_write)
    return [
        baseline,
        measure("roster_workbook: query + format + write", rows_count, export, baseline=baseline),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--export-rows", type=int, default=10000)
    options = parser.parse_args(argv)

    folder = django_on_throwaway_database()
    from django.conf import settings

    settings.ROSTER_IMPORT_MAX_ROWS = max(settings.ROSTER_IMPORT_MAX_ROWS, options.import_rows)

    from django.contrib.auth import get_user_model

    from groups.models import Branch, PartyGroup

    branch = Branch.objects.create(name="奉教院附小党支部", code="bench", school="奉教院附小")
    for order, name in enumerate(
        ["行政（后勤）党小组", "语文大组党小组", "数学（英语）大组党小组"]
    ):
        PartyGroup.objects.create(branch=branch, name=name, sort_order=order)
    user = get_user_model().objects.create(username="bench")

    print(f"Python {sys.version.split()[0]}, SQLite database in {folder.name}")
    print_table(
        f"Import ({options.import_rows} rows)", bench_import(branch, user, options.import_rows)
    )
    print_table(
        f"Export ({options.export_rows} members)", bench_export(branch, options.export_rows)
    )
    print(
        f"\nTarget: at most {TARGET_RATIO:.0f}× plain openpyxl. Rows that create or change "
        "members also pay for the model's\nvalidation (in Python, no query per row) and the "
        "database writes: members, group memberships and\nthe history rows of both, in bulk."
    )
    folder.cleanup()
    return 0


if __name__ == "__main__":
    with report.captured(
        "roster",
        "名册导入导出 / Spreadsheets: roster import (2,000) and export (10,000) vs plain openpyxl",
        "make bench  (or: python -m benchmarks.roster)",
    ):
        status = main()
    sys.exit(status)
