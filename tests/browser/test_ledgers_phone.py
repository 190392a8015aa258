"""The ledgers on a phone (375×812): a group leader records a pairing with a pupil and its
first meeting, and the secretary a help given to a hardship case, in a few taps, with the
dates filled in and no page scrolling sideways."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import HardshipCase, HardshipHelp, Pairing
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def phone_for(new_page, live_server, username):
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, username, PASSWORD)
    return phone


def test_a_leader_records_a_pairing_and_its_meeting_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    phone = phone_for(new_page, live_server, "leader_a")
    phone.goto(live_server.url + reverse("activities:pairing_list", args=[world.branch.pk]))
    expect(phone.get_by_text("该期间尚无记录。")).to_be_visible()
    assert_fits_the_phone(phone)
    phone.get_by_role("link", name="登记结对").first.click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("登记结对")
    today = timezone.localdate()
    expect(phone.get_by_label("开始日期")).to_have_value(today.isoformat())
    phone.get_by_label("党员").select_option(label="普通党员")
    phone.get_by_label("结对类别").select_option(label="学困生")
    phone.get_by_label("结对对象姓名").fill("王小宇")
    phone.get_by_label("学生班级").fill("三（2）班")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "ledgers-1-pairing-form.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("普通党员 → 王小宇")
    expect(phone.get_by_label("日期")).to_have_value(today.isoformat())
    phone.get_by_label("活动内容").fill("辅导作业订正")
    phone.get_by_role("button", name="添加").click()
    expect(phone.get_by_text("辅导作业订正")).to_be_visible()
    assert_fits_the_phone(phone)
    assert_styled_in_chinese(phone, failed_responses)
    phone.screenshot(path=artifacts_dir / "ledgers-2-pairing.png", full_page=True)

    pairing = Pairing.objects.get()
    assert (pairing.member, pairing.pupil_class, pairing.started_on) == (
        world.member,
        "三（2）班",
        today,
    )
    assert pairing.meetings.get().held_on == today
    assert pairing.history.get().history_user == world.leader_a.user


def test_the_secretary_records_a_help_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    case = HardshipCase.objects.create(
        branch=world.branch,
        member=world.member,
        difficulty="家人重病住院",
        opened_on=timezone.localdate(),
    )
    phone = phone_for(new_page, live_server, "secretary")
    phone.goto(live_server.url + reverse("activities:hardship", args=[case.pk]))

    phone.get_by_label("帮扶内容").fill("看望并送去慰问金")
    phone.get_by_label("钱物金额（元）").fill("500.50")
    phone.get_by_label("甲组长").check()  # the secretary is ticked already
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "ledgers-3-help-form.png", full_page=True)
    phone.get_by_role("button", name="添加").click()

    expect(phone.get_by_text("合计 500.50 元")).to_be_visible()
    expect(phone.get_by_text("书记、甲组长")).to_be_visible()
    assert_fits_the_phone(phone)
    assert_styled_in_chinese(phone, failed_responses)

    given = HardshipHelp.objects.get()
    assert {giver.name for giver in given.givers.all()} == {"书记", "甲组长"}
