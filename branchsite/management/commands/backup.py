from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from branchsite.backups import ENGINE_NAMES, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write the database and the uploads into one dated archive "
        "(branchsite-backup-YYYYMMDD-HHMM.tar.gz) with a .sha256 file beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help=f"Folder to write into (default: the BACKUP_DIR setting, {settings.BACKUP_DIR}).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Then delete all but the N newest archives of that folder.",
        )

    def handle(self, *args, output, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError(_("--keep must be at least 1."))
        try:
            backup = backup_create(
                connection=connections[DEFAULT_DB_ALIAS],
                output_dir=output or Path(settings.BACKUP_DIR),
                media_root=Path(settings.MEDIA_ROOT),
                now=timezone.localtime(),
                keep=keep,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        message = _(
            "Backup written: %(archive)s (%(size)s; the %(engine)s database and %(uploads)s "
            "uploaded files). Checksum: %(checksum)s"
        ) % {
            "archive": backup.archive,
            "size": filesizeformat(backup.size),
            "engine": ENGINE_NAMES[backup.engine],
            "uploads": backup.uploads,
            "checksum": backup.checksum,
        }
        self.stdout.write(self.style.SUCCESS(message))
        for archive in backup.removed:
            self.stdout.write(_("Deleted the older backup %(archive)s.") % {"archive": archive})
