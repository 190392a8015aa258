"""`manage.py check --deploy` under the documented production environment
(deploy/branchsite.env): no warning. Each environment is tried in its own process, since
settings are read once per process; both run together, once for the module."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT / "deploy" / "branchsite.env"


def documented_environment() -> dict[str, str]:
    values = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    # The file's placeholder is what a newcomer replaces; a real key is random and long.
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def start_check(environment: dict[str, str]) -> subprocess.Popen:
    base = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={**base, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def outcomes():
    documented = documented_environment()
    without_https = {
        name: value
        for name, value in documented.items()
        if name not in {"HTTPS", "SECURE_PROXY_SSL_HEADER"}
    }
    processes = {
        "documented": start_check(documented),
        "without https": start_check(without_https),
    }
    results = {}
    for name, process in processes.items():
        output, _ = process.communicate(timeout=120)
        results[name] = (process.returncode, output)
    return results


def test_the_documented_production_environment_passes_check_deploy(outcomes):
    returncode, output = outcomes["documented"]
    assert returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_without_https_check_deploy_names_what_is_missing(outcomes):
    returncode, output = outcomes["without https"]
    assert returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


def test_the_documented_environment_leaves_debug_off_and_names_its_host():
    documented = documented_environment()
    assert documented["DEBUG"] == "0"
    assert documented["ALLOWED_HOSTS"]
    assert documented["CLIENT_ADDRESS_HEADER"] == "X-Forwarded-For"
