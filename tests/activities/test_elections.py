"""Committee elections (换届选举) through the services, each rule at its boundary: who may
vote and stand, the four-fifths turnout, the 20 % margin of candidates, more than half of
those who should attend, ties and further rounds, the ballots, the approval and the new term.
"""

import dataclasses
import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from activities.elections import services
from activities.elections.rules import ElectionRules, election_rules_on
from activities.elections.tally import Turnout, load_election, min_candidates, tally
from activities.models import Election, ElectionKind, Meeting, MeetingType, Presence
from activities.services import meeting_delete, meeting_update
from groups.models import CommitteeMembership, CommitteeRole, CommitteeTerm
from members.models import Sanction, SanctionKind
from tests.factories import MemberFactory, UserFactory, member_in_group, recorded_meeting

ELECTION_DAY = datetime.date(2026, 11, 20)
RULES_2020 = election_rules_on(ELECTION_DAY)


@pytest.fixture
def acting_user(db):
    return UserFactory(username="clerk")


@pytest.fixture
def voters(world):
    """Ten members with the right to vote (the world's six and four more), a probationary
    member and one under 留党察看, who attend without a vote."""
    extra = [member_in_group(world.group_b, name=f"乙组党员{n}") for n in range(3, 7)]
    probationary = member_in_group(world.group_b, name="预备党员", probationary=True)
    sanctioned = member_in_group(world.group_b, name="受处分党员")
    Sanction.objects.create(
        member=sanctioned,
        kind=SanctionKind.PROBATION,
        started_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2027, 3, 1),
        decision="党委决定",
    )
    everyone = list(world.branch.members.exclude(pk__in=[probationary.pk, sanctioned.pk]))
    assert len(everyone) == 10 and len(extra) == 4
    return {"voting": everyone, "probationary": probationary, "sanctioned": sanctioned}


def general_meeting(world, acting_user, absent=()):
    return recorded_meeting(
        branch=world.branch,
        kind=MeetingType.GENERAL,
        held_on=ELECTION_DAY,
        acting_user=acting_user,
        topic="换届选举党员大会",
        absences=dict.fromkeys(absent, (Presence.ABSENT, "")),
    )


def new_election(world, acting_user, candidates, *, seats=3, absent=(), **fields):
    election = Election(
        branch=world.branch, meeting=general_meeting(world, acting_user, absent), seats=seats
    )
    for name, value in fields.items():
        setattr(election, name, value)
    return services.election_save(election=election, candidates=candidates, acting_user=acting_user)


def count(election, acting_user, votes_for, *, issued=10, returned=10, invalid=0):
    """Record a round: `votes_for` in the order of the candidates, the rest against."""
    candidates = list(election.candidates.order_by("pk"))
    valid = returned - invalid
    votes = {
        candidate.pk: (votes, max(valid - votes, 0), 0)
        for candidate, votes in zip(candidates, votes_for, strict=False)
        if votes is not None
    }
    return services.round_record(
        election=election,
        ballots_issued=issued,
        ballots_returned=returned,
        ballots_invalid=invalid,
        votes=votes,
        acting_user=acting_user,
    )


def tally_of(election):
    return tally(load_election(Election.objects.filter(pk=election.pk)).get())


def names(candidates):
    return [candidate.member.name for candidate in candidates]


# ---------------------------------------------------------------- the figures


@pytest.mark.parametrize(
    ("expected", "present", "valid"),
    [(10, 8, False), (10, 9, True), (5, 4, False), (5, 5, True), (7, 6, True), (0, 0, False)],
)
def test_the_meeting_elects_only_with_more_than_four_fifths_present(expected, present, valid):
    # 8 of 10 is exactly four fifths: not more.
    turnout = Turnout(voting_expected=expected, voting_present=present, rules=RULES_2020)
    assert turnout.valid is valid


@pytest.mark.parametrize(("seats", "needed"), [(1, 2), (3, 4), (5, 6), (7, 9)])
def test_committee_members_need_at_least_a_fifth_more_candidates_rounded_up(seats, needed):
    election = Election(kind=ElectionKind.COMMITTEE, seats=seats)
    assert min_candidates(election, RULES_2020) == needed


def test_a_secretary_elected_by_the_general_meeting_may_be_the_only_candidate():
    election = Election(kind=ElectionKind.SECRETARY, seats=1)
    assert min_candidates(election, RULES_2020) == 1


@pytest.mark.parametrize("day", [datetime.date(2019, 12, 1), ELECTION_DAY])
def test_more_than_half_of_those_present_is_needed_before_and_since_2020(day):
    # The 地方 rules count those who should attend; a 基层 election counts those present.
    turnout = Turnout(voting_expected=10, voting_present=9, rules=election_rules_on(day))
    assert turnout.votes_to_be_elected == 5  # more than half of the 9 present
    turnout = Turnout(voting_expected=10, voting_present=10, rules=election_rules_on(day))
    assert turnout.votes_to_be_elected == 6  # 5 is exactly half


def test_the_2020_rules_take_effect_on_the_day_they_were_issued():
    assert "暂行条例" in election_rules_on(datetime.date(2020, 7, 12)).source
    assert "暂行条例" not in election_rules_on(datetime.date(2020, 7, 13)).source
    assert election_rules_on(datetime.date(1980, 1, 1)).effective_from == datetime.date(1990, 6, 27)


def test_every_rule_names_its_source():
    rules = election_rules_on(ELECTION_DAY)
    assert isinstance(rules, ElectionRules) and rules.quorum == Fraction(4, 5)
    assert "基层组织选举工作条例" in rules.source and "2020" in rules.source


# ---------------------------------------------------------------- voters and candidates


def test_voters_are_full_members_not_under_probation_of_the_party(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    turnout = tally_of(election).turnout
    # 12 on the list: the probationary member and the one under 留党察看 do not vote.
    assert Meeting.objects.get(pk=election.meeting_id).attendances.count() == 12
    assert (turnout.voting_expected, turnout.voting_present) == (10, 10)


@pytest.mark.parametrize("who", ["probationary", "sanctioned"])
def test_a_member_without_the_right_to_be_elected_cannot_stand(world, voters, acting_user, who):
    with pytest.raises(ValidationError) as raised:
        new_election(world, acting_user, [*voters["voting"][:3], voters[who]])
    message = " ".join(raised.value.messages)
    assert voters[who].name in message
    assert ("第七条" if who == "probationary" else "第四十一条") in message
    assert not Election.objects.exists()


def test_a_member_of_another_branch_cannot_stand(world, voters, acting_user):
    with pytest.raises(ValidationError, match=world.outsider.name):
        new_election(world, acting_user, [*voters["voting"][:3], world.outsider])


def test_an_election_is_held_at_a_general_meeting(world, voters, acting_user):
    meeting = recorded_meeting(
        branch=world.branch, kind=MeetingType.COMMITTEE, held_on=ELECTION_DAY, acting_user=None
    )
    election = Election(branch=world.branch, meeting=meeting, seats=3)
    with pytest.raises(ValidationError):
        services.election_save(
            election=election, candidates=voters["voting"][:4], acting_user=acting_user
        )


def test_three_seats_with_three_candidates_cannot_be_voted_on(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:3])
    with pytest.raises(ValidationError) as raised:
        count(election, acting_user, [10, 10, 10])
    assert "4" in " ".join(raised.value.messages)
    assert not election.rounds.exists()


def test_the_secretary_alone_may_be_elected_unopposed(world, voters, acting_user):
    election = new_election(
        world, acting_user, voters["voting"][:1], seats=1, kind=ElectionKind.SECRETARY
    )
    count(election, acting_user, [9])
    assert names(tally_of(election).elected) == [voters["voting"][0].name]


def test_a_meeting_with_four_fifths_exactly_cannot_elect(world, voters, acting_user):
    absent = voters["voting"][8:]  # 8 of 10 present
    election = new_election(world, acting_user, voters["voting"][:4], absent=absent)
    with pytest.raises(ValidationError) as raised:
        count(election, acting_user, [8, 8, 8, 0], issued=8, returned=8)
    assert "9" in " ".join(raised.value.messages)


def test_nine_of_ten_present_can_elect(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4], absent=voters["voting"][9:])
    count(election, acting_user, [9, 8, 6, 4], issued=9, returned=9)
    assert len(tally_of(election).elected) == 3


# ---------------------------------------------------------------- counting


def test_more_than_half_of_those_present_is_elected_exactly_half_is_not(world, voters, acting_user):
    # 10 expected and present: 6 votes elect, 5 (exactly half) do not.
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [9, 6, 5, 5])
    result = tally_of(election)
    assert names(result.elected) == [voters["voting"][0].name, voters["voting"][1].name]
    assert result.seats_open == 1 and result.decided is False


def test_with_one_absent_five_votes_are_more_than_half(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4], absent=voters["voting"][9:])
    count(election, acting_user, [9, 6, 5, 4], issued=9, returned=9)
    assert len(tally_of(election).elected) == 3


def test_when_more_are_over_half_than_seats_the_most_votes_win(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [7, 10, 8, 5])
    result = tally_of(election)
    assert names(result.elected) == [voters["voting"][n].name for n in (1, 2, 0)]
    assert result.decided is True and result.seats_open == 0


def test_a_tie_at_the_last_seat_is_voted_again_among_the_level(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [10, 8, 6, 6])
    result = tally_of(election)
    assert names(result.elected) == [voters["voting"][0].name, voters["voting"][1].name]
    assert names(result.tied) == [voters["voting"][2].name, voters["voting"][3].name]
    assert result.decided is False
    # The next ballot holds the two level candidates only.
    with pytest.raises(ValidationError):
        count(election, acting_user, [1, None, 6, 4])
    count(election, acting_user, [None, None, 6, 4])
    result = tally_of(election)
    assert names(result.elected)[-1] == voters["voting"][2].name
    assert result.decided is True


def test_a_further_round_fills_the_seats_left_open(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [10, 9, 5, 4])
    assert tally_of(election).seats_open == 1
    count(election, acting_user, [None, None, 6, 4])
    result = tally_of(election)
    assert result.seats_open == 0 and result.decided is True
    assert [r.round.number for r in result.rounds] == [1, 2]
    with pytest.raises(ValidationError):
        count(election, acting_user, [None, None, None, 6])


@pytest.mark.parametrize(
    ("ballots", "votes_for", "problem"),
    [
        ({"issued": 10, "returned": 11}, [6, 6, 6, 0], "重新"),  # void: vote again
        ({"issued": 11, "returned": 10}, [6, 6, 6, 0], "11"),  # more ballots than voters
        ({"issued": 10, "returned": 10, "invalid": 2}, [9, 6, 6, 0], "8"),  # 8 valid ballots
        ({"issued": 10, "returned": 10}, [10, 10, 10, 1], "3"),  # 31 choices on 10 ballots
    ],
)
def test_counts_that_cannot_be_right_are_refused(
    world, voters, acting_user, ballots, votes_for, problem
):
    election = new_election(world, acting_user, voters["voting"][:4])
    with pytest.raises(ValidationError) as raised:
        count(election, acting_user, votes_for, **ballots)
    assert problem in " ".join(raised.value.messages)
    assert not election.rounds.exists()


def test_the_first_ballot_counts_every_candidate(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    with pytest.raises(ValidationError):
        count(election, acting_user, [10, 9, 8])


def test_candidates_cannot_change_once_votes_are_counted(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [10, 9, 8, 1])
    with pytest.raises(ValidationError):
        services.election_save(
            election=election, candidates=voters["voting"][:5], acting_user=acting_user
        )
    services.round_delete(election=election, acting_user=acting_user)
    services.election_save(
        election=election, candidates=voters["voting"][:5], acting_user=acting_user
    )
    assert election.candidates.count() == 5


# ---------------------------------------------------------------- approval and the new term


def decided_election(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [10, 9, 8, 3])
    return election


def test_the_approval_comes_after_the_election(world, voters, acting_user):
    election = decided_election(world, voters, acting_user)
    with pytest.raises(ValidationError):
        services.election_decide(
            election=election,
            accepted_fewer=False,
            approved_on=ELECTION_DAY - datetime.timedelta(days=1),
            approval_reference="",
            acting_user=acting_user,
        )
    services.election_decide(
        election=election,
        accepted_fewer=False,
        approved_on=ELECTION_DAY,
        approval_reference="教工委〔2026〕12号",
        acting_user=acting_user,
    )
    election.refresh_from_db()
    assert election.approval_reference == "教工委〔2026〕12号"


def test_open_seats_are_left_only_when_the_voters_agree(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:6], seats=5)
    count(election, acting_user, [10, 9, 8, 7, 2, 1])
    assert tally_of(election).seats_open == 1
    with pytest.raises(ValidationError):
        services.election_decide(
            election=election,
            accepted_fewer=False,
            approved_on=ELECTION_DAY,
            approval_reference="",
            acting_user=acting_user,
        )
    services.election_decide(
        election=election,
        accepted_fewer=True,
        approved_on=ELECTION_DAY,
        approval_reference="",
        acting_user=acting_user,
    )
    assert tally_of(election).decided is True


def test_fewer_than_a_committee_cannot_be_accepted(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    count(election, acting_user, [10, 9, 2, 1])  # two elected; a committee needs three
    with pytest.raises(ValidationError, match="3"):
        services.election_decide(
            election=election,
            accepted_fewer=True,
            approved_on=None,
            approval_reference="",
            acting_user=acting_user,
        )


def approve(election, acting_user):
    services.election_decide(
        election=election,
        accepted_fewer=False,
        approved_on=ELECTION_DAY + datetime.timedelta(days=7),
        approval_reference="",
        acting_user=acting_user,
    )


def test_the_new_term_is_installed_only_after_the_approval(world, voters, acting_user):
    election = decided_election(world, voters, acting_user)
    first, second, third = voters["voting"][:3]
    posts = [
        (CommitteeRole.SECRETARY, first),
        (CommitteeRole.ORGANISATION, second),
        (CommitteeRole.PUBLICITY, third),
    ]
    with pytest.raises(ValidationError, match="批准"):
        services.election_install(election=election, posts=posts, acting_user=acting_user)
    approve(election, acting_user)
    term = services.election_install(election=election, posts=posts, acting_user=acting_user)
    assert term.number == 2 and term.elected_on == ELECTION_DAY
    assert sorted(term.posts.values_list("member__name", "role")) == sorted(
        (member.name, role) for role, member in posts
    )
    # The last term's secretary stood down the day before.
    old = CommitteeMembership.objects.get(term__number=1, term__branch=world.branch)
    assert old.ended_on == ELECTION_DAY - datetime.timedelta(days=1)
    election.refresh_from_db()
    assert election.term == term
    assert election.history.first().history_user == acting_user
    with pytest.raises(ValidationError):
        services.round_delete(election=election, acting_user=acting_user)


@pytest.mark.parametrize(
    "posts_of",
    [
        # a post for someone not elected
        lambda v: [
            (CommitteeRole.SECRETARY, v[0]),
            (CommitteeRole.ORGANISATION, v[1]),
            (CommitteeRole.PUBLICITY, v[3]),
        ],
        # two secretaries
        lambda v: [
            (CommitteeRole.SECRETARY, v[0]),
            (CommitteeRole.SECRETARY, v[1]),
            (CommitteeRole.PUBLICITY, v[2]),
        ],
        # an elected member without a post
        lambda v: [(CommitteeRole.SECRETARY, v[0]), (CommitteeRole.ORGANISATION, v[1])],
    ],
)
def test_posts_go_to_the_elected_one_secretary_each_with_a_post(
    world, voters, acting_user, posts_of
):
    election = decided_election(world, voters, acting_user)
    approve(election, acting_user)
    with pytest.raises(ValidationError):
        services.election_install(
            election=election, posts=posts_of(voters["voting"]), acting_user=acting_user
        )
    assert CommitteeTerm.objects.filter(branch=world.branch).count() == 1


def test_one_person_may_hold_two_posts(world, voters, acting_user):
    election = decided_election(world, voters, acting_user)
    approve(election, acting_user)
    first, second, third = voters["voting"][:3]
    term = services.election_install(
        election=election,
        posts=[
            (CommitteeRole.SECRETARY, first),
            (CommitteeRole.DISCIPLINE, first),
            (CommitteeRole.ORGANISATION, second),
            (CommitteeRole.PUBLICITY, third),
        ],
        acting_user=acting_user,
    )
    assert term.posts.filter(member=first).count() == 2


def test_the_meeting_of_an_election_stays_while_the_election_does(world, voters, acting_user):
    election = new_election(world, acting_user, voters["voting"][:4])
    meeting = Meeting.objects.get(pk=election.meeting_id)
    with pytest.raises(ValidationError):
        meeting_delete(meeting=meeting, acting_user=acting_user)
    meeting.kind = MeetingType.OTHER
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, acting_user=acting_user)
    services.election_delete(election=election, acting_user=acting_user)
    meeting_delete(meeting=Meeting.objects.get(pk=meeting.pk), acting_user=acting_user)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_tally_reads_an_election_in_a_fixed_number_of_queries(
    world, voters, acting_user, django_assert_num_queries
):
    election = decided_election(world, voters, acting_user)
    with django_assert_num_queries(5):
        tally(load_election(Election.objects.filter(pk=election.pk)).get())


def test_a_member_created_directly_is_counted_by_the_category_on_the_day(
    world, voters, acting_user
):
    # A member who joins after the meeting is not on its list and changes nothing.
    election = decided_election(world, voters, acting_user)
    MemberFactory(branch=world.branch, name="新调入党员")
    assert tally_of(election).turnout.voting_expected == 10


def test_an_election_is_prepared_before_its_meeting_and_counted_after(world, voters, acting_user):
    election = services.election_save(
        election=Election(
            branch=world.branch, seats=3, requested_on=ELECTION_DAY - datetime.timedelta(days=30)
        ),
        candidates=voters["voting"][:4],
        acting_user=acting_user,
    )
    assert tally_of(election).stage == "筹备中：待召开党员大会"
    with pytest.raises(ValidationError, match="关联党员大会"):
        count(election, acting_user, [10, 9, 8, 3])
    election.meeting = general_meeting(world, acting_user)
    services.election_save(
        election=election, candidates=voters["voting"][:4], acting_user=acting_user
    )
    count(election, acting_user, [10, 9, 8, 3])
    assert tally_of(election).decided is True


def test_a_rule_counting_those_who_should_attend_needs_more_than_half_of_them():
    # The base is one field of the dated rule, should an upper committee read it so.
    rules = dataclasses.replace(RULES_2020, elected_of_expected=True)
    turnout = Turnout(voting_expected=10, voting_present=9, rules=rules)
    assert (turnout.elected_base, turnout.votes_to_be_elected) == (10, 6)
