"""The health check, /healthz (branchsite/health.py): 200 "ok" while the database answers and
uploads can be stored, 503 naming the part that failed; no login, no redirect to HTTPS."""

import pytest
from django.core.files.storage import InMemoryStorage
from django.db import OperationalError

from branchsite import health

URL = "/healthz"


class UnreachableStorage(InMemoryStorage):
    """A remote storage (S3) that does not answer."""

    def exists(self, name):
        raise ConnectionError("could not connect to the endpoint")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_answers_ok_without_a_login(client, db, media_root):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_it_creates_media_root_as_the_storage_would_and_leaves_nothing_in_it(
    client, db, media_root
):
    client.get(URL)
    assert media_root.is_dir()
    assert list(media_root.iterdir()) == []


def test_it_answers_503_naming_the_storage_when_media_root_cannot_be_written(
    client, db, settings, tmp_path, caplog
):
    # A folder under a plain file can be created by nobody, root included (tests run as root,
    # for whom permission bits are no obstacle).
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "storage": "error"}
    assert str(tmp_path) not in response.content.decode()
    assert any("storage failed" in record.getMessage() for record in caplog.records)


def test_it_answers_503_naming_the_database_when_it_does_not_answer(
    client, db, media_root, monkeypatch
):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "storage": "ok"}
    assert "refused" not in response.content.decode()


def test_a_storage_other_than_the_disk_is_asked_to_answer(client, db, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert client.get(URL).status_code == 200
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_health.UnreachableStorage"},
    }
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


def test_it_is_exempt_from_the_redirect_to_https(client, db, media_root, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get(URL).status_code == 200


def test_it_only_reads(client, db, media_root):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200
