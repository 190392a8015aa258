"""Query budgets of the ledger pages: a list's queries do not grow with its rows (nor with
their meetings and helps), and neither do a detail page's with the rows it shows."""

import datetime
import itertools

import pytest
from django.urls import reverse

from activities.ledgers import services
from tests.activities.test_ledgers_models import case_of, help_for, pairing_of, pledge_of, post_of
from tests.factories import member_in_group

D = datetime.date
counter = itertools.count()


def new_member(world):
    return member_in_group(world.group_a, name=f"新党员{next(counter)}")


def grow_pairings(world):
    pairing = pairing_of(new_member(world), partner_name="学生")
    services.pairing_meeting_add(
        pairing=pairing, held_on=D(2026, 9, 10), note="辅导", acting_user=None
    )


def grow_cases(world):
    case = case_of(world.branch, member=new_member(world))
    help_for(case, givers=[world.secretary, world.leader_a])


def grow_pledges(world):
    pledge_of(new_member(world))


def grow_posts(world):
    post_of(new_member(world))


LISTS = {
    "pairing_list": grow_pairings,
    "hardship_list": grow_cases,
    "pledge_list": grow_pledges,
    "post_list": grow_posts,
}


# Every list for the committee, a leader (not the hardship ledger: the committee's only) and
# a viewer (who reads the hardship ledger's figures).
PAGES = [
    (name, persona)
    for name in LISTS
    for persona in ("secretary", "leader_a", "viewer")
    if (name, persona) != ("hardship_list", "leader_a")
]


@pytest.mark.parametrize(("name", "persona"), PAGES)
def test_a_lists_queries_do_not_grow_with_its_rows(personas, world, query_counter, name, persona):
    client = personas[persona]
    url = reverse(f"activities:{name}", args=[world.branch.pk])
    LISTS[name](world)

    def action():
        response = client.get(url, {"year": "2026"})
        assert response.status_code == 200

    query_counter.assert_constant(action, lambda: LISTS[name](world))


def test_a_members_own_list_does_not_grow_with_the_branchs_rows(
    member_client, world, query_counter
):
    pledge_of(world.member)
    url = reverse("activities:pledge_list", args=[world.branch.pk])
    query_counter.assert_constant(
        lambda: member_client.get(url, {"year": "2026"}), lambda: grow_pledges(world)
    )


def test_the_pairing_page_does_not_grow_with_its_meetings(secretary_client, world, query_counter):
    pairing = pairing_of(world.member)
    days = (D(2026, 9, 1) + datetime.timedelta(days=n) for n in itertools.count())
    url = reverse("activities:pairing", args=[pairing.pk])

    def grow():
        services.pairing_meeting_add(
            pairing=pairing, held_on=next(days), note="辅导", acting_user=None
        )

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_case_page_does_not_grow_with_its_helps(secretary_client, world, query_counter):
    case = case_of(world.branch, member=world.member)
    url = reverse("activities:hardship", args=[case.pk])

    def grow():
        help_for(case, givers=[world.secretary, world.leader_a, world.leader_b])

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)
