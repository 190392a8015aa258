"""Every environment variable the settings and gunicorn's configuration read is listed in
the settings' docstring and in docs/deploy.md's table, so that neither falls behind."""

import ast
import re
from pathlib import Path

import branchsite.settings

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS = PROJECT / "branchsite" / "settings.py"
READERS = {"env_str", "env_bool", "env_int", "env_list", "get"}
# Read by boto3 itself when MEDIA_STORAGE=s3, not by our code.
READ_BY_BOTO3 = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def variables_read(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else function.id
            first = node.args[0]
            if called in READERS and isinstance(first, ast.Constant):
                names.add(first.value)
    return names


def test_the_settings_read_the_variables_this_test_looks_for():
    read = variables_read(SETTINGS)
    assert {"SECRET_KEY", "MEDIA_STORAGE", "LOG_FORMAT", "HTTPS"} <= read
    assert variables_read(PROJECT / "deploy" / "gunicorn.conf.py") == {
        "GUNICORN_BIND",
        "GUNICORN_WORKERS",
        "GUNICORN_TIMEOUT",
    }


def test_every_variable_is_in_the_settings_docstring():
    read = variables_read(SETTINGS) | variables_read(PROJECT / "deploy" / "gunicorn.conf.py")
    docstring = branchsite.settings.__doc__
    missing = sorted(name for name in read | READ_BY_BOTO3 if name not in docstring)
    assert missing == []


def test_every_variable_is_in_the_deployment_guide():
    read = variables_read(SETTINGS) | variables_read(PROJECT / "deploy" / "gunicorn.conf.py")
    guide = (PROJECT / "docs" / "deploy.md").read_text(encoding="utf-8")
    table = guide[guide.index("## 环境变量") :]
    listed = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert sorted((read | READ_BY_BOTO3) - listed) == []
