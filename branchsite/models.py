from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A form that was sent: its one-time token, so that the same form sent twice (a double
    click, a reload, a phone that resent on a bad network) is saved once. See
    branchsite.submissions."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    # Where the first sending led (its redirect), empty while it is being saved.
    location = models.CharField(_("led to"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return str(self.token)


class TrashItem(models.Model):
    """A deleted record in the branch's 回收站, with everything its deletion took along,
    so that the committee can bring it back. See branchsite.trash."""

    branch = models.ForeignKey(
        "groups.Branch", on_delete=models.CASCADE, related_name="trash", verbose_name=_("branch")
    )
    # The deleted record's model ("activities.meeting") and key, and how it read.
    model = models.CharField(_("kind of record"), max_length=100)
    object_id = models.BigIntegerField(_("record number"))
    label = models.CharField(_("record"), max_length=300)
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    # The rows, serialized (JSON, Django's format) in the order they are restored, and the
    # names of the stored files they point to, kept until the item is emptied.
    rows = models.JSONField(_("rows"))
    files = models.JSONField(_("files"), default=list)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self):
        return self.label

    @property
    def kind_label(self) -> str:
        """What kind of record it was (会议, 党员), as the workbench names it."""
        try:
            return str(apps.get_model(self.model)._meta.verbose_name)
        except LookupError:
            return self.model
