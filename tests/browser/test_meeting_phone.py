"""A group leader logs a 党小组会 from a phone (375×812): from their home page, in a few
taps, with one member excused and a photo, without sideways scrolling."""

import base64
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Meeting, Presence
from tests.browser.test_journeys import check, watch_console
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# A 1×1 PNG: what a phone camera sends is bigger, but the same kind of file.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


# WCAG's relative luminance and contrast ratio of an element's text on its background (the
# first opaque background up its ancestors).
CONTRAST_JS = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let back = element;
  while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
  const bg = back ? rgb(getComputedStyle(back).backgroundColor) : [255, 255, 255];
  const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def contrast(locator) -> float:
    return locator.evaluate(CONTRAST_JS)


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px phone"


def test_a_leader_logs_a_group_meeting_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    errors = watch_console(phone)
    log_in(phone, live_server.url, "leader_a", PASSWORD)

    # 1. Home (the group page): one button to record a group meeting.
    expect(phone.get_by_role("heading", level=1)).to_have_text("A组")
    check(phone, errors)
    phone.screenshot(path=artifacts_dir / "phone-1-home.png", full_page=True)
    phone.get_by_role("link", name="记录党小组会").click()

    # 2. The form, one screen: type and group fixed (the leader has one group), today's
    # date filled in, the photo a large button; the rest folded under 更多（选填）.
    expect(phone.get_by_role("heading", level=1)).to_have_text("记录会议")
    expect(phone.locator("#meeting-fixed")).to_have_text("党小组会 A组")
    expect(phone.locator("input[name=group]")).to_have_value(str(world.group_a.pk))
    today = timezone.localdate()
    expect(phone.get_by_label("日期")).to_have_value(today.isoformat())
    expect(phone.get_by_label("议程")).to_be_hidden()
    save = phone.get_by_role("button", name="保存并登记出勤")
    expect(save).to_be_in_viewport()
    phone.get_by_role("button", name="集中学习").click()  # a usual agenda fills the agenda
    expect(phone.get_by_label("议程")).to_be_visible()  # and unfolds it to show it
    expect(phone.get_by_label("议程")).to_have_value(
        "1. 组长传达支部近期工作安排\n2. 集中学习：\n3. 党员交流发言\n4. 组长小结"
    )
    phone.get_by_label("地点").fill("党员活动室")
    phone.get_by_label("主题").fill("学习党的二十届四中全会精神")
    photo = phone.get_by_label("拍照上传")
    assert (photo.get_attribute("accept"), photo.get_attribute("capture")) == (
        "image/*",
        "environment",
    )
    photo.set_input_files({"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG})
    expect(phone.locator(".photo-chosen")).to_have_text("现场照片.png")
    check(phone, errors)
    phone.screenshot(path=artifacts_dir / "phone-2-form.png", full_page=True)
    phone.get_by_role("button", name="保存并登记出勤").click()

    # 3. Attendance: everyone present already; one tap and a reason for the exception.
    expect(phone.get_by_role("heading", level=1)).to_have_text("出勤登记")
    expect(phone.locator(".attendance-tally")).to_have_text("实到 3 / 应到 3")
    row = phone.locator(".attendance-row", has_text="普通党员")
    excused = row.get_by_text("请假", exact=True)
    assert contrast(excused) >= 4.5  # it reads outdoors, before and after it is chosen
    excused.click()
    phone.mouse.click(5, 5)  # away from the button: its own colours, not the hover's
    assert contrast(excused) >= 4.5
    expect(phone.locator(".attendance-tally")).to_have_text("实到 2 / 应到 3")
    expect(phone.get_by_role("button", name="保存出勤")).to_be_in_viewport()
    row.get_by_role("textbox").fill("带学生参加区运动会")
    check(phone, errors)
    phone.screenshot(path=artifacts_dir / "phone-3-attendance.png", full_page=True)
    phone.get_by_role("button", name="保存出勤").click()

    # 4. The record: counts, the excused member with the reason, the photo.
    expect(phone.get_by_role("heading", level=1)).to_have_text("学习党的二十届四中全会精神")
    expect(phone.get_by_text("应到 3 人，实到 2 人，请假 1 人，缺席 0 人")).to_be_visible()
    expect(phone.get_by_text("请假（带学生参加区运动会）")).to_be_visible()
    expect(phone.locator("#attachments img")).to_have_count(1)
    # The photo is served back and decodes (a broken image never completes with a width).
    # Polled through Playwright's own expectations: a predicate passed as a string would be
    # evaluated with eval(), which the Content-Security-Policy refuses.
    photo = phone.locator("#attachments img")
    expect(photo).to_have_js_property("complete", True)
    expect(photo).to_have_js_property("naturalWidth", 1)
    check(phone, errors)
    assert_styled_in_chinese(phone, failed_responses)
    phone.screenshot(path=artifacts_dir / "phone-4-meeting.png", full_page=True)

    meeting = Meeting.objects.get()
    assert (meeting.group, meeting.held_on, meeting.place) == (world.group_a, today, "党员活动室")
    assert meeting.agenda.startswith("1. 组长传达支部近期工作安排")
    excused = meeting.attendances.get(presence=Presence.EXCUSED)
    assert (excused.member, excused.reason) == (world.member, "带学生参加区运动会")
    assert meeting.attachments.get().original_name == "现场照片.png"
    assert meeting.created_by == world.leader_a.user
    assert (meeting.host, meeting.recorder) == (world.leader_a, world.leader_a)
    assert isinstance(meeting.held_on, datetime.date)
