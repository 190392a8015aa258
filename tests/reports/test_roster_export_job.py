"""The roster of a whole branch as a background job (reports.jobs): the member list's button
asks for it, only the committee may, the real worker makes it with the list's filters, its
progress counts the members, and the file read back is the roster; a requester who may no
longer have it gets a Chinese reason and no file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branchsite.models import Job, JobStatus
from reports.jobs import ROSTER_EXPORT
from tests.conftest import client_for
from tests.factories import member_in_group

REQUEST_PERMISSIONS = {
    "anonymous": 302,
    "secretary": 302,  # to the job's page
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 403,  # upper-committee viewers never get the unmasked roster
    "outsider": 404,
}


def request_url(branch, query: str = "") -> str:
    url = reverse("reports:roster_export_job", args=[branch.pk])
    return f"{url}?{query}" if query else url


def names_in(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "姓名"
    return {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}


def downloaded(client, job) -> bytes:
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona, status", REQUEST_PERMISSIONS.items())
def test_only_the_branch_committee_may_ask_for_the_roster(world, personas, persona, status):
    response = personas[persona].post(request_url(world.branch))
    assert response.status_code == status
    if persona == "secretary":
        job = Job.objects.get()
        assert response["Location"] == reverse("jobs:detail", args=[job.pk])
        assert (job.user, job.branch, job.kind) == (
            world.secretary.user,
            world.branch,
            ROSTER_EXPORT,
        )
    else:
        assert Job.objects.count() == 0


def test_asking_is_a_post(world, secretary_client):
    assert secretary_client.get(request_url(world.branch)).status_code == 405
    assert Job.objects.count() == 0


def test_the_member_lists_button_asks_for_it_with_the_lists_filters(
    world, secretary_client, monkeypatch
):
    import members.views

    monkeypatch.setattr(members.views, "DIRECT_EXPORT_MAX_ROWS", -1)  # any roster is long
    page = secretary_client.get(
        reverse("members:member_list", args=[world.branch.pk]), {"category": "probationary"}
    ).content.decode()
    action = f'<form method="post" action="{request_url(world.branch)}?category=probationary'
    form = page[page.index(action) :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert ">导出 Excel</button>" in form


def test_only_the_lists_own_filters_are_kept(world, secretary_client):
    secretary_client.post(
        request_url(world.branch, f"group={world.group_b.pk}&q={'x' * 500}&evil=1&page=3")
    )
    assert Job.objects.get().parameters == {
        "filters": {"group": str(world.group_b.pk), "q": "x" * 200}
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_the_whole_branchs_roster(world, worker):
    client = client_for(world.secretary.user)
    response = client.post(request_url(world.branch))
    job = Job.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "等待后台任务处理" in page

    worker.run()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 6, 6)
    assert job.stage == "已完成"
    assert job.filename.startswith("一支部党员花名册") and job.filename.endswith(".xlsx")
    assert job.title == "一支部党员花名册"
    assert names_in(downloaded(client, job)) == {
        "书记",
        "甲组长",
        "普通党员",
        "乙组长",
        "乙组党员一",
        "乙组党员二",
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_the_lists_filters_and_counts_rows_as_it_writes(world, worker):
    for number in range(450):
        member_in_group(world.group_b, name=f"乙组新党员{number:03}")
    client = client_for(world.secretary.user)
    client.post(request_url(world.branch, f"group={world.group_b.pk}"))
    job = Job.objects.get()

    worker.run()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 453, 453)
    names = names_in(downloaded(client, job))
    assert len(names) == 453
    assert {"乙组长", "乙组党员一", "乙组新党员449"} <= names
    assert "甲组长" not in names


@pytest.mark.django_db(transaction=True)
def test_a_requester_who_may_no_longer_have_it_is_told_so_and_gets_no_file(world, worker):
    from branchsite.jobs import job_request

    # Asked for while on the committee, say, and no longer on it when the worker runs.
    job = job_request(user=world.leader_a.user, kind=ROSTER_EXPORT, branch=world.branch)

    worker.run()

    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == (
        JobStatus.FAILED,
        "您已不能导出本支部的花名册。",
        "",
    )
    client = client_for(world.leader_a.user)
    assert (
        "您已不能导出本支部的花名册。"
        in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404
    media = worker.media_root_path
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
