"""The secretary appoints group leaders and places members through our pages."""

import datetime

import pytest
from django.urls import reverse

from groups.models import GroupLeadership, GroupMembership, GroupRole
from tests.factories import MemberFactory

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("name", ["groups:group_leader_appoint", "groups:group_member_place"])
@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_only_the_committee_may_open_the_group_actions(world, personas, name, persona, status):
    response = personas[persona].get(reverse(name, args=[world.group_a.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["leader_a", "member", "viewer"])
def test_a_post_from_the_wrong_role_changes_nothing(world, personas, persona):
    response = personas[persona].post(
        reverse("groups:group_leader_appoint", args=[world.group_a.pk]),
        {"member": world.member.pk, "role": GroupRole.LEADER, "started_on": "2026-09-01"},
    )
    assert response.status_code == 403
    assert GroupLeadership.objects.current().get(group=world.group_a).member == world.leader_a


def test_appointing_a_leader_moves_access_at_once(world, secretary_client, personas):
    group_url = reverse("overview:group_detail", args=[world.group_a.pk])
    assert personas["member"].get(group_url).status_code == 403

    response = secretary_client.post(
        reverse("groups:group_leader_appoint", args=[world.group_a.pk]),
        {"member": world.member.pk, "role": GroupRole.LEADER, "started_on": "2026-09-01"},
    )

    assert response.status_code == 302
    assert personas["member"].get(group_url).status_code == 200
    assert personas["leader_a"].get(group_url).status_code == 403
    previous = GroupLeadership.objects.get(group=world.group_a, member=world.leader_a)
    assert previous.ended_on == datetime.date(2026, 9, 1)
    assert previous.history.latest().history_user == world.secretary.user


def test_appointing_someone_outside_the_group_keeps_the_form_and_explains(world, secretary_client):
    response = secretary_client.post(
        reverse("groups:group_leader_appoint", args=[world.group_a.pk]),
        {"member": world.leader_b.pk, "role": GroupRole.LEADER, "started_on": "2026-09-01"},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert GroupLeadership.objects.current().get(group=world.group_a).member == world.leader_a


def test_placing_a_member_moves_them_from_their_old_group(world, secretary_client):
    response = secretary_client.post(
        reverse("groups:group_member_place", args=[world.group_b.pk]),
        {"member": world.member.pk, "started_on": "2026-10-08"},
    )
    assert response.status_code == 302
    memberships = GroupMembership.objects.filter(member=world.member).order_by("started_on")
    assert [(m.group, m.ended_on) for m in memberships] == [
        (world.group_a, datetime.date(2026, 10, 8)),
        (world.group_b, None),
    ]


def test_a_move_dated_before_the_current_membership_is_refused_in_chinese(world, secretary_client):
    response = secretary_client.post(
        reverse("groups:group_member_place", args=[world.group_b.pk]),
        {"member": world.member.pk, "started_on": "2001-01-01"},
    )
    assert response.status_code == 200
    assert "调整日期不能早于该日期" in response.content.decode()
    assert GroupMembership.objects.current().get(member=world.member).group == world.group_a


def test_members_of_another_branch_cannot_be_chosen(world, secretary_client):
    stranger = MemberFactory(branch=world.other_branch)
    response = secretary_client.post(
        reverse("groups:group_member_place", args=[world.group_a.pk]),
        {"member": stranger.pk, "started_on": "2026-10-08"},
    )
    assert response.status_code == 200
    assert not GroupMembership.objects.filter(member=stranger).exists()
