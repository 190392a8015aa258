"""python manage.py import_roster FILE --branch CODE [--dry-run]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.models import Branch
from members.roster import (
    Action,
    RosterFileError,
    roster_error_workbook,
    roster_import,
    roster_read,
)


class Command(BaseCommand):
    help = (
        "Import a roster (党员花名册) from an .xlsx, .xls or .ods file into a branch: new members "
        "are added, known ones (same identity number, or name and birth date) updated. All "
        "rows or none: if any row is wrong nothing is written, every problem is listed and a "
        "copy of the file with an error column is saved next to it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="The roster: an .xlsx, .xls or .ods spreadsheet."
        )
        parser.add_argument("--branch", required=True, help="The branch's code (Branch.code).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show the changes; write nothing."
        )
        parser.add_argument(
            "--user", help="Username recorded as the author of the changes (default: none)."
        )
        parser.add_argument(
            "--errors",
            type=Path,
            help="Where to save the rows with their errors (default: FILE-errors.xlsx).",
        )

    def handle(self, *args, file: Path, branch: str, dry_run: bool, user, errors, **options):
        try:
            target = Branch.objects.get(code=branch)
        except Branch.DoesNotExist:
            codes = ", ".join(Branch.objects.values_list("code", flat=True)) or "—"
            raise CommandError(
                _("There is no branch with code %(code)s. Codes: %(codes)s.")
                % {"code": branch, "codes": codes}
            ) from None
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(_("There is no user called %(name)s.") % {"name": user})
        if not file.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": file})
        try:
            sheet = roster_read(file)
        except RosterFileError as problem:
            raise CommandError(problem.message) from None

        result = roster_import(
            branch=target, rows=sheet.rows, sheet=sheet, acting_user=acting_user, dry_run=dry_run
        )
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            errors_path = errors or file.with_name(f"{file.stem}-errors.xlsx")
            errors_path.write_bytes(roster_error_workbook(sheet=sheet, errors=result.errors))
            raise CommandError(
                ngettext(
                    "%(count)s problem; nothing was imported. The rows with their errors are "
                    "in %(path)s.",
                    "%(count)s problems; nothing was imported. The rows with their errors are "
                    "in %(path)s.",
                    len(result.errors),
                )
                % {"count": len(result.errors), "path": errors_path}
            )

        for outcome in result.outcomes:
            if outcome.action == Action.UNCHANGED:
                continue
            changes = "; ".join(
                f"{c.header}: {c.new}"
                if outcome.action == Action.CREATE
                else f"{c.header}: {c.old or '—'} → {c.new or '—'}"
                for c in outcome.changes
            )
            line = _("Row %(row)s, %(name)s: %(action)s") % {
                "row": outcome.number,
                "name": outcome.name,
                "action": outcome.action_label,
            }
            self.stdout.write(f"{line} {changes}".rstrip())
        summary = result.summary()
        if dry_run:
            self.stdout.write(_("Dry run, nothing was written: %(summary)s") % {"summary": summary})
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into %(branch)s: %(summary)s")
                    % {"branch": target.name, "summary": summary}
                )
            )
