"""The secretary keeps the plan's items from a phone (375×812): the items as cards, adding
one (a refusal keeps what was typed), marking it done; and sees on their home page what is
due this month. No page scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import PlanItem
from reports.yearend import services
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_secretary_adds_an_item_and_marks_it_done_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    today = timezone.localdate()
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "secretary", PASSWORD)
    plan = services.document_open(
        branch=world.branch, kind="plan", year=today.year, acting_user=world.secretary.user
    )

    # 1. The empty plan says so, and offers the first item.
    phone.goto(f"{live_server.url}/reports/documents/{plan.pk}/items/")
    expect(phone.locator("#plan-items-empty")).to_contain_text("这份计划还没有事项。")
    phone.get_by_role("link", name="添加第一项").click()

    # 2. The form: a deadline in another year is refused, and what was typed stays.
    expect(phone.get_by_role("heading", level=1)).to_have_text("添加事项")
    phone.get_by_label("事项").fill("组织一次主题党日活动")
    phone.get_by_label("负责人").select_option(label="甲组长")
    phone.get_by_label("截止日期").fill(f"{today.year + 1}-01-15")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text(f"截止日期不在本计划的年度（{today.year}年）内。")).to_be_visible()
    expect(phone.get_by_label("事项")).to_have_value("组织一次主题党日活动")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "plan-items-1-form.png", full_page=True)
    phone.get_by_label("截止日期").fill("")
    phone.get_by_label("计划月份").select_option(label=f"{today.month}月")
    phone.get_by_role("button", name="保存").click()

    # 3. The list: the item as a card, with its owner, month and buttons.
    expect(phone.get_by_text("事项已保存。")).to_be_visible()
    card = phone.locator("#plan-item-cards .card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("甲组长")
    expect(card).to_contain_text(f"{today.month}月")
    expect(phone.locator("#plan-items")).to_be_hidden()  # the table is for wider screens
    assert_styled_in_chinese(phone, failed_responses)
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "plan-items-2-list.png", full_page=True)

    # 4. Home: the item is due this month.
    phone.goto(f"{live_server.url}/")
    due = phone.locator("#plan-items-due")
    expect(due).to_contain_text("本月到期的计划事项")
    expect(due).to_contain_text("组织一次主题党日活动")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "plan-items-3-home.png", full_page=True)

    # 5. Marked done, it leaves the home page.
    phone.goto(f"{live_server.url}/reports/documents/{plan.pk}/items/")
    phone.locator("#plan-item-cards").get_by_role("button", name="标记完成").click()
    expect(phone.get_by_text("已标记为完成。")).to_be_visible()
    assert PlanItem.objects.get().state == "done"
    phone.goto(f"{live_server.url}/")
    expect(phone.locator("#plan-items-due")).to_have_count(0)

    # 6. On a desktop the items are a table, the done one with its day.
    desktop = new_page()
    log_in(desktop, live_server.url, "secretary", PASSWORD)
    desktop.goto(f"{live_server.url}/reports/documents/{plan.pk}/items/")
    expect(desktop.locator("#plan-items")).to_contain_text("已完成")
    expect(desktop.locator("#plan-item-cards")).to_be_hidden()
    desktop.screenshot(path=artifacts_dir / "plan-items-4-desktop.png", full_page=True)
    assert failed_responses == []
