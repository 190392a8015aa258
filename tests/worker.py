"""The background worker in the tests: django-tasks' own `manage.py db_worker`, taking the
jobs from the real queue table of the test database, never an immediate backend.

`worker.run()` runs every queued task and returns when the queue is empty (`--batch`). On
PostgreSQL it is a separate process on the test database, as in production. SQLite's test
database lives in this process's memory, where no other process can open it, so there the
same command runs in this process; `worker.run_here()` always does (for job kinds a test
registers, which another process does not know). Tests that use it are transactional: the
worker commits as it goes, and reads what the web request committed."""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connection

from tests.settings_processes import PROJECT

WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"]


class Worker:
    def __init__(self, media_root):
        self.media_root = str(media_root)
        self.media_root_path = Path(media_root)

    def run(self) -> str:
        if connection.vendor == "postgresql":
            return self._run_in_a_process()
        return self.run_here()

    def run_here(self) -> str:
        # The command sets its own handlers for Ctrl-C and SIGTERM; pytest keeps its own.
        saved = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
        output = io.StringIO()
        try:
            call_command(*WORKER, verbosity=1, stdout=output)
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
        return output.getvalue()

    def _run_in_a_process(self) -> str:
        settings = connection.settings_dict
        url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
            user=quote(settings["USER"] or "", safe=""),
            password=quote(settings["PASSWORD"] or "", safe=""),
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            name=settings["NAME"],  # the test database
        )
        environment = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": url,
            "MEDIA_ROOT": self.media_root,
            "TASKS_BACKEND": "database",
        }
        run = subprocess.run(
            [sys.executable, "manage.py", *WORKER],
            cwd=PROJECT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout + run.stderr


WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
