from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from branchsite.backups import ENGINE_NAMES, BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and the uploads from an archive written by `manage.py backup`, "
        "after checking its checksum and every file in it. Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz; its .sha256 lies beside it.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data.",
        )

    def handle(self, *args, archive, force, **options):
        try:
            restored = backup_restore(
                archive,
                connection=connections[DEFAULT_DB_ALIAS],
                media_root=Path(settings.MEDIA_ROOT),
                force=force,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        message = _(
            "Restored the backup of %(created)s: the %(engine)s database and %(uploads)s "
            "uploaded files."
        ) % {
            "created": restored.created,
            "engine": ENGINE_NAMES[restored.engine],
            "uploads": restored.uploads,
        }
        self.stdout.write(self.style.SUCCESS(message))
        if restored.migrations_missing:
            self.stdout.write(
                _(
                    "The backup is older than the code (%(count)s migrations not applied): run "
                    "manage.py migrate before starting the site."
                )
                % {"count": len(restored.migrations_missing)}
            )
        if restored.migrations_unknown:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup is newer than the code (%(count)s migrations it does not "
                        "know, e.g. %(example)s): install the version that wrote it."
                    )
                    % {
                        "count": len(restored.migrations_unknown),
                        "example": restored.migrations_unknown[0],
                    }
                )
            )
