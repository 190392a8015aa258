"""`manage.py backup` and `manage.py restore` (branchsite/backups.py).

A backup is restored into a second, empty database — a temporary SQLite file, or on
PostgreSQL a scratch database created for the test and dropped after it — and every table
and every uploaded file is compared with the site's. Every test that backs up commits its
rows (`transaction=True`): pg_dump reads the database from another session, and SQLite's
backup API waits forever for an open transaction.
"""

import datetime
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test import override_settings
from PIL import Image
from psycopg import sql

from activities.models import Attachment, Meeting, MeetingType, Presence
from activities.services import meeting_record
from branchsite.backups import (
    BackupError,
    backup_create,
    backup_restore,
    backups_prune,
    file_sha256,
    postgres_environment,
)
from members.models import Member
from tests.factories import recorded_meeting

NOW = datetime.datetime(2026, 12, 4, 1, 30, tzinfo=datetime.UTC)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def site_connection():
    return connections[DEFAULT_DB_ALIAS]


@pytest.fixture
def empty_database(tmp_path):
    """A connection to a database with nothing in it, of the site's engine."""
    site = site_connection().settings_dict
    if site_connection().vendor == "sqlite":
        connection = open_database({**site, "NAME": str(tmp_path / "restored.sqlite3")})
        yield connection
        connection.close()
        return
    name = f"{site['NAME']}_restored"
    run_on_server(site, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    run_on_server(site, "CREATE DATABASE {}", name)
    connection = open_database({**site, "NAME": name})
    yield connection
    connection.close()
    run_on_server(site, "DROP DATABASE {} WITH (FORCE)", name)


def open_database(settings_dict):
    """A Django connection outside `connections`, as Django itself builds one."""
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "restored")


def run_on_server(site, statement, database_name):
    parameters = {
        "host": site["HOST"],
        "port": site["PORT"],
        "user": site["USER"],
        "password": site["PASSWORD"],
    }
    given = {key: value for key, value in parameters.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **given) as server:
        server.execute(sql.SQL(statement).format(sql.Identifier(database_name)))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def recorded(world, media_root):
    """The world's people, two meetings with attendance, an absence and an uploaded photo,
    and a file of MEDIA_ROOT no record names (it is kept all the same)."""
    secretary = world.secretary.user
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        acting_user=secretary,
        absences={world.member: (Presence.EXCUSED, "出差"), world.leader_a: (Presence.ABSENT, "")},
    )
    lecture = Meeting(
        branch=world.branch,
        kind=MeetingType.LECTURE,
        held_on=datetime.date(2026, 10, 20),
        place="会议室",
        topic="党课",
    )
    photo = SimpleUploadedFile("现场.png", png(), content_type="image/png")
    meeting_record(meeting=lecture, photo=photo, acting_user=secretary)
    (media_root / "其他" / "说明.txt").parent.mkdir(parents=True)
    (media_root / "其他" / "说明.txt").write_text("手工放入的文件")
    return world


def every_table(connection) -> dict[str, list[tuple]]:
    """Every row of every table of the database, in a stable order."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(cursor.fetchall(), key=repr)
    return tables


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def backup(output_dir: Path, media_root: Path):
    return backup_create(
        connection=site_connection(), output_dir=output_dir, media_root=media_root, now=NOW
    )


def members_of(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def rewrite(archive: Path, members: dict[str, bytes]) -> None:
    """Write `archive` again with these members, and a checksum that matches it."""
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    digest = file_sha256(archive)
    archive.with_name(archive.name + ".sha256").write_text(f"{digest}  {archive.name}\n")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_gives_back_every_table_and_file(
    recorded, media_root, empty_database, tmp_path
):
    written = backup(tmp_path / "backups", media_root)
    restored_media = tmp_path / "restored-media"

    restored = backup_restore(written.archive, connection=empty_database, media_root=restored_media)

    site_tables = every_table(site_connection())
    # Every model of every app has its table among those compared, history tables included.
    model_tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    assert model_tables <= set(site_tables)
    assert "members_historicalmember" in model_tables
    assert len(site_tables["members_member"]) == Member._base_manager.count() == 7
    assert len(site_tables["activities_attachment"]) == 1
    assert every_table(empty_database) == site_tables

    site_files = every_file(media_root)
    assert len(site_files) == 2
    assert Attachment.objects.get().file.name in site_files
    assert every_file(restored_media) == site_files
    assert (restored.engine, restored.uploads, restored.migrations_missing) == (
        site_connection().vendor,
        2,
        [],
    )


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_database_that_holds_data_is_refused_without_force(
    recorded, media_root, empty_database, tmp_path
):
    written = backup(tmp_path / "backups", media_root)
    restored_media = tmp_path / "restored-media"
    backup_restore(written.archive, connection=empty_database, media_root=restored_media)
    Member.objects.filter(pk=recorded.member.pk).update(name="改过的名字")
    changed = backup(tmp_path / "later", media_root)
    before = every_table(empty_database)

    with pytest.raises(BackupError, match=r"数据库中已有数据.*请加 --force"):
        backup_restore(changed.archive, connection=empty_database, media_root=restored_media)
    assert every_table(empty_database) == before

    backup_restore(
        changed.archive, connection=empty_database, media_root=restored_media, force=True
    )
    assert every_table(empty_database) == every_table(site_connection())


@pytest.fixture(scope="module")
def migrated_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """One archive, written by the command, of the migrated test database (outside any test's
    transaction) and a few uploads; each test changes a copy of it (`copy_of`)."""
    folder = tmp_path_factory.mktemp("migrated_backup")
    media = folder / "media"
    (media / "a").mkdir(parents=True)
    (media / "a" / "照片.jpg").write_bytes(b"jpeg bytes")
    (media / "scan.pdf").write_bytes(b"%PDF-1.4 the original")
    output = io.StringIO()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        call_command("backup", "--output", str(folder / "backups"), stdout=output)
    (archive,) = (folder / "backups").glob("branchsite-backup-*.tar.gz")
    return SimpleNamespace(archive=archive, media=media, output=output.getvalue())


def copy_of(migrated_backup, tmp_path) -> Path:
    """The module's archive and its checksum, copied into the test's own folder."""
    archive = tmp_path / migrated_backup.archive.name
    shutil.copy(migrated_backup.archive, archive)
    shutil.copy(checksum_of(migrated_backup.archive), checksum_of(archive))
    return archive


def checksum_of(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def test_the_backup_command_says_in_chinese_what_it_wrote_and_its_size(migrated_backup):
    archive = migrated_backup.archive
    assert migrated_backup.output.startswith(f"已写入备份：{archive}（")
    assert "KB；" in migrated_backup.output
    assert "数据库及 2 个上传文件）。校验文件：" in migrated_backup.output
    assert migrated_backup.output.rstrip().endswith(str(checksum_of(archive)))


def test_the_manifest_lists_every_member_with_its_sha256_and_the_migration_state(
    migrated_backup,
):
    members = members_of(migrated_backup.archive)
    manifest = json.loads(members.pop("manifest.json"))
    listed = {entry["name"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    assert listed == {
        name: (len(content), hashlib.sha256(content).hexdigest())
        for name, content in members.items()
    }
    assert {"media/a/照片.jpg", "media/scan.pdf"} < set(listed)
    assert manifest["engine"] == site_connection().vendor
    assert "0001_initial" in manifest["migrations"]["members"]
    created = datetime.datetime.fromisoformat(manifest["created"])
    assert migrated_backup.archive.name == f"branchsite-backup-{created:%Y%m%d-%H%M}.tar.gz"
    # It holds every password hash: its owner's only.
    assert migrated_backup.archive.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils' sha256sum is missing")
def test_sha256sum_accepts_the_checksum_file_and_rejects_a_changed_archive(
    migrated_backup, tmp_path
):
    archive = copy_of(migrated_backup, tmp_path)

    def check():
        return subprocess.run(
            ["sha256sum", "-c", checksum_of(archive).name], cwd=tmp_path, capture_output=True
        ).returncode

    assert check() == 0
    with archive.open("ab") as file:
        file.write(b"\0")
    assert check() == 1


@pytest.mark.django_db
def test_an_archive_changed_after_its_checksum_was_written_is_refused_and_nothing_is_changed(
    migrated_backup, empty_database, tmp_path
):
    archive = copy_of(migrated_backup, tmp_path)
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0xFF
    archive.write_bytes(bytes(content))
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    (restored_media / "mine.txt").write_text("mine")

    with pytest.raises(BackupError, match="与其校验值不符"):
        backup_restore(archive, connection=empty_database, media_root=restored_media)

    assert empty_database.introspection.table_names() == []
    assert every_file(restored_media) == {"mine.txt": b"mine"}


@pytest.mark.django_db
def test_a_member_that_does_not_match_the_manifest_is_refused_even_with_a_good_checksum(
    migrated_backup, empty_database, tmp_path
):
    archive = copy_of(migrated_backup, tmp_path)
    rewrite(archive, {**members_of(archive), "media/scan.pdf": b"%PDF-1.4 another"})
    restored_media = tmp_path / "restored-media"

    with pytest.raises(BackupError, match="其内容与清单不符"):
        backup_restore(archive, connection=empty_database, media_root=restored_media)

    assert empty_database.introspection.table_names() == []
    assert not restored_media.exists()


@pytest.mark.django_db
def test_a_member_the_manifest_does_not_list_is_refused(migrated_backup, empty_database, tmp_path):
    archive = copy_of(migrated_backup, tmp_path)
    rewrite(archive, {**members_of(archive), "media/extra.txt": b"extra"})

    with pytest.raises(BackupError, match="其内容与清单不符"):
        backup_restore(archive, connection=empty_database, media_root=tmp_path / "media")

    assert empty_database.introspection.table_names() == []
    assert not (tmp_path / "media").exists()


@pytest.mark.django_db
def test_an_archive_without_its_checksum_file_is_refused(migrated_backup, empty_database, tmp_path):
    archive = copy_of(migrated_backup, tmp_path)
    checksum_of(archive).unlink()

    with pytest.raises(BackupError, match="缺少校验文件"):
        backup_restore(archive, connection=empty_database, media_root=tmp_path / "media")

    assert empty_database.introspection.table_names() == []


@pytest.mark.django_db
def test_an_archive_of_the_other_engine_is_refused(migrated_backup, empty_database, tmp_path):
    archive = copy_of(migrated_backup, tmp_path)
    members = members_of(archive)
    manifest = json.loads(members.pop("manifest.json"))
    ours = manifest["engine"]
    theirs = {"sqlite": "postgresql", "postgresql": "sqlite"}[ours]
    member = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
    manifest["engine"] = theirs
    manifest["files"][0]["name"] = member[theirs]
    members[member[theirs]] = members.pop(member[ours])
    rewrite(archive, {**members, "manifest.json": json.dumps(manifest).encode()})

    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    message = f"该备份中是 {name[theirs]} 数据库，而本站使用 {name[ours]}；未做任何改动。"
    with pytest.raises(BackupError, match=message):
        backup_restore(archive, connection=empty_database, media_root=tmp_path / "media")

    assert empty_database.introspection.table_names() == []


@pytest.mark.django_db
def test_a_restore_names_the_migrations_the_backup_is_behind_and_ahead_of(
    migrated_backup, empty_database, tmp_path
):
    archive = copy_of(migrated_backup, tmp_path)
    members = members_of(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"]["members"].remove("0007_dues")
    manifest["migrations"]["members"].append("9999_from_a_later_version")
    rewrite(archive, {**members, "manifest.json": json.dumps(manifest).encode()})

    restored = backup_restore(archive, connection=empty_database, media_root=tmp_path / "media")

    assert restored.migrations_missing == ["members.0007_dues"]
    assert restored.migrations_unknown == ["members.9999_from_a_later_version"]


def test_the_command_refuses_the_sites_own_database_while_it_holds_data(
    migrated_backup, world, media_root
):
    (media_root / "scan.pdf").parent.mkdir(parents=True)
    (media_root / "scan.pdf").write_bytes(b"changed since the backup")
    before = every_table(site_connection())

    with pytest.raises(CommandError, match="数据库中已有数据"):
        call_command("restore", str(migrated_backup.archive))

    assert every_table(site_connection()) == before
    assert every_file(media_root) == {"scan.pdf": b"changed since the backup"}


def test_a_backup_never_writes_over_an_archive_of_the_same_minute(tmp_path):
    existing = tmp_path / "branchsite-backup-20261204-0130.tar.gz"
    existing.write_bytes(b"the earlier backup")

    with pytest.raises(BackupError, match="已存在"):
        backup(tmp_path, tmp_path / "media")

    assert existing.read_bytes() == b"the earlier backup"
    assert sorted(tmp_path.iterdir()) == [existing]


def test_keeping_n_archives_deletes_the_oldest_with_their_checksums_and_nothing_else(tmp_path):
    names = [f"branchsite-backup-2026120{day}-0130.tar.gz" for day in (1, 2, 3)]
    for name in names:
        (tmp_path / name).write_bytes(b"archive")
        (tmp_path / f"{name}.sha256").write_text("checksum")
    (tmp_path / "notes.txt").write_text("not a backup")

    removed = backups_prune(tmp_path, keep=2)

    assert removed == [tmp_path / names[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[1:], *(f"{n}.sha256" for n in names[1:]), "notes.txt"]
    )


def test_pg_dump_and_pg_restore_get_the_password_through_the_environment():
    settings_dict = {
        "HOST": "db.example",
        "PORT": 5433,
        "USER": "branchsite",
        "PASSWORD": "s3cret",
        "NAME": "branchsite",
    }

    environment = postgres_environment(settings_dict)

    names = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"]
    assert {name: environment.get(name) for name in names} == {
        "PGHOST": "db.example",
        "PGPORT": "5433",
        "PGUSER": "branchsite",
        "PGPASSWORD": "s3cret",
        "PGDATABASE": "branchsite",
    }


def test_a_backup_is_never_written_inside_media_root(tmp_path):
    with pytest.raises(BackupError, match="不能写在 MEDIA_ROOT"):
        backup(tmp_path / "media" / "backups", tmp_path / "media")

    assert list(tmp_path.iterdir()) == []
