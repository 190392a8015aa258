"""What the reports app keeps of its own: the year-end documents the secretary writes
(reports.yearend) and every version of their text. The figures are not stored: a document
shows the records' figures when it is read (reports.yearend.figures)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        return f"{owner} {self.year}年 {self.get_kind_display()}"


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
