"""Backups: the database and the uploads in one dated archive, and their restore.

An archive (`branchsite-backup-20261204-0130.tar.gz`) holds the database — SQLite copied
through its online backup API, PostgreSQL as `pg_dump --format=custom` — the files under
MEDIA_ROOT (`media/…`) and `manifest.json`: when it was made, the database engine, the
migrations applied per app, and every member's size and sha256. Beside it a `.sha256` file in
`sha256sum` format, so that an administrator can check a copy with `sha256sum -c` alone.

A restore checks everything first (the archive's checksum, then every member against the
manifest, the engine, whether the target already holds data) and writes nothing until all of
it passed: a broken archive or a wrong target leaves the site as it was.

The functions take the database as a Django connection (`connections["default"]` in the
commands), so that tests can restore into a second, empty database.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

FORMAT_VERSION = 1
ARCHIVE_NAME = re.compile(r"^branchsite-backup-\d{8}-\d{4}\.tar\.gz$")
CHECKSUM_SUFFIX = ".sha256"
MANIFEST = "manifest.json"
MEDIA_FOLDER = "media"
# The database's member in the archive, by Django's name for the engine (connection.vendor).
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message is a sentence for the operator."""


@dataclass(frozen=True)
class Backup:
    archive: Path
    checksum: Path
    size: int  # bytes of the archive
    engine: str
    uploads: int  # files from MEDIA_ROOT
    removed: list[Path]  # older archives deleted to keep the newest


@dataclass(frozen=True)
class Restored:
    engine: str
    created: str  # when the backup was made, as the manifest states it (ISO 8601)
    uploads: int
    migrations_missing: list[str]  # known to the code, not applied in the backup: run migrate
    migrations_unknown: list[str]  # applied in the backup, unknown to the code: newer backup


# Backing up


def backup_create(
    *, connection, output_dir: Path, media_root: Path, now: datetime, keep: int | None = None
) -> Backup:
    """Write the archive of the database and the uploads into `output_dir` and its checksum
    beside it; with `keep`, then delete all but the `keep` newest archives there."""
    engine = database_engine(connection)
    if output_dir.resolve().is_relative_to(media_root.resolve()):
        # Each archive would hold all the earlier ones.
        raise BackupError(
            _(
                "Backups cannot be written inside MEDIA_ROOT (%(media_root)s): choose another "
                "folder."
            )
            % {"media_root": media_root}
        )
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    archive = output_dir / f"branchsite-backup-{now:%Y%m%d-%H%M}.tar.gz"
    if archive.exists():
        raise BackupError(
            _("%(archive)s already exists; wait a minute or choose another folder.")
            % {"archive": archive}
        )
    manifest = {
        "format": FORMAT_VERSION,
        "created": now.isoformat(timespec="seconds"),
        "engine": engine,
        "migrations": migration_state(connection),
        "files": [],
    }
    with tempfile.TemporaryDirectory(dir=output_dir) as scratch:
        database_file = Path(scratch) / DATABASE_MEMBERS[engine]
        dump_database(connection, engine, database_file)
        partial = Path(scratch) / archive.name
        write_archive(partial, database_file, media_root, manifest)
        # Only a complete archive ever bears the dated name.
        os.replace(partial, archive)
    checksum = write_checksum(archive)
    removed = backups_prune(output_dir, keep=keep) if keep else []
    return Backup(
        archive=archive,
        checksum=checksum,
        size=archive.stat().st_size,
        engine=engine,
        uploads=len(manifest["files"]) - 1,
        removed=removed,
    )


def database_engine(connection) -> str:
    """The engine's name as the manifest records it; only SQLite and PostgreSQL are known."""
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups know SQLite and PostgreSQL only, not %(engine)s.")
            % {"engine": connection.vendor}
        )
    return connection.vendor


def migration_state(connection) -> dict[str, list[str]]:
    """The migrations applied in the database, app by app."""
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def dump_database(connection, engine: str, path: Path) -> None:
    if engine == "sqlite":
        if connection.in_atomic_block:
            # SQLite would wait for that transaction forever: the backup never ends.
            raise RuntimeError("An SQLite backup cannot run inside a transaction.")
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # A consistent copy even while the site writes: SQLite's online backup API.
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        run_client(
            ["pg_dump", "--format=custom", "--no-password", f"--file={path}"],
            connection.settings_dict,
        )


def write_archive(path: Path, database_file: Path, media_root: Path, manifest: dict) -> None:
    """The tar.gz of the database, the uploads and, last, the manifest listing them all.
    Created readable by its owner only: it holds every account's password hash."""
    path.touch(mode=0o600)
    with tarfile.open(path, "w:gz") as archive:
        database_file.chmod(0o600)
        archive.add(database_file, arcname=database_file.name)
        manifest["files"].append(
            {
                "name": database_file.name,
                "size": database_file.stat().st_size,
                "sha256": file_sha256(database_file),
            }
        )
        for file in media_files(media_root):
            # Read once, so that the bytes archived are the bytes hashed even if the site
            # replaces the file meanwhile (uploads are at most a few megabytes).
            content = file.read_bytes()
            name = f"{MEDIA_FOLDER}/{file.relative_to(media_root).as_posix()}"
            add_bytes(archive, name, content, mtime=file.stat().st_mtime)
            manifest["files"].append(
                {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        add_bytes(archive, MANIFEST, text.encode(), mtime=time.time())


def media_files(media_root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT, in a stable order; none when it does not exist."""
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def add_bytes(archive: tarfile.TarFile, name: str, content: bytes, *, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, fileobj=io.BytesIO(content))


def write_checksum(archive: Path) -> Path:
    """`<sha256>  <name>` beside the archive: what `sha256sum -c` reads, from that folder."""
    checksum = archive.with_name(archive.name + CHECKSUM_SUFFIX)
    checksum.touch(mode=0o600)
    checksum.write_text(f"{file_sha256(archive)}  {archive.name}\n")
    return checksum


def backups_prune(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives of `directory` (their dated names sort by
    time), with their checksums; files named otherwise are never touched."""
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name))
    removed = archives[:-keep] if keep > 0 else archives
    for archive in removed:
        archive.unlink()
        archive.with_name(archive.name + CHECKSUM_SUFFIX).unlink(missing_ok=True)
    return removed


# Restoring


def backup_restore(archive: Path, *, connection, media_root: Path, force: bool = False) -> Restored:
    """Put the database and the uploads of `archive` back, after checking all of it.

    Refused (BackupError, nothing written) when the checksum or any member is wrong, the
    archive is of another engine, or the database already holds data and `force` is not set.
    Uploads are written over the files of the same name; other files in MEDIA_ROOT stay."""
    verify_checksum(archive)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = unpack_verified(archive, folder)
        engine = manifest["engine"]
        if engine != connection.vendor:
            raise BackupError(
                _(
                    "This archive holds a %(archive_engine)s database, but the site uses "
                    "%(site_engine)s; nothing was changed."
                )
                % {
                    "archive_engine": ENGINE_NAMES[engine],
                    "site_engine": ENGINE_NAMES.get(connection.vendor, connection.vendor),
                }
            )
        if not force and database_holds_data(connection):
            raise BackupError(
                _(
                    "The database already holds data (accounts or recorded changes); a restore "
                    "would replace all of it. Nothing was changed. Add --force to replace it."
                )
            )
        restore_database(connection, engine, folder / DATABASE_MEMBERS[engine])
        uploads = restore_media(folder / MEDIA_FOLDER, media_root)
    missing, unknown = migration_difference(manifest["migrations"])
    return Restored(
        engine=engine,
        created=manifest["created"],
        uploads=uploads,
        migrations_missing=missing,
        migrations_unknown=unknown,
    )


def verify_checksum(archive: Path) -> None:
    """The archive's sha256 against its `.sha256` file, which must be there."""
    checksum = archive.with_name(archive.name + CHECKSUM_SUFFIX)
    if not archive.is_file():
        raise BackupError(_("There is no archive at %(archive)s.") % {"archive": archive})
    if not checksum.is_file():
        raise BackupError(
            _(
                "The checksum file %(checksum)s is missing, so the archive cannot be checked; "
                "nothing was changed."
            )
            % {"checksum": checksum}
        )
    expected = checksum.read_text().split()[:1]
    if expected != [file_sha256(archive)]:
        raise BackupError(
            _(
                "The archive %(archive)s does not match its checksum: it is damaged or was "
                "changed. Nothing was changed; use another copy."
            )
            % {"archive": archive}
        )


def unpack_verified(archive: Path, folder: Path) -> dict:
    """Unpack every member into `folder`, checking it against the manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = read_manifest(tar)
            expected = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
            found = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise broken(archive)
                digest = unpack_member(tar, member, folder / member.name)
                if digest != expected[member.name]:
                    raise broken(archive)
                found.add(member.name)
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise broken(archive) from error
    if found != set(expected):
        raise broken(archive)
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict:
    """The manifest, its file names checked: each is the database or an upload under media/,
    and none can climb out of the folder it is unpacked into."""
    manifest = json.loads(tar.extractfile(MANIFEST).read())
    if manifest["format"] != FORMAT_VERSION or manifest["engine"] not in DATABASE_MEMBERS:
        raise ValueError("unknown manifest")
    names = [entry["name"] for entry in manifest["files"]]
    if DATABASE_MEMBERS[manifest["engine"]] not in names:
        raise ValueError("no database in the manifest")
    for name in names:
        path = PurePosixPath(name)
        safe = not path.is_absolute() and ".." not in path.parts and "\\" not in name
        if not safe or (path.parts[0] != MEDIA_FOLDER and name not in DATABASE_MEMBERS.values()):
            raise ValueError(f"unexpected member {name!r}")
    return manifest


def unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> str:
    """Write one member to `path`; its sha256."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tar.extractfile(member) as source, path.open("wb") as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def broken(archive: Path) -> BackupError:
    return BackupError(
        _(
            "The archive %(archive)s is damaged: its contents do not match its manifest. "
            "Nothing was changed; use another copy."
        )
        % {"archive": archive}
    )


def database_holds_data(connection) -> bool:
    """Whether anyone has used the database: an account, or a history row (every recorded
    change writes one). A database only `migrate` has run on has neither, though its
    migrations seed rules and content types."""
    tables = set(connection.introspection.table_names())
    watched = [get_user_model()._meta.db_table] + [
        model._meta.db_table for model in apps.get_models() if issubclass(model, HistoricalChanges)
    ]
    with connection.cursor() as cursor:
        for table in watched:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


def restore_database(connection, engine: str, database_file: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        try:
            # Page by page into the configured database, whatever it held before.
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        # The restore's own session must not hold the tables pg_restore drops.
        connection.close()
        run_client(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--no-password",
                f"--dbname={connection.settings_dict['NAME']}",
                str(database_file),
            ],
            connection.settings_dict,
        )
    # Whatever the connection cached describes the database that was replaced.
    connection.close()


def restore_media(unpacked: Path, media_root: Path) -> int:
    """Copy the unpacked uploads into MEDIA_ROOT; how many."""
    files = media_files(unpacked)
    for file in files:
        target = media_root / file.relative_to(unpacked)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    return len(files)


def migration_difference(applied: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Migrations the code has that the backup had not applied, and the reverse."""
    in_backup = {f"{app}.{name}" for app, names in applied.items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    in_code = {f"{app}.{name}" for app, name in loader.disk_migrations}
    return sorted(in_code - in_backup), sorted(in_backup - in_code)


# Shared


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def run_client(command: list[str], settings_dict: dict) -> None:
    """Run pg_dump or pg_restore against the configured database. The connection settings go
    through the environment: a password on the command line is visible to every user."""
    try:
        result = subprocess.run(
            command, env=postgres_environment(settings_dict), capture_output=True, text=True
        )
    except FileNotFoundError as error:
        raise BackupError(
            _(
                "%(program)s was not found: install the PostgreSQL client of the server's "
                "version (apt-get install postgresql-client)."
            )
            % {"program": command[0]}
        ) from error
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()}
        )


def postgres_environment(settings_dict: dict) -> dict[str, str]:
    variables = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    return {**os.environ, **{name: str(value) for name, value in variables.items() if value}}
