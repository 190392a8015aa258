"""Committee elections (换届选举): the general meeting that elects a new committee, its
candidates, the rounds of voting with their ballots and votes, the upper committee's
approval, and the term the result installs.

Only the typed-in counts are stored; whether the meeting could elect, who was elected and
what is still missing are computed from them by `activities.elections.tally`, under the rules
of the election's day (`activities.elections.rules`). Each round's counts are the tellers'
totals (计票结果), never a ballot: nothing here says who voted for whom.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models.meetings import Meeting
from groups.models import Branch, CommitteeTerm
from members.models import Member


class ElectionKind(models.TextChoices):
    # 委员 are elected with more candidates than seats (差额); where there is no committee the
    # general meeting elects the secretary, who may be the only candidate (等额).
    COMMITTEE = "committee", _("Committee members")
    SECRETARY = "secretary", _("Secretary of a branch without a committee")


class Election(models.Model):
    """One election held at one general meeting. The voters are the meeting's attendance
    list: those with the right to vote who should attend (应到会) and came (实到会). It is
    prepared (the request, the candidates) before the meeting is held and linked to it."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="elections", verbose_name=_("branch")
    )
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="election",
        verbose_name=_("general meeting"),
        help_text=_(
            "The general meeting that held the vote, with its attendance list. Left empty "
            "while the election is being prepared."
        ),
    )
    kind = models.CharField(
        _("who is elected"),
        max_length=20,
        choices=ElectionKind.choices,
        default=ElectionKind.COMMITTEE,
    )
    seats = models.PositiveSmallIntegerField(_("seats to fill"))
    requested_on = models.DateField(
        _("election requested on"),
        null=True,
        blank=True,
        help_text=_("The branch's request (请示) to the upper committee to hold the election."),
    )
    candidates_approved_on = models.DateField(
        _("candidates approved on"),
        null=True,
        blank=True,
        help_text=_("The upper committee's reply approving the list of candidates."),
    )
    accepted_fewer = models.BooleanField(
        _("fewer seats accepted"),
        default=False,
        help_text=_(
            "Fewer candidates than seats got more than half of the votes, the number was "
            "close, and more than half of the voters agreed not to vote again."
        ),
    )
    approved_on = models.DateField(
        _("result approved on"),
        null=True,
        blank=True,
        help_text=_("The upper committee's approval of the result (书记、副书记 need it)."),
    )
    approval_reference = models.CharField(
        _("approval document"),
        max_length=100,
        blank=True,
        help_text=_("The number of the upper committee's reply (批复文号), if it has one."),
    )
    term = models.OneToOneField(
        CommitteeTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="election",
        verbose_name=_("term installed"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee election")
        verbose_name_plural = _("committee elections")
        ordering = ["branch", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="election_has_seats",
                violation_error_message=_("An election fills at least one seat."),
            ),
        ]

    def __str__(self):
        if self.meeting is None:
            return str(_("Election in preparation"))
        return _("Election of %(date)s") % {"date": self.meeting.held_on.isoformat()}


class ElectionCandidate(models.Model):
    """A member on the ballot (正式候选人)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("member")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "member"],
                name="candidate_once_per_election",
                violation_error_message=_("This member is already a candidate."),
            ),
        ]

    def __str__(self):
        return str(self.member)


class ElectionRound(models.Model):
    """One vote (轮次): the first is the election itself; a later one fills the seats left
    open (另行选举) or settles a tie (再次投票), among candidates not yet elected."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("election")
    )
    number = models.PositiveSmallIntegerField(_("round"))
    ballots_issued = models.PositiveSmallIntegerField(_("ballots issued"))
    ballots_returned = models.PositiveSmallIntegerField(_("ballots returned"))
    ballots_invalid = models.PositiveSmallIntegerField(
        _("invalid ballots"),
        default=0,
        help_text=_("A ballot that chooses more people than the seats is invalid."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("round of voting")
        verbose_name_plural = _("rounds of voting")
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="round_number_unique_per_election",
                violation_error_message=_("This election already has a round with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="round_number_positive",
                violation_error_message=_("Rounds are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(ballots_invalid__lte=models.F("ballots_returned")),
                name="round_invalid_within_returned",
                violation_error_message=_(
                    "There cannot be more invalid ballots than ballots returned."
                ),
            ),
        ]

    def __str__(self):
        return _("Round %(number)s") % {"number": self.number}


class CandidateVote(models.Model):
    """The tellers' count for one candidate in one round."""

    round = models.ForeignKey(
        ElectionRound, on_delete=models.CASCADE, related_name="votes", verbose_name=_("round")
    )
    candidate = models.ForeignKey(
        ElectionCandidate,
        on_delete=models.CASCADE,
        related_name="votes",
        verbose_name=_("candidate"),
    )
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("votes for a candidate")
        verbose_name_plural = _("votes for candidates")
        ordering = ["round", "candidate"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "candidate"],
                name="candidate_once_per_round",
                violation_error_message=_("This candidate is already counted in this round."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} · {self.votes_for}"
