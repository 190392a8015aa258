"""Who may open each ledger page (activities/ledgers/access.py): the committee records
everything; a leader their group's members' pairings, pledges and posts; viewers read all but
the hardship ledger's details; a member reads their own pairings and pledges; the hardship
ledger is the committee's only. Outsiders get 404, the branch's others 403."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from activities.ledgers import services
from activities.models import PartnerKind
from groups.models import GroupMembership
from tests.activities.test_ledgers_models import (
    activist_of,
    case_of,
    help_for,
    pairing_of,
    pledge_of,
    post_of,
)
from tests.conftest import assert_matrix
from tests.factories import GroupMembershipFactory

D = datetime.date


@dataclass
class Records:
    pairing: object  # of the plain member, in group A
    meeting: object
    pairing_b: object  # of a member of group B
    case: object
    help: object
    pledge: object
    post: object


@pytest.fixture
def records(world) -> Records:
    member_b = world.group_b.memberships.exclude(member=world.leader_b).first().member
    pairing = pairing_of(world.member, started_on=D(2026, 9, 1))
    meeting = services.pairing_meeting_add(
        pairing=pairing, held_on=D(2026, 9, 10), note="辅导作业", acting_user=None
    )
    case = case_of(world.branch, member=world.member)
    return Records(
        pairing=pairing,
        meeting=meeting,
        pairing_b=pairing_of(member_b, started_on=D(2026, 9, 1)),
        case=case,
        help=help_for(case, givers=[world.secretary]),
        pledge=pledge_of(world.member),
        post=post_of(world.member),
    )


def statuses(secretary, leader_a, leader_b, member, viewer, outsider=404) -> dict:
    return {
        "secretary": secretary,
        "leader_a": leader_a,
        "leader_b": leader_b,
        "member": member,
        "viewer": viewer,
        "outsider": outsider,
    }


READ_OWN = statuses(200, 200, 200, 200, 200)  # a member sees their own records
READ_GROUPS = statuses(200, 200, 200, 403, 200)
COMMITTEE_AND_VIEWERS = statuses(200, 403, 403, 403, 200)
RECORD = statuses(200, 200, 200, 403, 403)
COMMITTEE_ONLY = statuses(200, 403, 403, 403, 403)
# A record of a member of group A.
READ_A = statuses(200, 200, 403, 200, 200)
READ_A_NOT_MEMBER = statuses(200, 200, 403, 403, 200)
EDIT_A = statuses(200, 200, 403, 403, 403)

BRANCH_PAGES = {
    "pairing_list": READ_OWN,
    "pairing_create": RECORD,
    "hardship_list": COMMITTEE_AND_VIEWERS,
    "hardship_create": COMMITTEE_ONLY,
    "pledge_list": READ_OWN,
    "pledge_create": RECORD,
    "post_list": READ_GROUPS,
    "post_create": RECORD,
}


@pytest.mark.parametrize("name", BRANCH_PAGES)
def test_the_branch_pages_answer_each_persona(personas, world, name):
    url = reverse(f"activities:{name}", args=[world.branch.pk])
    assert_matrix_of(personas, url, BRANCH_PAGES[name])


RECORD_PAGES = {
    "pairing": ("pairing", READ_A),
    "pairing_edit": ("pairing", EDIT_A),
    "pairing_delete": ("pairing", EDIT_A),
    "pairing_meeting_delete": ("meeting", EDIT_A),
    "hardship": ("case", COMMITTEE_ONLY),
    "hardship_edit": ("case", COMMITTEE_ONLY),
    "hardship_delete": ("case", COMMITTEE_ONLY),
    "hardship_help_delete": ("help", COMMITTEE_ONLY),
    "pledge": ("pledge", READ_A),
    "pledge_edit": ("pledge", EDIT_A),
    "pledge_review": ("pledge", COMMITTEE_ONLY),
    "pledge_delete": ("pledge", EDIT_A),
    "post_edit": ("post", EDIT_A),
    "post_delete": ("post", EDIT_A),
}


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_the_record_pages_answer_each_persona(personas, records, name):
    field, expected = RECORD_PAGES[name]
    url = reverse(f"activities:{name}", args=[getattr(records, field).pk])
    assert_matrix_of(personas, url, expected)


def assert_matrix_of(personas, url, expected):
    assert_matrix(personas, "get", url, expected)


def test_a_pairing_of_group_b_is_read_by_its_leader_only(personas, records):
    url = reverse("activities:pairing", args=[records.pairing_b.pk])
    assert_matrix_of(personas, url, statuses(200, 403, 200, 403, 200))


def test_only_the_pairings_editors_add_a_meeting(personas, records):
    url = reverse("activities:pairing", args=[records.pairing.pk])
    data = {"held_on": "2026-10-08", "note": "听课交流"}
    assert_matrix(personas, "post", url, statuses(302, 302, 403, 403, 403), data=data)
    assert records.pairing.meetings.count() == 3  # the first, and the secretary's and leader's


def test_only_the_committee_adds_a_help(personas, records):
    url = reverse("activities:hardship", args=[records.case.pk])
    data = {
        "given_on": "2026-03-12",
        "what": "送去营养品",
        "amount": "200.00",
        "givers": [records.case.member.pk],
    }
    assert_matrix(personas, "post", url, statuses(302, 403, 403, 403, 403), data=data)
    assert records.case.helps.count() == 2


def test_only_editors_delete(personas, records):
    url = reverse("activities:post_delete", args=[records.post.pk])
    assert_matrix(
        {name: personas[name] for name in ("leader_b", "member", "viewer", "outsider")},
        "post",
        url,
        {"leader_b": 403, "member": 403, "viewer": 403, "outsider": 404},
    )
    assert personas["leader_a"].post(url).status_code == 302
    assert not type(records.post).objects.exists()


def test_a_leader_loses_a_member_who_moves_to_another_group(leader_a_client, world, records):
    url = reverse("activities:pairing_edit", args=[records.pairing.pk])
    assert leader_a_client.get(url).status_code == 200

    membership = GroupMembership.objects.get(member=world.member, ended_on__isnull=True)
    membership.ended_on = D(2026, 11, 1)
    membership.save()
    GroupMembershipFactory(group=world.group_b, member=world.member, started_on=D(2026, 11, 2))

    assert leader_a_client.get(url).status_code == 403


def test_a_member_reads_their_own_records_only(member_client, world, records):
    year = {"year": "2026"}
    pairings = member_client.get(reverse("activities:pairing_list", args=[world.branch.pk]), year)
    pledges = member_client.get(reverse("activities:pledge_list", args=[world.branch.pk]), year)

    assert [p.pk for p in pairings.context["page"]] == [records.pairing.pk]
    assert [p.pk for p in pledges.context["page"]] == [records.pledge.pk]
    assert pairings.context["can_record"] is False
    detail = member_client.get(reverse("activities:pairing", args=[records.pairing.pk]))
    assert detail.context["may_edit"] is False
    assert "辅导作业" in detail.content.decode()
    assert reverse("activities:pairing_edit", args=[records.pairing.pk]) not in (
        detail.content.decode()
    )


def test_a_leader_lists_their_groups_records_only(leader_a_client, world, records):
    url = reverse("activities:pairing_list", args=[world.branch.pk])
    response = leader_a_client.get(url, {"year": "2026"})
    assert [p.pk for p in response.context["page"]] == [records.pairing.pk]
    assert list(response.context["form"].fields["group"].queryset) == [world.group_a]


def test_a_viewer_sees_the_hardship_figures_but_no_one_helped(viewer_client, world, records):
    response = viewer_client.get(
        reverse("activities:hardship_list", args=[world.branch.pk]), {"year": "2026"}
    )
    page = response.content.decode()
    figures = response.context["figures"]

    assert (figures.hardship_cases_open, figures.hardship_helps) == (1, 1)
    assert "500.00" in page
    assert "普通党员" not in page and "家人重病住院" not in page
    assert "page" not in response.context
    assert list(response.context["form"].fields) == ["year"]  # nothing to search by name


def test_the_tabs_offer_the_pages_each_persona_may_open(personas, world):
    url = reverse("activities:pledge_list", args=[world.branch.pk])
    tabs = {
        name: [code for code, _title, _url in personas[name].get(url).context["tabs"]]
        for name in ("secretary", "leader_a", "member", "viewer")
    }
    every = ["work", "pairings", "hardship", "pledges", "posts", "suggestions", "totals"]
    assert tabs == {
        "secretary": every,
        "leader_a": ["work", "pairings", "pledges", "posts", "suggestions", "totals"],
        "member": ["pairings", "pledges"],
        "viewer": every,
    }
    # Every tab offered opens.
    for name in tabs:
        for _code, _title, address in personas[name].get(url).context["tabs"]:
            assert personas[name].get(address).status_code == 200, (name, address)


def test_an_activist_pairing_is_the_mentors_record(personas, world):
    activist = activist_of(world.branch, mentors=[world.member])
    pairing = pairing_of(world.member, kind=PartnerKind.ACTIVIST, partner_member=activist)
    url = reverse("activities:pairing", args=[pairing.pk])
    assert_matrix_of(personas, url, READ_A)
