"""党费: what each member pays a month, and what was paid.

The brackets are data (`DuesBracket`), versioned by the date they take effect, each with its
source: a member's monthly amount is their base (`DuesBasis`) times the rate of the bracket
the whole base falls in (not marginal), or a fixed amount (students, members without an
income). Defaults are seeded by migration from the 2008 rules (中组发〔2008〕3号); a new
version is a new set of rows with a later `effective_from`.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.registry import Member


class DuesCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("In service (在职)")
    RETIRED = "retired", _("Retired (离退休)")
    NO_INCOME = "no_income", _("Student or without a fixed income (学生、无固定收入)")


class DuesBracket(models.Model):
    """One bracket of one category's schedule: a base up to `up_to` (inclusive; empty for
    the top bracket) pays `rate_percent` of the whole base, or `monthly_amount` flat."""

    category = models.CharField(_("dues category"), max_length=20, choices=DuesCategory.choices)
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
    basis of its own time."""

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
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on:%Y-%m} {self.monthly_base}"

    def clean(self):
        # A basis is for whole months.
        if self.starts_on is not None:
            self.starts_on = self.starts_on.replace(day=1)


class DuesPayment(models.Model):
    """The regular dues of one member for one month (党费), as collected. A back payment or
    a quarter paid ahead is one row a month, all with the day they were paid."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name=_("member")
    )
    month = models.DateField(_("for the month of"))
    amount = models.DecimalField(
        _("amount (元)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"))
    by_proxy = models.BooleanField(
        _("paid by proxy"), default=False, help_text=_("Handed in by someone else for them.")
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
