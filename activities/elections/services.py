"""Writes to an election, from the candidates to the new term. Each validates against the
tally (`activities.elections.tally`), saves in one transaction and records who acted in the
audit history; the new term's posts are written by `groups.services.committee_term_start`.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from activities.elections.tally import (
    ballot_problems,
    load_election,
    tally,
    vote_problems,
)
from activities.models import (
    CandidateVote,
    Election,
    ElectionCandidate,
    ElectionKind,
    ElectionRound,
    Meeting,
    MeetingType,
)
from branchsite.audit import audited_delete, audited_save
from branchsite.dates import long_date
from groups.models import Branch, CommitteeRole, CommitteeTerm
from groups.services import committee_eligibility_problems, committee_term_start
from members.models import Member


def _reload(election: Election) -> Election:
    return load_election(Election.objects.filter(pk=election.pk)).get()


def _refuse_if_installed(election: Election) -> None:
    if election.term_id is not None:
        raise ValidationError(
            gettext("The new term is already installed from this election; it cannot change.")
        )


def candidate_problems(members: list[Member], *, branch: Branch, on: datetime.date) -> list[str]:
    """Why some of `members` cannot stand: not of the branch, or without the right to be
    elected on `on` (a 预备党员, a member under 留党察看: `committee_eligibility_problems`)."""
    problems = [
        gettext("%(name)s is not a member of %(branch)s.")
        % {"name": member.name, "branch": branch.name}
        for member in members
        if member.branch_id != branch.pk
    ]
    return problems + list(committee_eligibility_problems(members, on).values())


@transaction.atomic
def election_save(
    *,
    election: Election,
    candidates: Iterable[Member],
    acting_user,
) -> Election:
    """Create or change an election and its list of candidates, before any vote is counted.
    The meeting must be a general meeting of the branch; every candidate must have the right
    to be elected on its day."""
    _refuse_if_installed(election)
    meeting: Meeting | None = election.meeting
    if meeting is not None and (
        meeting.branch_id != election.branch_id or meeting.kind != MeetingType.GENERAL
    ):
        raise ValidationError(
            {"meeting": gettext("An election is held at a general meeting of the branch.")}
        )
    if election.pk and election.rounds.exists():
        raise ValidationError(
            gettext(
                "Votes are already counted: delete the rounds first to change the candidates "
                "or the seats."
            )
        )
    candidates = list(candidates)
    # Before the meeting, the candidates are checked as of today; once it is linked, as of
    # its day.
    day = meeting.held_on if meeting is not None else timezone.localdate()
    problems = candidate_problems(candidates, branch=election.branch, on=day)
    if problems:
        raise ValidationError({"candidates": problems})
    audited_save(election, acting_user=acting_user)
    current = {row.member_id: row for row in election.candidates.all()}
    wanted = {member.pk for member in candidates}
    for member_id, row in current.items():
        if member_id not in wanted:
            audited_delete(row, acting_user=acting_user)
    for member in candidates:
        if member.pk not in current:
            audited_save(
                ElectionCandidate(election=election, member=member), acting_user=acting_user
            )
    return election


@transaction.atomic
def round_record(
    *,
    election: Election,
    ballots_issued: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[int, tuple[int, int, int]],
    acting_user,
) -> ElectionRound:
    """Record the next round's count: the ballots and, for each candidate on the ballot
    ({candidate id: (for, against, abstaining)}), the votes. The meeting must be able to
    elect, the ballot must hold enough candidates (差额 on the first ballot), and the counts
    must add up; a later round is only for the seats still open or a tie."""
    _refuse_if_installed(election)
    election = _reload(election)
    if election.meeting is None:
        raise ValidationError(
            gettext("Link the general meeting first: its attendance says who may vote.")
        )
    result = tally(election)
    turnout = result.turnout
    if not turnout.valid:
        raise ValidationError(
            gettext(
                "The meeting cannot elect: %(present)s of the %(expected)s members with the "
                "right to vote who should attend were present, and more than four fifths "
                "(%(needed)s) must be. Check the meeting's attendance."
            )
            % {
                "present": turnout.voting_present,
                "expected": turnout.voting_expected,
                "needed": turnout.needed,
            }
        )
    first = not result.rounds
    if first and not result.enough_candidates:
        raise ValidationError(
            gettext(
                "%(seats)s seats need at least %(needed)s candidates (差额: at least 20 %% "
                "more candidates than seats); the ballot has %(count)s."
            )
            % {
                "seats": election.seats,
                "needed": result.candidates_needed,
                "count": len(election.candidates.all()),
            }
        )
    if not first and (result.decided or result.seats_open <= 0):
        raise ValidationError(gettext("Every seat is filled: there is nothing left to vote on."))
    allowed = {candidate.pk for candidate in result.next_round_candidates()}
    if not votes:
        raise ValidationError(gettext("Enter the votes of at least one candidate."))
    if first and set(votes) != allowed:
        raise ValidationError(gettext("The first ballot counts every candidate."))
    if set(votes) - allowed:
        raise ValidationError(
            gettext(
                "A later round votes only on the candidates not yet elected (or, after a tie, "
                "on those level)."
            )
        )
    seats_open = result.seats_open
    problems = ballot_problems(
        issued=ballots_issued,
        returned=ballots_returned,
        invalid=ballots_invalid,
        voting_present=turnout.voting_present,
    ) + vote_problems(
        list(votes.values()),
        valid_ballots=ballots_returned - ballots_invalid,
        seats_open=seats_open,
    )
    if problems:
        raise ValidationError(problems)
    number = (election.rounds.aggregate(last=Max("number"))["last"] or 0) + 1
    election_round = ElectionRound(
        election=election,
        number=number,
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        ballots_invalid=ballots_invalid,
    )
    audited_save(election_round, acting_user=acting_user)
    for candidate_id, (votes_for, against, abstained) in votes.items():
        audited_save(
            CandidateVote(
                round=election_round,
                candidate_id=candidate_id,
                votes_for=votes_for,
                votes_against=against,
                abstentions=abstained,
            ),
            acting_user=acting_user,
            exclude=["round", "candidate"],
        )
    return election_round


@transaction.atomic
def round_delete(*, election: Election, acting_user) -> None:
    """Take back the last round's count (a typing mistake), with its history."""
    _refuse_if_installed(election)
    last = election.rounds.order_by("-number").first()
    if last is None:
        raise ValidationError(gettext("No votes are counted yet."))
    for vote in last.votes.all():
        audited_delete(vote, acting_user=acting_user)
    audited_delete(last, acting_user=acting_user)
    if election.accepted_fewer:
        election.accepted_fewer = False
        audited_save(election, acting_user=acting_user)


@transaction.atomic
def election_decide(
    *,
    election: Election,
    accepted_fewer: bool,
    approved_on: datetime.date | None,
    approval_reference: str,
    acting_user,
) -> Election:
    """Record that the voters agreed to leave open seats unfilled, and the upper
    committee's approval of the result."""
    _refuse_if_installed(election)
    result = tally(_reload(election))
    if not result.elected:
        raise ValidationError(gettext("Nobody is elected yet: count the votes first."))
    if accepted_fewer and result.seats_open <= 0:
        accepted_fewer = False
    if accepted_fewer and election.kind == ElectionKind.COMMITTEE:
        minimum = election.branch.min_committee_size
        if len(result.elected) < minimum:
            raise ValidationError(
                gettext(
                    "Only %(count)s are elected and a committee needs %(minimum)s people: "
                    "hold a further round for the open seats."
                )
                % {"count": len(result.elected), "minimum": minimum}
            )
    if result.tied:
        raise ValidationError(
            gettext("Candidates are level at the last seat: they must be voted on again.")
        )
    if approved_on is None and not accepted_fewer:
        raise ValidationError({"approved_on": gettext("Enter the date of the approval.")})
    if approved_on is not None:
        if approved_on < election.meeting.held_on:
            raise ValidationError(
                {
                    "approved_on": gettext(
                        "The approval comes after the election of %(date)s, not before it."
                    )
                    % {"date": long_date(election.meeting.held_on)}
                }
            )
        if result.seats_open > 0 and not accepted_fewer:
            raise ValidationError(
                gettext(
                    "%(open)s seats are still open: hold a further round, or record that the "
                    "voters agreed to leave them open."
                )
                % {"open": result.seats_open}
            )
    election.accepted_fewer = accepted_fewer
    election.approved_on = approved_on
    election.approval_reference = approval_reference.strip()
    audited_save(election, acting_user=acting_user)
    return election


def post_problems(election_kind: str, elected: list[Member], posts) -> list[str]:
    """Why the posts cannot be the new committee's: each must go to an elected member, each
    elected member holds at least one, one secretary, at most one deputy."""
    elected_ids = {member.pk for member in elected}
    problems = []
    if any(member.pk not in elected_ids for _role, member in posts):
        problems.append(gettext("Posts go only to the members elected."))
    holders = {member.pk for _role, member in posts}
    missing = [member.name for member in elected if member.pk not in holders]
    if missing:
        problems.append(
            gettext("Give every member elected a post: %(names)s.") % {"names": "、".join(missing)}
        )
    roles = [role for role, _member in posts]
    if roles.count(CommitteeRole.SECRETARY) != 1:
        problems.append(gettext("The committee has exactly one secretary."))
    if roles.count(CommitteeRole.DEPUTY_SECRETARY) > 1:
        problems.append(gettext("The committee has at most one deputy secretary."))
    if election_kind == ElectionKind.SECRETARY and set(roles) != {CommitteeRole.SECRETARY}:
        problems.append(gettext("A branch without a committee elects only its secretary."))
    if len(set(posts)) != len(posts):
        problems.append(gettext("A member holds each post once."))
    return problems


@transaction.atomic
def election_install(
    *, election: Election, posts: list[tuple[str, Member]], acting_user
) -> CommitteeTerm:
    """Start the new term from the result: the posts of the last term end the day before
    the election, and the members elected take the posts the committee assigned them (书记、
    副书记 elected by the new committee, 委员 given their duties)."""
    _refuse_if_installed(election)
    election = _reload(election)
    result = tally(election)
    if not result.decided:
        raise ValidationError(gettext("The election is not decided yet."))
    if election.approved_on is None:
        raise ValidationError(gettext("Record the upper committee's approval of the result first."))
    elected = [candidate.member for candidate in result.elected]
    problems = post_problems(election.kind, elected, posts)
    if problems:
        raise ValidationError(problems)
    last = CommitteeTerm.objects.filter(branch=election.branch).aggregate(last=Max("number"))
    term = committee_term_start(
        branch=election.branch,
        number=(last["last"] or 0) + 1,
        elected_on=election.meeting.held_on,
        posts=posts,
        acting_user=acting_user,
    )
    election.term = term
    audited_save(election, acting_user=acting_user)
    return term


@transaction.atomic
def election_delete(*, election: Election, acting_user) -> None:
    """Delete an election not yet installed, with its candidates and counts; the history
    keeps them. The meeting stays."""
    _refuse_if_installed(election)
    for election_round in election.rounds.all():
        for vote in election_round.votes.all():
            audited_delete(vote, acting_user=acting_user)
        audited_delete(election_round, acting_user=acting_user)
    for candidate in election.candidates.all():
        audited_delete(candidate, acting_user=acting_user)
    audited_delete(election, acting_user=acting_user)
