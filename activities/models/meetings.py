"""Meetings under 三会一课 (domain §2): records, attendance, make-up study, votes, files and
the applicants and activists invited. The rules and the school calendar that say which
meetings a branch owes in which period are in `activities.models.rules`."""

import datetime
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.uploads import CheckedFileField, check_upload
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


WAITING_FOR_REVIEW = Q(reviewed_at__isnull=True) | Q(changed_after_review=True)


class MeetingQuerySet(models.QuerySet):
    def of_branch(self, branch):
        return self.filter(branch=branch)

    def between(self, start, end):
        """Held from `start` to `end`, both included."""
        return self.filter(held_on__gte=start, held_on__lte=end)

    def waiting_for_review(self):
        """Records the secretary has not reviewed, or that changed since."""
        return self.filter(WAITING_FOR_REVIEW)

    def reviewed(self):
        return self.exclude(WAITING_FOR_REVIEW)


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
        indexes = [
            models.Index(fields=["branch", "held_on"], name="meeting_branch_date"),
            # The order of every list of meetings across branches (the workbench's for the
            # site administrator): read in order, 25 rows, instead of sorting the table.
            models.Index(fields=["held_on", "starts_at", "id"], name="meeting_date_order"),
        ]
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


# Meetings to which the branch invites those in the recruitment pipeline (seed 002: 邀请入党
# 积极分子参加党课、主题党日).
GUEST_TYPES = frozenset({MeetingType.LECTURE, MeetingType.THEMED_DAY})
GUEST_CATEGORIES = (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE)


class MeetingGuest(models.Model):
    """An applicant, activist or candidate invited to a 党课 or a 主题党日: listed with their
    stage on the day, and never counted among those expected (应到), present, or voting, so
    quorum and attendance rates are the members' alone."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invited", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="meetings_invited",
        verbose_name=_("person invited"),
    )
    category = models.CharField(
        _("stage on the day"),
        max_length=20,
        choices=[(category, category.label) for category in GUEST_CATEGORIES],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invited guest")
        verbose_name_plural = _("invited guests")
        ordering = ["meeting", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="meeting_guest_once",
                violation_error_message=_("This person is already invited."),
            ),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.get_category_display()}）"


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


class StoredFile(models.Model):
    """What is kept of an uploaded photo or scan besides the file itself (each kind names its
    own `file` and where it is stored). Served only through an access-checked view
    (`branchsite.downloads.stored_file_response`)."""

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

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Attachment(StoredFile):
    """A photo or a scanned sign-in sheet of a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = CheckedFileField(_("file"), upload_to=meeting_attachment_path)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "pk"]

    def download_url(self) -> str:
        return reverse("activities:attachment", args=[self.pk])
