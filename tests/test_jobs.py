"""Long work in the background (branchsite.jobs, branchsite.job_views): a job is queued in
the database with its request, the real worker runs it, its progress is readable while it
runs, its file is its requester's alone, and a failure says why in Chinese and keeps no
file. The kinds here are registered by the tests; the roster's is tested in
tests/reports/test_roster_export_job.py."""

import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from branchsite.jobs import KINDS, JobFailed, JobFile, JobKind, job_request, job_run
from branchsite.models import Job, JobStatus
from tests.conftest import client_for
from tests.settings_processes import run_in_processes, settings_of

TEST_KIND = "test_kind"


@pytest.fixture
def kind():
    """Registers the work of a test kind of job for the test; removed after it."""

    def register(run):
        KINDS[TEST_KIND] = JobKind(code=TEST_KIND, title="测试导出", run=run)

    yield register
    KINDS.pop(TEST_KIND, None)


def three_rows(job, progress):
    rows = list(progress.counted(["甲", "乙", "丙"], total=3, stage="写入第 %(done)s 行", every=1))
    return JobFile(content="\n".join(rows).encode(), filename="测试.txt", content_type="text/plain")


def files_under(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_requested_job_is_queued_for_the_worker_with_it(world, kind):
    kind(three_rows)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
    assert (job.status, job.title, job.branch, job.stage) == (
        JobStatus.QUEUED,
        "测试导出",
        world.branch,
        "等待后台任务处理",
    )
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "branchsite.jobs.job_run_task"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert queued.status == "READY"


def test_an_unknown_kind_of_job_is_refused(world):
    with pytest.raises(LookupError):
        job_request(user=world.secretary.user, kind="no_such_kind")
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_job_and_its_owner_downloads_the_file(world, kind, worker):
    kind(three_rows)
    client = client_for(world.secretary.user)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)

    worker.run_here()

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.DONE, 3, 3, 100)
    assert job.started_at <= job.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "甲\n乙\n丙"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%B5%8B%E8%AF%95.txt"
    assert response["Cache-Control"] == "no-store"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:file", args=[job.pk]) in page
    assert "已完成" in page
    assert "data-job-status-url" not in page  # nothing left to poll


@pytest.mark.django_db(transaction=True)
def test_the_progress_is_readable_while_the_work_runs(world, kind, worker):
    client = client_for(world.secretary.user)
    seen = []

    def four_rows(job, progress):
        status = reverse("jobs:status", args=[job.pk])
        for index, _row in enumerate(
            progress.counted(
                range(4), total=4, stage="写入第 %(done)s 行，共 %(total)s 行", every=1
            )
        ):
            if index == 2:  # two rows reported, the third under way
                seen.append(json.loads(client.get(status).content))
                page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
                seen.append(page)
        return JobFile(content=b"x", filename="x.txt", content_type="text/plain")

    kind(four_rows)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
    worker.run_here()

    state, page = seen
    assert state == {
        "status": "running",
        "status_label": "进行中",
        "done": 2,
        "total": 4,
        "percent": 50,
        "stage": "写入第 2 行，共 4 行",
        "error": "",
        "finished": False,
        "download_url": None,
    }
    assert '<progress class="job-progress" max="100" value="50"' in page
    assert f'data-job-status-url="{reverse("jobs:status", args=[job.pk])}"' in page
    assert "/static/js/jobs.js" in page


@pytest.mark.django_db(transaction=True)
def test_a_job_that_cannot_be_done_says_why_in_chinese_and_keeps_no_file(world, kind, worker):
    def fails_half_way(job, progress):
        for index in progress.counted(range(10), total=10, stage="第 %(done)s 行", every=1):
            if index == 5:
                raise JobFailed("第 6 行无法写入。")
        raise AssertionError("not reached")

    kind(fails_half_way)
    client = client_for(world.secretary.user)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
    worker.run_here()

    job.refresh_from_db()
    assert (job.status, job.error, job.file.name, job.done) == (
        JobStatus.FAILED,
        "第 6 行无法写入。",
        "",
        5,
    )
    assert files_under(worker.media_root_path) == []
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "第 6 行无法写入。" in page
    assert "失败" in page
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_is_logged_and_told_in_general_terms(world, kind, worker, caplog):
    def breaks(job, progress):
        progress.stage("准备中", total=2)
        raise RuntimeError("disk on fire")

    kind(breaks)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
    worker.run_here()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "任务失败。请重试；如果再次失败，请告诉网站管理员。"
    assert "disk on fire" not in job.error
    assert DBTaskResult.objects.get().status == "FAILED"  # with its traceback, for the admin
    logged = [r for r in caplog.records if r.name == "branchsite.jobs"]
    assert [str(r.exc_info[1]) for r in logged] == ["disk on fire"]
    assert files_under(worker.media_root_path) == []


def test_a_job_already_run_is_not_run_again(world, kind):
    calls = []

    def counted(job, progress):
        calls.append(job.pk)
        return three_rows(job, progress)

    kind(counted)
    job = job_request(user=world.secretary.user, kind=TEST_KIND)
    job_run(job.pk)
    job_run(job.pk)  # a second worker, or the task retried
    assert calls == [job.pk]


@pytest.fixture
def done_job(world, kind, settings, tmp_path):
    """The secretary's finished job, its file written by the job's own code."""
    settings.MEDIA_ROOT = tmp_path
    kind(three_rows)
    job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return job


OWNER_ONLY = {
    "secretary": 200,
    "leader_a": 404,
    "leader_b": 404,
    "member": 404,
    "viewer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("route", ["jobs:detail", "jobs:status", "jobs:file"])
def test_a_job_is_its_owners_alone(personas, done_job, route):
    url = reverse(route, args=[done_job.pk])
    for persona, expected in {"anonymous": 302, **OWNER_ONLY}.items():
        response = personas[persona].get(url)
        assert response.status_code == expected, persona
        if persona == "anonymous":
            assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_committees_other_members_do_not_see_the_secretarys_job(world, done_job):
    # Another person of the same branch with the same rights: still not theirs.
    from groups.models import CommitteeRole
    from tests.factories import CommitteeMembershipFactory, UserFactory, member_in_group

    deputy = member_in_group(world.group_b, name="副书记", user=UserFactory(username="deputy"))
    CommitteeMembershipFactory(
        term=world.branch.terms.get(), member=deputy, role=CommitteeRole.DEPUTY_SECRETARY
    )
    client = client_for(deputy.user)
    assert client.get(reverse("jobs:file", args=[done_job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[done_job.pk])).status_code == 404
    assert "测试导出" not in client.get(reverse("jobs:list")).content.decode()


def test_a_job_still_running_has_no_file(world, kind, secretary_client):
    kind(three_rows)
    job = job_request(user=world.secretary.user, kind=TEST_KIND)
    assert secretary_client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def test_my_downloads_lists_ones_own_jobs_newest_first(world, kind, personas, done_job):
    kind(three_rows)
    later = job_request(user=world.secretary.user, kind=TEST_KIND, title="第二个导出")
    job_request(user=world.leader_a.user, kind=TEST_KIND, title="别人的导出")
    page = personas["secretary"].get(reverse("jobs:list")).content.decode()
    assert "我的下载" in page
    assert page.index("第二个导出") < page.index("测试导出")
    assert "别人的导出" not in page
    assert reverse("jobs:file", args=[done_job.pk]) in page
    assert f'data-job-status-url="{reverse("jobs:status", args=[later.pk])}"' in page
    assert "等待后台任务处理" in page
    for persona in OWNER_ONLY:
        assert personas[persona].get(reverse("jobs:list")).status_code == 200
    empty = personas["viewer"].get(reverse("jobs:list")).content.decode()
    assert "您还没有要求生成任何文件。" in empty


def test_my_downloads_query_count_does_not_grow_with_jobs(
    world, kind, secretary_client, query_counter
):
    kind(three_rows)

    def grow():
        job = job_request(user=world.secretary.user, kind=TEST_KIND, branch=world.branch)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, file="jobs/x.txt")

    query_counter.assert_constant(lambda: secretary_client.get(reverse("jobs:list")), grow)


def test_every_page_links_to_my_downloads(secretary_client):
    assert (
        f'href="{reverse("jobs:list")}"' in secretary_client.get("/", follow=True).content.decode()
    )


def test_the_default_queue_is_the_database_and_the_variable_switches_it():
    script = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.TASKS['default']['BACKEND']))"
    )
    runs = run_in_processes(
        script,
        {
            value: {
                "DEBUG": "1",
                "DJANGO_SETTINGS_MODULE": "branchsite.settings",
                "TASKS_BACKEND": value,
                "PATH": "/usr/bin:/bin",
            }
            for value in ("", "database", "immediate", "redis")
        },
    )
    assert settings_of(runs[""]) == settings_of(runs["database"])
    assert settings_of(runs["database"]) == "django_tasks_db.DatabaseBackend"
    assert settings_of(runs["immediate"]) == "django_tasks.backends.immediate.ImmediateBackend"
    assert runs["redis"].returncode != 0
    assert "TASKS_BACKEND='redis' is not one of" in runs["redis"].stderr


def test_progress_is_a_heartbeat_and_a_job_whose_worker_stopped_is_failed(
    world, kind, secretary_client, settings
):
    import datetime

    from django.utils import timezone

    settings.JOB_STALE_MINUTES = 30
    kind(three_rows)
    lost = job_request(user=world.secretary.user, kind=TEST_KIND, title="中断的导出")
    alive = job_request(user=world.secretary.user, kind=TEST_KIND, title="进行中的导出")
    elsewhere = job_request(user=world.leader_a.user, kind=TEST_KIND, title="别人的导出")
    long_ago = timezone.now() - datetime.timedelta(minutes=31)
    Job.objects.filter(pk__in=[lost.pk, elsewhere.pk]).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    Job.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    from branchsite.jobs import Progress

    Progress(alive).advance(0)  # the worker still writes: the job is alive

    state = json.loads(secretary_client.get(reverse("jobs:status", args=[lost.pk])).content)
    assert (state["status"], state["finished"]) == ("failed", True)
    assert state["error"] == (
        "后台任务进程在处理这项工作时停止了。请重新提交；如果再次停止，请告诉网站管理员。"
    )
    page = secretary_client.get(reverse("jobs:list")).content.decode()
    assert "后台任务进程在处理这项工作时停止了" in page
    # Pages only read; the next request for work records it, for everyone's jobs.
    assert Job.objects.get(pk=lost.pk).status == JobStatus.RUNNING
    job_request(user=world.member.user, kind=TEST_KIND)
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert (statuses[lost.pk], statuses[elsewhere.pk], statuses[alive.pk]) == (
        JobStatus.FAILED,
        JobStatus.FAILED,
        JobStatus.RUNNING,
    )
    assert Job.objects.get(pk=lost.pk).error.startswith("后台任务进程在处理这项工作时停止了")


def test_old_finished_jobs_are_deleted_with_their_files_when_work_is_asked_for(
    world, kind, settings, tmp_path, django_capture_on_commit_callbacks
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    settings.JOB_KEEP_DAYS = 7
    kind(three_rows)
    old = job_request(user=world.leader_a.user, kind=TEST_KIND)
    recent = job_request(user=world.secretary.user, kind=TEST_KIND)
    job_run(old.pk)
    job_run(recent.pk)
    old.refresh_from_db()
    assert old.file and (tmp_path / old.file.name).is_file()
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))

    with django_capture_on_commit_callbacks(execute=True):
        job_request(user=world.secretary.user, kind=TEST_KIND)

    assert not Job.objects.filter(pk=old.pk).exists()
    assert not (tmp_path / old.file.name).exists()
    recent.refresh_from_db()
    assert (tmp_path / recent.file.name).is_file()
    assert Job.objects.count() == 2

    Job.objects.filter(pk=recent.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    out = __import__("io").StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_jobs", stdout=out)
    assert out.getvalue().strip() == "0 项任务的后台进程已停止，已标记为失败；已删除 1 项过期任务。"
    assert list(Job.objects.values_list("status", flat=True)) == [JobStatus.QUEUED]
    assert not (tmp_path / recent.file.name).exists()
