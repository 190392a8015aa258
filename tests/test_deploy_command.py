"""`manage.py deploy_check` (branchsite/management/commands/deploy_check.py) under a production
environment, in processes of their own since settings are read once per process: it passes on
a prepared configuration and fails, naming the check, on one where collectstatic was not run.

The prepared configuration reuses what the test session already has: its migrated database
(SQLite's in-memory one copied to a file; PostgreSQL's test database by name) and a real
collectstatic with Django's manifest storage, which writes the manifest WhiteNoise's storage
writes, without compressing every file (a minute on a busy 2-core machine)."""

import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

PROJECT = Path(__file__).resolve().parent.parent
PASSED, FAILED = "通过", "失败"
# The test database is set up only for a session with a test that asks for it.
pytestmark = pytest.mark.django_db


def database_url(folder: Path) -> str:
    """A URL another process can open for the session's migrated test database."""
    if connection.vendor == "sqlite":
        copy = folder / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def collected_static(folder: Path) -> Path:
    storage = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    with override_settings(STATIC_ROOT=folder, STORAGES={"default": {}, "staticfiles": storage}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return folder


def production_environment(folder: Path, database: str) -> dict[str, str]:
    (folder / "media").mkdir(exist_ok=True)  # made at installation (docs/deploy.md)
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "dangjian.example.edu.cn",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(folder / "media"),
        "HTTPS": "1",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
    }


def env_file(path: Path, values: dict[str, str]) -> Path:
    lines = ["# written by the test", *(f"{name}={value}" for name, value in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outcomes(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy")
    with django_db_blocker.unblock():
        database = database_url(folder)
    environment = production_environment(folder, database)
    prepared = {**environment, "STATIC_ROOT": str(collected_static(folder / "static"))}
    without_collectstatic = {**environment, "STATIC_ROOT": str(folder / "never-collected")}
    no_media_folder = {**prepared, "MEDIA_ROOT": str(folder / "not-made" / "media")}
    started = {
        "no media folder": subprocess.Popen(
            [sys.executable, "manage.py", "deploy_check"],
            cwd=PROJECT,
            env=no_media_folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        "prepared": subprocess.Popen(
            [sys.executable, "manage.py", "deploy_check"],
            cwd=PROJECT,
            env=prepared,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        # As `make deploy-check` runs it: the environment file's values and nothing else of
        # the caller's (whose DEBUG=1 must not leak in).
        "without collectstatic": subprocess.Popen(
            [
                sys.executable,
                "scripts/with-env-file.py",
                str(env_file(folder / "branchsite.env", without_collectstatic)),
                sys.executable,
                "manage.py",
                "deploy_check",
            ],
            cwd=PROJECT,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "DEBUG": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    results["no media folder"].media_root = Path(no_media_folder["MEDIA_ROOT"])
    return results


def lines_of(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in run.stdout.splitlines() if not line.startswith(" ")]


def test_a_prepared_configuration_passes_every_check(outcomes):
    run = outcomes["prepared"]
    assert run.returncode == 0, run.stdout + run.stderr
    lines = lines_of(run)
    assert len(lines) == 8
    assert all(line.startswith(PASSED) for line in lines[:7]), run.stdout
    assert lines[-1] == "全部检查通过。"


def test_without_collectstatic_it_fails_naming_the_static_files(outcomes):
    run = outcomes["without collectstatic"]
    assert run.returncode == 1
    assert f"{FAILED}  静态文件已收集" in lines_of(run)
    assert "collectstatic" in run.stdout
    assert "1 项检查未通过。" in run.stderr


def test_without_collectstatic_the_other_checks_still_pass(outcomes):
    lines = lines_of(outcomes["without collectstatic"])
    for title in (
        "DEBUG 关闭时设置可正常加载",
        "manage.py check --deploy 无警告",
        "数据库迁移已全部执行",
    ):
        assert f"{PASSED}  {title}" in lines


def test_a_missing_media_folder_fails_and_is_not_created(outcomes):
    run = outcomes["no media folder"]
    assert run.returncode == 1
    assert f"{FAILED}  上传文件可以保存" in lines_of(run)
    # Run as root, a folder made by the check would be root's, which the site cannot write.
    assert not run.media_root.parent.exists()
