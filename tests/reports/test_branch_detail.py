import pytest
from django.urls import reverse

from tests.factories import MemberFactory, PartyGroupFactory, member_in_group

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}


@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_it_allows_only_the_committee_and_viewers(world, personas, persona, status):
    response = personas[persona].get(reverse("overview:branch_detail", args=[world.branch.pk]))
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_it_shows_groups_with_leaders_and_counts(world, secretary_client):
    response = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    groups = {g.name: g for g in response.context["groups"]}
    assert groups["A组"].member_count == 3
    assert groups["A组"].leader == world.leader_a
    assert groups["B组"].leader == world.leader_b
    assert "A组" in response.content.decode()


def test_it_shows_recent_changes_to_the_secretary_only(world, secretary_client, viewer_client):
    url = reverse("overview:branch_detail", args=[world.branch.pk])
    assert secretary_client.get(url).context["recent_changes"]
    assert "recent_changes" not in viewer_client.get(url).context


def test_its_query_count_does_not_grow_with_groups_and_members(
    world, secretary_client, query_counter
):
    url = reverse("overview:branch_detail", args=[world.branch.pk])

    def grow():
        group = PartyGroupFactory(branch=world.branch)
        for _ in range(4):
            member_in_group(group)
        MemberFactory(branch=world.branch)  # not in any group

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)
