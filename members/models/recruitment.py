"""The recruitment pipeline (发展党员, domain §3): the steps, their time rules, and the steps
taken for each person with the documents they left.

The steps of the 2014 细则 and its time limits are rows seeded by a data migration, so that a
revision is entered in the workbench rather than coded. The rules that read them live in the
package members/recruitment/.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.dates import long_date
from branchsite.uploads import CheckedFileField, check_upload
from members.models.registry import Category, Member

RECRUITMENT_DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def validate_recruitment_document(file) -> None:
    """A step's document is a PDF, JPEG, PNG or Word (.docx) file under the size limit, and
    its content must be what its name says: a renamed executable or web page is refused."""
    if getattr(file, "_committed", False):
        return  # stored earlier, checked then
    check_upload(
        file,
        types=RECRUITMENT_DOCUMENT_TYPES,
        limit=settings.RECRUITMENT_DOCUMENT_MAX_BYTES,
        messages={
            "too_large": gettext("The file is %(size)s MB; documents may be at most %(limit)s MB."),
            "extension": gettext("Upload a PDF, JPG, PNG or Word (.docx) file."),
            "content": gettext(
                "The file's content is not a %(type)s document. Save it again as PDF, JPG, "
                "PNG or Word (.docx) and upload that."
            ),
        },
    )


def recruitment_document_path(record, filename: str) -> str:
    """Stored under a random name: the file's own name stays in the record, not in the URL."""
    extension = os.path.splitext(filename)[1].lower()
    return f"recruitment/{record.member_id}/{uuid.uuid4().hex}{extension}"


class PeopleRole(models.TextChoices):
    """Whom a step involves, besides the person recruited."""

    NONE = "none", _("Nobody")
    PARTICIPANTS = "participants", _("Party members involved")
    MENTORS = "mentors", _("Mentors (培养联系人)")
    SPONSORS = "sponsors", _("Sponsors (入党介绍人)")


class RecruitmentStep(models.Model):
    """One step of the procedure (the 25 steps of the 2014 细则, and a few outside them such as
    extending probation)."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Fixed identifier; the time rules refer to the steps by it."),
    )
    number = models.PositiveSmallIntegerField(
        _("number in the rules"),
        null=True,
        blank=True,
        help_text=_("The step's number in the rules; empty for a step outside them."),
    )
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("step name"), max_length=50)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Category.choices,
        help_text=_("The stage the person is in when the step is taken."),
    )
    advances_to = models.CharField(
        _("advances to"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("The stage the person reaches when the step is recorded, if any."),
    )
    people_role = models.CharField(
        _("people involved"), max_length=20, choices=PeopleRole.choices, default=PeopleRole.NONE
    )
    min_people = models.PositiveSmallIntegerField(_("at least (people)"), default=0)
    max_people = models.PositiveSmallIntegerField(_("at most (people)"), default=0)
    requires_document = models.BooleanField(_("leaves a document"), default=True)
    documents = models.CharField(
        _("usual documents"), max_length=100, blank=True, help_text=_("e.g. 谈话记录.")
    )
    repeatable = models.BooleanField(
        _("repeated"), default=False, help_text=_("Taken more than once, e.g. the reviews.")
    )
    optional = models.BooleanField(
        _("only in some cases"),
        default=False,
        help_text=_("The to-do list does not ask for it, e.g. extending probation."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment step")
        verbose_name_plural = _("recruitment steps")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_people__lte=models.F("max_people")),
                name="recruitment_step_people_range",
                violation_error_message=_("The least number of people cannot exceed the largest."),
            ),
            models.CheckConstraint(
                condition=Q(people_role="none", max_people=0) | ~Q(people_role="none"),
                name="recruitment_step_people_need_role",
                violation_error_message=_("A step that involves nobody takes no people."),
            ),
        ]

    def __str__(self):
        if self.number:
            return f"{self.number}. {self.name}"
        return self.name


class TimeUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
    HOURS = "hours", _("class hours")
    WORKING_DAYS = "working_days", _("working days")


class TimeRuleCode(models.TextChoices):
    """The time rules the code knows how to apply. Their values are rows (`TimeRule`)."""

    MINIMUM_AGE = "minimum_age", _("Minimum age when applying")
    TALK_WITHIN = "talk_within", _("Talk with the applicant within")
    ACTIVIST_REVIEW_EVERY = "activist_review_every", _("Review each activist every")
    ACTIVIST_BEFORE_CANDIDATE = (
        "activist_before_candidate",
        _("Time as activist before becoming a candidate (at least)"),
    )
    TRAINING_MIN_DAYS = "training_min_days", _("Concentrated training of at least (days)")
    TRAINING_MIN_HOURS = "training_min_hours", _("or of at least (class hours)")
    APPROVAL_WITHIN = "approval_within", _("Upper committee approves admission within")
    APPROVAL_AT_MOST = "approval_at_most", _("Approval of admission in special cases at most")
    PROBATION = "probation", _("Probation lasts")
    EXTENSION_MIN = "extension_min", _("Extension of probation at least")
    EXTENSION_MAX = "extension_max", _("Extension of probation at most")
    FULL_APPROVAL_WITHIN = (
        "full_approval_within",
        _("Upper committee approves full membership within"),
    )
    REMINDER_LEAD = "reminder_lead", _("The to-do list warns ahead by")
    PUBLIC_NOTICE = "public_notice", _("Public notice (公示) lasts at least")


class TimeRule(models.Model):
    """A time limit in force from `effective_from`. On a given date the row with the latest
    `effective_from` on or before it applies; a revision is a new row, never an edit."""

    code = models.CharField(_("rule"), max_length=40, choices=TimeRuleCode.choices)
    value = models.PositiveSmallIntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("The document and provision it comes from.")
    )
    effective_from = models.DateField(_("in force from"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment time rule")
        verbose_name_plural = _("recruitment time rules")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"],
                name="time_rule_one_value_per_date",
                violation_error_message=_("This rule already has a value in force from this date."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1),
                name="time_rule_value_positive",
                violation_error_message=_("The value must be at least 1."),
            ),
            # Class hours measure training only, and training hours are nothing else.
            models.CheckConstraint(
                condition=(Q(code="training_min_hours") & Q(unit="hours"))
                | (~Q(code="training_min_hours") & ~Q(unit="hours")),
                name="time_rule_hours_for_training_only",
                violation_error_message=_(
                    "Class hours are the unit of the training hours rule, and of no other."
                ),
            ),
            # Working days (the Chinese calendar's, 调休 included) measure a 公示 only.
            models.CheckConstraint(
                condition=~Q(unit="working_days") | Q(code="public_notice"),
                name="time_rule_working_days_for_notice_only",
                violation_error_message=_("Working days are the unit of the public notice rule."),
            ),
            models.CheckConstraint(
                condition=~Q(code="training_min_days") | Q(unit="days"),
                name="time_rule_training_days_in_days",
                violation_error_message=_("The training days rule is counted in days."),
            ),
        ]

    def __str__(self):
        return gettext("%(rule)s: %(value)s %(unit)s, from %(date)s") % {
            "rule": self.get_code_display(),
            "value": self.value,
            "unit": self.get_unit_display(),
            "date": long_date(self.effective_from),
        }


class RecruitmentRecord(models.Model):
    """A step taken for one person: when, with whom, and the document it left."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="recruitment_records",
        verbose_name=_("person"),
    )
    step = models.ForeignKey(
        RecruitmentStep, on_delete=models.PROTECT, related_name="records", verbose_name=_("step")
    )
    done_on = models.DateField(_("date"))
    people = models.ManyToManyField(
        Member, blank=True, related_name="recruitment_roles", verbose_name=_("people involved")
    )
    document = CheckedFileField(
        _("document"),
        upload_to=recruitment_document_path,
        max_length=200,
        blank=True,
        validators=[validate_recruitment_document],
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    reference = models.CharField(
        _("archive reference"),
        max_length=100,
        blank=True,
        help_text=_("Where the paper document is kept, e.g. 档案盒3-12."),
    )
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    class_hours = models.PositiveSmallIntegerField(_("class hours"), null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(
        _("extension (months)"), null=True, blank=True
    )
    notice_ends_on = models.DateField(
        _("public notice until"),
        null=True,
        blank=True,
        help_text=_("For a public notice (公示): its last day; the step's date is its first."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    warnings = models.TextField(
        _("warnings confirmed"),
        blank=True,
        help_text=_("What the rules warned about when the step was recorded, and was confirmed."),
    )

    history = HistoricalRecords(m2m_fields=[people])

    class Meta:
        verbose_name = _("recruitment record")
        verbose_name_plural = _("recruitment records")
        ordering = ["member", "done_on", "step__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__isnull=True) | Q(extension_months__gte=1),
                name="recruitment_record_extension_positive",
                violation_error_message=_("An extension lasts at least one month."),
            ),
            models.CheckConstraint(
                condition=Q(notice_ends_on__isnull=True)
                | Q(notice_ends_on__gte=models.F("done_on")),
                name="recruitment_record_notice_after_start",
                violation_error_message=_("A public notice cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.step.name} · {long_date(self.done_on)}"

    def download_url(self) -> str:
        return reverse("recruitment:document", args=[self.pk])
