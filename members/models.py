"""Party members: the registry (党员花名册) with the national fields (domain §6), the school's
extensions, statuses and movements (transfers, exits)."""

import datetime
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.uploads import check_upload
from groups.models import GroupMembership
from members.validators import (
    birth_date_from_id,
    gender_from_id,
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Category(models.TextChoices):
    """One person's record moves through the recruitment stages (发展党员, domain §3) to full
    membership. Only probationary and full members are Party members (人员类别); only full
    members vote and count towards branch thresholds."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Candidate for admission")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


PARTY_MEMBER_CATEGORIES = (Category.PROBATIONARY, Category.FULL)


class Education(models.TextChoices):
    """学历, as the national registry lists it."""

    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("Junior college")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR_HIGH_OR_BELOW = "junior_high", _("Junior high school or below")


class Employment(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")


class Status(models.TextChoices):
    """党籍状态. Only ACTIVE and SUSPENDED members appear in the branch's lists."""

    ACTIVE = "active", _("Normal")
    SUSPENDED = "suspended", _("Membership suspended")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    EXITED = "exited", _("Left the Party")


class ExitKind(models.TextChoices):
    """How a member left (出党): each has its own procedure and wording in reports."""

    PERSUADED = "persuaded", _("Persuaded to leave (劝退)")
    REMOVED = "removed", _("Removed from the Party (除名)")
    EXPELLED = "expelled", _("Expelled (开除党籍)")
    RESIGNED = "resigned", _("Resigned (退党)")
    LAPSED = "lapsed", _("Deemed to have left (自行脱党)")
    DECEASED = "deceased", _("Deceased")


ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族",
]  # fmt: skip


class MemberQuerySet(models.QuerySet):
    def on_roll(self):
        """Party members the branch counts today: probationary or full, not transferred out,
        not exited. Applicants, activists and candidates are not Party members yet."""
        return self.filter(
            status__in=[Status.ACTIVE, Status.SUSPENDED], category__in=PARTY_MEMBER_CATEGORIES
        )

    def in_groups(self, groups):
        """Members whose current party group is one of `groups` (objects or ids)."""
        return self.filter(
            group_memberships__group__in=groups, group_memberships__ended_on__isnull=True
        )

    def with_current_group(self):
        """Annotate `current_group_name` and `current_group_order` (the group's sort order),
        in one query with the members."""
        current = GroupMembership.objects.current().filter(member=OuterRef("pk"))
        return self.annotate(
            current_group_name=Subquery(current.values("group__name")[:1]),
            current_group_order=Subquery(current.values("group__sort_order")[:1]),
        )

    def in_recruitment(self):
        """People on their way to membership: applicants, activists, candidates."""
        return self.filter(
            status=Status.ACTIVE,
            category__in=[Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE],
        )


class Member(models.Model):
    branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number = models.CharField(
        _("identity number"),
        max_length=18,
        blank=True,
        help_text=_("18 characters; the birth date and gender are checked against it."),
    )
    ethnicity = models.CharField(
        _("ethnicity"),
        max_length=10,
        blank=True,
        default="汉族",
        choices=[(name, name) for name in ETHNIC_GROUPS],
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    education = models.CharField(
        _("education"), max_length=30, blank=True, choices=Education.choices
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.FULL
    )  # a stage of recruitment, or 正式/预备 for Party members
    joined_on = models.DateField(
        _("date joined the Party"),
        null=True,
        blank=True,
        help_text=_("The date of the general meeting's resolution to admit the member."),
    )
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    job = models.CharField(
        _("job"), max_length=50, blank=True, help_text=_("工作岗位, e.g. 专业技术人员（教师）.")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("home address"), max_length=200, blank=True)

    # School extensions.
    office = models.CharField(_("teaching office"), max_length=50, blank=True)
    position = models.CharField(_("administrative post"), max_length=50, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=50, blank=True)
    work_started_on = models.DateField(_("date started work"), null=True, blank=True)
    employment = models.CharField(
        _("in service or retired"),
        max_length=20,
        choices=Employment.choices,
        default=Employment.IN_SERVICE,
    )
    dues_paid_until = models.DateField(
        _("dues paid up to"),
        null=True,
        blank=True,
        help_text=_("The month up to which dues are paid; the day is ignored."),
    )

    # Status and movements.
    status = models.CharField(
        _("membership status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    exit_kind = models.CharField(
        _("how the member left"), max_length=20, choices=ExitKind.choices, blank=True
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_on = models.DateField(_("lost contact since"), null=True, blank=True)
    mobile = models.BooleanField(
        _("mobile member"),
        default=False,
        help_text=_("Works or lives elsewhere and attends Party life there (流动党员)."),
    )
    mobile_destination = models.CharField(_("where the member is"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["branch", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(full_member_on__gte=models.F("joined_on")),
                name="member_full_membership_after_joining",
                violation_error_message=_(
                    "The date of full membership cannot be before the date of joining."
                ),
            ),
            models.CheckConstraint(
                condition=Q(category="full") | Q(full_member_on__isnull=True),
                name="member_probationary_has_no_full_date",
                violation_error_message=_(
                    "A probationary member has no date of full membership yet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(joined_on__gt=models.F("birth_date")),
                name="member_joined_after_birth",
                violation_error_message=_("The date of joining must be after the date of birth."),
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="member_id_number_unique",
                violation_error_message=_(
                    "Another member already has this identity number; look them up instead of "
                    "adding them twice."
                ),
            ),
            models.CheckConstraint(
                condition=Q(lost_contact=False) | Q(lost_contact_on__isnull=False),
                name="member_lost_contact_has_date",
                violation_error_message=_("Enter the date since when contact was lost."),
            ),
            models.CheckConstraint(
                condition=Q(mobile=False) | ~Q(mobile_destination=""),
                name="member_mobile_has_destination",
                violation_error_message=_("Enter where the mobile member is."),
            ),
            models.CheckConstraint(
                condition=(Q(status="exited") & ~Q(exit_kind="") & Q(status_since__isnull=False))
                | (~Q(status="exited") & Q(exit_kind="")),
                name="member_exit_has_kind_and_date",
                violation_error_message=_(
                    "A member who left the Party needs how and when they left; the others need "
                    "neither."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Tidy pasted values before the length checks, and let a valid identity number
        # supply the gender before "required" is checked.
        self.id_number = normalise_id_number(self.id_number)
        if self.phone:
            self.phone = normalise_phone(self.phone)
        if self.id_number and not self.gender:
            try:
                validate_id_number(self.id_number)
            except ValidationError:
                pass  # clean() names the problem with the number itself
            else:
                self.gender = gender_from_id(self.id_number)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.phone:
            try:
                validate_phone(self.phone)
            except ValidationError as error:
                errors["phone"] = error.messages
        if self.id_number:
            try:
                validate_id_number(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
            else:
                errors.update(self._id_consistency_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def is_full(self) -> bool:
        return self.category == Category.FULL

    def _id_consistency_errors(self) -> dict:
        """The identity number fixes the birth date and gender: fill them, or name a clash."""
        errors = {}
        born = birth_date_from_id(self.id_number)
        if self.birth_date is None:
            self.birth_date = born
        elif self.birth_date != born:
            errors["birth_date"] = [
                gettext(
                    "The identity number says born on %(id_date)s, but the date of birth is "
                    "%(date)s. Correct whichever is wrong."
                )
                % {"id_date": date_format(born), "date": date_format(self.birth_date)}
            ]
        gender = gender_from_id(self.id_number)
        if not self.gender:
            self.gender = gender
        elif self.gender != gender:
            errors["gender"] = [
                gettext(
                    "The identity number is a %(id_gender)s's, but the gender is %(gender)s. "
                    "Correct whichever is wrong."
                )
                % {
                    "id_gender": Gender(gender).label,
                    "gender": Gender(self.gender).label,
                }
            ]
        return errors


class TransferDirection(models.TextChoices):
    IN = "in", _("Transfer in")
    OUT = "out", _("Transfer out")


class TransferState(models.TextChoices):
    PENDING = "pending", _("Waiting for the other side")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


class TransferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=TransferState.PENDING)


class Transfer(models.Model):
    """组织关系转接. The sending branch stays responsible until the receiving side accepts."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=TransferDirection.choices)
    other_organisation = models.CharField(
        _("other Party organisation"),
        max_length=100,
        help_text=_("Where the member goes to (transfer out) or comes from (transfer in)."),
    )
    letter_number = models.CharField(_("letter number"), max_length=50, blank=True)
    issued_on = models.DateField(_("letter issued on"))
    valid_until = models.DateField(
        _("letter valid until"),
        blank=True,
        help_text=_("Left empty, it is filled in from the branch's letter validity setting."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING
    )
    completed_on = models.DateField(_("accepted or cancelled on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="transfer_valid_after_issue",
                violation_error_message=_("A letter cannot expire before it is issued."),
            ),
            models.CheckConstraint(
                condition=(Q(state="pending") & Q(completed_on__isnull=True))
                | (~Q(state="pending") & Q(completed_on__gte=models.F("issued_on"))),
                name="transfer_completion_dated",
                violation_error_message=_(
                    "A completed transfer needs the date it was completed, on or after the "
                    "letter's date."
                ),
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="pending"),
                name="one_pending_transfer_per_member",
                violation_error_message=_("This member already has a transfer in progress."),
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.member} · {self.other_organisation}"

    def save(self, *args, **kwargs):
        self.fill_default_validity()
        super().save(*args, **kwargs)

    def clean(self):
        self.fill_default_validity()

    def fill_default_validity(self):
        if self.valid_until is None and self.issued_on and self.member_id:
            days = self.member.branch.transfer_letter_valid_days
            self.valid_until = self.issued_on + datetime.timedelta(days=days)


# Recruitment pipeline (发展党员) ------------------------------------------------------------
# Domain §3. The steps of the 2014 细则 and its time limits are rows seeded by a data
# migration, so that a revision is entered in the workbench rather than coded. The rules that
# read them live in members/recruitment.py.

RECRUITMENT_DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DEFAULT_RECRUITMENT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_recruitment_document(file) -> None:
    """A step's document is a PDF, JPEG, PNG or Word (.docx) file under the size limit, and
    its content must be what its name says: a renamed executable or web page is refused."""
    if getattr(file, "_committed", False):
        return  # stored earlier, checked then
    check_upload(
        file,
        types=RECRUITMENT_DOCUMENT_TYPES,
        limit=getattr(
            settings, "RECRUITMENT_DOCUMENT_MAX_BYTES", DEFAULT_RECRUITMENT_DOCUMENT_MAX_BYTES
        ),
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


class TimeRuleCode(models.TextChoices):
    """The time rules the code knows how to apply. Their values are rows (`TimeRule`)."""

    MINIMUM_AGE = "minimum_age", _("Minimum age when applying")
    TALK_WITHIN = "talk_within", _("Talk with the applicant within")
    ACTIVIST_REVIEW_EVERY = "activist_review_every", _("Review each activist every")
    ACTIVIST_BEFORE_CANDIDATE = (
        "activist_before_candidate",
        _("Time as activist before becoming a candidate (more than)"),
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


class TimeRule(models.Model):
    """A time limit in force from `effective_from`. On a given date the row with the latest
    `effective_from` on or before it applies; a revision is a new row, never an edit."""

    code = models.CharField(_("rule"), max_length=40, choices=TimeRuleCode.choices)
    value = models.PositiveSmallIntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.choices)
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
            "date": date_format(self.effective_from),
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
    document = models.FileField(
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
        ]

    def __str__(self):
        return f"{self.member} · {self.step.name} · {date_format(self.done_on)}"
