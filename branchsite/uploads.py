"""What an uploaded file really is, read from its first bytes rather than its name."""

import io
import os
import warnings
import zipfile
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader


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
    if sniffed in IMAGE_FORMATS:
        _decoded_image(file)
    if sniffed == ".pdf":
        _check_pdf(file)
    return types[extension]


def _check_pdf(file) -> None:
    """A ValidationError unless `file` is a PDF that opens, is not encrypted and has a page.

    Its first bytes only say it claims to be one: a web page or a program behind `%PDF-`,
    or a scan cut short on the way, would be kept and fail whoever opens it later. Reading
    the cross-reference table and the page tree is cheap and bounded: the file is already
    within the upload limit, and no page is drawn. Encrypted PDFs are refused: one with a
    password to open cannot be checked or opened by whoever keeps the branch's records, one
    locked against printing cannot go into the paper archive, and a copy printed or saved
    again without protection is a click away."""
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:
        # pypdf meets a file it cannot read with errors of many kinds (its own, KeyError,
        # ValueError, RecursionError on a looping page tree…); every one means the same.
        raise ValidationError(
            _(
                "The PDF cannot be read; it may be damaged or incomplete. Save or scan it "
                "again as PDF and upload that."
            ),
            code="broken_pdf",
        ) from error
    finally:
        file.seek(0)
    if encrypted:
        raise ValidationError(
            _(
                "The PDF is encrypted (it needs a password, or printing is locked): the "
                "branch's records must open and print for whoever keeps them. Print or save "
                "it again as a PDF without protection and upload that."
            ),
            code="encrypted_pdf",
        )
    if pages == 0:
        raise ValidationError(
            _("The PDF has no pages. Save or scan it again as PDF and upload that."),
            code="empty_pdf",
        )


# A phone photo is 12 to 50 megapixels; more is a picture made to exhaust the server's memory
# when decoded (a "decompression bomb"), refused before its pixels are read.
MAX_IMAGE_PIXELS = 80_000_000
IMAGE_FORMATS = {".jpg": "JPEG", ".png": "PNG"}


def _decoded_image(file) -> Image.Image:
    """The image in `file`, decoded in full, or a ValidationError: a picture whose data is
    broken, or whose size would exhaust memory."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels and refuses from twice that; the limit below
            # is ours, and lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _(
                    "The picture is %(width)s×%(height)s pixels, too large to keep; send a "
                    "smaller copy."
                )
                % {"width": image.width, "height": image.height},
                code="too_many_pixels",
            )
        image.load()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("The picture is too large to keep; send a smaller copy."), code="too_many_pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The picture cannot be read; it may be damaged. Take or save it again."),
            code="broken_image",
        ) from error
    finally:
        file.seek(0)
    return image


def reencoded(upload):
    """What is kept of an upload: a photo decoded and written again, which keeps its pixels
    (turned the way the phone held it) and drops whatever else the file carried: hidden
    data after a valid header, and the EXIF block with the phone's location. Other files
    are kept as they came."""
    extension = sniffed_extension(upload)
    if extension not in IMAGE_FORMATS:
        return upload
    image = ImageOps.exif_transpose(_decoded_image(upload))
    output = io.BytesIO()
    if IMAGE_FORMATS[extension] == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=90, optimize=True)
    else:
        image.save(output, "PNG", optimize=True)
    return ContentFile(output.getvalue(), name=upload.name)


@contextmanager
def removed_on_failure(stored: FieldFile):
    """Keep the file just stored in `stored` only if the block that records it succeeds: if
    it raises, the transaction forgets the row and this forgets the file, so a failed save
    leaves no file that no row names. Record the file last in its transaction: a rollback
    after the block has ended does not come back here."""
    try:
        yield
    except BaseException:
        if stored and stored._committed:  # only what this save wrote, never a guessed name
            stored.delete(save=False)
        raise


def deleted_on_commit(names) -> None:
    """Delete the stored files `names` once the transaction that forgets their rows commits
    (at once outside a transaction); a rollback keeps them."""
    names = [name for name in names if name]
    if not names:
        return

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)


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
