"""A member's page: who sees the identity number, phone and address in full, and the
timeline of the member's life in the Party."""

import datetime

import pytest
from django.urls import reverse

from groups import services as group_services
from groups.models import CommitteeRole, GroupRole
from members import services
from members.models import Category, ExitKind, Member, RecruitmentStep, TransferDirection
from members.recruitment import recruitment_step_record
from members.validators import id_check_character
from tests.factories import CommitteeMembershipFactory, MemberFactory

ID_NUMBER = "310115198503080022"  # a woman born on 8 March 1985, as the factories make her
MASKED_ID = "310***********0022"
PHONE = "13912345678"
MASKED_PHONE = "139****5678"
ADDRESS = "上海市浦东新区锦绣路1000弄5号"


def member_url(member):
    return reverse("members:member_detail", args=[member.pk])


@pytest.fixture
def personal_data(world):
    assert id_check_character(ID_NUMBER[:17]) == ID_NUMBER[-1]
    Member.objects.filter(pk=world.member.pk).update(
        id_number=ID_NUMBER, phone=PHONE, address=ADDRESS
    )
    Member.objects.get(pk=world.member.pk).full_clean()  # the data is valid registry data


@pytest.mark.parametrize("persona", ["secretary", "member"])
def test_the_committee_and_the_member_themself_see_the_personal_data_in_full(
    world, personas, personal_data, persona
):
    response = personas[persona].get(member_url(world.member))

    assert response.status_code == 200
    assert response.context["show_personal_data"] is True
    html = response.content.decode()
    assert f"<td>{ID_NUMBER}</td>" in html
    assert f'<td><a href="tel:{PHONE}" title="拨打">{PHONE}</a></td>' in html  # a tap calls
    assert ADDRESS in html
    assert "家庭住址" in html
    assert MASKED_ID not in html
    assert MASKED_PHONE not in html


@pytest.mark.parametrize("persona", ["viewer", "leader_a"])
def test_viewers_and_the_group_leader_see_the_numbers_masked_and_no_address(
    world, personas, personal_data, persona
):
    response = personas[persona].get(member_url(world.member))

    assert response.status_code == 200
    assert response.context["show_personal_data"] is False
    html = response.content.decode()
    assert ID_NUMBER not in html
    assert PHONE not in html
    assert ADDRESS not in html
    assert "家庭住址" not in html
    assert f"<td>{MASKED_ID}</td>" in html
    assert f"<td>{MASKED_PHONE}</td>" in html


def test_a_leader_sees_their_own_data_in_full_but_not_their_members(
    world, leader_a_client, personal_data
):
    own_id = "31011519850308001" + id_check_character("31011519850308001")
    Member.objects.filter(pk=world.leader_a.pk).update(
        id_number=own_id, gender="male", phone="021-57123456"
    )

    own = leader_a_client.get(member_url(world.leader_a)).content.decode()
    other = leader_a_client.get(member_url(world.member)).content.decode()

    assert own_id in own
    assert "021-57123456" in own
    assert ID_NUMBER not in other


def test_a_secretary_whose_post_has_ended_sees_only_their_own_data(
    world, secretary_client, personal_data
):
    """Personal data follows the current post: it ends when the post ends."""
    post = world.secretary.committee_posts.get()
    post.ended_on = datetime.date(2026, 9, 1)
    post.save()

    assert secretary_client.get(member_url(world.member)).status_code == 403
    own = secretary_client.get(member_url(world.secretary))
    assert own.context["show_personal_data"] is True


@pytest.mark.parametrize("persona", ["secretary", "viewer"])
def test_missing_numbers_show_a_dash(world, personas, persona):
    html = personas[persona].get(member_url(world.member)).content.decode()
    assert "公民身份号码</th><td>—</td>" in html
    assert "联系电话</th><td>—</td>" in html


# ---------------------------------------------------------------- timeline


@pytest.fixture
def life(world):
    """A member's whole life in the branch, recorded through the services in date order."""
    acting = world.secretary.user
    member = MemberFactory(
        branch=world.branch,
        name="老党员",
        joined_on=datetime.date(2010, 7, 1),
        full_member_on=datetime.date(2011, 7, 1),
    )
    group_services.group_member_place(
        group=world.group_a, member=member, started_on=datetime.date(2015, 9, 1), acting_user=acting
    )
    group_services.group_member_place(
        group=world.group_b, member=member, started_on=datetime.date(2020, 9, 1), acting_user=acting
    )
    group_services.group_leader_appoint(
        group=world.group_b,
        member=member,
        role=GroupRole.DEPUTY,
        started_on=datetime.date(2021, 9, 1),
        acting_user=acting,
    )
    transfer = services.transfer_start(
        member=member,
        direction=TransferDirection.OUT,
        other_organisation="区教育局机关党委",
        issued_on=datetime.date(2024, 3, 1),
        acting_user=acting,
    )
    services.transfer_cancel(transfer=transfer, on=datetime.date(2024, 4, 1), acting_user=acting)
    CommitteeMembershipFactory(
        term=world.secretary.committee_posts.get().term,
        member=member,
        role=CommitteeRole.PUBLICITY,
        started_on=datetime.date(2025, 6, 1),
        ended_on=datetime.date(2025, 11, 1),
    )
    services.member_exit(
        member=member,
        kind=ExitKind.EXPELLED,
        on=datetime.date(2025, 12, 1),
        reason="严重违纪",
        acting_user=acting,
    )
    return member


EXPECTED_TIMELINE = [
    (datetime.date(2010, 7, 1), "接收为预备党员"),
    (datetime.date(2011, 7, 1), "转为正式党员"),
    (datetime.date(2015, 9, 1), "编入A组"),
    (datetime.date(2020, 9, 1), "调出A组"),
    (datetime.date(2020, 9, 1), "编入B组"),
    (datetime.date(2021, 9, 1), "担任副组长 · B组"),
    (datetime.date(2024, 3, 1), "开具转出介绍信"),
    (datetime.date(2025, 6, 1), "担任第1届支部委员会宣传委员"),
    (datetime.date(2025, 11, 1), "不再担任第1届支部委员会宣传委员"),
    (datetime.date(2025, 12, 1), "调出B组"),
    (datetime.date(2025, 12, 1), "不再担任副组长 · B组"),
    (datetime.date(2025, 12, 1), "已出党（开除党籍）"),
]


def test_the_timeline_tells_the_members_life_in_date_order(world, secretary_client, life):
    response = secretary_client.get(member_url(life))

    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert sorted((e.on, e.title) for e in timeline) == sorted(EXPECTED_TIMELINE)
    dates = [event.on for event in timeline]
    assert dates == sorted(dates)


def test_the_timeline_is_rendered_oldest_first_with_chinese_titles(world, secretary_client, life):
    html = secretary_client.get(member_url(life)).content.decode()
    timeline_html = html[html.index("时间线") :]

    titles = ["接收为预备党员", "转为正式党员", "编入A组", "担任副组长 · B组", "开具转出介绍信"]
    titles += [
        "担任第1届支部委员会宣传委员",
        "不再担任第1届支部委员会宣传委员",
        "已出党（开除党籍）",
    ]
    positions = [timeline_html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "2010年7月1日" in timeline_html
    assert "区教育局机关党委" in timeline_html  # the transfer's other side
    assert "严重违纪" in timeline_html  # the exit's reason


def test_the_timeline_shows_an_accepted_transfer_out(world, secretary_client):
    transfer = services.transfer_start(
        member=world.member,
        direction=TransferDirection.OUT,
        other_organisation="市教委机关党委",
        issued_on=datetime.date(2026, 4, 1),
        acting_user=world.secretary.user,
    )
    services.transfer_accept(
        transfer=transfer, on=datetime.date(2026, 4, 20), acting_user=world.secretary.user
    )

    timeline = secretary_client.get(member_url(world.member)).context["timeline"]

    events = [(e.on, e.title, e.detail) for e in timeline]
    assert (datetime.date(2026, 4, 1), "开具转出介绍信", "市教委机关党委") in events
    assert (datetime.date(2026, 4, 20), "已转出", "市教委机关党委") in events
    assert (datetime.date(2026, 4, 20), "调出A组", "") in events
    # The status change to 已转出 is told once, by the transfer, not again by the history.
    assert [e.title for e in timeline].count("已转出") == 1


def test_the_timeline_of_a_probationary_member_shows_when_probation_ends(world, secretary_client):
    member = MemberFactory(branch=world.branch, name="新党员", probationary=True)
    timeline = secretary_client.get(member_url(member)).context["timeline"]
    assert [(e.on, e.title) for e in timeline] == [
        (datetime.date(2026, 6, 1), "接收为预备党员"),
        (datetime.date(2027, 6, 1), "预备期满"),
    ]


def test_a_suspension_and_restoration_appear_in_the_timeline(world, secretary_client):
    services.member_suspend(
        member=world.member,
        on=datetime.date(2026, 2, 1),
        reason="出国",
        acting_user=world.secretary.user,
    )
    services.member_restore(
        member=Member.objects.get(pk=world.member.pk),
        on=datetime.date(2026, 8, 1),
        reason="回国",
        acting_user=world.secretary.user,
    )

    timeline = secretary_client.get(member_url(world.member)).context["timeline"]

    events = [(e.on, e.title, e.detail) for e in timeline]
    assert (datetime.date(2026, 2, 1), "停止党籍", "出国") in events
    assert (datetime.date(2026, 8, 1), "正常", "回国") in events


def test_the_timeline_shows_recruitment_steps_for_someone_not_yet_a_member(world, secretary_client):
    applicant = MemberFactory(
        branch=world.branch,
        name="申请人",
        category=Category.APPLICANT,
        joined_on=None,
        full_member_on=None,
    )
    recruitment_step_record(
        member=applicant,
        step=RecruitmentStep.objects.get(code="application"),
        on=datetime.date(2026, 3, 1),
        reference="发展档案1-01",
        acting_user=world.secretary.user,
    )

    response = secretary_client.get(reverse("members:member_detail", args=[applicant.pk]))

    (event,) = response.context["timeline"]
    assert (event.on, event.title, event.detail) == (
        datetime.date(2026, 3, 1),
        "递交入党申请书",
        "发展档案1-01",
    )
