"""The rules and the school calendar that say which meetings a branch owes in which period,
and the usual agendas offered when one is recorded.

The rules are data: `MeetingRule` rows without a branch are the defaults, each with its
source (the 2018 支部工作条例, or local practice where it sets no figure; seeded and corrected
by migrations); a branch's own row for a meeting type replaces them from
its `effective_from`. `SchoolTerm` rows are the school calendar: the days between terms are
holidays (寒暑假).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models.meetings import MeetingType
from groups.models import Branch


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
