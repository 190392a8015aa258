"""The election pages: who may read and record them, an election recorded from the
candidates to the new term through the web, forms that keep what was typed, and query
budgets that do not grow with the rows."""

import datetime

import pytest
from django.urls import reverse

from activities.elections import services
from activities.models import Election, MeetingType
from groups.models import CommitteeRole, CommitteeTerm
from tests.conftest import assert_matrix
from tests.factories import UserFactory, member_in_group, recorded_meeting

ELECTION_DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def meeting(world, clerk):
    return recorded_meeting(
        branch=world.branch,
        kind=MeetingType.GENERAL,
        held_on=ELECTION_DAY,
        acting_user=clerk,
        topic="换届选举党员大会",
    )


def branch_members(world):
    return list(world.branch.members.order_by("pk"))


@pytest.fixture
def election(world, meeting, clerk):
    return services.election_save(
        election=Election(branch=world.branch, meeting=meeting, seats=3),
        candidates=branch_members(world)[:4],
        acting_user=clerk,
    )


def counted(election, clerk, votes_for=(6, 5, 4, 1)):
    candidates = list(election.candidates.order_by("pk"))
    services.round_record(
        election=election,
        ballots_issued=6,
        ballots_returned=6,
        ballots_invalid=0,
        votes={c.pk: (v, 6 - v, 0) for c, v in zip(candidates, votes_for, strict=True)},
        acting_user=clerk,
    )
    return election


READERS = {
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 200,
    "member": 200,
    "viewer": 200,
    "outsider": 404,
}
MANAGERS = {**READERS, "leader_a": 403, "leader_b": 403, "member": 403, "viewer": 403}


def test_the_list_and_the_page_are_read_by_everyone_of_the_branch(personas, world, election):
    assert_matrix(
        personas, "get", reverse("activities:election_list", args=[world.branch.pk]), READERS
    )
    assert_matrix(personas, "get", reverse("activities:election", args=[election.pk]), READERS)


@pytest.mark.parametrize(
    "name",
    [
        "election_edit",
        "election_round",
        "election_round_delete",
        "election_decide",
        "election_install",
        "election_delete",
    ],
)
def test_every_step_is_recorded_by_the_committee_only(personas, election, clerk, name):
    counted(election, clerk)  # so that taking back a count has something to show
    assert_matrix(personas, "get", reverse(f"activities:{name}", args=[election.pk]), MANAGERS)


def test_creating_is_for_the_committee(personas, world, meeting):
    url = reverse("activities:election_create", args=[world.branch.pk])
    assert_matrix(personas, "get", url, MANAGERS)
    # A refused POST writes nothing.
    forbidden = {name: code for name, code in MANAGERS.items() if name != "secretary"}
    assert_matrix(
        {name: personas[name] for name in forbidden},
        "post",
        url,
        forbidden,
        data={"meeting": meeting.pk, "seats": 3, "kind": "committee"},
    )
    assert not Election.objects.exists()


def test_an_election_is_recorded_from_the_candidates_to_the_new_term(
    world, meeting, secretary_client
):
    members = branch_members(world)
    response = secretary_client.post(
        reverse("activities:election_create", args=[world.branch.pk]),
        {
            "meeting": meeting.pk,
            "kind": "committee",
            "seats": 3,
            "candidates": [member.pk for member in members[:4]],
            "candidates_approved_on": "2026-11-01",
        },
    )
    election = Election.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:election", args=[election.pk])

    candidates = list(election.candidates.order_by("pk"))
    counts = {"ballots_issued": 6, "ballots_returned": 6, "ballots_invalid": 0}
    for candidate, votes in zip(candidates, (6, 5, 4, 2), strict=True):
        counts |= {f"for_{candidate.pk}": votes, f"against_{candidate.pk}": 6 - votes}
    response = secretary_client.post(
        reverse("activities:election_round", args=[election.pk]), counts
    )
    assert response.status_code == 302

    page = secretary_client.get(reverse("activities:election", args=[election.pk]))
    text = page.content.decode()
    assert "当选" in text and candidates[0].member.name in text

    response = secretary_client.post(
        reverse("activities:election_decide", args=[election.pk]),
        {"approved_on": "2026-11-27", "approval_reference": "教工委〔2026〕8号"},
    )
    assert response.status_code == 302, response.context["form"].errors

    elected = [candidate.member for candidate in candidates[:3]]
    posts = {
        f"roles_{elected[0].pk}": [CommitteeRole.SECRETARY, CommitteeRole.DISCIPLINE],
        f"roles_{elected[1].pk}": [CommitteeRole.ORGANISATION],
        f"roles_{elected[2].pk}": [CommitteeRole.PUBLICITY],
    }
    response = secretary_client.post(
        reverse("activities:election_install", args=[election.pk]), posts
    )
    assert response.status_code == 302, response.context["form"].errors
    term = CommitteeTerm.objects.get(branch=world.branch, number=2)
    assert term.elected_on == ELECTION_DAY
    assert term.posts.count() == 4
    election.refresh_from_db()
    assert election.term == term
    # The installed election cannot change any more; the page says how it ended.
    page = secretary_client.get(reverse("activities:election", args=[election.pk]))
    assert "第2届" in page.content.decode()


def test_a_refused_count_keeps_what_was_typed(election, secretary_client):
    candidates = list(election.candidates.order_by("pk"))
    data = {"ballots_issued": 6, "ballots_returned": 7, "ballots_invalid": 0}
    for candidate in candidates:
        data |= {f"for_{candidate.pk}": 3, f"against_{candidate.pk}": 3}
    response = secretary_client.post(reverse("activities:election_round", args=[election.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="7"' in text  # what was typed stays
    assert "重新" in text  # void: the vote is held again
    assert not election.rounds.exists()


def test_the_form_refuses_a_probationary_candidate_and_keeps_the_choice(
    world, meeting, secretary_client
):
    probationary = member_in_group(world.group_b, name="预备党员甲", probationary=True)
    response = secretary_client.post(
        reverse("activities:election_create", args=[world.branch.pk]),
        {"meeting": meeting.pk, "kind": "committee", "seats": 3, "candidates": [probationary.pk]},
    )
    # Not even offered: only full members are choices.
    assert response.status_code == 200
    assert not Election.objects.exists()
    assert probationary.name not in response.content.decode().split("form")[1]


def test_without_a_general_meeting_the_form_says_what_to_do_first(world, secretary_client):
    response = secretary_client.get(reverse("activities:election_create", args=[world.branch.pk]))
    assert "先做好换届准备" in response.content.decode()


def test_the_empty_list_explains_the_steps(world, secretary_client):
    response = secretary_client.get(reverse("activities:election_list", args=[world.branch.pk]))
    assert "尚未记录" in response.content.decode()


def test_deleting_asks_first_and_keeps_the_meeting(election, meeting, secretary_client):
    url = reverse("activities:election_delete", args=[election.pk])
    assert secretary_client.get(url).status_code == 200
    assert Election.objects.exists()
    secretary_client.post(url)
    assert not Election.objects.exists()
    assert type(meeting).objects.filter(pk=meeting.pk).exists()


def test_the_meeting_of_an_election_is_not_deleted_under_it(election, meeting, secretary_client):
    response = secretary_client.post(reverse("activities:meeting_delete", args=[meeting.pk]))
    assert response.status_code == 302
    assert type(meeting).objects.filter(pk=meeting.pk).exists()
    page = secretary_client.get(reverse("activities:meeting", args=[meeting.pk]))
    assert reverse("activities:election", args=[election.pk]) in page.content.decode()


def test_the_list_costs_the_same_for_more_elections(world, clerk, secretary_client, query_counter):
    url = reverse("activities:election_list", args=[world.branch.pk])
    members = branch_members(world)
    days = iter(range(1, 30))

    def grow():
        held = recorded_meeting(
            branch=world.branch,
            kind=MeetingType.GENERAL,
            held_on=datetime.date(2026, 10, next(days)),
            acting_user=clerk,
        )
        counted(
            services.election_save(
                election=Election(branch=world.branch, meeting=held, seats=3),
                candidates=members[:4],
                acting_user=clerk,
            ),
            clerk,
        )

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_page_costs_the_same_for_more_rounds_and_candidates(
    world, clerk, secretary_client, query_counter
):
    for n in range(4):
        member_in_group(world.group_b, name=f"候选人{n}")
    held = recorded_meeting(
        branch=world.branch, kind=MeetingType.GENERAL, held_on=ELECTION_DAY, acting_user=clerk
    )
    members = branch_members(world)
    election = services.election_save(
        election=Election(branch=world.branch, meeting=held, seats=5),
        candidates=members[:6],
        acting_user=clerk,
    )
    url = reverse("activities:election", args=[election.pk])
    rounds = iter([(8, 8, 5, 5, 5, 0), (None, None, 6, 2, 2, None), (None, None, None, 6, 1, None)])

    def grow():
        votes_for = next(rounds)
        candidates = list(election.candidates.order_by("pk"))
        services.round_record(
            election=election,
            ballots_issued=10,
            ballots_returned=10,
            ballots_invalid=0,
            votes={
                c.pk: (v, 10 - v, 0)
                for c, v in zip(candidates, votes_for, strict=True)
                if v is not None
            },
            acting_user=clerk,
        )

    grow()  # the votes are read once there is a round
    query_counter.assert_constant(lambda: secretary_client.get(url), grow, times=2)
