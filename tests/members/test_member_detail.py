"""A member's record: who may open it, and how access follows the organisation at once."""

import datetime

import pytest
from django.urls import reverse

from groups import services
from groups.models import GroupLeadership, GroupRole
from members.models import Member
from tests.conftest import client_for
from tests.factories import (
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    GroupMembershipFactory,
    PartyGroupFactory,
    UserFactory,
    member_in_group,
)

ON_THE_PLAIN_MEMBER = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 403,
    "member": 200,
    "viewer": 200,
    "outsider": 404,
}

ON_A_MEMBER_OF_GROUP_B = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 200,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}


def member_url(member):
    return reverse("members:member_detail", args=[member.pk])


@pytest.mark.parametrize("persona, status", ON_THE_PLAIN_MEMBER.items())
def test_it_admits_the_member_their_leader_the_committee_and_viewers(
    world, personas, persona, status
):
    url = member_url(world.member)
    response = personas[persona].get(url)
    assert response.status_code == status
    if status == 200:
        assert response.context["member"] == world.member
        assert "普通党员" in response.content.decode()
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("persona, status", ON_A_MEMBER_OF_GROUP_B.items())
def test_it_keeps_a_member_of_group_b_from_the_leader_of_group_a(world, personas, persona, status):
    in_b = Member.objects.get(name="乙组党员一")
    response = personas[persona].get(member_url(in_b))
    assert response.status_code == status


def test_it_tells_the_member_it_is_their_own_record(world, member_client, secretary_client):
    assert member_client.get(member_url(world.member)).context["is_own_record"] is True
    assert secretary_client.get(member_url(world.member)).context["is_own_record"] is False


def test_it_returns_404_for_a_member_that_does_not_exist(world, secretary_client):
    assert secretary_client.get(reverse("members:member_detail", args=[999_999])).status_code == 404


def test_it_keeps_a_former_member_of_the_leaders_group_from_the_leader(world, leader_a_client):
    """Leaders see the people in their group now, not everyone who ever passed through it."""
    moved = member_in_group(world.group_b, name="调走的党员")
    current = moved.group_memberships.get()
    current.started_on = datetime.date(2023, 9, 1)
    current.save()
    GroupMembershipFactory(
        group=world.group_a,
        member=moved,
        started_on=datetime.date(2020, 9, 1),
        ended_on=datetime.date(2023, 9, 1),
    )
    assert leader_a_client.get(member_url(moved)).status_code == 403


def test_it_shows_the_group_history_and_posts(world, secretary_client):
    GroupMembershipFactory(
        group=world.group_b,
        member=world.leader_a,
        started_on=datetime.date(2015, 9, 1),
        ended_on=datetime.date(2020, 8, 31),
    )

    response = secretary_client.get(member_url(world.leader_a))

    history = [(m.group.name, m.ended_on) for m in response.context["group_history"]]
    assert history == [("A组", None), ("B组", datetime.date(2020, 8, 31))]
    titles = [event.title for event in response.context["timeline"]]
    assert "担任组长 · A组" in titles
    html = response.content.decode()
    assert "至今" in html
    assert "组长 · A组" in html


def test_it_says_so_when_a_member_is_in_no_group(world, secretary_client):
    ungrouped = Member.objects.create(
        branch=world.branch, name="未编组党员", gender="male", category="full"
    )
    response = secretary_client.get(member_url(ungrouped))
    assert response.status_code == 200
    assert "未编入党小组。" in response.content.decode()


def test_a_leader_loses_access_the_moment_the_leadership_ends(world, leader_a_client):
    url = member_url(world.member)
    assert leader_a_client.get(url).status_code == 200

    leadership = GroupLeadership.objects.get(group=world.group_a, member=world.leader_a)
    leadership.ended_on = datetime.date(2026, 9, 1)
    leadership.save()

    # Still in the branch, so told "forbidden" rather than "not found".
    assert leader_a_client.get(url).status_code == 403
    assert leader_a_client.get(member_url(world.leader_a)).status_code == 200


def test_a_newly_appointed_leader_gains_access_on_the_next_request(world, member_client):
    colleague_url = member_url(world.secretary)
    assert member_client.get(colleague_url).status_code == 403

    services.group_leader_appoint(
        group=world.group_a,
        member=world.member,
        started_on=datetime.date(2026, 9, 1),
        acting_user=world.secretary.user,
    )

    assert member_client.get(colleague_url).status_code == 200


def test_the_replaced_leader_loses_access_on_the_next_request(world, leader_a_client):
    url = member_url(world.member)
    assert leader_a_client.get(url).status_code == 200

    services.group_leader_appoint(
        group=world.group_a,
        member=world.member,
        started_on=datetime.date(2026, 9, 1),
        acting_user=world.secretary.user,
    )

    assert leader_a_client.get(url).status_code == 403


def test_a_deputy_leader_may_open_the_records_of_their_group(world):
    deputy = member_in_group(world.group_a, name="副组长", user=UserFactory(username="deputy_a"))
    GroupLeadershipFactory(group=world.group_a, member=deputy, role=GroupRole.DEPUTY)
    client = client_for(deputy.user)

    assert client.get(member_url(world.member)).status_code == 200
    assert client.get(member_url(world.leader_b)).status_code == 403


def test_a_secretary_whose_post_has_ended_loses_branch_wide_access(world, secretary_client):
    in_b = Member.objects.get(name="乙组党员一")
    assert secretary_client.get(member_url(in_b)).status_code == 200

    post = world.secretary.committee_posts.get()
    post.ended_on = datetime.date(2026, 9, 1)
    post.save()

    assert secretary_client.get(member_url(in_b)).status_code == 403
    assert secretary_client.get(member_url(world.secretary)).status_code == 200


def test_a_secretary_of_an_earlier_term_loses_branch_wide_access_after_an_election(
    world, secretary_client
):
    in_b = Member.objects.get(name="乙组党员一")
    new_term = CommitteeTermFactory(
        branch=world.branch, number=2, elected_on=datetime.date(2026, 6, 1)
    )
    CommitteeMembershipFactory(term=new_term, member=world.leader_b)

    assert secretary_client.get(member_url(in_b)).status_code == 403


def test_its_query_count_does_not_grow_with_the_group_history(
    world, secretary_client, query_counter
):
    url = member_url(world.member)
    years = iter(range(2000, 2019, 3))

    def grow():
        year = next(years)
        group = PartyGroupFactory(branch=world.branch)
        GroupMembershipFactory(
            group=group,
            member=world.member,
            started_on=datetime.date(year, 9, 1),
            ended_on=datetime.date(year + 2, 8, 31),
        )
        GroupLeadershipFactory(
            group=group,
            member=world.member,
            started_on=datetime.date(year, 9, 1),
            ended_on=datetime.date(year + 2, 8, 31),
        )

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_its_query_count_does_not_grow_for_the_members_own_view(
    world, member_client, query_counter
):
    url = member_url(world.member)
    years = iter(range(2000, 2019, 3))

    def grow():
        year = next(years)
        group = PartyGroupFactory(branch=world.branch)
        GroupMembershipFactory(
            group=group,
            member=world.member,
            started_on=datetime.date(year, 9, 1),
            ended_on=datetime.date(year + 2, 8, 31),
        )
        term = CommitteeTermFactory(
            branch=world.branch, number=year, elected_on=datetime.date(year, 6, 1)
        )
        CommitteeMembershipFactory(
            term=term,
            member=world.member,
            role="member",
            started_on=datetime.date(year, 6, 1),
            ended_on=datetime.date(year + 2, 5, 31),
        )

    query_counter.assert_constant(lambda: member_client.get(url), grow)
