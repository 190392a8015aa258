"""我的下载: the background jobs a user asked for, each one's progress, and its file. A job
is its requester's alone: anyone else, the branch's committee included, is told it does not
exist (404), so its key says nothing."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from branchsite.downloads import saved_file_response
from branchsite.jobs import job_seen_as_lost
from branchsite.models import Job, JobStatus

LISTED = 50  # the newest; older files are still there by their own pages


def get_job_for_user(request, pk: int) -> Job:
    """The job `pk` if the user asked for it, else 404; one whose worker stopped reads as
    failed."""
    job = get_object_or_404(Job.objects.select_related("branch"), pk=pk, user=request.user)
    return job_seen_as_lost(job)


def job_state(job: Job) -> dict:
    """What the job's page shows and its poller reads."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "stage": job.stage,
        "error": job.error,
        "finished": job.is_finished,
        "download_url": reverse("jobs:file", args=[job.pk])
        if job.status == JobStatus.DONE
        else None,
    }


@login_required
def download_list(request):
    jobs = [
        job_seen_as_lost(job)
        for job in Job.objects.filter(user=request.user).select_related("branch")[:LISTED]
    ]
    return render(request, "jobs/download_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_job_for_user(request, pk)
    return render(request, "jobs/job_detail.html", {"job": job, "state": job_state(job)})


@login_required
def job_status(request, pk):
    """The job's progress as JSON, for static/js/jobs.js."""
    response = JsonResponse(job_state(get_job_for_user(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job_file(request, pk):
    job = get_job_for_user(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return saved_file_response(job.file, content_type=job.content_type, filename=job.filename)
