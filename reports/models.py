"""What the reports app keeps of its own: the year-end documents the secretary writes
(reports.yearend) and every version of their text. The figures are not stored: a document
shows the records' figures when it is read (reports.yearend.figures)."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Branch, PartyGroup


class DocumentKind(models.TextChoices):
    SUMMARY = "summary", _("Annual summary")
    PLAN = "plan", _("Annual plan")


class YearDocument(models.Model):
    """The branch's (or one party group's) summary or plan of a calendar year."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        related_name="year_documents",
        verbose_name=_("branch"),
    )
    group = models.ForeignKey(
        PartyGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="year_documents",
        verbose_name=_("party group"),
        help_text=_("Empty for the branch's own document."),
    )
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("year-end document")
        verbose_name_plural = _("year-end documents")
        ordering = ["branch", "-year", "kind", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "kind", "year"],
                condition=Q(group__isnull=True),
                name="one_branch_document_per_kind_and_year",
            ),
            models.UniqueConstraint(
                fields=["group", "kind", "year"],
                condition=Q(group__isnull=False),
                name="one_group_document_per_kind_and_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="year_document_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        owner = self.group.name if self.group_id else self.branch.name
        return f"{owner}{self.year}年{self.get_kind_display()}"


class DocumentVersion(models.Model):
    """One saved state of a document's text: who saved it and when. Versions are never
    changed or deleted; restoring an old one saves a new version with its text, so the
    document's history reads as what happened."""

    document = models.ForeignKey(
        YearDocument,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("document"),
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    # [{"key": "basic", "heading": "基本情况", "text": "…"}]: reports.yearend.text.Section
    sections = models.JSONField(_("sections"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    restored_from = models.PositiveIntegerField(_("restored from version"), null=True, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="document_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class PlanItemState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanItem(models.Model):
    """One thing a year's plan says will be done: who answers for it, when (a month, a
    deadline, or both) and whether it was done. The plan's text says what the branch
    intends; the items are what the secretary's and the leaders' pages remind them of, and
    what the year's summary counts as done.

    Both the month and the deadline may be empty in the database (an item typed without a
    date yet is still worth keeping), but the services refuse an item with neither."""

    document = models.ForeignKey(
        YearDocument,
        on_delete=models.CASCADE,
        related_name="plan_items",
        verbose_name=_("plan"),
    )
    title = models.CharField(_("item"), max_length=200)
    owner = models.ForeignKey(
        "members.Member",
        # A member record deleted by mistake leaves the item without an owner; the history
        # still names who it was.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("owner"),
        help_text=_("Who answers for it."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=PlanItemState.choices, default=PlanItemState.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["document", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="plan_item_month_in_range",
                violation_error_message=_("The month is a number from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=(Q(state=PlanItemState.DONE) & Q(done_on__isnull=False))
                | (~Q(state=PlanItemState.DONE) & Q(done_on__isnull=True)),
                name="plan_item_done_on_when_done",
                violation_error_message=_("A done item has the day it was done; no other has."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        document = self.document if self.document_id else None
        if document is not None and document.kind != DocumentKind.PLAN:
            errors["document"] = gettext("Items belong to a plan, not to a summary.")
        if self.month is None and self.deadline is None:
            errors["month"] = gettext("Give the month it is planned for, or its deadline.")
        if document is not None and self.deadline and self.deadline.year != document.year:
            errors["deadline"] = gettext("The deadline falls outside the plan's year %(year)s.") % {
                "year": document.year
            }
        if document is not None and self.owner_id and self.owner.branch_id != document.branch_id:
            errors["owner"] = gettext("The owner is a member of another branch.")
        if errors:
            raise ValidationError(errors)

    def due_by(self) -> datetime.date | None:
        """The last day for it: its deadline, else the end of its month (None without a
        date, or outside a plan)."""
        if self.deadline is not None:
            return self.deadline
        if self.month is None:
            return None
        year = self.document.year
        return datetime.date(year, self.month, calendar.monthrange(year, self.month)[1])
