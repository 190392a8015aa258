"""python manage.py deploy_check — is this a production configuration that will serve?

Run with the production environment (`make deploy-check ENV_FILE=/etc/branchsite/branchsite.env`
reads it as systemd does). Prints each check with 通过 or 失败 and why, and exits non-zero
when any fails. docs/deploy.md lists the checks and what to do about each.
"""

import ctypes
import ctypes.util
import json
import posixpath
import shutil
import subprocess
from collections.abc import Callable
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branchsite.health import storage_problem

# The faces the PDFs are set in (fonts-noto-cjk); reports/checks.py has the details.
REQUIRED_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC")
# collectstatic's default ignore patterns: the files it would have copied.
STATIC_IGNORE = ["CVS", ".*", "*~"]


def debug_problem() -> str | None:
    if settings.DEBUG:
        return _("DEBUG is on; production runs with DEBUG=0.")
    return None


def check_deploy_problem() -> str | None:
    output = StringIO()
    try:
        call_command("check", deploy=True, fail_level="WARNING", stdout=output, stderr=output)
    except Exception as error:  # SystemCheckError, or a check that could not run
        return f"{output.getvalue()}{error}".strip()
    return None


def migrations_problem() -> str | None:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # the database cannot be reached
        return _("The database cannot be read: %(error)s") % {"error": " ".join(str(error).split())}
    if plan:
        names = ", ".join(
            f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:3]
        )
        return ngettext(
            "%(count)s migration is not applied (%(names)s); run manage.py migrate.",
            "%(count)s migrations are not applied (%(names)s…); run manage.py migrate.",
            len(plan),
        ) % {"count": len(plan), "names": names}
    return None


def static_problem() -> str | None:
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return _("Static files are not stored with a manifest (is DEBUG on?).")
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    try:
        collected = json.loads(manifest.read_text(encoding="utf-8"))["paths"]
    except (OSError, ValueError, KeyError):
        return _("%(manifest)s is missing or unreadable; run manage.py collectstatic.") % {
            "manifest": manifest
        }
    found = {
        # A prefixed folder (STATICFILES_DIRS' ("bootstrap", …)) is collected under its prefix.
        posixpath.join(getattr(storage, "prefix", None) or "", path)
        for finder in finders.get_finders()
        for path, storage in finder.list(STATIC_IGNORE)
    }
    missing = sorted(found - set(collected))
    if missing:
        return ngettext(
            "%(count)s static file is not collected (%(first)s); run manage.py collectstatic.",
            "%(count)s static files are not collected (%(first)s…); run manage.py collectstatic.",
            len(missing),
        ) % {"count": len(missing), "first": missing[0]}
    return None


def uploads_problem() -> str | None:
    # Not created here: run as root, the check would leave a folder the site cannot write.
    problem = storage_problem(create=False)
    if problem is not None:
        return _("Uploads cannot be stored: %(error)s") % {"error": problem}
    return None


def fonts_problem() -> str | None:
    if shutil.which("fc-list") is None:
        return _("fc-list is not installed (Debian package fontconfig).")
    listed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    missing = [font for font in REQUIRED_FONTS if font not in families]
    if missing:
        return _("Missing fonts: %(fonts)s (Debian package fonts-noto-cjk).") % {
            "fonts": ", ".join(missing)
        }
    return None


def harfbuzz_subset_problem() -> str | None:
    name = ctypes.util.find_library("harfbuzz-subset")
    try:
        if name is None:
            raise OSError(name)
        library = ctypes.CDLL(name)
        library.hb_subset_or_fail  # noqa: B018 — the subsetter's entry point is there
    except (OSError, AttributeError):
        return _(
            "HarfBuzz's subsetter cannot be loaded (Debian package libharfbuzz-subset0); "
            "PDFs would embed whole fonts."
        )
    return None


def checks() -> list[tuple[str, Callable[[], str | None]]]:
    return [
        (_("Settings load with DEBUG off"), debug_problem),
        (_("manage.py check --deploy has no warning"), check_deploy_problem),
        (_("Migrations are applied"), migrations_problem),
        (_("Static files are collected"), static_problem),
        (_("Uploads can be stored"), uploads_problem),
        (_("Chinese fonts are installed"), fonts_problem),
        (_("HarfBuzz's subsetter is installed"), harfbuzz_subset_problem),
    ]


class Command(BaseCommand):
    help = (
        "Check a production configuration: DEBUG off, check --deploy, migrations, collected "
        "static files, uploads storage, Chinese fonts, HarfBuzz's subsetter. Exits 1 when one "
        "fails."
    )
    # `check --deploy` is one of the checks, with its output kept under its line.
    requires_system_checks = []

    def handle(self, *args, **options):
        # Outside the f-strings, where xgettext would not find them.
        passed_word, failed_word = _("passed"), _("FAILED")
        failed = 0
        for title, check in checks():
            problem = check()
            if problem is None:
                self.stdout.write(f"{passed_word}  {title}")
            else:
                failed += 1
                self.stdout.write(f"{failed_word}  {title}")
                for line in problem.splitlines():
                    self.stdout.write(f"      {line}")
        if failed:
            raise CommandError(
                ngettext("%(count)s check failed.", "%(count)s checks failed.", failed)
                % {"count": failed}
            )
        self.stdout.write(_("All checks passed."))
