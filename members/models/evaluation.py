"""民主评议党员: the yearly evaluation round, its anonymous ballot (民主测评), and the
committee's final grades.

The ballot is anonymous, and the data at rest proves it. Threat model — who must not be able
to tell which grade a given member gave:
- the secretary and the committee, on every page and export;
- an administrator in the workbench (no admin lists the tallies while the ballot is open, and
  none shows a ballot, because there is none);
- anyone who can run SQL over every table, during the round or after it.

How:
- There are no ballot rows. A vote adds one to counters (`GradeCount`: round, member graded,
  grade, count), created all at once when the ballot opens, before anyone votes, so their
  keys say nothing about who voted when. Counters carry no voter, no timestamp and no user.
- Each vote rewrites every counter of the round in one UPDATE (+1 where chosen, +0 elsewhere),
  so no counter is "the one changed by the last transaction" (PostgreSQL's xmin), and closing
  the ballot rewrites them all once more.
- Who has voted is public and separate (`BallotCast`: round, voter; no timestamp), written in
  the same transaction as the counters; one per voter (a unique constraint), and a voter adds
  only to counters, so nobody can change another's vote.
- django-simple-history, which records the acting user, tracks neither counters nor casts;
  the services log nothing about a vote.
- Tallies are shown only once the ballot is closed.
Out of scope, and said so: someone reading the database's raw files or write-ahead log while
votes are cast (old row versions stay on disk until overwritten), and a round with one voter.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Branch
from members.models.registry import Member


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    QUALIFIED = "qualified", _("Qualified (合格)")
    BASIC = "basic", _("Basically qualified (基本合格)")
    UNQUALIFIED = "unqualified", _("Unqualified (不合格)")


class TrustGrade(models.TextChoices):
    TRUSTED = "trusted", _("Trusted (信任)")
    MOSTLY = "mostly", _("Mostly trusted (基本信任)")
    NOT_TRUSTED = "not_trusted", _("Not trusted (不信任)")


class RoundKind(models.TextChoices):
    # 民主评议党员: every full member graded. 信任度测评: the committee rated by the members
    # (and, where the round says so, the staff), as percentages; no final grades.
    EVALUATION = "evaluation", _("Member evaluation")
    TRUST = "trust", _("Trust poll of the committee")


def grades_of(kind: str) -> type[models.TextChoices]:
    """The choices a ballot of this kind of round offers."""
    return TrustGrade if kind == RoundKind.TRUST else Grade


class RoundState(models.TextChoices):
    OPEN = "open", _("Ballot open")
    COUNTED = "counted", _("Ballot closed, grades to set")
    CLOSED = "closed", _("Closed")


class EvaluationRound(models.Model):
    """One branch's 民主评议党员 for one year (年度). The round itself is not anonymous: its
    history names who opened and closed it."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        related_name="evaluation_rounds",
        verbose_name=_("branch"),
    )
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=RoundKind.choices, default=RoundKind.EVALUATION
    )
    opened_on = models.DateField(_("opened on"))
    state = models.CharField(
        _("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    ballot_closed_on = models.DateField(_("ballot closed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The steps before the ballot and after the grades (支部工作条例: 学习教育, 个人自评, 党员互评,
    # 民主测评, 组织评定, then 通报本人 and 报上级), each with its date.
    study_from = models.DateField(_("study from"), null=True, blank=True)
    self_assessment_due = models.DateField(_("self-assessments due by"), null=True, blank=True)
    peer_review_on = models.DateField(_("peer review (党员互评) on"), null=True, blank=True)
    notified_on = models.DateField(_("members told their grades on"), null=True, blank=True)
    reported_on = models.DateField(_("reported to the upper committee on"), null=True, blank=True)
    # Staff who are not members may rate too, on paper; their totals are counted apart.
    staff_rate = models.BooleanField(
        _("staff who are not members rate too"),
        default=False,
        help_text=_(
            "Their paper ballots are counted apart from the members' and entered as totals."
        ),
    )
    staff_ballots = models.PositiveSmallIntegerField(_("staff ballots"), default=0)
    # A large branch: each member grades the members of their own party group only (党员人数
    # 较多的党支部，个人自评和党员互评可以在党小组范围内进行).
    within_groups = models.BooleanField(
        _("members grade within their party group"),
        default=False,
        help_text=_(
            "For a large branch: each member's ballot holds the members of their own group "
            "(支部工作条例: 党员人数较多的党支部，党员互评可以在党小组范围内进行)."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member evaluation")
        verbose_name_plural = _("member evaluations")
        ordering = ["branch", "-year", "-opened_on"]

    def __str__(self):
        if self.kind == RoundKind.TRUST:
            return _("%(year)s trust poll of the committee") % {"year": self.year}
        return _("%(year)s member evaluation") % {"year": self.year}

    @property
    def grades(self) -> type[models.TextChoices]:
        return grades_of(self.kind)


class BallotCast(models.Model):
    """That a member has voted in a round (public: everyone sees who has voted). Nothing
    here, nor anywhere, says how."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="casts", verbose_name=_("round")
    )
    voter = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="ballots_cast", verbose_name=_("voter")
    )

    class Meta:
        verbose_name = _("ballot cast")
        verbose_name_plural = _("ballots cast")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"],
                name="one_ballot_per_voter_per_round",
                violation_error_message=_("This member has already voted in this round."),
            ),
        ]

    def __str__(self):
        return str(self.voter)


class Tally(models.Model):
    """How many gave a member one grade: the shape the ballot's counters and the staff's
    totals share."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member graded")
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices + TrustGrade.choices)
    count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.member} {self.get_grade_display()} {self.count}"


class GradeCount(Tally):
    """How many voters gave `member` `grade` in `round`: the anonymous tally. No voter, no
    time, no history (see the module's threat model)."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="counts", verbose_name=_("round")
    )

    class Meta:
        verbose_name = _("grade count")
        verbose_name_plural = _("grade counts")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "grade"],
                name="one_count_per_member_and_grade",
                violation_error_message=_("This grade is already counted for this member."),
            ),
        ]


class StaffCount(Tally):
    """How many of the staff's paper ballots gave `member` `grade` (群众测评), counted apart
    from the members' ballot and entered as totals by the committee."""

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="staff_counts",
        verbose_name=_("round"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff count")
        verbose_name_plural = _("staff counts")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "grade"],
                name="one_staff_count_per_member_and_grade",
                violation_error_message=_("This grade is already counted for this member."),
            ),
        ]


class Assessment(models.Model):
    """One member's place in a round: graded (正式党员) or taking part without a grade
    (预备党员: 参加评议，不评定等次), their self-assessment, the group's recommendation, and
    the final grade the committee or the general meeting sets (组织评定)."""

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("round"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("member")
    )
    graded = models.BooleanField(_("graded"), default=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_on = models.DateField(_("self-assessment written on"), null=True, blank=True)
    # 党员互评: what the other members said of this member when they reviewed each other face
    # to face (开展批评与自我批评), at a branch meeting or, in a large branch, the group's. It is
    # open, not a ballot: the record keeps the points raised, not who raised them.
    peer_comments = models.TextField(
        _("peer review"),
        blank=True,
        help_text=_("The points the other members raised, one a line."),
    )
    peer_reviewed_on = models.DateField(_("peer review held on"), null=True, blank=True)
    recommended_excellent = models.BooleanField(
        _("recommended as excellent by the group"), default=False
    )
    final_grade = models.CharField(
        _("final grade"), max_length=12, choices=Grade.choices, blank=True
    )
    reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Needed where the final grade differs from the ballot's most frequent grade."),
    )
    # 组织处置: 基本合格 gets an improvement plan with a deadline; 不合格 限期改正 as well, or 劝退
    # / 除名 through the member's status actions.
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow-up due by"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member's evaluation")
        verbose_name_plural = _("members' evaluations")
        ordering = ["round", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                name="one_assessment_per_member_per_round",
                violation_error_message=_("This member is already in this round."),
            ),
            models.CheckConstraint(
                condition=Q(graded=True) | Q(final_grade=""),
                name="ungraded_members_get_no_grade",
                violation_error_message=_("A probationary member takes part but gets no grade."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.round}"
