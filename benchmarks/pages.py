"""The pages people open, per role, on the district data set, on SQLite and on PostgreSQL,
against two references measured in the same run.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings python -m benchmarks.pages [--quick]
    (or: make bench)

Each database runs in its own process (so that Django is set up once for it):

- SQLite: a new file in a temporary folder (benchmarks/throwaway.py);
- PostgreSQL: a database created for the run and dropped after it
  (`branchsite_pages_bench` on the server of PG_DATABASE_URL, default the local one).

The data set is the district (`manage.py generate_district --branches N --years Y --seed S`)
when that command exists, else the demo school (`manage.py seed_demo`); the section says
which. The objects are picked the same way every run: the district with the most branches,
its branch with the most members on the roll, that branch's biggest group, its latest
meeting, its latest evaluation round with a closed ballot, a plain member of that group.

In process, through Django's test client with DEBUG off: the whole middleware stack, the
session and the signed-in user (each role signs in once, `force_login`), the real URLs
(`reverse`). For each page: two warm-up requests, then --runs requests, each followed by a
request of the floor, so that a busy moment of this shared machine weighs on both alike;
the median and 95th percentile, the number of queries of one request
(CaptureQueriesContext), the ratio of the median to the floor's median, and to the stock
Django admin changelist of the same model where there is one.

References, measured in the same run:

- the floor: an empty page through the site's base template (navigation, roles), the
  middleware and login — a view that exists only in the benchmark's URLconf
  (benchmarks/urls.py, `bench-floor`), as each role sees it;
- the stock admin: Django's `ModelAdmin` as shipped (no scoping, filters or our look) for
  Meeting and Member (benchmarks/urls.py, `bench-admin:`), as the site administrator.

A page is flagged when its median is over 3× the floor or over 50 ms.
"""

import argparse
import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks import report

FLOOR_RATIO = 3.0
TARGET_MS = 50.0
PG_NAME = "branchsite_pages_bench"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/branchsite"


# ------------------------------------------------------------------ the databases


def postgres_url(name: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    base = os.environ.get("PG_DATABASE_URL") or DEFAULT_PG
    params = conninfo_to_dict(base)
    user = params.get("user", "postgres")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    password = params.get("password")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{name}"


def postgres_admin(sql: str) -> None:
    import psycopg
    from psycopg.conninfo import make_conninfo

    url = postgres_url("postgres")
    with psycopg.connect(make_conninfo(url), autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


def django_on(database: str):
    """Django on a throwaway database of the kind asked; returns a clean-up function."""
    if database == "sqlite":
        from benchmarks.throwaway import django_on_throwaway_database

        folder = django_on_throwaway_database()
        return folder.cleanup
    postgres_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    postgres_admin(f'CREATE DATABASE "{PG_NAME}"')
    os.environ["DATABASE_URL"] = postgres_url(PG_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchsite.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)

    def drop():
        from django.db import connections

        connections.close_all()
        postgres_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')

    return drop


def load_data(options) -> str:
    from benchmarks.throwaway import load_district

    return load_district(branches=options.branches, years=options.years, seed=options.seed)


# ------------------------------------------------------------------ the objects


def pick_objects() -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from activities.models import Meeting
    from groups.access import current_committee_posts
    from groups.models import (
        Branch,
        CommitteeRole,
        GroupLeadership,
        GroupMembership,
        UpperCommittee,
        UpperCommitteeViewer,
    )
    from members.models import EvaluationRound, Member

    district = (
        UpperCommittee.objects.annotate(size=Count("branches")).order_by("-size", "pk").first()
    )
    branches = Branch.objects.filter(upper_committee=district) if district else Branch.objects
    branch = (
        branches.annotate(
            size=Count("members", filter=Q(members__in=Member.objects.on_roll()), distinct=True)
        )
        .filter(
            pk__in=current_committee_posts()
            .filter(role=CommitteeRole.SECRETARY, member__user__isnull=False)
            .values("term__branch")
        )
        .order_by("-size", "pk")
        .first()
    )
    secretary = (
        current_committee_posts()
        .filter(term__branch=branch, role=CommitteeRole.SECRETARY)
        .select_related("member__user")
        .first()
        .member.user
    )
    leaderships = (
        GroupLeadership.objects.current()
        .filter(group__branch=branch, member__user__isnull=False)
        .select_related("group", "member__user")
        .order_by("group__sort_order", "group__pk")
    )
    sizes = {
        row["group"]: row["n"]
        for row in GroupMembership.objects.current()
        .filter(group__branch=branch)
        .values("group")
        .annotate(n=Count("pk"))
    }
    leadership = max(leaderships, key=lambda row: (sizes.get(row.group_id, 0), -row.group_id))
    group = leadership.group
    busy_ids = set(
        current_committee_posts().filter(term__branch=branch).values_list("member_id", flat=True)
    ) | set(
        GroupLeadership.objects.current()
        .filter(group__branch=branch)
        .values_list("member_id", flat=True)
    )
    member = (
        Member.objects.on_roll()
        .filter(
            branch=branch,
            user__isnull=False,
            pk__in=GroupMembership.objects.current().filter(group=group).values("member"),
        )
        .exclude(pk__in=busy_ids)
        .order_by("pk")
        .first()
    )
    meeting = (
        Meeting.objects.filter(branch=branch, attendances__isnull=False)
        .distinct()
        .order_by("-held_on", "-pk")
        .first()
    )
    evaluation = (
        EvaluationRound.objects.filter(branch=branch, ballot_closed_on__isnull=False)
        .order_by("-year", "-pk")
        .first()
    )
    if member is None:
        # The district's generator gives accounts to secretaries and leaders only: the plain
        # member of the group gets one, as the secretary gives it (setup, not timed).
        from branchsite.audit import audited_save

        member = (
            Member.objects.on_roll()
            .filter(
                branch=branch,
                user__isnull=True,
                pk__in=GroupMembership.objects.current().filter(group=group).values("member"),
            )
            .exclude(pk__in=busy_ids)
            .order_by("pk")
            .first()
        )
        member.user = get_user_model().objects.create_user("bench-member", password=None)
        audited_save(member, acting_user=None)
    viewer = (
        UpperCommitteeViewer.objects.filter(upper_committee=district)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    user_model = get_user_model()
    admin = user_model.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = user_model.objects.create_superuser("bench-admin", password=None)
    return {
        "district": district,
        "branch": branch,
        "group": group,
        "meeting": meeting,
        "evaluation": evaluation,
        "member": member,
        "users": {
            "secretary": secretary,
            "leader": leadership.member.user,
            "member": member.user if member else None,
            "district viewer": viewer.user if viewer else None,
            "site admin": admin,
        },
    }


def page_plan(objects) -> list[tuple[str, str, str, str | None]]:
    """(page, role, url, the stock admin changelist to compare with or None)."""
    from django.urls import reverse

    branch, group, meeting = objects["branch"], objects["group"], objects["meeting"]
    district, evaluation, member = objects["district"], objects["evaluation"], objects["member"]
    b = [branch.pk]
    stock_meetings = reverse("bench-admin:activities_meeting_changelist")
    stock_members = reverse("bench-admin:members_member_changelist")
    plan = [
        ("home", "secretary", reverse("home"), None),
        ("home", "leader", reverse("home"), None),
        ("home", "member", reverse("home"), None),
        ("home", "district viewer", reverse("home"), None),
        ("home", "site admin", reverse("home"), None),
        ("branch overview", "secretary", reverse("overview:branch_detail", args=b), None),
        ("branch overview", "district viewer", reverse("overview:branch_detail", args=b), None),
        ("group page", "leader", reverse("overview:group_detail", args=[group.pk]), None),
        ("group page", "secretary", reverse("overview:group_detail", args=[group.pk]), None),
        ("member list", "secretary", reverse("members:member_list", args=b), stock_members),
        ("member list", "leader", reverse("members:member_list", args=b), stock_members),
        ("member page", "secretary", reverse("members:member_detail", args=[member.pk]), None),
        ("member page", "member", reverse("members:member_detail", args=[member.pk]), None),
        ("meeting list", "secretary", reverse("activities:meeting_list", args=b), stock_meetings),
        ("meeting list", "leader", reverse("activities:meeting_list", args=b), stock_meetings),
        ("meeting form", "secretary", reverse("activities:meeting_create", args=b), None),
        (
            "meeting form",
            "leader",
            reverse("activities:meeting_create", args=b) + f"?group={group.pk}",
            None,
        ),
        ("meeting page", "secretary", reverse("activities:meeting", args=[meeting.pk]), None),
        (
            "attendance (a meeting's)",
            "secretary",
            reverse("activities:meeting_attendance", args=[meeting.pk]),
            None,
        ),
        ("attendance rates", "secretary", reverse("activities:attendance_rates", args=b), None),
        ("compliance", "secretary", reverse("activities:compliance", args=b), None),
        ("dues", "secretary", reverse("dues:branch", args=b), None),
        ("dues", "leader", reverse("dues:branch", args=b), None),
    ]
    if evaluation is not None:
        plan += [
            (
                "evaluation round",
                "secretary",
                reverse("evaluation:round", args=[evaluation.pk]),
                None,
            ),
            (
                "evaluation results",
                "secretary",
                reverse(
                    "reports:evaluation_results", kwargs={"pk": evaluation.pk, "format": "html"}
                ),
                None,
            ),
        ]
    if district is not None:
        for name in ("overview", "compliance", "members", "recruitment", "dues", "evaluation"):
            plan.append(
                (
                    f"district {name}",
                    "district viewer",
                    reverse(f"district:{name}", args=[district.pk]),
                    None,
                )
            )
        plan.append(
            (
                "district summaries",
                "district viewer",
                reverse("district:summaries", args=[district.pk]),
                None,
            )
        )
    workbench = [
        ("workbench meetings", "activities_meeting_changelist", stock_meetings),
        ("workbench members", "members_member_changelist", stock_members),
        ("workbench group memberships", "groups_groupmembership_changelist", None),
        ("workbench activities", "activities_activity_changelist", None),
    ]
    for label, name, stock in workbench:
        url = reverse(f"admin:{name}")
        plan.append((f"{label} (all branches)", "site admin", url, stock))
        plan.append((f"{label} (own branch)", "secretary", url, stock))
    plan += [
        ("stock admin: meetings", "site admin", stock_meetings, None),
        ("stock admin: members", "site admin", stock_members, None),
    ]
    return plan


# ------------------------------------------------------------------ measuring


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed_get(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url, follow=True)
    return (time.perf_counter() - started) * 1000, response.status_code


def measure(options, objects) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    clients = {}
    for role, user in objects["users"].items():
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        clients[role] = client
    floor_url = reverse("bench-floor")
    floors: dict[str, list[float]] = {role: [] for role in clients}
    rows = []
    for page, role, url, stock in page_plan(objects):
        client = clients.get(role)
        if client is None:
            rows.append({"page": page, "role": role, "url": url, "error": "no such user"})
            continue
        for _ in range(2):
            timed_get(client, url)
            timed_get(client, floor_url)
        times = []
        status = None
        gc.collect()
        for _ in range(options.runs):
            elapsed, status = timed_get(client, url)
            times.append(elapsed)
            floors[role].append(timed_get(client, floor_url)[0])
        with CaptureQueriesContext(connection) as queries:
            client.get(url, follow=True)
        rows.append(
            {
                "page": page,
                "role": role,
                "url": url,
                "status": status,
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
                "queries": len(queries.captured_queries),
                "stock": stock,
            }
        )
    floor_queries = {}
    for role, client in clients.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(floor_url)
        floor_queries[role] = len(queries.captured_queries)
    every_floor = [value for values in floors.values() for value in values]
    measured = [row for row in rows if "median" in row and not row["page"].startswith("stock")]
    slowest = max(measured, key=lambda row: row["median"])
    return {
        "why": why_slow(clients[slowest["role"]], slowest),
        "rows": rows,
        "floor": {
            role: {
                "median": statistics.median(values),
                "p95": percentile(values, 0.95),
                "queries": floor_queries[role],
            }
            for role, values in floors.items()
            if values
        },
        "floor_all": statistics.median(every_floor),
    }


def why_slow(client, row) -> dict:
    """Where one request of the slowest page spends its time: SQL (the queries' own
    timings), the templates, and the project's functions under the view that take most."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    root = str(Path(__file__).resolve().parent.parent)
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profile.enable()
        client.get(row["url"], follow=True)
        profile.disable()
        total = time.perf_counter() - started
    stats = pstats.Stats(profile).stats
    rendering = max(
        (
            value[3]
            for (file, _line, name), value in stats.items()
            if file.endswith("django/template/backends/django.py") and name == "render"
        ),
        default=0.0,
    )
    wrappers = ("accounts.py", "submissions.py", "decorators.py", "admin_site.py")
    ours = sorted(
        (
            (value[3], f"{Path(file).relative_to(root)}:{name}")
            for (file, _line, name), value in stats.items()
            if file.startswith(root)
            and "/.venv/" not in file
            and not file.endswith(wrappers)
            and value[3] < 0.8 * total
        ),
        reverse=True,
    )
    seen, hottest = set(), []
    for seconds, name in ours:
        if name not in seen:
            seen.add(name)
            hottest.append((name, seconds / total))
        if len(hottest) == 5:
            break
    return {
        "page": row["page"],
        "role": row["role"],
        "sql_share": sum(float(q["time"]) for q in queries.captured_queries) / total,
        "template_share": rendering / total,
        "queries": len(queries.captured_queries),
        "hottest": hottest,
    }


def scale() -> dict:
    from activities.models import Attendance, Meeting
    from groups.models import Branch, UpperCommittee
    from members.models import Member

    return {
        "districts": UpperCommittee.objects.count(),
        "branches": Branch.objects.count(),
        "members": Member.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
    }


def worker(options) -> int:
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
    cleanup = django_on(options.worker)
    try:
        from django.conf import settings
        from django.utils import translation

        settings.ROOT_URLCONF = "benchmarks.urls"
        translation.activate(settings.LANGUAGE_CODE)
        loaded = load_data(options)
        objects = pick_objects()
        result = measure(options, objects)
        result["data"] = loaded
        result["scale"] = scale()
        result["picked"] = {
            "district": str(objects["district"]),
            "branch": f"{objects['branch']} ({objects['branch'].members.on_roll().count()} "
            "members on the roll)",
            "group": str(objects["group"]),
            "meeting": f"{objects['meeting'].held_on} {objects['meeting'].get_kind_display()}",
        }
        Path(options.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    finally:
        cleanup()
    return 0


# ------------------------------------------------------------------ the report


def flag(row, floor_ms: float) -> str:
    marks = []
    if row["median"] > FLOOR_RATIO * floor_ms:
        marks.append(f">{FLOOR_RATIO:.0f}× floor")
    if row["median"] > TARGET_MS:
        marks.append(f">{TARGET_MS:.0f} ms")
    if row.get("status") != 200:
        marks.append(f"HTTP {row.get('status')}")
    return ", ".join(marks) or "ok"


def markdown(results: dict, options, load: str, seconds: float) -> str:
    lines = []
    first = next(iter(results.values()))
    scale_row = first["scale"]
    lines.append(f"Data: {first['data']}.")
    lines.append(
        f"Scale: {scale_row['districts']} upper committees, {scale_row['branches']} branches, "
        f"{scale_row['members']} members, {scale_row['meetings']} meetings, "
        f"{scale_row['attendance']} attendance rows."
    )
    picked = first["picked"]
    lines.append(
        f"Picked: district {picked['district']}; branch {picked['branch']}; group "
        f"{picked['group']}; meeting {picked['meeting']}."
    )
    lines.append(
        f"{options.runs} timed requests per page after 2 warm-ups, each followed by a request "
        "of the floor. Machine load before and after (`uptime`): "
        f"{load}. Whole run {seconds:.0f} s."
    )
    if scale_row["branches"] < 200:
        lines.append(
            f"The district's scale is 200 branches; `make bench` generates "
            f"{scale_row['branches']} (generate_district takes about 3.5 s of CPU per branch "
            "with five years, twice: once per database), `--branches 200` runs the full "
            "scale. A branch's own pages read that branch alone; the district pages and the "
            "workbench over all branches grow with the number of branches."
        )
    lines.append("")
    lines.append(
        "Floor = an empty page through the base template, middleware and login "
        "(`bench-floor` in benchmarks/urls.py), per role, median of all its requests. "
        "Stock = Django's stock admin changelist of the same model (`bench-admin:`), "
        "as the site administrator. Flags: median over "
        f"{FLOOR_RATIO:.0f}× the floor or over {TARGET_MS:.0f} ms."
    )
    lines.append("")
    databases = list(results)
    header = "| page | role |"
    rule = "|---|---|"
    for name in databases:
        header += f" {name} median ms | p95 | queries | × floor | × stock | flag |"
        rule += "---:|---:|---:|---:|---:|---|"
    lines += [
        "**Floor**",
        "",
        "| role | " + " | ".join(f"{name} median ms | p95 | queries" for name in databases) + " |",
        "|---|" + "---:|---:|---:|" * len(databases),
    ]
    for role in first["floor"]:
        cells = []
        for name in databases:
            floor = results[name]["floor"].get(role)
            cells.append(
                f"{floor['median']:.1f} | {floor['p95']:.1f} | {floor['queries']}"
                if floor
                else "– | – | –"
            )
        lines.append(f"| {role} | " + " | ".join(cells) + " |")
    lines += ["", "**Pages**", "", header, rule]
    stock_medians = {
        name: {
            row["url"]: row["median"]
            for row in results[name]["rows"]
            if row["page"].startswith("stock admin") and "median" in row
        }
        for name in databases
    }
    worst = {}
    for index, row in enumerate(first["rows"]):
        cells = f"| {row['page']} | {row['role']} |"
        for name in databases:
            other = results[name]["rows"][index]
            if "median" not in other:
                cells += f" {other.get('error', '–')} | | | | | |"
                continue
            floor_ms = results[name]["floor"][other["role"]]["median"]
            stock = stock_medians[name].get(other["stock"]) if other["stock"] else None
            versus_stock = f"{other['median'] / stock:.1f}" if stock else "–"
            cells += (
                f" {other['median']:.1f} | {other['p95']:.1f} | {other['queries']} | "
                f"{other['median'] / floor_ms:.1f} | {versus_stock} |"
            )
            cells += f" {flag(other, floor_ms)} |"
            if not other["page"].startswith("stock admin"):
                best = worst.get(name)
                if best is None or other["median"] > best["median"]:
                    worst[name] = other
        lines.append(cells)
    lines.append("")
    for name in databases:
        flagged = [
            f"{row['page']} ({row['role']})"
            for row in results[name]["rows"]
            if "median" in row
            and not row["page"].startswith("stock admin")
            and flag(row, results[name]["floor"][row["role"]]["median"]) != "ok"
        ]
        slowest = worst.get(name)
        lines.append(
            f"- {name}: {len(flagged)} flagged"
            + (f": {', '.join(flagged)}" if flagged else "")
            + (
                f". Slowest: {slowest['page']} ({slowest['role']}), "
                f"{slowest['median']:.1f} ms, {slowest['queries']} queries."
                if slowest
                else "."
            )
        )
    lines += ["", "**Closing note: the slowest page and why** (one profiled request, cProfile)", ""]
    for name in databases:
        why = results[name]["why"]
        hottest = "; ".join(f"`{function}` {share:.0%}" for function, share in why["hottest"])
        lines.append(
            f"- {name}: {why['page']} ({why['role']}): {why['sql_share']:.1%} of the request "
            f"in SQL ({why['queries']} queries), {why['template_share']:.0%} rendering "
            f"templates; the project's functions that take most (share of the request, "
            f"nested): {hottest}."
        )
    return "\n".join(lines)


def uptime() -> str:
    return (
        subprocess.run(["uptime"], capture_output=True, text=True, check=False)
        .stdout.split("load average:")[-1]
        .strip()
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small district, fewer runs")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--branches", type=int, default=None)
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print, leave the page as is")
    options = parser.parse_args(argv)
    options.runs = options.runs or (5 if options.quick else 15)
    options.branches = options.branches or (3 if options.quick else 10)
    options.years = options.years or (2 if options.quick else 5)
    if options.worker:
        return worker(options)

    started = time.perf_counter()
    load_before = uptime()
    results = {}
    with tempfile.TemporaryDirectory(prefix="branchsite-pages-") as folder:
        for database in options.databases.split(","):
            out = Path(folder) / f"{database}.json"
            command = [
                sys.executable,
                "-m",
                "benchmarks.pages",
                "--worker",
                database,
                "--out",
                str(out),
                "--runs",
                str(options.runs),
                "--branches",
                str(options.branches),
                "--years",
                str(options.years),
                "--seed",
                str(options.seed),
            ]
            print(f"pages on {database} …", flush=True)
            subprocess.run(command, check=True)
            name = "SQLite" if database == "sqlite" else "PostgreSQL"
            results[name] = json.loads(out.read_text(encoding="utf-8"))
    load = f"{load_before} → {uptime()}"
    text = markdown(results, options, load, time.perf_counter() - started)
    print(text)
    if not options.no_write:
        command = "make bench  (or: python -m benchmarks.pages" + (
            " --quick)" if options.quick else ")"
        )
        report.write("pages", "页面 / Pages per role, SQLite and PostgreSQL", command, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
