"""What an uploaded file really is, read from its first bytes rather than its name."""

import zipfile


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
