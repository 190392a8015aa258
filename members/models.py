"""Party members. The registry (党员花名册) grows from this first model in a later issue."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Category(models.TextChoices):
    """人员类别: only full members (正式党员) vote and count towards branch thresholds."""

    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Member(models.Model):
    branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.FULL
    )
    joined_on = models.DateField(
        _("date joined the Party"),
        null=True,
        blank=True,
        help_text=_("The date of the general meeting's resolution to admit the member."),
    )
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )

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
        ]

    def __str__(self):
        return self.name

    @property
    def is_full(self) -> bool:
        return self.category == Category.FULL
