"""The open suggestions on the secretary's overview and the leader's group page: the number
open, the oldest's wait, links to each, and a fixed cost in queries."""

import itertools

from django.urls import reverse

from activities.models import SuggestionState
from activities.suggestions.selectors import OpenSuggestions
from reports import overview
from tests.activities.suggestion_factories import days_ago, recorded_suggestion

# What the card costs, whatever the number of suggestions (open_suggestions_panel).
CARD_QUERIES = 2


def branch_url(world) -> str:
    return reverse("overview:branch_detail", args=[world.branch.pk])


def group_url(group) -> str:
    return reverse("overview:group_detail", args=[group.pk])


def test_the_overview_shows_the_open_suggestions_and_the_oldest_wait(world, secretary_client):
    oldest = recorded_suggestion(
        branch=world.branch,
        group=world.group_b,
        raised_on=days_ago(45),
        text="希望更换门卫室取暖器",
    )
    recorded_suggestion(
        branch=world.branch, group=world.group_a, raised_on=days_ago(8), state="answered"
    )
    recorded_suggestion(
        branch=world.branch, group=world.group_a, raised_on=days_ago(90), state="closed"
    )

    response = secretary_client.get(branch_url(world))

    card = response.context["open_suggestions"]
    assert (card.count, card.waiting, card.oldest_days) == (2, 1, 45)
    html = response.content.decode()
    assert "未办结 2 条，其中待答复 1 条。" in html
    assert "最早的一条已等待 45 天。" in html
    assert reverse("activities:suggestion", args=[oldest.pk]) in html
    assert "希望更换门卫室取暖器" in html
    open_list = reverse("activities:suggestion_list", args=[world.branch.pk]) + "?state=open"
    assert open_list in html


def test_the_leaders_page_shows_their_groups_open_ones_and_the_record_button(
    world, leader_a_client
):
    recorded_suggestion(branch=world.branch, group=world.group_a, raised_on=days_ago(20))
    recorded_suggestion(branch=world.branch, group=world.group_b, raised_on=days_ago(60))

    response = leader_a_client.get(group_url(world.group_a))

    card = response.context["open_suggestions"]
    assert (card.count, card.oldest_days) == (1, 20)
    html = response.content.decode()
    create = reverse("activities:suggestion_create", args=[world.branch.pk])
    assert f"{create}?group={world.group_a.pk}" in html
    assert "最早的一条已等待 20 天。" in html


def test_a_closed_suggestion_leaves_the_card(world, secretary_client):
    recorded_suggestion(branch=world.branch, group=world.group_a, state=SuggestionState.CLOSED)
    html = secretary_client.get(branch_url(world)).content.decode()
    assert "没有未办结的意见建议。" in html
    assert secretary_client.get(branch_url(world)).context["open_suggestions"].count == 0


def test_only_those_who_record_are_offered_the_button(world, viewer_client, secretary_client):
    create = reverse("activities:suggestion_create", args=[world.branch.pk])
    assert create not in viewer_client.get(branch_url(world)).content.decode()
    assert create in secretary_client.get(branch_url(world)).content.decode()


def test_the_card_adds_a_fixed_number_of_queries_to_the_overview(
    world, secretary_client, query_counter, monkeypatch
):
    days = itertools.count(1)
    states = itertools.cycle(SuggestionState)

    def grow():
        for group in (world.group_a, world.group_b, None):
            recorded_suggestion(
                branch=world.branch,
                group=group,
                raised_on=days_ago(next(days)),
                state=next(states),
            )

    grow()
    with_card = query_counter.assert_constant(lambda: secretary_client.get(branch_url(world)), grow)
    # Without the card (an empty one, read from nowhere) the page costs exactly that less.
    monkeypatch.setattr(
        overview, "open_suggestions_panel", lambda branch, **kwargs: OpenSuggestions(0, 0, None, [])
    )
    without_card, _ = query_counter.count(lambda: secretary_client.get(branch_url(world)))
    assert with_card - without_card == CARD_QUERIES


def test_the_group_pages_query_count_does_not_grow_with_suggestions(
    world, leader_a_client, query_counter
):
    days = itertools.count(1)

    def grow():
        recorded_suggestion(
            branch=world.branch, group=world.group_a, raised_on=days_ago(next(days))
        )

    grow()
    query_counter.assert_constant(lambda: leader_a_client.get(group_url(world.group_a)), grow)


def test_a_recorded_suggestion_shows_in_the_recent_changes_with_who_recorded_it(
    world, secretary_client
):
    recorded_suggestion(
        branch=world.branch,
        group=world.group_a,
        raised_on=days_ago(3),
        text="希望更换门卫室取暖器",
        acting_user=world.leader_a.user,
    )
    changes = secretary_client.get(branch_url(world)).context["recent_changes"]
    assert [(c.who, c.action, c.record) for c in changes if c.what == "意见建议"] == [
        ("甲组长", "新增", f"{days_ago(3):%Y-%m-%d} 希望更换门卫室取暖器")
    ]
