"""Holding an upload on the server while the user confirms: the roster between its preview
and the import, a recruitment document while the user confirms the warnings of a step.

Each flow declares one `Staging` (a purpose and how long a staged file stays usable). A staged
file waits in a private folder (mode 0700, the file 0600) under a random name; the browser
only ever gets a signed token naming it, bound to an owner (the flow decides: a user, a
record) and to the purpose, and valid for `max_age` seconds. A forged, tampered, expired or
someone else's token finds nothing.

Each file's modification time is set to the moment it expires, so every staging can remove
whatever has expired, of any flow, without an index: nothing piles up.
"""

import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File

STAGING_DIR = Path(tempfile.gettempdir()) / "branchsite-staging"
FILE_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,10})?$")
SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
SALT = "branchsite.staging"
# An expired file stays this much longer, so a request that read its token just in time can
# still read the file.
CLEANUP_GRACE = 10 * 60


@dataclass(frozen=True)
class Staged:
    """A staged file, found through a valid token."""

    token: str
    path: Path
    name: str  # the name it was uploaded under
    data: dict = field(default_factory=dict)  # what the flow kept with it

    def open(self) -> File:
        """The file, opened for reading under its uploaded name (for a FileField)."""
        return File(self.path.open("rb"), name=self.name)


@dataclass(frozen=True)
class Staging:
    """Staged files for one purpose (e.g. "members.roster_import"), usable `max_age` seconds."""

    purpose: str
    max_age: int

    def stage(
        self,
        content: bytes | IO[bytes],
        *,
        owner: str,
        name: str,
        suffix: str | None = None,
        data: dict | None = None,
    ) -> str:
        """Keep `content` (bytes, an uploaded file or a binary stream) for `owner`; returns the
        token that brings it back. The stored file ends in `suffix`, by default the
        extension of `name`. Expired staged files are removed first."""
        folder = staging_dir()
        remove_expired()
        suffix = (suffix if suffix is not None else os.path.splitext(name)[1]).lower()
        file_name = f"{secrets.token_hex(16)}{suffix if SUFFIX.match(suffix) else ''}"
        path = folder / file_name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with os.fdopen(os.open(path, flags, 0o600), "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            elif hasattr(content, "chunks"):  # Django's uploaded files, read in chunks
                for chunk in content.chunks():
                    stream.write(chunk)
            else:
                stream.write(content.read())
        expires = time.time() + self.max_age
        os.utime(path, (expires, expires))
        payload = {"file": file_name, "name": name, "owner": owner, "data": data or {}}
        return signing.dumps(payload, salt=self._salt())

    def get(self, token: str, *, owner: str) -> Staged | None:
        """The staged file `token` names, if the token is genuine, of this purpose, for
        `owner`, not expired, and the file is still there; None otherwise."""
        payload = self._load(token, owner=owner, max_age=self.max_age)
        if payload is None:
            return None
        path = STAGING_DIR / payload["file"]
        if not path.is_file():
            return None
        return Staged(token=token, path=path, name=payload["name"], data=payload["data"])

    def discard(self, token: str, *, owner: str) -> None:
        """Remove the file `token` names, expired or not; any other token does nothing."""
        payload = self._load(token, owner=owner, max_age=None)
        if payload is not None:
            (STAGING_DIR / payload["file"]).unlink(missing_ok=True)

    def _salt(self) -> str:
        return f"{SALT}:{self.purpose}"

    def _load(self, token: str, *, owner: str, max_age: int | None) -> dict | None:
        if not token:
            return None
        try:
            payload = signing.loads(token, salt=self._salt(), max_age=max_age)
        except signing.BadSignature:  # also an expired one: SignatureExpired
            return None
        if (
            not isinstance(payload, dict)
            or payload.get("owner") != owner
            or not FILE_NAME.match(str(payload.get("file", "")))
            or not isinstance(payload.get("data"), dict)
        ):
            return None
        return payload


def staging_dir() -> Path:
    """The staging folder, created private; one that someone else made, or that others may
    read, is refused."""
    STAGING_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = STAGING_DIR.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise ImproperlyConfigured(f"{STAGING_DIR} must belong to this user with mode 0700.")
    return STAGING_DIR


def remove_expired(*, now: float | None = None) -> int:
    """Remove the staged files that expired (a grace period ago); returns how many."""
    cutoff = (time.time() if now is None else now) - CLEANUP_GRACE
    removed = 0
    for path in STAGING_DIR.glob("*"):
        if not FILE_NAME.match(path.name):
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            pass  # another process removed it first
    return removed
