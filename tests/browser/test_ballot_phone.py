"""A member casts the 民主评议 ballot from a phone (375×812): from their own page to the
ballot, a grade for every member by tapping, the confirmation with the counts, 已提交; the
database holds the counts and that they voted, nothing pairing the two."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.evaluation import services
from members.models import BallotCast, Grade, GradeCount
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_casts_the_ballot_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    evaluation = services.round_open(
        branch=world.branch,
        year=timezone.localdate().year,
        opened_on=timezone.localdate() - datetime.timedelta(days=1),
        acting_user=world.secretary.user,
    )
    others = services.ballot_for(evaluation, world.member)
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "member", PASSWORD)

    # 1. Their own page asks them to vote.
    expect(phone.get_by_text("请您投票")).to_be_visible()
    phone.get_by_role("link", name="投票", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("民主测评表")
    assert_fits_the_phone(phone)

    # 2. A grade for everyone by tapping; one 优秀 and one 基本合格.
    for member in others:
        card = phone.locator("fieldset", has=phone.get_by_text(member.name, exact=True))
        label = {others[0].pk: "优秀", others[1].pk: "基本合格"}.get(member.pk, "合格")
        card.get_by_text(label, exact=True).click()
        expect(card.get_by_label(label, exact=True)).to_be_checked()
    phone.screenshot(path=artifacts_dir / "ballot-phone.png", full_page=True)
    phone.get_by_role("button", name="检查并提交").click()

    # 3. The confirmation shows the counts; nothing is counted yet.
    expect(phone.get_by_role("heading", level=1)).to_have_text("确认提交测评表？")
    expect(phone.locator("li", has_text="基本合格")).to_contain_text("1")
    assert not BallotCast.objects.exists()
    assert_fits_the_phone(phone)
    phone.get_by_role("button", name="提交", exact=True).click()

    # 4. Submitted.
    expect(phone.get_by_text("已提交")).to_be_visible()
    assert_styled_in_chinese(phone, failed_responses)
    assert BallotCast.objects.filter(voter=world.member).count() == 1
    counts = dict(GradeCount.objects.filter(member=others[1]).values_list("grade", "count"))
    assert counts[Grade.BASIC] == 1 and counts[Grade.QUALIFIED] == 0
    assert sum(GradeCount.objects.values_list("count", flat=True)) == len(others)
