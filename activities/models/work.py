"""The branch's other work, recorded so that the year-end summary states its figures from
data (domain §7): visits and relief (走访慰问), home visits (家访), lessons (示范课, 公开课…),
volunteer service, donations, joint-building events (共建), study with its class hours, and
heart-to-heart talks (谈心谈话).

One `Activity` table holds every kind: the fields all kinds share, and those of each kind
(`KIND_FIELDS` says which a kind uses; the others stay empty). `number` is what a kind counts
— people visited, home visits, lessons — so a leader who made three home visits for the same
reason records one row, not three. Who took part is `ActivityParticipant`, with the hours
each spent where the kind counts hours (study, volunteer service).

A talk's content is the committee's only: `private_notes` is never shown to anyone else."""

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models.meetings import StoredFile
from branchsite.uploads import CheckedFileField
from groups.models import Branch, PartyGroup
from members.models import Member


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit and relief (走访慰问)")
    HOME_VISIT = "home_visit", _("Home visit (家访)")
    LESSON = "lesson", _("Lesson (示范课、公开课…)")
    VOLUNTEER = "volunteer", _("Volunteer service (志愿服务)")
    DONATION = "donation", _("Donation (捐款捐物)")
    JOINT = "joint", _("Joint building (共建)")
    STUDY = "study", _("Study (学习)")
    TALK = "talk", _("Talk (谈心谈话)")


class VisitedKind(models.TextChoices):
    MEMBER = "member", _("a member")
    TEACHER = "teacher", _("a teacher")
    FAMILY = "family", _("a pupil's family")
    RETIRED = "retired", _("a retired colleague")
    OTHER = "other", _("someone else")


class LessonKind(models.TextChoices):
    DEMONSTRATION = "demonstration", _("示范课")
    OPEN = "open", _("公开课")
    OBSERVATION = "observation", _("观摩课")
    CONTEST = "contest", _("评优课")
    LECTURE = "lecture", _("讲座、讲学")


class LessonLevel(models.TextChoices):
    SUBJECT = "subject", _("教研组")
    SCHOOL = "school", _("校级")
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级及以上")


class LessonRole(models.TextChoices):
    GIVEN = "given", _("given (执教、主讲)")
    OBSERVED = "observed", _("observed (听课、观摩)")
    REVIEWED = "reviewed", _("reviewed (评课)")


class StudyForm(models.TextChoices):
    GROUP = "group", _("集中学习")
    SELF = "self", _("自学")
    ONLINE = "online", _("网络学习")
    PARTY_SCHOOL = "party_school", _("党校培训")


# The fields each kind uses besides those every kind has (date, title, group, owner, place,
# participants, notes); the service empties the others. Required ones are in `KIND_REQUIRED`.
KIND_FIELDS = {
    ActivityKind.VISIT: (
        "visited_kind",
        "counterpart",
        "number",
        "problems_solved",
        "amount",
        "goods",
    ),
    ActivityKind.HOME_VISIT: ("counterpart", "pupil_class", "home_visit_reason", "number"),
    ActivityKind.LESSON: ("lesson_kind", "lesson_level", "lesson_role", "number"),
    ActivityKind.VOLUNTEER: ("counterpart", "hours"),
    ActivityKind.DONATION: ("counterpart", "amount", "goods"),
    ActivityKind.JOINT: ("counterpart",),
    ActivityKind.STUDY: ("study_form", "hours"),
    ActivityKind.TALK: ("counterpart", "private_notes"),
}
KIND_REQUIRED = {
    ActivityKind.VISIT: ("visited_kind", "number"),
    ActivityKind.HOME_VISIT: ("home_visit_reason", "number"),
    ActivityKind.LESSON: ("lesson_kind", "lesson_level", "lesson_role", "number"),
    ActivityKind.VOLUNTEER: ("hours",),
    ActivityKind.DONATION: (),
    ActivityKind.JOINT: ("counterpart",),
    ActivityKind.STUDY: ("study_form", "hours"),
    ActivityKind.TALK: ("counterpart",),
}
# Kinds whose participants each spend hours (class hours, service hours).
HOURS_KINDS = frozenset({ActivityKind.STUDY, ActivityKind.VOLUNTEER})


class HomeVisitReason(models.Model):
    """Why a home visit was made (学困, 家庭困难, 因病, 其他): a list each branch can extend.
    Rows without a branch are offered to every branch."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="home_visit_reasons",
        verbose_name=_("branch"),
        help_text=_("Empty: offered to every branch."),
    )
    name = models.CharField(_("reason"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("home visit reason")
        verbose_name_plural = _("home visit reasons")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"],
                name="home_visit_reason_unique_per_branch",
                violation_error_message=_("This reason is already on the list."),
            ),
        ]

    def __str__(self):
        return self.name


class StudyRule(models.Model):
    """How many class hours (学时) of study a member owes a year; a member below is flagged.
    Data, dated, with its source; a branch's own row replaces the default from its date. Where
    the branch says so (`meeting_hours`), each 党课 and 主题党日 a member attended counts too."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="study_rules",
        verbose_name=_("branch"),
        help_text=_("Empty: the default for every branch."),
    )
    hours_per_year = models.DecimalField(
        _("class hours a year"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    meeting_hours = models.DecimalField(
        _("class hours for each 党课 or 主题党日 attended"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0: attending them does not count as study hours."),
    )
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study rule")
        verbose_name_plural = _("study rules")
        ordering = ["branch", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "effective_from"],
                name="study_rule_one_per_date",
                violation_error_message=_("A study rule is already in force from this date."),
            ),
        ]

    def __str__(self):
        return _("%(hours)s class hours a year") % {"hours": self.hours_per_year}


class ActivityQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(held_on__gte=start, held_on__lte=end)


class Activity(models.Model):
    """One activity of the branch's other work: a visit, a lesson, a study session…"""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="activities", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    group = models.ForeignKey(
        PartyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("party group"),
        help_text=_("The group whose activity it is; empty for the whole branch."),
    )
    owner = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_owned",
        verbose_name=_("in charge"),
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # What the kind counts: people visited, home visits, lessons.
    number = models.PositiveIntegerField(_("number"), default=1)
    # Visits and relief.
    visited_kind = models.CharField(
        _("visited"), max_length=10, choices=VisitedKind.choices, blank=True
    )
    counterpart = models.CharField(
        _("whom"),
        max_length=200,
        blank=True,
        help_text=_("Who was visited or talked with; the partner of a joint-building event."),
    )
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    amount = models.DecimalField(
        _("money and goods (元)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    # Home visits.
    pupil_class = models.CharField(_("pupil's class"), max_length=50, blank=True)
    home_visit_reason = models.ForeignKey(
        HomeVisitReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason for the visit"),
    )
    # Lessons.
    lesson_kind = models.CharField(
        _("lesson"), max_length=15, choices=LessonKind.choices, blank=True
    )
    lesson_level = models.CharField(
        _("level"), max_length=10, choices=LessonLevel.choices, blank=True
    )
    lesson_role = models.CharField(_("role"), max_length=10, choices=LessonRole.choices, blank=True)
    # Study and volunteer service: the hours each participant spent.
    study_form = models.CharField(
        _("form of study"), max_length=15, choices=StudyForm.choices, blank=True
    )
    hours = models.DecimalField(
        _("hours each"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("Class hours of study, or hours of service, for each participant."),
    )
    # A talk's content: the committee's only.
    private_notes = models.TextField(_("what was said"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="activity_number_positive",
                violation_error_message=_("The number is at least 1."),
            ),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} {self.title}"

    def uses(self, field: str) -> bool:
        return field in KIND_FIELDS[self.kind]


class ActivityParticipant(models.Model):
    """A member who took part, with the hours they spent where the kind counts hours (empty:
    the activity's `hours`)."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("activity"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("member"),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                name="one_participation_per_member",
                violation_error_message=_("This member is already listed."),
            ),
        ]

    def __str__(self):
        return str(self.member)


def activity_photo_path(photo, filename: str) -> str:
    """Stored under a random name; the original name stays in the record."""
    extension = os.path.splitext(filename)[1].lower()
    return f"activities/{photo.activity_id}/{uuid.uuid4().hex}{extension}"


class ActivityPhoto(StoredFile):
    """A photo of an activity (or a scanned sheet), checked like a meeting's attachments
    (`validate_meeting_attachment`)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    file = CheckedFileField(_("file"), upload_to=activity_photo_path)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["activity", "pk"]

    def download_url(self) -> str:
        return reverse("activities:work_photo", args=[self.pk])
