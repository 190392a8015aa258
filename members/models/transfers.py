"""Transfers of the organisational relationship (组织关系转接), in and out of the branch."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.registry import Member


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
