"""Every branch's year-end summary in one ZIP, made by the background worker for the upper
committee's viewer: asked for on the district's summaries page, read back file by file."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document

from branchsite.models import Job, JobStatus
from reports.district.jobs import DISTRICT_SUMMARIES_ZIP
from reports.yearend import services
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.reports.test_district import district_with
from tests.reports.test_minutes_pdf import pdf_text

YEAR = 2026


def zip_url(district) -> str:
    return reverse("district:summaries_zip", args=[district.pk])


@pytest.mark.django_db
def test_only_the_districts_viewer_may_ask_and_only_by_post(db):
    district, branches, viewer = district_with(1)
    _, _, other_viewer = district_with(1, name="另一区教育工委", prefix="外")
    secretary = branches[0].members.get(name="校0书记")
    secretary.user = UserFactory(username="zip-secretary")
    secretary.save()
    assert client_for(viewer).get(zip_url(district)).status_code == 405
    assert client_for(secretary.user).post(zip_url(district), {"year": YEAR}).status_code == 403
    assert client_for(other_viewer).post(zip_url(district), {"year": YEAR}).status_code == 404
    assert Job.objects.count() == 0
    response = client_for(viewer).post(zip_url(district), {"year": YEAR})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.user, job.kind, job.branch) == (viewer, DISTRICT_SUMMARIES_ZIP, None)
    assert job.parameters == {"district": district.pk, "year": YEAR}


@pytest.mark.django_db(transaction=True)
def test_the_worker_puts_each_written_summary_in_the_zip_as_pdf_and_word(worker, tmp_path):
    district, branches, viewer = district_with(3)
    for branch in branches[:2]:
        services.document_open(branch=branch, kind="summary", year=YEAR, acting_user=None)
    client = client_for(viewer)
    page = client.get(reverse("district:summaries", args=[district.pk]), {"year": YEAR})
    assert zip_url(district) in page.content.decode()
    client.post(zip_url(district), {"year": YEAR})

    worker.run()

    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert [name.split("/")[0] for name in names] == ["校0党支部"] * 2 + ["校1党支部"] * 2
    pdf = next(name for name in names if name.startswith("校1") and name.endswith(".pdf"))
    assert "校1党支部" in pdf_text(archive.read(pdf), tmp_path)
    word = next(name for name in names if name.startswith("校0") and name.endswith(".docx"))
    paragraphs = [p.text for p in Document(io.BytesIO(archive.read(word))).paragraphs]
    assert any("校0党支部" in text for text in paragraphs)


@pytest.mark.django_db(transaction=True)
def test_with_no_summary_written_the_job_says_so_and_makes_no_file(worker):
    district, _, viewer = district_with(1)
    client_for(viewer).post(zip_url(district), {"year": YEAR})

    worker.run()

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "还没有党支部保存这一年的工作总结。"
    assert not job.file
