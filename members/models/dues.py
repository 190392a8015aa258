"""党费: what each member pays a month, and what was paid.

The brackets are data (`DuesBracket`), versioned by the date they take effect, each with its
source: a member's monthly amount is their base (`DuesBasis`) times the rate of the bracket
the whole base falls in (not marginal), or a fixed amount (students, members without an
income). Defaults are seeded by migration from the 2008 rules (中组发〔2008〕3号); a new
version is a new set of rows with a later `effective_from`. A member of the category "other"
has no schedule: the branch sets their monthly amount on the basis.

What a member owes can be lowered for a time by an approved reduction (`DuesReduction`,
少交 or 免交); why a member is behind is recorded apart (`DuesArrearsReason`), so that the
six-month flag is raised only for months behind without a reason.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.registry import Member


class DuesCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("In service (在职)")
    RETIRED = "retired", _("Retired (离退休)")
    NO_INCOME = "no_income", _("Student or without a fixed income (学生、无固定收入)")
    # 农民党员 pay 0.2 to 1 元 a month (中组发〔2008〕3号), members in other situations an amount
    # their branch sets: a fixed amount on the basis, no schedule.
    OTHER = "other", _("Other (amount set by the branch)")


# The categories whose amount comes from a schedule of brackets (`DuesBracket`).
SCHEDULED_CATEGORIES = [
    (value, label) for value, label in DuesCategory.choices if value != DuesCategory.OTHER
]


class DuesBracket(models.Model):
    """One bracket of one category's schedule: a base up to `up_to` (inclusive; empty for
    the top bracket) pays `rate_percent` of the whole base, or `monthly_amount` flat."""

    category = models.CharField(_("dues category"), max_length=20, choices=SCHEDULED_CATEGORIES)
    up_to = models.DecimalField(
        _("monthly base up to (元, inclusive)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty for the top bracket."),
    )
    rate_percent = models.DecimalField(
        _("rate (percent of the whole base)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    monthly_amount = models.DecimalField(
        _("flat amount a month (元)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    effective_from = models.DateField(_("in force from"))
    source = models.CharField(_("source"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues bracket")
        verbose_name_plural = _("dues brackets")
        ordering = ["category", "-effective_from", "up_to"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rate_percent__isnull=False) & Q(monthly_amount__isnull=True))
                | (Q(rate_percent__isnull=True) & Q(monthly_amount__isnull=False)),
                name="dues_bracket_rate_or_amount",
                violation_error_message=_("A bracket has either a rate or a flat amount."),
            ),
            models.UniqueConstraint(
                fields=["category", "effective_from", "up_to"],
                name="dues_bracket_unique_per_version",
                violation_error_message=_("This schedule already has a bracket with this bound."),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ≤{self.up_to or '∞'}"


class DuesBasis(models.Model):
    """A member's dues category and monthly base from a month on (核定党费基数). A new row
    from a later month replaces it; the old row stays, so every month is computed from the
    basis of its own time. The category "other" pays `fixed_amount`, the amount the branch
    set; every other category has none (a reduction is a `DuesReduction`, with its
    approval, not a fixed amount)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="dues_bases", verbose_name=_("member")
    )
    category = models.CharField(
        _("dues category"),
        max_length=20,
        choices=DuesCategory.choices,
        default=DuesCategory.IN_SERVICE,
    )
    monthly_base = models.DecimalField(
        _("monthly base (元)"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "In service: the fixed, regular monthly pay (for teachers 岗位工资, 薪级工资, 绩效工资 "
            "and 津贴补贴) less the individual income tax only (中组发〔2008〕3号 第一条 and the "
            "中组部 answers of 2008: social insurance and housing fund contributions are not "
            "deducted); retired: the whole pension received (第五条)."
        ),
    )
    fixed_amount = models.DecimalField(
        _("amount a month set by the branch (元)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "Only for the category “other”: the amount the branch sets (a farmer member pays "
            "0.2 to 1 元 a month). Paying less or nothing because of hardship is a reduction, "
            "recorded with its approval."
        ),
    )
    starts_on = models.DateField(
        _("from the month of"), help_text=_("The first month this base applies to.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues basis")
        verbose_name_plural = _("dues bases")
        ordering = ["member", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "starts_on"],
                name="dues_basis_once_per_month",
                violation_error_message=_("This member already has a basis from this month."),
            ),
            models.CheckConstraint(
                condition=(Q(category=DuesCategory.OTHER) & Q(fixed_amount__isnull=False))
                | (~Q(category=DuesCategory.OTHER) & Q(fixed_amount__isnull=True)),
                name="dues_basis_fixed_amount_for_other_only",
                violation_error_message=_(
                    "The category “other” has the amount the branch sets; the others have none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on:%Y-%m} {self.monthly_base}"

    def clean(self):
        # A basis is for whole months.
        if self.starts_on is not None:
            self.starts_on = self.starts_on.replace(day=1)
        if self.category == DuesCategory.OTHER and self.fixed_amount is None:
            raise ValidationError(
                {"fixed_amount": _("Enter the amount a month the branch set for this member.")}
            )
        if self.category != DuesCategory.OTHER and self.fixed_amount is not None:
            raise ValidationError(
                {
                    "fixed_amount": _(
                        "Only the category “other” has an amount set by the branch; the others "
                        "are computed from the base. To let a member pay less or nothing, "
                        "record a reduction with its approval."
                    )
                }
            )


class DuesPayment(models.Model):
    """The regular dues of one member for one month (党费), as collected. A back payment or
    a quarter paid ahead is one row a month, all with the day they were paid; a month paid
    ahead (after the month it was paid in) is marked as paid with the branch's consent."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name=_("member")
    )
    # The branch the dues were paid to: the member's at the time. A member who moves to
    # another branch takes their ledger along, but what a branch collected stays its own.
    branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        related_name="dues_payments",
        verbose_name=_("paid to branch"),
    )
    month = models.DateField(_("for the month of"))
    amount = models.DecimalField(
        _("amount (元)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"))
    by_proxy = models.BooleanField(
        _("paid by proxy"), default=False, help_text=_("Handed in by someone else for them.")
    )
    paid_ahead_with_consent = models.BooleanField(
        _("paid ahead with the branch's consent"),
        default=False,
        help_text=_(
            "A month paid before it began: 经党支部同意，可以每季度交纳一次 (中组发〔2008〕3号)."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["member", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                name="dues_paid_once_a_month",
                violation_error_message=_("This member's dues for this month are recorded."),
            ),
            # `month` is the first of its month: later than the day paid is a later month.
            models.CheckConstraint(
                condition=Q(paid_ahead_with_consent=False) | Q(month__gt=F("paid_on")),
                name="dues_consent_only_for_months_ahead",
                violation_error_message=_(
                    "Only a month after the month it was paid in is paid ahead with consent."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m} {self.amount}"

    def clean(self):
        if self.month is not None:
            self.month = self.month.replace(day=1)


class SpecialDues(models.Model):
    """特殊党费: a voluntary extra payment (disaster relief, say), kept apart from the regular
    dues and never counted as them."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="special_dues", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        related_name="special_dues",
        verbose_name=_("paid to branch"),
    )
    amount = models.DecimalField(
        _("amount (元)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    paid_on = models.DateField(_("paid on"))
    purpose = models.CharField(_("for"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special dues")
        verbose_name_plural = _("special dues")
        ordering = ["-paid_on", "member"]

    def __str__(self):
        return f"{self.member} {self.paid_on} {self.amount}"


class ReductionApproval(models.TextChoices):
    """Who allowed a member to pay less or nothing (中组发〔2008〕3号): 党员交纳党费确有困难的，
    经党支部研究并报上一级党委批准; for a retired member in real hardship, 经党支部研究同意
    is enough."""

    UPPER_COMMITTEE = "upper_committee", _("Approved by the Party committee above (上一级党委批准)")
    BRANCH = "branch", _("Agreed by the branch, for a retired member (党支部研究同意)")


class DuesReduction(models.Model):
    """少交或者免交党费: from a month on (to a month, or until the branch ends it) the member
    owes `monthly_amount` instead of what their basis gives — nothing when it is 0 (免交).

    A model of its own rather than fields on `DuesBasis`: a reduction is granted for the
    member's hardship, with its own reason and approval and its own months, while a basis
    changes with pay (a payroll import writes a new basis every year) and must not drop or
    copy an approval it knows nothing about. The ledger owes the lower of the two amounts;
    a waived month needs no payment and counts as settled (members.dues.ledger)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="dues_reductions", verbose_name=_("member")
    )
    starts_on = models.DateField(_("from the month of"))
    ends_on = models.DateField(
        _("to the month of"),
        null=True,
        blank=True,
        help_text=_("The last month it applies to; empty until the branch ends it."),
    )
    monthly_amount = models.DecimalField(
        _("reduced amount a month (元)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("0 waives the dues (免交)."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    approved_by = models.CharField(
        _("approved by"), max_length=20, choices=ReductionApproval.choices
    )
    approval_reference = models.CharField(
        _("approval reference"),
        max_length=200,
        help_text=_(
            "The upper committee's document number or reply, or the branch meeting that agreed."
        ),
    )
    approved_on = models.DateField(_("approved on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues reduction")
        verbose_name_plural = _("dues reductions")
        ordering = ["member", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "starts_on"],
                name="dues_reduction_once_per_month",
                violation_error_message=_("This member already has a reduction from this month."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="dues_reduction_ends_after_it_starts",
                violation_error_message=_("A reduction cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on:%Y-%m} {self.monthly_amount}"

    @property
    def waives(self) -> bool:
        return self.monthly_amount == 0

    def covers(self, month) -> bool:
        return self.starts_on <= month and (self.ends_on is None or month <= self.ends_on)

    def clean(self):
        # A reduction is for whole months.
        if self.starts_on is not None:
            self.starts_on = self.starts_on.replace(day=1)
        if self.ends_on is not None:
            self.ends_on = self.ends_on.replace(day=1)


class DuesArrearsReason(models.Model):
    """Why a member is behind with their dues (illness, abroad, a hardship being processed),
    as the committee recorded it: the reason holds for the unpaid months from `starts_on`
    until the member has caught up. Months behind with a reason are still shown, with it;
    only months without one count towards the six that 党章 第九条 treats as leaving the
    Party (members.dues.ledger). Who recorded it is in its history."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="dues_arrears_reasons",
        verbose_name=_("member"),
    )
    starts_on = models.DateField(_("from the month of"))
    reason = models.CharField(_("reason"), max_length=300)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reason for dues arrears")
        verbose_name_plural = _("reasons for dues arrears")
        ordering = ["member", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "starts_on"],
                name="dues_arrears_reason_once_per_month",
                violation_error_message=_("This member already has a reason from this month."),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on:%Y-%m} {self.reason}"

    def clean(self):
        if self.starts_on is not None:
            self.starts_on = self.starts_on.replace(day=1)
