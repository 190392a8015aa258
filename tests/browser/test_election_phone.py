"""The secretary records a 换届选举 from a phone (375×812): from the branch overview to the
election, the first round counted, who is elected, the upper committee's approval and the
posts of the new term, each page without sideways scrolling."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.elections import services
from activities.models import Election, MeetingType
from groups.models import CommitteeRole, CommitteeTerm
from tests.browser.test_leader_login import PHONE, assert_styled_in_chinese, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD, recorded_meeting

pytestmark = pytest.mark.browser

# Six voters, all present; three seats, four candidates. More than half of the six present
# is 4 votes: 普通党员 (4) is elected, 乙组长 (2) is not.
VOTES_FOR = {"书记": 6, "甲组长": 5, "普通党员": 4, "乙组长": 2}


def result_row(page: Page, name: str):
    return page.locator("tbody tr", has=page.get_by_role("cell", name=name, exact=True))


def test_the_secretary_counts_an_election_and_installs_the_new_term_from_a_phone(
    live_server, transactional_db, world, new_page, failed_responses, artifacts_dir
):
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=10)
    secretary = world.secretary.user
    meeting = recorded_meeting(
        branch=world.branch,
        kind=MeetingType.GENERAL,
        held_on=held_on,
        acting_user=secretary,
        topic="换届选举党员大会",
    )
    members = {member.name: member for member in world.branch.members.all()}
    election = services.election_save(
        election=Election(
            branch=world.branch,
            meeting=meeting,
            seats=3,
            requested_on=held_on - datetime.timedelta(days=30),
            candidates_approved_on=held_on - datetime.timedelta(days=14),
        ),
        candidates=[members[name] for name in VOTES_FOR],
        acting_user=secretary,
    )

    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(phone, live_server.url, "secretary", PASSWORD)

    # 1. From the branch overview to the list, then the election: its meeting can elect.
    expect(phone.get_by_role("heading", level=1)).to_have_text("一支部")
    phone.get_by_role("link", name="换届选举", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("换届选举")
    assert_fits_the_phone(phone)
    phone.get_by_role("link", name=held_on.isoformat()).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("换届选举 · 支部委员会委员")
    expect(phone.locator(".badge").first).to_have_text("待计票")
    expect(phone.get_by_text("应选 3 人，候选人 4 人")).to_be_visible()
    expect(phone.get_by_text("应到会有选举权的党员 6 人，实到 6 人")).to_contain_text(
        "会议有效，可以选举。"
    )
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "election-phone-1-detail.png", full_page=True)
    phone.get_by_role("link", name="计票", exact=True).click()

    # 2. The count of the first round: the ballots, then each candidate's votes.
    expect(phone.get_by_role("heading", level=1)).to_have_text("计票 · 第1轮")
    expect(phone.get_by_text("到会有选举权的党员 6 人。本轮选举 3 人")).to_contain_text(
        "至少 4 张赞成票"
    )
    phone.get_by_label("发出选票").fill("6")
    phone.get_by_label("收回选票").fill("6")
    expect(phone.get_by_label("无效票")).to_have_value("0")
    for name, votes_for in VOTES_FOR.items():
        card = phone.locator("form .card", has=phone.get_by_text(name, exact=True))
        card.get_by_label("赞成", exact=True).fill(str(votes_for))
        card.get_by_label("不赞成", exact=True).fill(str(6 - votes_for))
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "election-phone-2-count.png", full_page=True)
    phone.get_by_role("button", name="保存计票结果").click()

    # 3. Who is elected: three, by the most votes; the fourth is not.
    expect(phone.get_by_text("计票结果已保存。")).to_be_visible()
    expect(phone.locator(".badge").filter(has_text="待上级党组织批准")).to_be_visible()
    expect(phone.get_by_text("发出选票 6 张，收回 6 张，无效 0 张，有效 6 张")).to_be_visible()
    for name in ("书记", "甲组长", "普通党员"):
        expect(result_row(phone, name).locator("td").last).to_have_text("当选")
    expect(result_row(phone, "乙组长").locator("td").last).to_have_text("未当选")
    expect(result_row(phone, "甲组长").locator("td").nth(1)).to_have_text("5")
    expect(phone.get_by_text("当选：书记、甲组长、普通党员")).to_be_visible()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "election-phone-3-elected.png", full_page=True)
    phone.get_by_role("link", name="记录上级批复").click()

    # 4. The upper committee's approval.
    expect(phone.get_by_role("heading", level=1)).to_have_text("记录上级批复")
    approved_on = held_on + datetime.timedelta(days=5)
    phone.get_by_label("选举结果批复日期").fill(approved_on.isoformat())
    phone.get_by_label("批复文号").fill("教工委〔2026〕8号")
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "election-phone-4-approval.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    expect(phone.get_by_text("批复已保存。")).to_be_visible()
    expect(phone.locator(".badge").filter(has_text="已批准，待产生新一届")).to_be_visible()
    expect(phone.get_by_text("教工委〔2026〕8号")).to_be_visible()
    phone.get_by_role("link", name="分配职务并产生新一届委员会").click()

    # 5. The posts of the new term: one of the elected holds two.
    expect(phone.get_by_role("heading", level=1)).to_have_text("分配职务并产生新一届委员会")
    posts = {
        "书记": ["书记"],
        "甲组长": ["组织委员"],
        "普通党员": ["宣传委员", "纪检委员"],
    }
    for name, roles in posts.items():
        field = phone.locator(f"#div_id_roles_{members[name].pk}")
        expect(field).to_contain_text(name)
        for role in roles:
            field.get_by_label(role, exact=True).check()
    assert_fits_the_phone(phone)
    phone.screenshot(path=artifacts_dir / "election-phone-5-install.png", full_page=True)
    phone.get_by_role("button", name="产生新一届委员会").click()

    # 6. Back on the election: the new term, and nothing left to change.
    expect(phone.get_by_text("第2届委员会已产生；上一届的职务已于前一天结束。")).to_be_visible()
    expect(phone.locator(".badge").filter(has_text="已产生第2届")).to_be_visible()
    term = CommitteeTerm.objects.get(branch=world.branch, number=2)
    expect(
        phone.get_by_text(f"第2届，{held_on.isoformat()}至{term.ends_on.isoformat()}。")
    ).to_be_visible()
    for label in ("修改", "删除", "撤回最后一轮计票", "记录上级批复"):
        expect(phone.get_by_role("link", name=label, exact=True)).to_have_count(0)
    assert_fits_the_phone(phone)
    assert_styled_in_chinese(phone, failed_responses)
    phone.screenshot(path=artifacts_dir / "election-phone-6-installed.png", full_page=True)

    election.refresh_from_db()
    assert election.term == term
    assert (election.approved_on, election.approval_reference) == (approved_on, "教工委〔2026〕8号")
    counted = election.rounds.get()
    assert (counted.number, counted.ballots_issued, counted.ballots_returned) == (1, 6, 6)
    assert {
        vote.candidate.member.name: (vote.votes_for, vote.votes_against, vote.abstentions)
        for vote in counted.votes.all()
    } == {name: (votes, 6 - votes, 0) for name, votes in VOTES_FOR.items()}
    assert term.elected_on == held_on
    assert sorted((post.member.name, post.role) for post in term.posts.all()) == sorted(
        [
            ("书记", CommitteeRole.SECRETARY),
            ("甲组长", CommitteeRole.ORGANISATION),
            ("普通党员", CommitteeRole.PUBLICITY),
            ("普通党员", CommitteeRole.DISCIPLINE),
        ]
    )
    # The last term's posts ended the day before the election.
    first_term = CommitteeTerm.objects.get(branch=world.branch, number=1)
    assert [post.ended_on for post in first_term.posts.all()] == [
        held_on - datetime.timedelta(days=1)
    ]
