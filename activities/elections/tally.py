"""What an election's counts mean, computed, never stored: whether the meeting could elect,
whether each round's ballots are valid, who was elected, and what is still to do.

Everything here reads an election loaded with `load_election` (a fixed number of queries)
and the rules of its day (`activities.elections.rules`).
"""

import math
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from activities.elections.rules import ElectionRules, election_rules_on
from activities.models import (
    Attendance,
    CandidateVote,
    Election,
    ElectionCandidate,
    ElectionKind,
    ElectionRound,
    Presence,
)
from groups.models import CommitteeMembership


def load_election(queryset=None):
    """Elections with everything the tally reads: candidates, rounds and votes, and the
    meeting's attendance (5 queries for any number of rows)."""
    queryset = queryset if queryset is not None else Election.objects.all()
    return queryset.select_related("meeting", "branch", "term").prefetch_related(
        Prefetch(
            "candidates", queryset=ElectionCandidate.objects.select_related("member").order_by("pk")
        ),
        Prefetch(
            "rounds",
            queryset=ElectionRound.objects.order_by("number").prefetch_related(
                Prefetch("votes", queryset=CandidateVote.objects.order_by("pk"))
            ),
        ),
        Prefetch("meeting__attendances", queryset=Attendance.objects.order_by("pk")),
        Prefetch(
            "term__posts",
            queryset=CommitteeMembership.objects.select_related("member").order_by("role"),
        ),
    )


def more_than(share, of: int) -> int:
    """The smallest whole number that is more than `share` of `of`."""
    return math.floor(share * of) + 1


@dataclass(frozen=True)
class Turnout:
    """Those with the right to vote (正式党员, not under 留党察看) who should attend the
    meeting and who came."""

    voting_expected: int
    voting_present: int
    rules: ElectionRules

    @property
    def needed(self) -> int:
        return more_than(self.rules.quorum, self.voting_expected)

    @property
    def valid(self) -> bool:
        return self.voting_expected > 0 and self.voting_present >= self.needed

    @property
    def elected_base(self) -> int:
        """The number a candidate needs more than half of."""
        return self.voting_expected if self.rules.elected_of_expected else self.voting_present

    @property
    def votes_to_be_elected(self) -> int:
        return self.elected_base // 2 + 1


def min_candidates(election: Election, rules: ElectionRules) -> int:
    """How many candidates the ballot needs: committee members with the margin (差额, rounded
    up), a secretary elected by the general meeting with one candidate a seat (等额)."""
    if election.kind == ElectionKind.SECRETARY:
        return election.seats
    return election.seats + math.ceil(rules.margin * election.seats)


@dataclass
class RoundResult:
    round: ElectionRound
    seats_open: int
    problems: list[str] = field(default_factory=list)
    elected: list[ElectionCandidate] = field(default_factory=list)
    # Candidates with more than half of the votes, level at the last open seat: vote again.
    tied: list[ElectionCandidate] = field(default_factory=list)
    # Each counted candidate's votes, in the order of the count (most votes first).
    counts: list[tuple[ElectionCandidate, CandidateVote]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def valid_ballots(self) -> int:
        return self.round.ballots_returned - self.round.ballots_invalid


@dataclass
class Tally:
    election: Election
    rules: ElectionRules
    turnout: Turnout
    candidates_needed: int
    rounds: list[RoundResult]

    @property
    def elected(self) -> list[ElectionCandidate]:
        return [candidate for result in self.rounds if result.valid for candidate in result.elected]

    @property
    def seats_open(self) -> int:
        return self.election.seats - len(self.elected)

    @property
    def tied(self) -> list[ElectionCandidate]:
        return self.rounds[-1].tied if self.rounds and self.rounds[-1].valid else []

    @property
    def enough_candidates(self) -> bool:
        return len(self.election.candidates.all()) >= self.candidates_needed

    @property
    def decided(self) -> bool:
        """Every seat is filled, or the voters agreed to leave the rest open."""
        return (
            self.turnout.valid
            and bool(self.elected)
            and not self.tied
            and (self.seats_open == 0 or self.election.accepted_fewer)
        )

    @property
    def stage(self) -> str:
        """Where the election stands, in a few words for lists and the page's heading."""
        if self.election.term_id is not None:
            return gettext("Term %(number)s installed") % {"number": self.election.term.number}
        if self.election.meeting_id is None:
            return gettext("In preparation: the general meeting is to be held")
        if not self.turnout.valid:
            return gettext("Too few present to elect")
        if not self.rounds:
            return gettext("Votes to count")
        if self.tied:
            return gettext("Level at the last seat: vote again")
        if not self.decided:
            return gettext("Seats open: a further round")
        if self.election.approved_on is None:
            return gettext("Awaiting the upper committee's approval")
        return gettext("Approved: install the new term")

    def next_round_candidates(self) -> list[ElectionCandidate]:
        """Who may be on the next ballot: the tied, else everyone not yet elected."""
        if self.tied:
            return list(self.tied)
        elected = {candidate.pk for candidate in self.elected}
        return [c for c in self.election.candidates.all() if c.pk not in elected]


def tally(election: Election) -> Tally:
    """The tally of an election loaded with `load_election` (no further query)."""
    meeting = election.meeting
    rules = election_rules_on(meeting.held_on if meeting else timezone.localdate())
    voting = [row for row in meeting.attendances.all() if row.votes] if meeting else []
    turnout = Turnout(
        voting_expected=len(voting),
        voting_present=sum(1 for row in voting if row.presence == Presence.PRESENT),
        rules=rules,
    )
    candidates = {candidate.pk: candidate for candidate in election.candidates.all()}
    results = []
    elected_so_far = 0
    for election_round in election.rounds.all():
        result = _round_result(election_round, election.seats - elected_so_far, turnout, candidates)
        results.append(result)
        if result.valid:
            elected_so_far += len(result.elected)
    return Tally(
        election=election,
        rules=rules,
        turnout=turnout,
        candidates_needed=min_candidates(election, rules),
        rounds=results,
    )


def _round_result(election_round, seats_open, turnout, candidates) -> RoundResult:
    result = RoundResult(round=election_round, seats_open=seats_open)
    result.problems = ballot_problems(
        issued=election_round.ballots_issued,
        returned=election_round.ballots_returned,
        invalid=election_round.ballots_invalid,
        voting_present=turnout.voting_present,
    )
    votes = sorted(election_round.votes.all(), key=lambda vote: -vote.votes_for)
    result.counts = [(candidates[vote.candidate_id], vote) for vote in votes]
    result.problems += vote_problems(
        [(vote.votes_for, vote.votes_against, vote.abstentions) for vote in votes],
        valid_ballots=result.valid_ballots,
        seats_open=seats_open,
    )
    if not result.valid or seats_open <= 0:
        return result
    over_half = [
        (candidate, vote)
        for candidate, vote in result.counts
        if vote.votes_for >= turnout.votes_to_be_elected
    ]
    if len(over_half) <= seats_open:
        result.elected = [candidate for candidate, _vote in over_half]
        return result
    # More over half than seats: the most votes win; a tie at the last seat is voted again.
    last = over_half[seats_open - 1][1].votes_for
    result.elected = [candidate for candidate, vote in over_half if vote.votes_for > last]
    level = [candidate for candidate, vote in over_half if vote.votes_for == last]
    if len(result.elected) + len(level) <= seats_open:
        result.elected += level
    else:
        result.tied = level
    return result


def ballot_problems(*, issued: int, returned: int, invalid: int, voting_present: int) -> list[str]:
    """Why a round's ballots cannot stand: more returned than issued voids the vote (it is
    held again); more issued than voters present, or more invalid than returned, is a
    counting mistake."""
    problems = []
    if issued > voting_present:
        problems.append(
            gettext(
                "%(issued)s ballots were issued but only %(present)s members with the right "
                "to vote were present."
            )
            % {"issued": issued, "present": voting_present}
        )
    if returned > issued:
        problems.append(
            gettext(
                "More ballots were returned (%(returned)s) than issued (%(issued)s): this "
                "vote is void and must be held again."
            )
            % {"returned": returned, "issued": issued}
        )
    if invalid > returned:
        problems.append(gettext("There cannot be more invalid ballots than ballots returned."))
    return problems


def vote_problems(
    counts: list[tuple[int, int, int]], *, valid_ballots: int, seats_open: int
) -> list[str]:
    """Counts that cannot be right: one candidate with more votes than valid ballots, or
    more votes for, all candidates together, than valid ballots times the seats (a ballot
    that chooses more people than the seats is invalid)."""
    problems = []
    if any(sum(count) > valid_ballots for count in counts):
        problems.append(
            gettext(
                "A candidate has more votes (for, against and abstaining) than the "
                "%(valid)s valid ballots."
            )
            % {"valid": valid_ballots}
        )
    if sum(votes_for for votes_for, _against, _abstained in counts) > valid_ballots * max(
        seats_open, 0
    ):
        problems.append(
            gettext(
                "The votes for all candidates together are more than %(valid)s valid ballots "
                "times %(seats)s seats: a valid ballot chooses at most as many people as there "
                "are seats."
            )
            % {"valid": valid_ballots, "seats": seats_open}
        )
    return problems
