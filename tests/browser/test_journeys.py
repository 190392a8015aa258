"""Each role's day, walked in Debian's Chromium with screenshots in artifacts/: the
secretary at a desktop, a member and the upper committee's viewer on a phone (the leader's
day is test_meeting_phone.py). Every page on the way fits the screen, logs no console
error, shows no untranslated English, and has its main action on the first screen.
"""

import datetime
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Presence
from tests.browser.test_leader_login import PHONE, log_in
from tests.factories import PASSWORD, recorded_meeting

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
# English words that may stand on a page: file formats and the like.
ALLOWED_WORDS = {"PDF", "Excel"}


def watch_console(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def check(page: Page, errors: list[str], main=None) -> None:
    """The page fits, is quiet, is in Chinese, and shows `main` without scrolling."""
    if main is not None:
        # After a click the next page may still be on its way: measure the page that has it.
        expect(main).to_be_visible()
    page.wait_for_load_state()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert errors == [], (page.url, errors)
    text = page.evaluate("document.body.innerText")
    # Words of three letters or more, not a file's extension (现场照片.png).
    english = {w for w in re.findall(r"(?<![.A-Za-z])[A-Za-z]{3,}", text) if w not in ALLOWED_WORDS}
    assert not english, (page.url, english)
    if main is not None:
        expect(main).to_be_in_viewport()


@pytest.fixture
def day(world):
    """Last month's group meeting with one member excused (who owes make-up study)."""
    today = timezone.localdate()
    held_on = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    return recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=held_on,
        topic="学习党章",
        acting_user=world.leader_a.user,
        absences={world.member: (Presence.EXCUSED, "外出培训")},
    )


def test_the_secretarys_day(live_server, transactional_db, world, day, new_page, artifacts_dir):
    page = new_page(viewport=DESKTOP)
    errors = watch_console(page)
    log_in(page, live_server.url, "secretary", PASSWORD)

    # The overview says what to do next.
    review = page.locator('[data-todo="review"]')
    check(page, errors, main=page.locator("#todo"))
    expect(review).to_contain_text("会议记录待审核")
    page.screenshot(path=artifacts_dir / "journey-secretary-1-overview.png", full_page=True)

    # 待审核 → the record → reviewed.
    review.click()
    expect(page.get_by_label("审核")).to_have_value("pending")
    page.get_by_role("link", name=re.compile("学习党章")).click()
    review_button = page.get_by_role("button", name="审核通过")
    check(page, errors, main=page.get_by_role("link", name="打印会议记录（PDF）"))
    expect(page.locator(".attendance-exception")).to_contain_text("请假（外出培训）")
    page.screenshot(path=artifacts_dir / "journey-secretary-2-meeting.png", full_page=True)
    review_button.click()
    expect(page.get_by_text(re.compile("书记 于 .* 审核"))).to_be_visible()

    # The minutes as a PDF (shown in the browser's viewer: fetched here with the session).
    href = page.get_by_role("link", name="打印会议记录（PDF）").get_attribute("href")
    minutes = page.request.get(live_server.url + href)
    assert minutes.headers["content-type"] == "application/pdf"
    assert minutes.body()[:5] == b"%PDF-"

    # Compliance, from the navigation's 会议.
    page.locator("#nav").get_by_role("link", name="会议", exact=True).click()
    expect(page.locator('.navbar [aria-current="page"]')).to_have_text("会议")
    page.goto(live_server.url + reverse("activities:compliance", args=[world.branch.pk]))
    check(page, errors)
    page.screenshot(path=artifacts_dir / "journey-secretary-3-compliance.png", full_page=True)

    # A member's page → 编辑 → a new phone number.
    page.locator("#nav").get_by_role("link", name="党员", exact=True).click()
    page.get_by_role("link", name="普通党员", exact=True).first.click()
    check(page, errors, main=page.get_by_role("link", name="编辑", exact=True))
    page.get_by_role("link", name="编辑", exact=True).click()
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存：联系电话。")).to_be_visible()
    expect(page.get_by_text("13912345678")).to_be_visible()
    page.screenshot(path=artifacts_dir / "journey-secretary-4-member.png", full_page=True)

    # The roster as a spreadsheet.
    page.goto(live_server.url + reverse("members:member_list", args=[world.branch.pk]))
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with download.value.path().open("rb") as workbook:  # its temporary name has no suffix
        rows = list(openpyxl.load_workbook(workbook, read_only=True).active.values)
    cells = {str(cell) for row in rows for cell in row}
    assert {"普通党员", "13912345678"} <= cells  # the phone number just corrected


def test_a_members_day_on_a_phone(
    live_server, transactional_db, world, day, new_page, artifacts_dir
):
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    errors = watch_console(phone)
    log_in(phone, live_server.url, "member", PASSWORD)

    # Their page: the make-up study they owe, first.
    expect(phone.get_by_role("heading", level=1)).to_have_text("普通党员")
    owed = phone.locator("#member-todo").get_by_role("link", name=re.compile("学习党章"))
    check(phone, errors, main=owed)
    phone.screenshot(path=artifacts_dir / "journey-member-1-record.png", full_page=True)

    # Their meetings, and the make-up study they owe.
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#nav").get_by_role("link", name="会议", exact=True).click()
    phone.get_by_role("link", name=re.compile("学习党章")).click()
    expect(phone.get_by_text("你还需要为本次会议补学。")).to_be_visible()
    check(phone, errors)
    phone.screenshot(path=artifacts_dir / "journey-member-2-meeting.png", full_page=True)


def test_the_viewer_reads_and_is_refused_an_edit(
    live_server, transactional_db, world, day, new_page, artifacts_dir
):
    world.viewer_user.last_name, world.viewer_user.first_name = "陆", "建华"
    world.viewer_user.save()
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    errors = watch_console(phone)
    log_in(phone, live_server.url, "viewer", PASSWORD)

    expect(phone.get_by_role("heading", level=1)).to_have_text(world.branch.name)
    phone.get_by_role("button", name="菜单").click()
    expect(phone.get_by_text("只读")).to_be_visible()
    check(phone, errors)
    phone.screenshot(path=artifacts_dir / "journey-viewer-1-overview.png", full_page=True)

    # An edit page is refused with a sentence for the viewer, on the site's own page.
    response = phone.goto(live_server.url + reverse("activities:meeting_edit", args=[day.pk]))
    assert response.status == 403
    expect(phone.get_by_text("供上级党组织查阅支部记录")).to_be_visible()
    phone.goto(live_server.url + "/admin/")
    expect(phone.get_by_text("工作台仅供支部委员会使用。")).to_be_visible()
    phone.screenshot(path=artifacts_dir / "journey-viewer-2-refused.png", full_page=True)
