"""The site under load: gunicorn on PostgreSQL, driven by wrk over loopback.

    DEBUG=1 DJANGO_SETTINGS_MODULE=branchsite.settings .venv/bin/python -m benchmarks.load
    (or: make bench)   options: --duration 20 --connections 8 --only NAME,NAME --keep

What it does:

1. creates a throwaway PostgreSQL database (`branchsite_loadbench` on LOAD_PG_SERVER,
   default postgres://postgres@127.0.0.1:5432; dropped at the end), migrates it and loads
   the demo school (`seed_demo`, with a password of the benchmark's own, so no account is
   sent to the "change the demo password" page), plus login accounts for three members who
   have not yet voted in the open 民主评议 round;
2. collects the static files into a temporary folder, as a deployment does;
3. for each configuration (below), starts gunicorn with deploy/gunicorn.conf.py and a
   production environment (DEBUG off, SECRET_KEY, ALLOWED_HOSTS; no HTTPS redirect on
   loopback), signs every connection's person in through the login form (a session each),
   fetches the pages whose forms it will send and checks that every page of the mix answers
   200 to that person (not a login redirect, not a 403);
4. drives it with wrk (benchmarks/load.lua) for --duration seconds: one connection per
   person, each walking its own list round and round:
   - group leaders (4 connections, one per group): their group page, the new-meeting form,
     a recent meeting of their group, its attendance form, and POST that attendance (saved
     through the service, with its history row; answered with a redirect);
   - members (2): their home page (/me/), the open round's ballot, and POST the ballot to
     its confirmation page (the vote is cast once per member for real, so the loop stops at
     the step before; the cast itself is covered by benchmarks.evaluation);
   - the secretary (2): branch overview, member list, compliance grid, dues page;
   - the district viewer (1): the district overview and compliance pages (/districts/, the
     pages a read replica would serve) of a generated district of --district N branches
     (default 20: `manage.py generate_district`, one school year; 0: the demo school's own).
   Reported per configuration: requests/s, latency p50 / p95 / p99 (wrk's, over all
   requests), non-2xx/3xx responses, socket errors and timeouts, and the statuses per page.

Configurations (each names what changes from the first); the default run is the first four:

- `baseline`  as on main: deploy/gunicorn.conf.py (3 sync workers), sessions in the
              database, Django's local-memory cache, no connection health checks.
- `redis`     REDIS_URL set: cache in Redis, sessions `cached_db` (branchsite/settings.py);
              connection health checks on (the new default).
- `workers-N` as `redis` with GUNICORN_WORKERS=N (2 and 5).
- `replica`   as `redis` with DATABASE_REPLICA_URL, when LOAD_REPLICA_SERVER names a
              streaming replica of LOAD_PG_SERVER (docs/scaling.md: how one was made).
- tried with --only: `health-checks`, `preload` (gunicorn --preload), `gthread` (4 threads a
  worker), `no-reuse` (DATABASE_CONN_MAX_AGE=0).

Besides wrk's figures, the CPU time the gunicorn workers and this database's PostgreSQL
backends used per request (from /proc): on a machine shared with other work the latencies
swing with the neighbours' load, the CPU per request much less.

The people sign in once, at the first configuration, and keep their sessions (in the
database) for the others; each configuration checks their pages again first.

The machine is shared and has 2 cores, and wrk runs on it too: compare configurations of
the same run, and read `uptime` printed at the start and the end.
"""

import argparse
import contextlib
import html.parser
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_SERVER = os.environ.get("LOAD_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "branchsite_loadbench"
DATABASE_URL = f"{PG_SERVER.rstrip('/')}/{DB_NAME}"
# A Redis database of its own, emptied at the start and the end.
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12")
PASSWORD = "Load-bench-7f3k-9wq"
SECRET_KEY = "load-benchmark-secret-key-" + "x" * 40
NEW_MEMBER_ACCOUNTS = 3


# ---------------------------------------------------------------- the database


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER.rstrip('/')}/postgres", autocommit=True)


def database_create():
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def database_drop():
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def redis_reachable() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_flush():
    try:
        import redis
    except ImportError:
        return
    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()


@dataclass
class Data:
    branch: int
    groups: dict = field(default_factory=dict)  # leader username -> (group pk, meeting pk)
    members: list = field(default_factory=list)  # member usernames who can vote
    round: int = 0
    district: int | None = None
    secretary: str = "shuji"
    viewer: str = "shangji"


def load_data(district_branches: int = 0) -> Data:
    """Migrate and seed the load database in this process (Django set up on it). With
    `district_branches`, also a generated district of that many branches (one school year,
    seed 1: `manage.py generate_district`), whose first viewer is the district persona."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchsite.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings.DEBUG = False
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", password=PASSWORD, force=True, verbosity=0)
    print(f"database: migrated and seeded the demo school in {time.perf_counter() - started:.0f} s")
    if district_branches:
        started = time.perf_counter()
        call_command(
            "generate_district",
            branches=district_branches,
            years=1,
            seed=1,
            password=PASSWORD,
            force=True,
            verbosity=0,
        )
        print(
            f"database: generated a district of {district_branches} branches in "
            f"{time.perf_counter() - started:.0f} s"
        )

    from activities.models import Meeting, MeetingType
    from groups.access import roles_for
    from groups.models import Branch, GroupLeadership
    from members.models import BallotCast, EvaluationRound, Member, RoundState
    from members.services import member_account_create

    branch = Branch.objects.get(code="fjyfx")
    data = Data(branch=branch.pk)
    for leadership in (
        GroupLeadership.objects.current()
        .filter(group__branch=branch, member__user__isnull=False)
        .select_related("member__user", "group")
        .order_by("group__sort_order")
    ):
        meeting = (
            Meeting.objects.filter(group=leadership.group, kind=MeetingType.GROUP)
            .filter(attendances__isnull=False)
            .order_by("-held_on")
            .first()
        )
        data.groups[leadership.member.user.username] = (leadership.group.pk, meeting.pk)

    current = EvaluationRound.objects.get(branch=branch, state=RoundState.OPEN)
    data.round = current.pk
    secretary = branch.members.get(user__username=data.secretary).user
    voted = set(BallotCast.objects.filter(round=current).values_list("voter_id", flat=True))
    candidates = (
        Member.objects.filter(branch=branch)
        .on_roll()
        .filter(user__isnull=True)
        .exclude(pk__in=voted)
        .exclude(pk__in=[m.pk for m in Member.objects.filter(user__isnull=False)])
        .order_by("pk")
    )
    existing = list(
        Member.objects.filter(user__username__startswith="load").values_list(
            "user__username", flat=True
        )
    )
    data.members.extend(sorted(existing))
    for n, member in enumerate(candidates[: NEW_MEMBER_ACCOUNTS - len(existing)], start=1):
        member_account_create(
            member=member, username=f"load{n}", password=PASSWORD, acting_user=secretary
        )
        data.members.append(f"load{n}")
    zhangli = Member.objects.get(user__username="zhangli")
    if zhangli.pk not in voted:
        data.members.insert(0, "zhangli")
    if district_branches:
        from demo.district import district_accounts

        data.viewer = district_accounts(seed=1, branches=district_branches)["viewers"][0]
    viewer = type(secretary).objects.get(username=data.viewer)
    districts = roles_for(viewer).district_ids
    data.district = min(districts) if districts else None
    connections.close_all()
    return data


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(static_root: str, extra: dict) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "REDIS_URL", "DATABASE_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        STATIC_ROOT=static_root,
        DJANGO_SETTINGS_MODULE="branchsite.settings",
        LOG_LEVEL="WARNING",
    )
    env.pop("HTTPS", None)
    env.update(extra)
    return env


def collectstatic(static_root: str):
    subprocess.run(
        [PY, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=production_env(static_root, {}),
        check=True,
        cwd=ROOT,
    )


class Gunicorn:
    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- people


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormFields(html.parser.HTMLParser):
    """The fields of the post forms of a page, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.forms[-1].append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.forms[-1].append((name, chosen if chosen is not None else (first or "")))
            self._select = None


def form_body(page: str, must_have: str, overrides: dict | None = None) -> str:
    """The urlencoded body of the page's post form that has a field starting with
    `must_have`, without its CSRF and one-time tokens (load.lua adds fresh ones)."""
    parser = FormFields()
    parser.feed(page)
    for fields in parser.forms:
        if any(name.startswith(must_have) for name, _ in fields):
            pairs = [
                (name, (overrides or {}).get(name, value))
                for name, value in fields
                if name not in ("csrfmiddlewaretoken", "submission")
            ]
            return urllib.parse.urlencode(pairs)
    raise SystemExit(f"no post form with a field {must_have!r} on the page")


class Person:
    def __init__(self, base: str, username: str):
        self.base = base
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as answer:
                return answer.status, answer.read().decode(), ""
        except urllib.error.HTTPError as error:
            return (
                error.code,
                error.read().decode(errors="replace"),
                error.headers.get("Location", ""),
            )

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def sign_in(self):
        _status, page, _ = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/",
            data=body,
            headers={"Origin": self.base, "Referer": self.base + "/accounts/login/"},
        )
        try:
            self.opener.open(request, timeout=30)
            raise SystemExit(f"{self.username}: the login form did not redirect")
        except urllib.error.HTTPError as error:
            if error.code != 302 or "/accounts/login/" in error.headers.get("Location", ""):
                raise SystemExit(f"{self.username}: sign-in failed ({error.code})") from None
        if not self.cookie("sessionid"):
            raise SystemExit(f"{self.username}: no session after signing in")

    def page_ok(self, path: str) -> str:
        status, page, location = self.get(path)
        if status != 200:
            raise SystemExit(f"{self.username}: {path} answered {status} {location}")
        return page


def plans(base: str, data: Data, connections: int) -> list[dict]:
    """One signed-in person per connection, each with the list of requests they repeat."""
    b = data.branch
    people = []  # (username, steps)
    for username, (group, meeting) in data.groups.items():
        people.append(
            (
                username,
                [
                    ("group", "GET", f"/groups/{group}/"),
                    ("meeting_new", "GET", f"/activities/branches/{b}/meetings/new/?group={group}"),
                    ("meeting", "GET", f"/activities/meetings/{meeting}/"),
                    ("attendance", "GET", f"/activities/meetings/{meeting}/attendance/"),
                    ("attendance_post", "POST", f"/activities/meetings/{meeting}/attendance/"),
                ],
            )
        )
    secretary = [
        ("overview", "GET", f"/branches/{b}/"),
        ("member_list", "GET", f"/members/branch/{b}/"),
        ("compliance", "GET", f"/activities/branches/{b}/compliance/"),
        ("dues", "GET", f"/dues/branches/{b}/"),
    ]
    member = [
        ("me", "GET", "/me/"),
        ("ballot", "GET", f"/evaluation/rounds/{data.round}/ballot/"),
        ("ballot_post", "POST", f"/evaluation/rounds/{data.round}/ballot/"),
    ]
    mix = [*people[:4]]
    mix += [(data.members[0], member), (data.secretary, secretary)]
    if len(data.members) > 1:
        mix.append((data.members[1], member))
    mix.append((data.secretary, secretary))
    if data.district:
        mix.append(
            (
                data.viewer,
                [
                    ("district", "GET", f"/districts/{data.district}/"),
                    ("district_compliance", "GET", f"/districts/{data.district}/compliance/"),
                ],
            )
        )
    result = []
    for n in range(connections):
        username, steps = mix[n % len(mix)]
        person = Person(base, username)
        person.sign_in()
        out = []
        for label, method, path in steps:
            if method == "GET":
                person.page_ok(path)
                out.append((label, method, path, ""))
                continue
            page = person.page_ok(path)
            if label == "attendance_post":
                body = form_body(page, "presence_")
            else:  # the ballot: every member given the form's first grade, to the confirmation
                first = {}
                for name, value in re.findall(r'name="(grade_\d+)"[^>]*value="([^"]*)"', page):
                    first.setdefault(name, value)
                body = urllib.parse.urlencode(list(first.items()))
            out.append((label, method, path, body))
        result.append(
            {
                "username": username,
                "cookie": f"sessionid={person.cookie('sessionid')}; "
                f"csrftoken={person.cookie('csrftoken')}",
                "csrf": person.cookie("csrftoken"),
                "origin": base,
                "steps": out,
            }
        )
    return result


def check_pages(base: str, people: list[dict]):
    """Each person's pages answer 200 with their session, not a login redirect or a 403."""
    for person in people:
        opener = urllib.request.build_opener(_NoRedirect())
        opener.addheaders = [("Cookie", person["cookie"])]
        for _label, method, path, _body in person["steps"]:
            if method != "GET":
                continue
            try:
                with opener.open(base + path, timeout=30) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status != 200:
                raise SystemExit(f"{person['username']}: {path} answered {status}")


def lua_literal(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid Lua string here (ASCII, escapes)
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua_literal(v)}" for k, v in value.items()) + "}"
    return str(value)


# ---------------------------------------------------------------- running


@dataclass
class Result:
    name: str
    what: str
    rps: float
    p50: float
    p95: float
    p99: float
    bad: int
    socket_errors: int
    counts: dict
    note: str = ""
    worker_cpu_ms: float = 0.0  # gunicorn workers' CPU time per request
    database_cpu_ms: float = 0.0  # PostgreSQL's backends' for this database, per request


def run_wrk(base: str, people: list[dict], duration: int, folder: Path) -> dict:
    script = (ROOT / "benchmarks/load.lua").read_text()
    script = script.replace("PLANS = nil -- @@PLANS@@", "PLANS = " + lua_literal(people))
    path = folder / "load.lua"
    path.write_text(script)
    n = len(people)
    out = subprocess.run(
        ["wrk", f"-t{n}", f"-c{n}", f"-d{duration}s", "--timeout", "10s", "-s", str(path), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADJSON "))
    return json.loads(line.removeprefix("LOADJSON "))


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU time of each process still there, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def database_backends() -> list[int]:
    with _admin_connection() as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
            )
        ]


def replica_transactions(url: str) -> int:
    """Transactions the replica has run on the load database (each autocommit statement is
    one): that the district pages' reads reached it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [DB_NAME],
        ).fetchone()[0]


def cpu_used(before: dict, after: dict) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def measure(name, what, extra_env, data, static_root, args, folder, signed_in: list) -> Result:
    """One configuration's run. The people sign in at the first run (the password hashing
    of a sign-in is slow on purpose) and keep their sessions, which are in the database,
    for the next ones; every run checks their pages again."""
    env = production_env(static_root, extra_env)
    server = Gunicorn(env, folder / f"gunicorn-{name}.log")
    try:
        if not signed_in:
            signed_in.extend(plans(server.base, data, args.connections))
        people = [{**person, "origin": server.base} for person in signed_in]
        check_pages(server.base, people)
        profile = None
        if args.profile == name:
            profile = profiler(server, folder / f"profile-{name}.txt", args.duration)
        replica = extra_env.get("DATABASE_REPLICA_URL")
        replica_before = replica_transactions(replica) if replica else 0
        workers, backends = server.worker_pids(), database_backends()
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        raw = run_wrk(server.base, people, args.duration, folder)
        # Backends opened during the run count from zero; those closed in it are lost
        # (DATABASE_CONN_MAX_AGE=0 closes one per request: its figure is a floor).
        workers = set(workers) | set(server.worker_pids())
        backends = set(backends) | set(database_backends())
        cpu_after = cpu_seconds(workers), cpu_seconds(backends)
        note = ""
        if replica:
            served = replica_transactions(replica) - replica_before
            note = f"{name}: the replica ran {served} transactions (statements) in the run"
            print(note)
        if profile:
            profile.wait()
    finally:
        server.stop()
    seconds = raw["duration_us"] / 1e6
    statuses = {}
    bad = 0
    for key, n in raw["counts"].items():
        label, status = key.rsplit(" ", 1)
        statuses.setdefault(label, {})[int(status)] = n
        if not 200 <= int(status) < 400:  # 999: sent to the login page (load.lua)
            bad += n
    result = Result(
        name,
        what,
        raw["requests"] / seconds,
        raw["p50_us"] / 1000,
        raw["p95_us"] / 1000,
        raw["p99_us"] / 1000,
        bad,
        raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        statuses,
        note,
        1000 * cpu_used(cpu_before[0], cpu_after[0]) / max(raw["requests"], 1),
        1000 * cpu_used(cpu_before[1], cpu_after[1]) / max(raw["requests"], 1),
    )
    print(
        f"{name:<15} {result.rps:6.1f} req/s  p50 {result.p50:6.1f} ms  p95 {result.p95:6.1f} ms"
        f"  p99 {result.p99:6.1f} ms  non-2xx/3xx {bad}  socket errors {result.socket_errors}"
        f"  CPU/request: workers {result.worker_cpu_ms:.1f} ms,"
        f" PostgreSQL {result.database_cpu_ms:.1f} ms"
    )
    return result


def profiler(server: Gunicorn, out: Path, duration: int):
    """py-spy on the first worker for the run (PY_SPY names the binary; none, no profile)."""
    binary = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not binary:
        print("profile: py-spy not found (set PY_SPY); no profile")
        return None
    pid = server.worker_pids()[0]
    return subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(duration),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


CONFIGURATIONS = {
    "baseline": (
        "as on main: 3 sync workers, sessions in the database, no connection health checks",
        {"DATABASE_HEALTH_CHECKS": "0"},
    ),
    "redis": (
        "REDIS_URL: cache in Redis, sessions cached_db (and health checks, the new default)",
        {"REDIS_URL": REDIS_URL},
    ),
    "workers-2": (
        "as redis, GUNICORN_WORKERS=2",
        {"REDIS_URL": REDIS_URL, "GUNICORN_WORKERS": "2"},
    ),
    "workers-5": (
        "as redis, GUNICORN_WORKERS=5",
        {"REDIS_URL": REDIS_URL, "GUNICORN_WORKERS": "5"},
    ),
    # Tried, not in the default run (--only NAME):
    "preload": (
        "as redis, gunicorn --preload",
        {"REDIS_URL": REDIS_URL, "GUNICORN_CMD_ARGS": "--preload"},
    ),
    "gthread": (
        "as redis, gthread workers: 3 × 4 threads",
        {"REDIS_URL": REDIS_URL, "GUNICORN_CMD_ARGS": "--threads 4"},
    ),
    "health-checks": (
        "as baseline with DATABASE_HEALTH_CHECKS=1 (the new default)",
        {},
    ),
    "no-reuse": (
        "as redis, DATABASE_CONN_MAX_AGE=0 (a new connection per request)",
        {"REDIS_URL": REDIS_URL, "DATABASE_CONN_MAX_AGE": "0"},
    ),
}
DEFAULT_RUN = ["baseline", "redis", "workers-2", "workers-5"]
# A streaming replica of LOAD_PG_SERVER (docs/scaling.md says how one was made here).
if replica_server := os.environ.get("LOAD_REPLICA_SERVER"):
    CONFIGURATIONS["replica"] = (
        "as redis, DATABASE_REPLICA_URL: district pages read from the streaming replica",
        {
            "REDIS_URL": REDIS_URL,
            "DATABASE_REPLICA_URL": f"{replica_server.rstrip('/')}/{DB_NAME}",
        },
    )
    DEFAULT_RUN.append("replica")


def uptime() -> str:
    return subprocess.run(
        ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
    ).stdout.strip()


def markdown(results: list[Result], args, before: str, after: str, connections: int) -> str:
    lines = [
        "gunicorn (deploy/gunicorn.conf.py) on PostgreSQL with the demo school"
        + (f" and a generated district of {args.district} branches" if args.district else "")
        + f", driven by wrk "
        f"over loopback for {args.duration} s per configuration: {connections} connections, "
        "each a signed-in person repeating their pages (leaders: group page, new-meeting form, "
        "a meeting, its attendance form, POST attendance; members: home, ballot, POST ballot "
        "to its confirmation; the secretary: overview, member list, compliance, dues"
        + "; the district viewer: district overview and compliance"
        + "). Everything runs on the same machine, wrk included.",
        "",
        f"PostgreSQL: `{PG_SERVER}`"
        + (
            f", streaming replica `{os.environ['LOAD_REPLICA_SERVER']}`"
            if "replica" in CONFIGURATIONS
            else ""
        )
        + ".",
        "",
        f"Load before: `{before}`  ",
        f"Load after: `{after}`",
        "",
        "| configuration | what | requests/s | p50 ms | p95 ms | p99 ms | non-2xx/3xx "
        "| socket errors | worker CPU ms/request | PostgreSQL CPU ms/request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.what} | {r.rps:.1f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.bad} | {r.socket_errors} | {r.worker_cpu_ms:.1f} | {r.database_cpu_ms:.1f} |"
        )
    notes = [r.note for r in results if r.note]
    lines += [""] + [f"{note}." for note in notes] if notes else []
    lines += [
        "",
        "Statuses per page (all configurations; 999 would be a redirect to the login page):",
        "",
        "| page | statuses |",
        "|---|---|",
    ]
    merged: dict = {}
    for r in results:
        for label, statuses in r.counts.items():
            for status, n in statuses.items():
                merged.setdefault(label, {}).setdefault(status, 0)
                merged[label][status] += n
    for label in sorted(merged):
        text = ", ".join(f"{s}: {n}" for s, n in sorted(merged[label].items()))
        lines.append(f"| {label} | {text} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=9)
    parser.add_argument("--only", default="", help="comma-separated configuration names")
    parser.add_argument("--profile", default="", help="py-spy a worker of this configuration")
    parser.add_argument(
        "--district",
        type=int,
        default=20,
        help="also generate a district of N branches (default 20; 0: the demo school's alone);"
        " its viewer reads the district pages",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--no-report", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (scripts/system-packages.sh)")
    names = [n for n in args.only.split(",") if n] or DEFAULT_RUN
    if not redis_reachable():
        skipped = [n for n in names if "REDIS_URL" in CONFIGURATIONS[n][1]]
        names = [n for n in names if n not in skipped]
        print(f"load: Redis is not reachable at {REDIS_URL}; skipped {', '.join(skipped)}")
    before = uptime()
    print(f"load: {before}")
    if not args.reuse:
        database_create()
    redis_flush()
    try:
        data = load_data(args.district)
        with tempfile.TemporaryDirectory(prefix="branchsite-load-") as folder:
            static_root = str(Path(folder) / "static")
            collectstatic(static_root)
            results, signed_in = [], []
            for name in names:
                what, extra = CONFIGURATIONS[name]
                redis_flush()
                results.append(
                    measure(name, what, extra, data, static_root, args, Path(folder), signed_in)
                )
                if args.profile == name and (Path(folder) / f"profile-{name}.txt").exists():
                    shutil.copy(Path(folder) / f"profile-{name}.txt", f"/tmp/profile-{name}.txt")
                    print(f"profile: /tmp/profile-{name}.txt")
    finally:
        redis_flush()
        if not args.keep:
            database_drop()
    after = uptime()
    print(f"load: {after}")
    if not args.no_report:
        report.write(
            "load",
            "负载 / Load: gunicorn on PostgreSQL under wrk",
            "make bench  (or: python -m benchmarks.load)",
            markdown(results, args, before, after, args.connections),
        )
    return results


if __name__ == "__main__":
    main()
