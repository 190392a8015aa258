"""Settings read from the environment (branchsite/settings.py, branchsite/env.py).

Settings are evaluated once per process, so each environment is tried in a fresh Python
process. The processes start together, once per module, and the tests read their results.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.settings_processes import PROJECT, run_in_processes, settings_of

# Prints the settings the tests look at, as JSON, after a full django.setup().
SCRIPT = """
import json
import django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "HOST": db.get("HOST"),
    "PORT": db.get("PORT"),
    "USER": db.get("USER"),
    "TIME_ZONE": settings.TIME_ZONE,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECRET_KEY": settings.SECRET_KEY,
    "ROSTER_IMPORT_MAX_BYTES": settings.ROSTER_IMPORT_MAX_BYTES,
    "MEETING_ATTACHMENT_MAX_BYTES": settings.MEETING_ATTACHMENT_MAX_BYTES,
    "RECRUITMENT_DOCUMENT_MAX_BYTES": settings.RECRUITMENT_DOCUMENT_MAX_BYTES,
}))
"""

# Variables the settings read; each scenario starts without them.
READ = ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "TIME_ZONE", "MEDIA_ROOT"]

SCENARIOS = {
    "production without key": {"DEBUG": "0"},
    "debug mistyped": {"DEBUG": "maybe", "SECRET_KEY": "x" * 50},
    "production": {"DEBUG": "0", "SECRET_KEY": "a-real-secret-key-for-the-test"},
    "postgres": {"DEBUG": "1", "DATABASE_URL": "postgres://u@h:5432/n"},
    "upload limits": {
        "DEBUG": "1",
        "ROSTER_IMPORT_MAX_BYTES": "1000",
        "MEETING_ATTACHMENT_MAX_BYTES": "2000",
        "RECRUITMENT_DOCUMENT_MAX_BYTES": "3000",
    },
}


def environment(changes: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in READ}
    env["DJANGO_SETTINGS_MODULE"] = "branchsite.settings"
    env.update(changes)
    return env


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    return run_in_processes(
        SCRIPT, {name: environment(changes) for name, changes in SCENARIOS.items()}
    )


def last_line(run: subprocess.CompletedProcess) -> str:
    return run.stderr.strip().splitlines()[-1]


def test_it_refuses_to_start_with_debug_off_and_no_secret_key(runs):
    run = runs["production without key"]
    assert run.returncode != 0
    error = last_line(run)
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "SECRET_KEY" in error


def test_it_refuses_a_debug_value_that_is_not_a_boolean(runs):
    run = runs["debug mistyped"]
    assert run.returncode != 0
    error = last_line(run)
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "DEBUG='maybe'" in error


def test_it_starts_with_debug_off_and_a_secret_key(runs):
    values = settings_of(runs["production"])
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "a-real-secret-key-for-the-test"
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_it_uses_the_project_sqlite_database_by_default(runs):
    values = settings_of(runs["production"])
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(values["NAME"]) == PROJECT / "db.sqlite3"


def test_it_uses_postgresql_from_database_url(runs):
    values = settings_of(runs["postgres"])
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert (values["NAME"], values["HOST"], values["PORT"], values["USER"]) == ("n", "h", 5432, "u")


def test_it_defaults_to_shanghai_time_and_simplified_chinese(runs):
    values = settings_of(runs["production"])
    assert values["TIME_ZONE"] == "Asia/Shanghai"
    assert values["LANGUAGE_CODE"] == "zh-hans"


def test_it_accepts_any_host_and_a_development_key_with_debug_on(runs):
    values = settings_of(runs["postgres"])
    assert values["DEBUG"] is True
    assert "*" in values["ALLOWED_HOSTS"]
    assert values["SECRET_KEY"].startswith("django-insecure-")


def test_the_three_upload_limits_come_from_the_environment(runs):
    values = settings_of(runs["upload limits"])
    assert (
        values["ROSTER_IMPORT_MAX_BYTES"],
        values["MEETING_ATTACHMENT_MAX_BYTES"],
        values["RECRUITMENT_DOCUMENT_MAX_BYTES"],
    ) == (1000, 2000, 3000)
    defaults = settings_of(runs["postgres"])
    assert defaults["RECRUITMENT_DOCUMENT_MAX_BYTES"] == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set when DEBUG is off."),
        ({"DEBUG": "maybe"}, "Environment variable DEBUG='maybe' is not a boolean"),
    ],
)
def test_a_command_with_a_bad_environment_prints_the_sentence_alone(changes, sentence):
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment(changes),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.startswith(sentence)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr
