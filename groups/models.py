"""The organisation: branches (党支部), committee terms (届), party groups (党小组).

Every appointment and membership is a dated row (started_on, ended_on) so that history is
kept: who was in which group, who led it, who sat on which committee, and when. A row with
no ended_on is current.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.dates import add_years

# Domain §1 defaults; each branch may change them.
DEFAULT_TERM_YEARS = 3
DEFAULT_TERM_WARNING_DAYS = 90
# Local rules differ on how long a transfer letter (介绍信) stays valid; three months is common.
DEFAULT_TRANSFER_LETTER_VALID_DAYS = 90
# Domain §1 thresholds, counted in full members (正式党员) only; each branch may change them.
DEFAULT_MIN_FULL_MEMBERS_FOR_BRANCH = 3
DEFAULT_MIN_FULL_MEMBERS_FOR_COMMITTEE = 7
DEFAULT_NORMAL_MAX_BRANCH_SIZE = 50
DEFAULT_MIN_GROUP_SIZE = 3
DEFAULT_MIN_COMMITTEE_SIZE = 3
DEFAULT_MAX_COMMITTEE_SIZE = 7
DEFAULT_MIN_SECRETARY_STANDING_YEARS = 1
# Who stands out in the attendance rates: local practice, not national rules (党章 第九条
# sets only the six months without organisational life).
DEFAULT_ABSENCES_IN_A_ROW = 2
DEFAULT_LOW_ATTENDANCE_RATE_PERCENT = 80
DEFAULT_MIN_MEETINGS_FOR_RATE = 5
# 民主评议党员: 优秀 for at most one in three 正式党员 (预备党员 not counted).
DEFAULT_EXCELLENT_CAP_DENOMINATOR = 3

COMMITTEE_SIZE_SOURCE = _(
    "Source: 中国共产党支部工作条例（试行）2018, 第九条 (党支部委员会由3至5人组成，一般不超过7人); "
    "counted in people, not posts."
)
BRANCH_RULES_SOURCE = _("Source: 中国共产党支部工作条例（试行）2018, 第五、六、八条.")


class DuesBaseChanges(models.TextChoices):
    WHEN_PAY_CHANGES = "when_pay_changes", _("Whenever pay changes")
    YEARLY = "yearly", _("Once a year, in January")


class UpperCommittee(models.Model):
    """The Party committee above the branches (上级党委), such as a district's 教育工委: it
    oversees many schools' branches and reads them all through its viewers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short identifier in Latin letters, used by import commands."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("upper Party committee")
        verbose_name_plural = _("upper Party committees")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Branch(models.Model):
    """A Party branch (党支部). One deployment holds any number of branches."""

    name = models.CharField(_("branch name"), max_length=100)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short identifier in Latin letters, used by import commands."),
    )
    school = models.CharField(_("school"), max_length=100)
    upper_committee = models.ForeignKey(
        UpperCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("upper Party committee"),
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    committee_term_years = models.PositiveSmallIntegerField(
        _("committee term (years)"), default=DEFAULT_TERM_YEARS
    )
    term_warning_days = models.PositiveSmallIntegerField(
        _("warn before the term ends (days)"), default=DEFAULT_TERM_WARNING_DAYS
    )
    transfer_letter_valid_days = models.PositiveSmallIntegerField(
        _("transfer letters valid for (days)"), default=DEFAULT_TRANSFER_LETTER_VALID_DAYS
    )
    # The thresholds of the overview's warnings (domain §1).
    min_full_members_for_branch = models.PositiveSmallIntegerField(
        _("full members a branch needs"),
        default=DEFAULT_MIN_FULL_MEMBERS_FOR_BRANCH,
        help_text=BRANCH_RULES_SOURCE,
    )
    min_full_members_for_committee = models.PositiveSmallIntegerField(
        _("full members from which a committee is required"),
        default=DEFAULT_MIN_FULL_MEMBERS_FOR_COMMITTEE,
        help_text=BRANCH_RULES_SOURCE,
    )
    normal_max_branch_size = models.PositiveSmallIntegerField(
        _("members a branch normally has at most"),
        default=DEFAULT_NORMAL_MAX_BRANCH_SIZE,
        help_text=BRANCH_RULES_SOURCE,
    )
    min_committee_size = models.PositiveSmallIntegerField(
        _("people a committee needs"),
        default=DEFAULT_MIN_COMMITTEE_SIZE,
        help_text=COMMITTEE_SIZE_SOURCE,
    )
    max_committee_size = models.PositiveSmallIntegerField(
        _("people a committee normally has at most"),
        default=DEFAULT_MAX_COMMITTEE_SIZE,
        help_text=COMMITTEE_SIZE_SOURCE,
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("members a party group needs"),
        default=DEFAULT_MIN_GROUP_SIZE,
        help_text=BRANCH_RULES_SOURCE,
    )
    min_secretary_standing_years = models.PositiveSmallIntegerField(
        _("years of full membership a secretary normally has"),
        default=DEFAULT_MIN_SECRETARY_STANDING_YEARS,
        help_text=_(
            "Source: 中国共产党支部工作条例（试行）2018 (党支部书记一般应当具有1年以上党龄)."
        ),
    )
    # Who stands out in the attendance rates.
    absences_in_a_row = models.PositiveSmallIntegerField(
        _("absences without leave in a row that stand out"),
        default=DEFAULT_ABSENCES_IN_A_ROW,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Local practice (无故连续两次缺席 is a common rule); 党章 第九条 sets only the six "
            "months without organisational life."
        ),
    )
    low_attendance_rate_percent = models.PositiveSmallIntegerField(
        _("attendance rate below which a member stands out (percent)"),
        default=DEFAULT_LOW_ATTENDANCE_RATE_PERCENT,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Local practice: a rate under 80 percent of at least 5 meetings is a common rule."
        ),
    )
    min_meetings_for_rate = models.PositiveSmallIntegerField(
        _("meetings needed before a rate is judged"),
        default=DEFAULT_MIN_MEETINGS_FOR_RATE,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Local practice: a rate under 80 percent of at least 5 meetings is a common rule."
        ),
    )

    excellent_cap_denominator = models.PositiveSmallIntegerField(
        _("优秀 for at most one in … full members"),
        default=DEFAULT_EXCELLENT_CAP_DENOMINATOR,
        validators=[MinValueValidator(1)],
        help_text=_(
            "民主评议党员: the yearly notices of the 中组部 on 组织生活会 and 民主评议党员 "
            "(评定为优秀的比例一般不超过党员总数的1/3); the total is the full members whose "
            "organisational relation is in the branch, probationary members not counted."
        ),
    )

    dues_base_changes = models.CharField(
        _("dues bases change"),
        max_length=20,
        choices=DuesBaseChanges.choices,
        default=DuesBaseChanges.WHEN_PAY_CHANGES,
        help_text=_(
            "中组发〔2008〕3号 第十条: from the month new pay is received. Many schools set the "
            "bases once a year instead (local practice)."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Party branch")
        verbose_name_plural = _("Party branches")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_term_years__gte=1),
                name="branch_term_years_positive",
                violation_error_message=_("A committee term lasts at least one year."),
            ),
        ]

    def __str__(self):
        return self.name


class CommitteeTerm(models.Model):
    """One term (届) of the branch committee, or of the secretary where there is no committee."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="terms", verbose_name=_("branch")
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    elected_on = models.DateField(_("elected on"))
    ends_on = models.DateField(
        _("term ends on"),
        blank=True,
        help_text=_("Left empty, it is filled in from the branch's term length."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        ordering = ["branch", "-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "number"],
                name="term_number_unique_per_branch",
                violation_error_message=_("This branch already has a term with this number."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("elected_on")),
                name="term_ends_after_election",
                violation_error_message=_("A term must end after the date it was elected."),
            ),
        ]

    def __str__(self):
        return _("Term %(number)s of %(branch)s") % {"number": self.number, "branch": self.branch}

    def save(self, *args, **kwargs):
        self.fill_default_end()
        super().save(*args, **kwargs)

    def clean(self):
        # Before constraint validation, which needs an end date to compare.
        self.fill_default_end()

    def fill_default_end(self):
        """Derive the end date from the branch's term length when none was given."""
        if self.ends_on is None and self.elected_on and self.branch_id:
            self.ends_on = add_years(self.elected_on, self.branch.committee_term_years)


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation member")
    PUBLICITY = "publicity", _("Publicity member")
    DISCIPLINE = "discipline", _("Discipline inspection member")
    MEMBER = "member", _("Committee member")


class CommitteeMembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class CommitteeMembership(models.Model):
    """A member holding a post (书记, 委员…) in one committee term."""

    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.CASCADE, related_name="posts", verbose_name=_("term")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="committee_posts",
        verbose_name=_("member"),
    )
    role = models.CharField(_("post"), max_length=20, choices=CommitteeRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = CommitteeMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee post")
        verbose_name_plural = _("committee posts")
        ordering = ["term", "role", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(role="secretary", ended_on__isnull=True),
                name="one_current_secretary_per_term",
                violation_error_message=_("This term already has a current secretary."),
            ),
            # One person may hold two posts (书记 and 纪检委员, say), not the same one twice.
            models.UniqueConstraint(
                fields=["term", "member", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_current_post_of_a_kind_per_member_per_term",
                violation_error_message=_("This member already holds this post in this term."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="committee_post_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.member}"


class PartyGroup(models.Model):
    """A party group (党小组), in a school usually tied to teaching offices (组室/教研组)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="party_groups", verbose_name=_("branch")
    )
    name = models.CharField(_("group name"), max_length=100)
    offices = models.CharField(
        _("teaching offices covered"),
        max_length=200,
        blank=True,
        help_text=_("The 组室 or 教研组 whose members this group gathers, e.g. 语文组."),
    )
    founded_on = models.DateField(_("set up on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party group")
        verbose_name_plural = _("party groups")
        ordering = ["branch", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"],
                name="group_name_unique_per_branch",
                violation_error_message=_("This branch already has a group with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class GroupMembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class GroupMembership(models.Model):
    """A member belonging to a party group for a period. One current group per member."""

    group = models.ForeignKey(
        PartyGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="group_memberships",
        verbose_name=_("member"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = GroupMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="one_current_group_per_member",
                violation_error_message=_(
                    "This member is already in a group; end that membership first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="group_membership_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.group}"


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy group leader")


class GroupLeadershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class GroupLeadership(models.Model):
    """Who led (组长) or deputised (副组长) a group, and when."""

    group = models.ForeignKey(
        PartyGroup, on_delete=models.CASCADE, related_name="leaderships", verbose_name=_("group")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="group_leaderships",
        verbose_name=_("member"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=GroupRole.choices, default=GroupRole.LEADER
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = GroupLeadershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group leadership")
        verbose_name_plural = _("group leaderships")
        ordering = ["group", "role", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_current_leader_per_group_and_role",
                violation_error_message=_(
                    "This group already has a current holder of this role; end that "
                    "appointment first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="group_leadership_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.member}"


class BranchViewer(models.Model):
    """Read-only access to one branch for someone of the upper Party committee."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="viewers", verbose_name=_("branch")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="viewed_branches",
        verbose_name=_("user account"),
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("upper-committee viewer")
        verbose_name_plural = _("upper-committee viewers")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "user"],
                name="viewer_unique_per_branch",
                violation_error_message=_("This account can already view this branch."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.branch}"


class UpperCommitteeViewer(models.Model):
    """Read-only access to every branch of an upper committee, and to its district pages."""

    upper_committee = models.ForeignKey(
        UpperCommittee,
        on_delete=models.CASCADE,
        related_name="viewers",
        verbose_name=_("upper Party committee"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="viewed_upper_committees",
        verbose_name=_("user account"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district viewer")
        verbose_name_plural = _("district viewers")
        constraints = [
            models.UniqueConstraint(
                fields=["upper_committee", "user"],
                name="district_viewer_unique",
                violation_error_message=_("This account can already view this upper committee."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.upper_committee}"
