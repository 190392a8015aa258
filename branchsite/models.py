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


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A piece of long work someone asked for (an export, a ZIP of documents), run by the
    background worker: its progress as it goes, then the file it made or why it failed.
    See branchsite.jobs. The file is served to the person who asked, and to nobody else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("requested by"),
    )
    # None for work over several branches (a district's documents).
    branch = models.ForeignKey(
        "groups.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("branch"),
    )
    # The code a registered kind of job goes by (branchsite.jobs.JobKind.code).
    kind = models.CharField(_("kind"), max_length=50)
    # What the user asked for, as 我的下载 names it (一支部党员花名册).
    title = models.CharField(_("title"), max_length=200)
    # What the kind needs to do the work again in the worker (a list's filters, a year).
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps in all"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written by the worker with every step of progress: a running job whose worker has
    # not written for a while has lost its worker (branchsite.jobs.jobs_tidy).
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["user", "-requested_at"], name="job_user_requested")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="job_done_within_total"
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        """How far the work has gone, 0 to 100 (100 once done)."""
        if self.status == JobStatus.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0
