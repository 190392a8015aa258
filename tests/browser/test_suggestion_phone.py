"""A group leader records what the staff raised from a phone (375×812): from their home page,
in a few taps (their group and today's date already there), without sideways scrolling; and
later records that the staff are satisfied, which takes it off their page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Suggestion, SuggestionState
from tests.activities.suggestion_factories import days_ago, recorded_suggestion
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_leader_records_a_suggestion_and_the_staffs_satisfaction_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    done = recorded_suggestion(
        branch=world.branch,
        group=world.group_a,
        raised_on=days_ago(20),
        state=SuggestionState.DONE,
        text="希望更换三楼饮水机",
        acting_user=world.leader_a.user,
    )
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "leader_a", PASSWORD)

    # 1. Home (the group page): the open suggestion, its wait, and the button.
    expect(phone.get_by_role("heading", level=1)).to_have_text("A组")
    card = phone.locator("#suggestions")
    expect(card.get_by_text("最早的一条已等待 20 天。")).to_be_visible()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "suggestion-1-home.png", full_page=True)
    card.get_by_role("link", name="记录意见建议").click()

    # 2. The form: the group and today's date are there; a category, the text, a name.
    expect(phone.get_by_role("heading", level=1)).to_have_text("记录意见建议")
    expect(phone.get_by_label("党小组")).to_have_value(str(world.group_a.pk))
    today = timezone.localdate()
    expect(phone.get_by_label("反映日期")).to_have_value(today.isoformat())
    phone.get_by_label("后勤").check()
    phone.get_by_label("意见建议").fill("希望在教工餐厅增加微波炉")
    # Ticking 匿名 hides the name box; unticking brings it back.
    phone.get_by_label("匿名").check()
    expect(phone.get_by_label("反映人")).to_be_hidden()
    phone.get_by_label("匿名").uncheck()
    phone.get_by_label("反映人").fill("孙老师")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "suggestion-2-form.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    # 3. Its page: waiting for the committee's answer.
    expect(phone.get_by_text("意见建议已记录，办结前会一直显示在首页。")).to_be_visible()
    expect(phone.locator("#suggestion-text")).to_have_text("希望在教工餐厅增加微波炉")
    expect(phone.get_by_text("由支委会记录答复和落实情况。")).to_be_visible()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "suggestion-3-recorded.png", full_page=True)

    # 4. The one carried out: the leader records that the staff are satisfied.
    phone.goto(f"{live_server.url}/activities/suggestions/{done.pk}/")
    phone.get_by_label("满意", exact=True).check()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "suggestion-4-feedback.png", full_page=True)
    phone.get_by_role("button", name="记录满意度").click()
    expect(phone.get_by_text("教职工满意度已记录，该意见建议已办结。")).to_be_visible()
    assert_styled_in_chinese(phone, failed_responses)

    created = Suggestion.objects.exclude(pk=done.pk).get()
    assert (created.group, created.raised_on, created.category, created.raised_by) == (
        world.group_a,
        today,
        "logistics",
        "孙老师",
    )
    assert created.history.get().history_user == world.leader_a.user
    assert Suggestion.objects.get(pk=done.pk).state == SuggestionState.CLOSED
