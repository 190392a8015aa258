"""A transfer between two branches in the browser: the sending secretary names the receiving
branch on the desktop; the receiving secretary, on a phone (375×812), finds it waiting on
the member list, accepts it in two taps and lands on the member's page; the sending
secretary then reads that page without the means to edit it. No page scrolls sideways."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member, Transfer, TransferState
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def assert_cards_fit(page) -> None:
    """No card, nor a table in one, sticks out to the right of the phone's 375 px (a wide
    table widens the layout viewport, which `assert_fits_the_phone` alone does not see)."""
    rights = page.evaluate(
        "[...document.querySelectorAll('.card, .card table')]"
        ".map(c => c.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= PHONE["width"], rights


def test_a_member_is_transferred_to_another_branch_and_accepted_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    desktop = new_page()
    log_in(desktop, live_server.url, "secretary", PASSWORD)
    desktop.goto(
        live_server.url + reverse("members:member_action", args=[world.member.pk, "transfer-out"])
    )
    desktop.get_by_label("本系统内的接收党支部").select_option(label="实验小学 · 二支部")
    desktop.get_by_label("介绍信编号").fill("组转〔2026〕3号")
    desktop.screenshot(path=artifacts_dir / "transfer-1-out-form.png", full_page=True)
    desktop.get_by_role("button", name="确认").click()
    expect(desktop.get_by_text("二支部办理接收前")).to_be_visible()
    transfer = Transfer.objects.get(member=world.member)
    assert transfer.to_branch == world.other_branch

    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "outsider", PASSWORD)  # 二支部's secretary
    phone.goto(live_server.url + reverse("members:member_list", args=[world.other_branch.pk]))
    waiting = phone.locator("#transfers-awaiting")
    expect(waiting).to_contain_text("转入待接收")
    expect(waiting).to_contain_text("普通党员")
    expect(waiting).to_contain_text("来自一支部")
    assert_fits_the_phone(phone)
    assert_cards_fit(phone)
    phone.screenshot(path=artifacts_dir / "transfer-2-waiting-phone.png", full_page=True)
    waiting.get_by_role("link", name="接收").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("接收组织关系 · 普通党员")
    expect(phone.get_by_label("接收日期")).to_have_value(timezone.localdate().isoformat())
    assert_fits_the_phone(phone)
    assert_cards_fit(phone)
    phone.screenshot(path=artifacts_dir / "transfer-3-receive-phone.png", full_page=True)
    phone.get_by_role("button", name="确认接收").click()

    expect(phone.get_by_text("普通党员已转入二支部")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("普通党员")
    assert_fits_the_phone(phone)
    assert_styled_in_chinese(phone, failed_responses)
    phone.screenshot(path=artifacts_dir / "transfer-4-member-phone.png", full_page=True)
    assert Member.objects.get(pk=world.member.pk).branch == world.other_branch
    assert Transfer.objects.get().state == TransferState.ACCEPTED

    desktop.goto(live_server.url + reverse("members:member_detail", args=[world.member.pk]))
    expect(desktop.locator("#read-until")).to_contain_text("二支部已于")
    expect(desktop.get_by_role("link", name="编辑")).to_have_count(0)
    expect(desktop.get_by_text("调出A组")).to_be_visible()
    desktop.screenshot(path=artifacts_dir / "transfer-5-sender-reads.png", full_page=True)
    phone_reader = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone_reader, live_server.url, "secretary", PASSWORD)
    phone_reader.goto(live_server.url + reverse("members:member_detail", args=[world.member.pk]))
    expect(phone_reader.locator("#read-until")).to_be_visible()
    assert_fits_the_phone(phone_reader)
    assert_cards_fit(phone_reader)
    phone_reader.screenshot(
        path=artifacts_dir / "transfer-6-sender-reads-phone.png", full_page=True
    )
