"""The kernel's staging: an upload held on the server under a signed, expiring token bound to
its owner and purpose, and removed once expired."""

import io
import os
import re
import time

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from branchsite import staging
from branchsite.staging import Staging

DOCUMENTS = Staging(purpose="tests.documents", max_age=60)


def test_a_staged_file_comes_back_with_its_name_and_data(staging_dir):
    token = DOCUMENTS.stage(b"content", owner="user:1", name="谈话记录.PDF", data={"branch": 3})

    staged = DOCUMENTS.get(token, owner="user:1")

    assert (staged.name, staged.data, staged.path.read_bytes()) == (
        "谈话记录.PDF",
        {"branch": 3},
        b"content",
    )
    with staged.open() as file:
        assert (file.name, file.read()) == ("谈话记录.PDF", b"content")


def test_it_keeps_an_uploaded_file_or_a_stream(staging_dir):
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 upload")
    from_upload = DOCUMENTS.stage(upload, owner="o", name=upload.name)
    from_stream = DOCUMENTS.stage(io.BytesIO(b"stream"), owner="o", name="b.png")

    assert DOCUMENTS.get(from_upload, owner="o").path.read_bytes() == b"%PDF-1.4 upload"
    assert DOCUMENTS.get(from_stream, owner="o").path.read_bytes() == b"stream"


def test_the_file_is_private_under_a_random_name_the_token_does_not_show(staging_dir):
    token = DOCUMENTS.stage(b"x", owner="o", name="../../etc/passwd.xlsx")

    (stored,) = staging_dir.iterdir()
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored.name)
    assert stored.name not in token
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert oct(staging_dir.stat().st_mode & 0o777) == "0o700"


def test_an_odd_extension_is_dropped_from_the_stored_name(staging_dir):
    DOCUMENTS.stage(b"x", owner="o", name="scan.p/df")
    DOCUMENTS.stage(b"y", owner="o", name="anything", suffix=".xlsx")

    names = sorted(path.suffix for path in staging_dir.iterdir())
    assert names == ["", ".xlsx"]


def test_another_owner_finds_nothing_and_cannot_discard_it(staging_dir):
    token = DOCUMENTS.stage(b"x", owner="member:1", name="a.pdf")

    assert DOCUMENTS.get(token, owner="member:2") is None
    DOCUMENTS.discard(token, owner="member:2")
    assert DOCUMENTS.get(token, owner="member:1") is not None


def test_a_token_of_another_purpose_finds_nothing(staging_dir):
    token = DOCUMENTS.stage(b"x", owner="o", name="a.pdf")

    assert Staging(purpose="tests.other", max_age=60).get(token, owner="o") is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token + "x",
        lambda token: "",
        lambda token: "../../settings.py",
    ],
)
def test_a_tampered_or_forged_token_finds_nothing(staging_dir, tamper):
    token = DOCUMENTS.stage(b"x", owner="o", name="a.pdf")

    assert DOCUMENTS.get(tamper(token), owner="o") is None


def test_a_signed_token_naming_a_path_of_its_own_finds_nothing(staging_dir):
    DOCUMENTS.stage(b"x", owner="o", name="a.pdf")
    forged = signing.dumps(
        {"file": "../secret.pdf", "name": "a.pdf", "owner": "o", "data": {}},
        salt="branchsite.staging:tests.documents",
    )

    assert DOCUMENTS.get(forged, owner="o") is None


def test_an_expired_token_finds_nothing(staging_dir, monkeypatch):
    token = DOCUMENTS.stage(b"x", owner="o", name="a.pdf")
    later = time.time() + DOCUMENTS.max_age + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)

    assert DOCUMENTS.get(token, owner="o") is None


def test_a_discarded_file_is_gone(staging_dir):
    token = DOCUMENTS.stage(b"x", owner="o", name="a.pdf")

    DOCUMENTS.discard(token, owner="o")

    assert list(staging_dir.iterdir()) == []
    assert DOCUMENTS.get(token, owner="o") is None
    DOCUMENTS.discard(token, owner="o")  # twice does no harm


def test_staging_removes_the_expired_files_of_every_purpose(staging_dir):
    expired = Staging(purpose="tests.short", max_age=60).stage(b"old", owner="o", name="a.pdf")
    kept = DOCUMENTS.stage(b"recent", owner="o", name="b.pdf")
    (old,) = [p for p in staging_dir.iterdir() if p.read_bytes() == b"old"]
    long_ago = time.time() - staging.CLEANUP_GRACE - 1
    os.utime(old, (long_ago, long_ago))

    DOCUMENTS.stage(b"new", owner="o", name="c.pdf")

    assert not old.exists()
    assert Staging(purpose="tests.short", max_age=60).get(expired, owner="o") is None
    assert DOCUMENTS.get(kept, owner="o") is not None
    assert len(list(staging_dir.iterdir())) == 2


def test_cleanup_waits_until_a_file_has_expired(staging_dir):
    DOCUMENTS.stage(b"x", owner="o", name="a.pdf")

    assert staging.remove_expired(now=time.time() + DOCUMENTS.max_age) == 0
    assert staging.remove_expired(now=time.time() + DOCUMENTS.max_age + staging.CLEANUP_GRACE + 1)
    assert list(staging_dir.iterdir()) == []


def test_cleanup_leaves_files_it_did_not_stage(staging_dir):
    staging_dir.mkdir(mode=0o700)
    other = staging_dir / "notes.txt"
    other.write_text("not ours")
    os.utime(other, (0, 0))

    staging.remove_expired()

    assert other.exists()


def test_it_refuses_a_folder_that_others_can_read(staging_dir):
    staging_dir.mkdir(mode=0o755)
    staging_dir.chmod(0o755)

    with pytest.raises(ImproperlyConfigured):
        DOCUMENTS.stage(b"x", owner="o", name="a.pdf")
    assert list(staging_dir.iterdir()) == []
