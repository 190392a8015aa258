"""Meetings under 三会一课 (domain §2): records, attendance, make-up study, and the rules and
school calendar that say which meetings a branch owes in which period.

The rules are data: `MeetingRule` rows without a branch are the defaults, each with its
source (the 2018 支部工作条例, or local practice where it sets no figure; seeded and corrected
by migrations); a branch's own row for a meeting type replaces them from
its `effective_from`. `SchoolTerm` rows are the school calendar: the days between terms are
holidays (寒暑假).
"""

import datetime
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.uploads import check_upload
from groups.models import Branch, PartyGroup
from members.models import Category, Member


class MeetingType(models.TextChoices):
    COMMITTEE = "committee", _("Committee meeting")
    GENERAL = "general", _("General meeting")
    GROUP = "group", _("Group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEMED_DAY = "themed_day", _("Themed Party day")
    LIFE = "life", _("Organisational-life meeting")
    EVALUATION = "evaluation", _("Member evaluation")
    OTHER = "other", _("Other activity")


# A yearly duty held in this month may count for the year before (`Meeting.held_for_year`).
LATE_MONTH_FOR_LAST_YEAR = 1


def year_counted_for(held_on: datetime.date, held_for_year: int | None) -> int:
    """The calendar year a meeting counts for: the one chosen, else the year of its date."""
    return held_for_year or held_on.year


# Who is expected at each type: the committee, one group, or every member of the branch.
COMMITTEE_TYPES = frozenset({MeetingType.COMMITTEE})
GROUP_TYPES = frozenset({MeetingType.GROUP})


class MeetingQuerySet(models.QuerySet):
    def of_branch(self, branch):
        return self.filter(branch=branch)

    def between(self, start, end):
        """Held from `start` to `end`, both included."""
        return self.filter(held_on__gte=start, held_on__lte=end)


class Meeting(models.Model):
    """One meeting and its record: the four 落实 (time, place, attendees, content) and the
    rest of a record book page. Every change is kept in its history; a change after the
    secretary reviewed the record sets `changed_after_review`."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("branch")
    )
    kind = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    group = models.ForeignKey(
        PartyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("party group"),
        help_text=_("For a group meeting: the group that met."),
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100)
    topic = models.CharField(_("topic"), max_length=200)
    host = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_hosted",
        verbose_name=_("host"),
    )
    recorder = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_recorded",
        verbose_name=_("recorder"),
    )
    speaker = models.CharField(
        _("speaker or lecturer"),
        max_length=100,
        blank=True,
        help_text=_("The main speaker (中心发言人) or the lecturer of a Party lecture."),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    guests = models.TextField(
        _("non-member attendees"),
        blank=True,
        help_text=_("列席: one person a line, with their post if useful."),
    )
    held_for_year = models.PositiveSmallIntegerField(
        _("held for the year"),
        null=True,
        blank=True,
        help_text=_(
            "For a yearly duty (组织生活会, 民主评议党员): the year it counts for. Empty: the "
            "year of its date; one held in January may count for the year before."
        ),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    changed_after_review = models.BooleanField(_("changed after review"), default=False)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-starts_at", "-pk"]
        indexes = [models.Index(fields=["branch", "held_on"], name="meeting_branch_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="group") & Q(group__isnull=False))
                | (~Q(kind="group") & Q(group__isnull=True)),
                name="meeting_group_for_group_meetings_only",
                violation_error_message=_(
                    "A group meeting names its party group; other meetings belong to the branch."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gte=models.F("starts_at")),
                name="meeting_times_ordered",
                violation_error_message=_("The meeting cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def clean(self):
        if self.group_id and self.branch_id and self.group.branch_id != self.branch_id:
            raise ValidationError({"group": gettext("This group belongs to another branch.")})
        if self.held_on and self.held_for_year not in (None, *self.years_it_may_count_for):
            raise ValidationError(
                {
                    "held_for_year": gettext(
                        "A meeting counts for the year of its date; only one held in January "
                        "may count for the year before: leave the year empty or choose the "
                        "year of its date."
                    )
                }
            )

    @property
    def years_it_may_count_for(self) -> list[int]:
        """The year of its date; in January also the year before (a 组织生活会 of the past
        year held after New Year)."""
        year = self.held_on.year
        return [year, year - 1] if self.held_on.month == LATE_MONTH_FOR_LAST_YEAR else [year]

    @property
    def counts_for_year(self) -> int:
        """The calendar year the meeting counts for, for the rules judged per calendar year."""
        return year_counted_for(self.held_on, self.held_for_year)

    @property
    def guest_names(self) -> list[str]:
        return [line.strip() for line in self.guests.splitlines() if line.strip()]


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """One expected attendee (应到) of a meeting and whether they came. `category` is the
    member's category on the meeting's date: only full members vote (domain §2), and not
    while under 留党察看 (党章 第四十一条): they attend without a vote."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("member")
    )
    category = models.CharField(
        _("category on the day"),
        max_length=20,
        choices=[
            (Category.FULL, Category.FULL.label),
            (Category.PROBATIONARY, Category.PROBATIONARY.label),
        ],
    )
    presence = models.CharField(
        _("attendance"), max_length=10, choices=Presence.choices, default=Presence.PRESENT
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    without_rights = models.BooleanField(
        _("under 留党察看 on the day"),
        default=False,
        help_text=_("Attends without a vote (党章 第四十一条)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_meeting",
                violation_error_message=_("This member is already on the meeting's list."),
            ),
            models.CheckConstraint(
                condition=~Q(presence="excused") | ~Q(reason=""),
                name="attendance_excused_with_reason",
                violation_error_message=_("Say why the member was excused."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_presence_display()}"

    @property
    def votes(self) -> bool:
        return self.category == Category.FULL and not self.without_rights


class MakeUpStudy(models.Model):
    """补学: what an absent or excused member owes after a meeting. The group leader (or the
    committee) closes it with the date it was done and a note."""

    attendance = models.OneToOneField(
        Attendance,
        on_delete=models.CASCADE,
        related_name="make_up",
        verbose_name=_("attendance"),
    )
    done_on = models.DateField(_("made up on"), null=True, blank=True)
    note = models.CharField(_("how it was made up"), max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("make-up study")
        verbose_name_plural = _("make-up study")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(note=""),
                name="make_up_closed_with_note",
                violation_error_message=_("Say how the member made up the meeting."),
            ),
        ]

    def __str__(self):
        return gettext("Make-up study: %(attendance)s") % {"attendance": self.attendance}

    @property
    def is_open(self) -> bool:
        return self.done_on is None


class Motion(models.Model):
    """A question a general meeting voted on (one candidate at a time is one motion). The
    counts are typed in; whether the meeting was valid and the motion passed is computed
    (`activities.votes`)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="motions", verbose_name=_("meeting")
    )
    title = models.CharField(_("motion"), max_length=200)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    written_for = models.PositiveSmallIntegerField(
        _("written opinions for"),
        default=0,
        help_text=_("From voting members who could not come and sent a written opinion before."),
    )
    written_against = models.PositiveSmallIntegerField(_("written opinions against"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.title


MEETING_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def validate_meeting_attachment(file) -> str:
    """A photo (JPG, PNG) or a scan (PDF) under the size limit, whose content is what its
    name says: a renamed program or web page is refused. Returns its content type."""
    return check_upload(
        file,
        types=MEETING_ATTACHMENT_TYPES,
        limit=settings.MEETING_ATTACHMENT_MAX_BYTES,
        messages={
            "too_large": gettext(
                "The file is %(size)s MB; attachments may be at most %(limit)s MB."
            ),
            "extension": gettext("Attach a photo (JPG or PNG) or a scan (PDF)."),
            "content": gettext(
                "The file's content is not a %(type)s file. Save it again as JPG, PNG or PDF "
                "and attach that."
            ),
        },
    )


def meeting_attachment_path(attachment, filename: str) -> str:
    """Stored under a random name; the original name stays in the record."""
    extension = os.path.splitext(filename)[1].lower()
    return f"meetings/{attachment.meeting_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A photo or a scanned sign-in sheet. Served only through an access-checked view."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(_("file"), upload_to=meeting_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AgendaTemplate(models.Model):
    """A usual agenda, offered when a meeting of its type is recorded. Rows without a branch
    are offered to every branch."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_templates",
        verbose_name=_("branch"),
    )
    kind = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    title = models.CharField(_("template name"), max_length=100)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")
        ordering = ["kind", "sort_order", "title"]

    def __str__(self):
        return self.title


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    SEMESTER = "semester", _("Semester")
    YEAR = "year", _("School year")
    CALENDAR_YEAR = "calendar_year", _("Calendar year")


class MeetingRule(models.Model):
    """How often a meeting type must be held: `times` per period, per group or branch-wide.
    A period with fewer than `min_term_days` days of term time is holiday for the rule: no
    meeting is owed. Without a branch the row is the default for every branch; a branch's
    own row for the type replaces it from `effective_from`."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_rules",
        verbose_name=_("branch"),
        help_text=_("Empty: the default for every branch."),
    )
    kind = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    period = models.CharField(_("per"), max_length=20, choices=Period.choices)
    times = models.PositiveSmallIntegerField(_("times"), default=1)
    per_group = models.BooleanField(
        _("in every group"), default=False, help_text=_("Each party group holds its own.")
    )
    min_term_days = models.PositiveSmallIntegerField(
        _("owed when the period has at least (term days)"),
        default=1,
        help_text=_("Periods with fewer days of term time count as holidays for this rule."),
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Untick to stop checking this meeting type for the branch."),
    )
    due_month = models.PositiveSmallIntegerField(
        _("due by (month)"),
        default=12,
        help_text=_(
            "For a rule per calendar year: the month of the day it is due by (31 December "
            "unless the upper committee sets an earlier date)."
        ),
    )
    due_day = models.PositiveSmallIntegerField(_("due by (day)"), default=31)
    source = models.CharField(_("source"), max_length=300, blank=True)
    effective_from = models.DateField(_("in force from"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting rule")
        verbose_name_plural = _("meeting rules")
        ordering = ["branch", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "kind", "effective_from"],
                name="meeting_rule_one_per_type_and_date",
                violation_error_message=_(
                    "This meeting type already has a rule in force from this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(times__gte=1),
                name="meeting_rule_times_positive",
                violation_error_message=_("A rule asks for at least one meeting."),
            ),
            models.CheckConstraint(
                condition=~Q(per_group=True) | Q(kind="group"),
                name="meeting_rule_per_group_for_group_meetings",
                violation_error_message=_("Only group meetings are held in every group."),
            ),
            models.CheckConstraint(
                condition=Q(due_month__gte=1, due_month__lte=12, due_day__gte=1, due_day__lte=31),
                name="meeting_rule_due_date_in_calendar",
                violation_error_message=_(
                    "The due date must exist in every year (not 29 February): choose another day."
                ),
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s: %(times)s per %(period)s") % {
            "kind": self.get_kind_display(),
            "times": self.times,
            "period": self.get_period_display(),
        }

    def clean(self):
        if self.period == Period.CALENDAR_YEAR and self.due_month and self.due_day:
            try:
                datetime.date(2001, self.due_month, self.due_day)
            except ValueError:
                raise ValidationError(
                    {
                        "due_day": gettext(
                            "The due date must exist in every year (not 29 February): "
                            "choose another day."
                        )
                    }
                ) from None

    def due_on(self, year: int) -> datetime.date:
        """The day a duty of calendar year `year` is due by."""
        return datetime.date(year, self.due_month, self.due_day)


class SchoolTerm(models.Model):
    """A semester (学期) of the school calendar. The days between two terms are holidays."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="school_terms", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 2025学年第一学期"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school term")
        verbose_name_plural = _("school terms")
        ordering = ["branch", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="school_term_dates_ordered",
                violation_error_message=_("A term ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["branch", "starts_on"],
                name="school_term_unique_start",
                violation_error_message=_("The branch already has a term starting that day."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.branch_id and self.starts_on and self.ends_on):
            return
        overlapping = SchoolTerm.objects.filter(
            branch_id=self.branch_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(
                gettext("This term overlaps %(term)s.") % {"term": overlapping.first().name}
            )
