"""Transfers of the organisational relationship (组织关系转接), in and out of the branch:
with a Party organisation outside this deployment (named in free text), or between two
branches of this deployment (`from_branch` → `to_branch`: the receiving branch accepts, and
the member moves with their history)."""

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
        blank=True,
        help_text=_(
            "Where the member goes to (transfer out) or comes from (transfer in), when it is "
            "outside this deployment."
        ),
    )
    # Between two branches of this deployment: the sending branch (the member's when the
    # letter was issued; it keeps reading what happened while the member was theirs) and
    # the receiving one, whose committee accepts.
    from_branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_sent",
        verbose_name=_("sending branch"),
    )
    to_branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_received",
        verbose_name=_("receiving branch"),
        error_messages={"invalid": _("The receiving branch must be a branch of this deployment.")},
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
            # Outside: the other organisation is named and no branch is. Inside: a transfer
            # out, from one branch to another, the free text left empty.
            models.CheckConstraint(
                condition=(
                    Q(from_branch__isnull=True, to_branch__isnull=True) & ~Q(other_organisation="")
                )
                | (
                    Q(direction="out", from_branch__isnull=False, to_branch__isnull=False)
                    & Q(other_organisation="")
                    & ~Q(to_branch=models.F("from_branch"))
                ),
                name="transfer_other_side_named",
                violation_error_message=_(
                    "Name the other side of the transfer: a branch of this deployment (transfer "
                    "out only, not the member's own) or a Party organisation outside it, not both."
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
        return f"{self.get_direction_display()} {self.member} · {self.other_side}"

    def save(self, *args, **kwargs):
        self.fill_default_validity()
        super().save(*args, **kwargs)

    def clean(self):
        self.fill_default_validity()

    def fill_default_validity(self):
        if self.valid_until is None and self.issued_on and self.member_id:
            days = self.member.branch.transfer_letter_valid_days
            self.valid_until = self.issued_on + datetime.timedelta(days=days)

    @property
    def is_between_branches(self) -> bool:
        return self.to_branch_id is not None

    @property
    def other_side(self) -> str:
        """Where the member goes or comes from, as the pages show it: "一支部 → 二支部"
        between branches of this deployment, the organisation's name otherwise."""
        if self.is_between_branches:
            return f"{self.from_branch.name} → {self.to_branch.name}"
        return self.other_organisation
