import datetime
import itertools

import pytest
from django.urls import reverse

from activities.models import MeetingType
from tests.factories import MemberFactory, PartyGroupFactory, member_in_group, recorded_meeting

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


def test_a_recorded_meeting_shows_in_the_recent_changes_with_a_readable_label(
    world, secretary_client
):
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        topic="学习二十届三中全会精神",
        acting_user=world.leader_a.user,
    )
    url = reverse("overview:branch_detail", args=[world.branch.pk])
    response = secretary_client.get(url)

    meetings = [c for c in response.context["recent_changes"] if c.what == "会议"]
    assert [(c.who, c.action, c.record) for c in meetings] == [
        ("甲组长", "新增", "2026-10-15 党小组会：学习二十届三中全会精神")
    ]
    assert "2026-10-15 党小组会：学习二十届三中全会精神" in response.content.decode()


def test_its_query_count_does_not_grow_with_meetings(world, secretary_client, query_counter):
    url = reverse("overview:branch_detail", args=[world.branch.pk])
    days = itertools.count(1)

    def grow():
        for group in (world.group_a, world.group_b):
            recorded_meeting(
                branch=world.branch,
                group=group,
                held_on=datetime.date(2026, 9, next(days)),
                acting_user=world.secretary.user,
            )
        recorded_meeting(
            branch=world.branch,
            kind=MeetingType.LECTURE,
            held_on=datetime.date(2026, 9, next(days)),
            acting_user=world.secretary.user,
        )

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_recent_changes_read_as_sentences_with_names(world, secretary_client):
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        topic="学习二十届三中全会精神",
        acting_user=world.leader_a.user,
    )
    page = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    assert "甲组长新增了会议“2026-10-15 党小组会：学习二十届三中全会精神”" in page.content.decode()


def test_the_stat_cards_link_to_the_roster_filtered(world, secretary_client):
    probationary = MemberFactory(
        branch=world.branch, category="probationary", full_member_on=None, name="预备甲"
    )
    page = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    roster = reverse("members:member_list", args=[world.branch.pk])
    html = page.content.decode()
    assert f'href="{roster}?category=probationary"' in html
    listed = secretary_client.get(f"{roster}?category=probationary")
    assert listed.status_code == 200
    assert [m.name for m in listed.context["page"]] == [probationary.name]


def test_the_heat_strip_marks_a_held_month(world, secretary_client):
    from django.utils import timezone

    today = timezone.localdate()
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=today.replace(day=1),
        acting_user=world.leader_a.user,
    )
    response = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    html = response.content.decode()
    strip = html[html.index('id="heat-strip"') :]
    strip = strip[: strip.index("</section>")]
    row = strip[strip.index("党小组会 · A组") :]
    row = row[: row.index("</tr>")]
    assert 'class="heat heat-held"' in row and "✓" in row
