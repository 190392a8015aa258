"""党纪处分: the disciplinary sanctions a member receives, each with its dates.

党章 第四十一条 (第三十九条 before 2017) names five: 警告, 严重警告, 撤销党内职务, 留党察看,
开除党籍. 开除党籍 ends membership and is an exit (`ExitKind.EXPELLED`); the other four are
recorded here. Only 留党察看 changes rights: while it runs the member has no vote, no right to
elect and none to be elected."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchsite.dates import ONE_DAY, add_years, long_date
from members.models.registry import Member

# 留党察看最长不超过两年 (党章 第四十一条; 纪律处分条例: 一年, or two, or one extended by one).
MAX_PROBATION_YEARS = 2


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning (警告)")
    SERIOUS_WARNING = "serious_warning", _("Serious warning (严重警告)")
    DISMISSAL = "dismissal", _("Dismissal from Party posts (撤销党内职务)")
    PROBATION = "probation", _("Probation within the Party (留党察看)")


class SanctionQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date):
        """Sanctions running on `day`: from their first day to their last, both included."""
        return self.filter(started_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )

    def without_rights(self, day: datetime.date):
        """The 留党察看 running on `day`: those members neither vote, elect nor stand."""
        return self.in_force(day).filter(kind=SanctionKind.PROBATION)


class Sanction(models.Model):
    """One 党纪处分, decided by the general meeting and approved above (党章 第四十二条)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="sanctions", verbose_name=_("member")
    )
    kind = models.CharField(_("sanction"), max_length=20, choices=SanctionKind.choices)
    started_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("to"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of 留党察看 (one or two years, 党章 第四十一条); empty for the other "
            "sanctions, which have no term."
        ),
    )
    decision = models.CharField(_("decision"), max_length=200)

    objects = SanctionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disciplinary sanction")
        verbose_name_plural = _("disciplinary sanctions")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("started_on")),
                name="sanction_ends_after_start",
                violation_error_message=_("A sanction cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="probation") | Q(ends_on__isnull=False),
                name="sanction_probation_has_end",
                violation_error_message=_(
                    "留党察看 runs for one or two years: enter its last day."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.kind == SanctionKind.PROBATION and self.started_on and self.ends_on:
            last_day = add_years(self.started_on, MAX_PROBATION_YEARS) - ONE_DAY
            if self.ends_on > last_day:
                raise ValidationError(
                    {
                        "ends_on": _(
                            "留党察看 lasts at most %(years)s years: its last day is %(date)s at "
                            "the latest."
                        )
                        % {"years": MAX_PROBATION_YEARS, "date": long_date(last_day)}
                    }
                )

    def in_force_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ends_on is None or day <= self.ends_on)
