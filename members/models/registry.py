"""The registry (党员花名册): each person with the national fields (domain §6), the school's
extensions, their category (a stage of recruitment, or 预备/正式) and status (exits)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.dates import long_date
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
    """党籍状态. Only ACTIVE and SUSPENDED members appear in the branch's lists. A member who
    died leaves the roll without leaving the Party (出党): DECEASED stands apart from EXITED."""

    ACTIVE = "active", _("Normal")
    SUSPENDED = "suspended", _("Membership suspended")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    EXITED = "exited", _("Left the Party")
    DECEASED = "deceased", _("Deceased")


# The statuses of the members on the roll (the branch's lists; `MemberQuerySet.on_roll`).
ON_ROLL_STATUSES = (Status.ACTIVE, Status.SUSPENDED)


class ExitKind(models.TextChoices):
    """How a member left the Party (出党), each with its own procedure and wording in reports
    (党章 第九条, 第四十一条; 不予承认 and 取消预备党员资格: an admission that does not stand)."""

    RESIGNED = "resigned", _("Resigned (退党)")
    REMOVED = "removed", _("Removed from the Party (除名)")
    EXPELLED = "expelled", _("Expelled (开除党籍)")
    NOT_RECOGNISED = "not_recognised", _("Admission not recognised (不予承认)")
    PROBATION_CANCELLED = (
        "probation_cancelled",
        _("Probationary membership cancelled (取消预备党员资格)"),
    )


class ExitGround(models.TextChoices):
    """Why the branch acted, where 党章 第九条 names a procedure: 劝退 ends in 退党 (the member
    agrees) or 除名 (they persist); 自行脱党 ends in 除名."""

    PERSUADED = "persuaded", _("Persuaded to leave (劝退)")
    LAPSED = "lapsed", _("Deemed to have left (自行脱党)")


# The outcomes each ground can end in (党章 第九条).
EXIT_GROUND_OUTCOMES = {
    ExitGround.PERSUADED: (ExitKind.RESIGNED, ExitKind.REMOVED),
    ExitGround.LAPSED: (ExitKind.REMOVED,),
}


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
        return self.filter(status__in=ON_ROLL_STATUSES, category__in=PARTY_MEMBER_CATEGORIES)

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
    exit_ground = models.CharField(
        _("procedure"), max_length=20, choices=ExitGround.choices, blank=True
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
                # Unique across the deployment, so that a person moves between branches by
                # transfer, never by a second record. The message names no branch: a
                # secretary learns only that the number is taken.
                violation_error_message=_(
                    "This identity number is already registered on this site. If the person "
                    "is in your branch, find them in the roster instead of adding them again; "
                    "if they come from another Party organisation, they move by the transfer "
                    "of their membership."
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
            models.CheckConstraint(
                condition=Q(exit_ground="")
                | (Q(exit_ground="persuaded") & (Q(exit_kind="resigned") | Q(exit_kind="removed")))
                | Q(exit_ground="lapsed", exit_kind="removed"),
                name="member_exit_ground_outcome",
                violation_error_message=_(
                    "劝退 ends in 退党 or 除名, and 自行脱党 in 除名 (党章 第九条)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="deceased") | Q(status_since__isnull=False),
                name="member_death_has_date",
                violation_error_message=_("Enter the date of death."),
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
                % {"id_date": long_date(born), "date": long_date(self.birth_date)}
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
