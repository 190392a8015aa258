"""A party group's page: who may open it, what it lists, what it warns about."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    GroupLeadershipFactory,
    GroupMembershipFactory,
    MemberFactory,
    PartyGroupFactory,
    member_in_group,
)

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}

FEWER_THAN_THREE = "仅有 2 人：党小组至少应有 3 人。"
NO_FULL_MEMBER = "没有正式党员：党小组至少应有 1 名正式党员。"
NO_LEADER = "尚未指定组长。"


def group_url(group):
    return reverse("overview:group_detail", args=[group.pk])


def former_member(group, name, *, started_on, ended_on):
    """A member of `group`'s branch who was in `group` and has since moved to another one."""
    member = MemberFactory(branch=group.branch, name=name)
    GroupMembershipFactory(group=group, member=member, started_on=started_on, ended_on=ended_on)
    elsewhere = PartyGroupFactory(branch=group.branch)
    GroupMembershipFactory(group=elsewhere, member=member, started_on=ended_on)
    return member


@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_it_admits_the_committee_viewers_and_the_groups_own_leader(
    world, personas, persona, status
):
    url = group_url(world.group_a)
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_it_returns_404_for_a_group_that_does_not_exist(world, secretary_client):
    response = secretary_client.get(reverse("overview:group_detail", args=[999_999]))
    assert response.status_code == 404


def test_it_lists_the_current_members_with_the_leader_marked(world, leader_a_client):
    response = leader_a_client.get(group_url(world.group_a))

    current = [m.member for m in response.context["current_members"]]
    assert sorted(m.name for m in current) == sorted(["书记", "甲组长", "普通党员"])
    assert response.context["leader"] == world.leader_a
    assert response.context["group"].member_count == 3
    assert response.context["group"].full_count == 3
    html = response.content.decode()
    for name in ("书记", "甲组长", "普通党员"):
        assert name in html
    assert reverse("members:member_detail", args=[world.member.pk]) in html
    # Members of the other group are not listed here.
    assert "乙组长" not in html
    assert "乙组党员一" not in html


def test_it_lists_former_members_most_recent_first_and_not_among_current(world, secretary_client):
    former_member(
        world.group_a,
        "早年离组",
        started_on=datetime.date(2012, 9, 1),
        ended_on=datetime.date(2015, 8, 31),
    )
    former_member(
        world.group_a,
        "近年离组",
        started_on=datetime.date(2016, 9, 1),
        ended_on=datetime.date(2019, 8, 31),
    )

    response = secretary_client.get(group_url(world.group_a))

    past = [m.member.name for m in response.context["past_members"]]
    assert past == ["近年离组", "早年离组"]
    current = {m.member.name for m in response.context["current_members"]}
    assert current.isdisjoint({"近年离组", "早年离组"})
    assert response.context["group"].member_count == 3
    html = response.content.decode()
    assert "曾在本组的党员" in html
    assert "近年离组" in html
    assert "早年离组" in html
    assert "暂无调出本组的党员" not in html


def test_it_lists_the_leader_history_newest_first(world, secretary_client):
    earlier = member_in_group(world.group_b, name="前任组长")
    GroupLeadershipFactory(
        group=world.group_a,
        member=earlier,
        started_on=datetime.date(2017, 9, 1),
        ended_on=datetime.date(2020, 8, 31),
    )

    response = secretary_client.get(group_url(world.group_a))

    history = [(x.member.name, x.ended_on) for x in response.context["leaderships"]]
    assert history == [("甲组长", None), ("前任组长", datetime.date(2020, 8, 31))]
    # The current leader is still the one in office, not the former one.
    assert response.context["leader"] == world.leader_a
    html = response.content.decode()
    assert "历任组长" in html
    assert "前任组长" in html


def test_it_shows_no_warning_for_a_sound_group(world, secretary_client):
    response = secretary_client.get(group_url(world.group_a))
    assert response.context["warnings"] == []
    html = response.content.decode()
    for message in (NO_LEADER, NO_FULL_MEMBER, "党小组至少应有 3 人"):
        assert message not in html


def test_it_warns_when_a_group_has_fewer_than_three_members(world, secretary_client):
    group = PartyGroupFactory(branch=world.branch, name="小组")
    leader = member_in_group(group)
    member_in_group(group)
    GroupLeadershipFactory(group=group, member=leader)

    response = secretary_client.get(group_url(group))

    assert [w.message for w in response.context["warnings"]] == [FEWER_THAN_THREE]
    assert FEWER_THAN_THREE in response.content.decode()


def test_it_warns_when_a_group_has_no_full_member(world, secretary_client):
    group = PartyGroupFactory(branch=world.branch, name="预备党员组")
    members = [member_in_group(group, probationary=True) for _ in range(3)]
    GroupLeadershipFactory(group=group, member=members[0])

    response = secretary_client.get(group_url(group))

    assert response.context["group"].full_count == 0
    assert response.context["group"].probationary_count == 3
    assert [w.message for w in response.context["warnings"]] == [NO_FULL_MEMBER]
    assert NO_FULL_MEMBER in response.content.decode()


def test_it_warns_when_a_group_has_no_leader(world, secretary_client):
    group = PartyGroupFactory(branch=world.branch, name="无组长组")
    for _ in range(3):
        member_in_group(group)

    response = secretary_client.get(group_url(group))

    assert response.context["leader"] is None
    assert [w.message for w in response.context["warnings"]] == [NO_LEADER]
    assert NO_LEADER in response.content.decode()


def test_it_warns_about_a_leader_whose_term_has_ended(world, secretary_client):
    leadership = world.leader_a.group_leaderships.get()
    leadership.ended_on = datetime.date(2026, 1, 31)
    leadership.save()

    response = secretary_client.get(group_url(world.group_a))

    assert response.context["leader"] is None
    assert NO_LEADER in response.content.decode()


def test_it_does_not_count_former_members_towards_the_minimum(world, secretary_client):
    group = PartyGroupFactory(branch=world.branch, name="缩减组")
    leader = member_in_group(group)
    member_in_group(group)
    GroupLeadershipFactory(group=group, member=leader)
    former_member(
        group, "已离组", started_on=datetime.date(2015, 9, 1), ended_on=datetime.date(2019, 8, 31)
    )

    response = secretary_client.get(group_url(group))

    assert response.context["group"].member_count == 2
    assert FEWER_THAN_THREE in response.content.decode()


def test_it_shows_management_links_to_the_secretary_only(world, secretary_client, personas):
    appoint = reverse("groups:group_leader_appoint", args=[world.group_a.pk])
    assert appoint in secretary_client.get(group_url(world.group_a)).content.decode()
    for persona in ("leader_a", "viewer"):
        assert appoint not in personas[persona].get(group_url(world.group_a)).content.decode()


def test_its_query_count_does_not_grow_with_current_members(world, secretary_client, query_counter):
    url = group_url(world.group_a)

    def grow():
        member_in_group(world.group_a)
        member_in_group(world.group_a, probationary=True)

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_its_query_count_does_not_grow_with_past_members_and_leaders(
    world, leader_a_client, query_counter
):
    url = group_url(world.group_a)
    years = iter(range(2000, 2019, 3))

    def grow():
        year = next(years)
        former = former_member(
            world.group_a,
            f"离组{year}",
            started_on=datetime.date(year, 9, 1),
            ended_on=datetime.date(year + 2, 8, 31),
        )
        GroupLeadershipFactory(
            group=world.group_a,
            member=former,
            started_on=datetime.date(year, 9, 1),
            ended_on=datetime.date(year + 2, 8, 31),
        )

    query_counter.assert_constant(lambda: leader_a_client.get(url), grow)
