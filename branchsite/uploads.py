"""What an uploaded file really is, read from its first bytes rather than its name."""

import os
import zipfile

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile


def sniffed_extension(file) -> str | None:
    """The document type the file's first bytes show (".pdf", ".jpg", ".png", ".docx"),
    whatever its name says; None for anything else."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"PK\x03\x04"):
        # A .docx is a zip holding word/document.xml; only the directory is read.
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return ".docx"
    return None


def check_upload(file, *, types: dict[str, str], limit: int, messages: dict[str, str]) -> str:
    """The content type of an uploaded `file`, or a ValidationError: over `limit` bytes,
    an extension not in `types` ({".pdf": "application/pdf", …}), or content that is not
    what the extension says. `messages` holds the caller's own sentences, keyed too_large
    (with %(size)s and %(limit)s in MB), extension, and content (with %(type)s)."""
    if file.size > limit:
        raise ValidationError(
            messages["too_large"]
            % {"size": round(file.size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)},
            code="too_large",
        )
    extension = os.path.splitext(file.name)[1].lower()
    if extension not in types:
        raise ValidationError(messages["extension"], code="extension")
    sniffed = sniffed_extension(file)
    if sniffed is None or types.get(sniffed) != types[extension]:
        raise ValidationError(
            messages["content"] % {"type": extension.lstrip(".").upper()}, code="content"
        )
    return types[extension]


class CheckedFieldFile(FieldFile):
    @property
    def url(self) -> str:
        self._require_file()
        return self.instance.download_url()


class CheckedFileField(models.FileField):
    """A FileField whose links lead to its model's access-checked view (the model's
    `download_url()`), never to the storage's own address: every link to an upload, the
    workbench's and Django's widgets' included, passes a permission check. MEDIA_URL is
    served by nothing."""

    attr_class = CheckedFieldFile
