"""A group leader, on a phone (375×812), drafts the group's summary from the group page and
downloads it as PDF and as Word, without sideways scrolling."""

import io

import pytest
from django.utils import timezone
from docx import Document as WordDocument
from playwright.sync_api import expect

from reports.models import YearDocument
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_leader_downloads_the_groups_summary_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    year = timezone.localdate().year
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "leader_a", PASSWORD)
    phone.get_by_role("link", name="本组年度总结与计划").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("A组")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "group-documents-phone-1-list.png", full_page=True)

    phone.locator("#year-documents li", has_text=f"{year}").get_by_role(
        "button", name="起草工作总结"
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"A组{year}年工作总结")
    expect(phone.locator("#preview")).to_contain_text("党小组现有党员3名")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "group-documents-phone-2-document.png")
    document = YearDocument.objects.get(group=world.group_a, kind="summary", year=year)

    def download(name: str):
        href = phone.get_by_role("link", name=name).get_attribute("href")
        return phone.request.get(live_server.url + href)

    pdf = download("下载 PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    word = download("下载 Word")
    paragraphs = [p.text for p in WordDocument(io.BytesIO(word.body())).paragraphs]
    assert f"A组{year}年工作总结" in paragraphs
    assert document.versions.count() == 1
    assert_styled_in_chinese(phone, failed_responses)
