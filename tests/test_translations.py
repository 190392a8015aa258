"""The interface is in Simplified Chinese: every source string has a translation.

`makemessages` runs on a copy of the project, so the real catalogue is never rewritten by
the tests; a string added to the code but missing from the catalogue shows up there as
untranslated.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

PROJECT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "tests",
    "media",
    "staticfiles",
    "artifacts",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
    "db.sqlite3",
    "*.mo",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def listed(entries) -> str:
    return "\n".join(f"  {entry.msgid!r}" for entry in entries)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> polib.POFile:
    """The catalogue after `makemessages` ran over a copy of the project's source."""
    copy = tmp_path_factory.mktemp("translations") / "project"
    shutil.copytree(PROJECT, copy, ignore=COPY_IGNORE)
    po_path = copy / CATALOGUE
    original = (PROJECT / CATALOGUE).read_bytes()
    copied_mtime = po_path.stat().st_mtime_ns

    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "branchsite.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore=.venv",
            "--ignore=tests",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    # makemessages found the copy's LOCALE_PATHS: it rewrote the copy's catalogue, created
    # no other one, and left the project's own catalogue alone.
    assert po_path.stat().st_mtime_ns > copied_mtime
    assert sorted(p.relative_to(copy) for p in copy.rglob("*.po")) == [CATALOGUE]
    assert (PROJECT / CATALOGUE).read_bytes() == original
    return polib.pofile(str(po_path))


def test_it_has_a_translation_for_every_message_in_the_source(regenerated):
    untranslated = regenerated.untranslated_entries()
    fuzzy = regenerated.fuzzy_entries()
    obsolete = regenerated.obsolete_entries()
    assert len(regenerated.translated_entries()) > 100  # the run really read the source
    assert not untranslated, "untranslated messages:\n" + listed(untranslated)
    assert not fuzzy, "fuzzy messages (check and remove the fuzzy flag):\n" + listed(fuzzy)
    assert not obsolete, "obsolete messages (no longer in the source):\n" + listed(obsolete)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_it_keeps_the_placeholders_of_every_message_in_its_translation():
    catalogue = polib.pofile(str(PROJECT / CATALOGUE))
    broken = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            if placeholders(entry.msgid) != expected:
                broken.append((entry.msgid, "singular and plural differ"))
            for index, text in entry.msgstr_plural.items():
                if placeholders(text) != expected:
                    broken.append((entry.msgid, f"msgstr[{index}]: {text}"))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            broken.append((entry.msgid, entry.msgstr))
    assert any(placeholders(e.msgid) for e in catalogue)  # the pattern does match something
    assert broken == [], "placeholders differ:\n" + "\n".join(f"  {m!r} → {s}" for m, s in broken)


def test_it_renders_pages_in_chinese(client):
    response = client.get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    assert "Log in" not in page
