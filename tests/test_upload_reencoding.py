"""Uploaded photos are decoded and written again: what hid behind a valid header and the
EXIF block (the phone's location) are gone, a broken picture is refused, and a picture made
to exhaust memory is refused before its pixels are read."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.models import validate_meeting_attachment
from activities.services import attachment_add
from tests.factories import recorded_meeting
from tests.pdf_files import PDF

HIDDEN = b"<?php system($_GET['c']); ?>"


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSInfo: latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue() + HIDDEN


@pytest.fixture
def meeting(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return recorded_meeting(
        branch=world.branch, group=world.group_a, acting_user=world.secretary.user
    )


def test_a_photo_is_kept_without_what_hid_behind_it_or_its_location(world, meeting):
    sent = jpeg_with_location()
    assert HIDDEN in sent and b"PhoneMaker" in sent
    upload = SimpleUploadedFile("现场.jpg", sent, content_type="image/jpeg")
    attachment = attachment_add(meeting=meeting, upload=upload, acting_user=world.secretary.user)
    kept = attachment.file.read()
    assert HIDDEN not in kept
    assert b"PhoneMaker" not in kept
    picture = Image.open(io.BytesIO(kept))
    assert (picture.format, picture.size) == ("JPEG", (40, 30))
    assert not picture.getexif()
    assert attachment.size == len(kept)


def test_a_broken_picture_is_refused_with_a_sentence(world):
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ValidationError) as refused:
        validate_meeting_attachment(SimpleUploadedFile("x.png", broken))
    assert "图片无法读取" in " ".join(refused.value.messages)


def test_a_meeting_scan_is_read_as_a_pdf_a_broken_one_refused(world, meeting):
    upload = SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf")
    attachment = attachment_add(meeting=meeting, upload=upload, acting_user=world.secretary.user)
    assert attachment.file.read() == PDF  # a PDF is kept as it came
    with pytest.raises(ValidationError) as refused:
        validate_meeting_attachment(SimpleUploadedFile("x.pdf", PDF[: len(PDF) // 2]))
    assert refused.value.messages == [
        "PDF 文件无法读取，可能已损坏或不完整。请重新保存或扫描为 PDF 后再上传。"
    ]


def test_a_decompression_bomb_is_refused_before_its_pixels_are_read(world):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 9_000)).save(buffer, "PNG")  # 90 megapixels in a small file
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(ValidationError) as refused:
        validate_meeting_attachment(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert "10000×9000" in " ".join(refused.value.messages)
