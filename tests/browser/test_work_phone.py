"""A group leader logs a home visit from a phone (375×812): from their home page to the
kind, two choices and a tap, without typing a title and without sideways scrolling; the
visit then counts on the year's totals."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, ActivityKind
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_leader_logs_a_home_visit_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "leader_a", PASSWORD)
    phone.get_by_role("link", name="记录党建活动（走访、家访、课例、学习等）").click()

    # The kinds a leader records (no talks: they are the committee's).
    expect(phone.get_by_role("heading", level=1)).to_contain_text("党建活动")
    kinds = phone.locator("#record-kinds a")
    expect(kinds.filter(has_text="谈心谈话")).to_have_count(0)
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "work-phone-1-kinds.png", full_page=True)
    kinds.filter(has_text="家访").click()

    # The form: today's date and the leader's group filled in; the reason first.
    expect(phone.get_by_role("heading", level=1)).to_have_text("家访")
    expect(phone.get_by_label("日期")).to_have_value(timezone.localdate().isoformat())
    expect(phone.get_by_label("党小组")).to_have_value(str(world.group_a.pk))
    phone.get_by_label("家访原因").select_option(label="因病")
    phone.get_by_label("家访次数").fill("2")
    phone.get_by_label(world.member.name).check()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "work-phone-2-form.png", full_page=True)
    phone.get_by_role("button", name="保存", exact=True).click()

    # Back on the list, with the visit and its figures.
    expect(phone.get_by_text("活动已记录。")).to_be_visible()
    expect(phone.get_by_text("因病家访")).to_be_visible()
    assert_fits_the_phone(phone)
    visit = Activity.objects.get()
    assert (visit.kind, visit.number, visit.group) == (ActivityKind.HOME_VISIT, 2, world.group_a)
    assert [row.member for row in visit.participants.all()] == [world.member]

    # The year's totals count it.
    phone.get_by_role("link", name="年度统计").click()
    expect(phone.locator("#group-totals")).to_contain_text("A组")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "work-phone-3-totals.png", full_page=True)
    assert_styled_in_chinese(phone, failed_responses)
