"""Long work in the background: a `Job` row per request, run by the task worker
(django-tasks' database backend and `manage.py db_worker`), never inside a web request.

An app registers each kind of work it offers, once, from its AppConfig.ready():

    jobs.register(JobKind(code="roster_export", title=_("Party member roster"), run=work))

    def work(job: Job, progress: Progress) -> JobFile:
        members = ...                                   # from job.branch, job.parameters
        rows = progress.counted(members, total=count, stage=_("Writing row %(done)s of %(total)s"))
        return JobFile(content=workbook(rows), filename="….xlsx", content_type=XLSX_TYPE)

and its view calls `job_request(user=…, kind="roster_export", branch=…, parameters={…})`
and redirects to the job's page (`jobs:detail`). The work raises `JobFailed` with a sentence
for the user when it cannot be done; any other exception is logged, and the user reads a
general sentence. The file is written to the default storage only once the work is whole,
and removed again if recording it fails: a failed job keeps no file.

With the database backend the queue's row is written in the same transaction as the job's,
so the worker never sees one without the other; another backend is handed the job after
the transaction commits.
"""

import datetime
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from branchsite.models import Job, JobStatus
from branchsite.uploads import deleted_on_commit, removed_on_failure

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class JobFile:
    """What a job made: the file's bytes, the name the user's download gets, its type."""

    content: bytes
    filename: str
    content_type: str


class JobFailed(Exception):
    """The work cannot be done; the message is the sentence the user reads (translated)."""


class Progress:
    """The job's progress as the worker goes: each call writes it at once, outside any
    transaction, so the job's page sees it while the work runs. Write every few hundred
    rows, not every row."""

    def __init__(self, job: Job):
        self.job = job

    def stage(self, text: str, *, total: int | None = None) -> None:
        """A new stage (`text`, short and translated), with its count of steps."""
        changes = {"stage": text[:200], "done": 0, "heartbeat_at": timezone.now()}
        if total is not None:
            changes["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**changes)

    def advance(self, done: int, *, stage: str | None = None) -> None:
        changes = {"done": Least(done, F("total")), "heartbeat_at": timezone.now()}
        if stage is not None:
            changes["stage"] = stage[:200]
        Job.objects.filter(pk=self.job.pk).update(**changes)

    def counted(
        self, items: Iterable[T], *, total: int, stage: str, every: int = 200
    ) -> Iterator[T]:
        """`items`, reporting `stage` (with %(done)s and %(total)s) every `every` items."""
        self.stage(stage % {"done": 0, "total": total}, total=total)
        done = 0
        for item in items:
            yield item
            done += 1
            if done % every == 0:
                self.advance(done, stage=stage % {"done": done, "total": total})
        self.advance(done, stage=stage % {"done": done, "total": total})


@dataclass(frozen=True)
class JobKind:
    """One kind of long work an app offers: `code` (stable, stored on the job), `title`
    (translated, shown in 我的下载 before the job names itself) and `run`, the work."""

    code: str
    title: str
    run: Callable[[Job, Progress], JobFile]


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Offer `kind`; an app calls it from its AppConfig.ready(), so the worker knows it."""
    if KINDS.get(kind.code, kind) != kind:
        raise ValueError(f"a job kind is already registered as {kind.code!r}")
    KINDS[kind.code] = kind
    return kind


def kind_named(code: str) -> JobKind:
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(f"no job kind is registered as {code!r}") from None


def job_request(
    *, user, kind: str, branch=None, parameters: dict | None = None, title: str = ""
) -> Job:
    """A new job of `kind` for `user` (who alone may download its file), queued for the
    worker. The caller has checked that the user may have what the job makes; the work
    checks again when it runs."""
    registered = kind_named(kind)
    jobs_tidy()
    with transaction.atomic():
        job = Job.objects.create(
            user=user,
            branch=branch,
            kind=registered.code,
            parameters=parameters or {},
            title=(title or str(registered.title))[:200],
            stage=_("Waiting for the background worker"),
        )
        if isinstance(task_backends[job_run_task.backend], DatabaseBackend):
            job_run_task.enqueue(job.pk)
        else:
            transaction.on_commit(lambda: job_run_task.enqueue(job.pk))
    return job


WORKER_LOST = gettext_noop(
    "The background worker stopped while doing this work. Ask for it again; if it stops "
    "again, tell the site administrator."
)


def _lost_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)


def job_seen_as_lost(job: Job) -> Job:
    """`job` as its page shows it: a running job whose worker has written no progress for
    JOB_STALE_MINUTES (killed, or the machine restarted) reads as failed, saying so, before
    anything records it (jobs_tidy). Changes the object only, never the row."""
    if job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at < _lost_cutoff():
        job.status, job.error, job.stage = JobStatus.FAILED, _(WORKER_LOST), ""
    return job


def jobs_mark_lost() -> int:
    """Fail the running jobs whose worker has written no progress for JOB_STALE_MINUTES,
    with a sentence saying so, instead of leaving them running forever."""
    lost = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=_lost_cutoff())
    with translation.override(settings.LANGUAGE_CODE):
        message = _(WORKER_LOST)
    return lost.update(status=JobStatus.FAILED, error=message, stage="", finished_at=timezone.now())


def jobs_tidy() -> tuple[int, int]:
    """Fail the jobs that lost their worker, and delete the jobs finished more than
    JOB_KEEP_DAYS ago with their files (once committed). Run whenever work is asked for, so
    a site needs no timer for it; `manage.py prune_jobs` runs it too. Returns (failed,
    deleted)."""
    failed = jobs_mark_lost()
    cutoff = timezone.now() - datetime.timedelta(days=settings.JOB_KEEP_DAYS)
    old = list(
        Job.objects.filter(
            status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=cutoff
        ).values_list("pk", "file")
    )
    if not old:
        return failed, 0
    Job.objects.filter(pk__in=[pk for pk, _name in old]).delete()
    deleted_on_commit(name for _pk, name in old)
    return failed, len(old)


GENERAL_FAILURE = gettext_noop(
    "The work failed. Try again; if it fails again, tell the site administrator."
)


def job_run(job_pk: int) -> None:
    """Do the work of the queued job `job_pk` and record its file, or why it failed. A job
    that is not queued (already run by another worker, or deleted) is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, stage=_("Starting")
    )
    if not claimed:
        return
    job = Job.objects.select_related("user", "branch").get(pk=job_pk)
    try:
        made = kind_named(job.kind).run(job, Progress(job))
    except JobFailed as failure:
        _record_failure(job, str(failure))
        return
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _record_failure(job, _(GENERAL_FAILURE))
        raise  # the task's own result keeps the traceback for the administrator
    _record_file(job, made)


def _record_file(job: Job, made: JobFile) -> None:
    extension = os.path.splitext(made.filename)[1].lower()
    # The stored name says nothing of the contents; the user's file name is kept apart.
    job.file.save(f"{job.pk}{extension}", ContentFile(made.content), save=False)
    with removed_on_failure(job.file), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            file=job.file.name,
            filename=made.filename[:200],
            content_type=made.content_type,
            done=F("total"),
            stage=_("Done"),
            finished_at=timezone.now(),
        )


def _record_failure(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=message, stage="", finished_at=timezone.now()
    )


@task()
def job_run_task(job_pk: int) -> None:
    """The task the worker runs: one job (branchsite.jobs.job_run), in the site's language
    (the worker has no request to take it from)."""
    with translation.override(settings.LANGUAGE_CODE):
        job_run(job_pk)
