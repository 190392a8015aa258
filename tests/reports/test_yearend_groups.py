"""A party group's summary and plan: its leader drafts and downloads them (from a phone
too), the committee may too, viewers read them; the secretary downloads every group's
documents of a year in one ZIP."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from reports.models import YearDocument
from reports.yearend import services
from tests.conftest import assert_matrix, client_for

YEAR = timezone.localdate().year


@pytest.fixture
def group_summary(world) -> YearDocument:
    return services.document_open(
        branch=world.branch,
        group=world.group_a,
        kind="summary",
        year=YEAR,
        acting_user=world.leader_a.user,
    )


def test_who_may_see_a_groups_documents(personas, world):
    url = reverse("reports:group_documents", args=[world.group_a.pk])
    assert_matrix(
        personas,
        "get",
        url,
        {
            "secretary": 200,
            "viewer": 200,
            "leader_a": 200,
            "leader_b": 403,
            "member": 403,
            "outsider": 404,
        },
    )


def test_who_may_draft_a_groups_document(personas, world):
    url = reverse("reports:group_document_start", args=[world.group_a.pk, YEAR, "plan"])
    assert_matrix(
        personas,
        "post",
        url,
        {
            "secretary": 302,
            "viewer": 403,
            "leader_a": 302,
            "leader_b": 403,
            "member": 403,
            "outsider": 404,
        },
    )
    assert YearDocument.objects.get(group=world.group_a, kind="plan").versions.count() == 1


def test_a_groups_draft_is_about_the_group(world, group_summary):
    page = client_for(world.leader_a.user).get(
        reverse("reports:year_document", args=[group_summary.pk])
    )
    printed = page.context["printed"]
    text = "".join(block.text for block in printed.blocks)
    assert printed.title == f"A组{YEAR}年工作总结"
    assert printed.signature == "A组"
    assert "党小组现有党员3名" in text  # A: the secretary, its leader and a member
    assert "党小组长为甲组长同志" in text
    assert page.context["form"] is not None  # the leader writes it


def test_the_other_groups_leader_may_not_read_it(world, group_summary):
    client = client_for(world.leader_b.user)
    assert client.get(reverse("reports:year_document", args=[group_summary.pk])).status_code == 403
    url = reverse("reports:year_document_file", args=[group_summary.pk, "pdf"])
    assert client.get(url).status_code == 403


def test_the_leader_downloads_the_word_file(world, group_summary):
    url = reverse("reports:year_document_file", args=[group_summary.pk, "docx"])
    response = client_for(world.leader_a.user).get(url)
    assert response.status_code == 200
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(response.content)).paragraphs)
    assert f"A组{YEAR}年工作总结" in text


def test_who_may_download_the_groups_zip(personas, world, group_summary):
    url = reverse("reports:group_documents_zip", args=[world.branch.pk, YEAR])
    assert_matrix(
        personas,
        "get",
        url,
        {
            "secretary": 200,
            "viewer": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "outsider": 404,
        },
    )


def test_the_zip_holds_each_groups_documents_as_pdf_and_word(
    secretary_client, world, group_summary
):
    services.document_open(
        branch=world.branch,
        group=world.group_b,
        kind="plan",
        year=YEAR,
        acting_user=world.leader_b.user,
    )
    response = secretary_client.get(
        reverse("reports:group_documents_zip", args=[world.branch.pk, YEAR])
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        f"A组/A组{YEAR}年工作总结.docx",
        f"A组/A组{YEAR}年工作总结.pdf",
        f"B组/B组{YEAR}年工作计划.docx",
        f"B组/B组{YEAR}年工作计划.pdf",
    ]
    assert archive.read(f"A组/A组{YEAR}年工作总结.pdf").startswith(b"%PDF")
    word = WordDocument(io.BytesIO(archive.read(f"B组/B组{YEAR}年工作计划.docx")))
    assert any("指导思想" in p.text for p in word.paragraphs)


def test_without_group_documents_there_is_no_zip(secretary_client, world):
    url = reverse("reports:group_documents_zip", args=[world.branch.pk, YEAR])
    assert secretary_client.get(url).status_code == 404


def test_the_branch_list_links_each_group_and_the_zip(secretary_client, world, group_summary):
    page = secretary_client.get(reverse("reports:year_documents", args=[world.branch.pk]))
    content = page.content.decode()
    assert reverse("reports:group_documents", args=[world.group_a.pk]) in content
    assert reverse("reports:group_documents_zip", args=[world.branch.pk, YEAR]) in content


def test_a_leader_keeps_the_items_of_the_groups_plan(world):
    plan = services.document_open(
        branch=world.branch,
        group=world.group_a,
        kind="plan",
        year=YEAR,
        acting_user=world.leader_a.user,
    )
    add = reverse("reports:plan_item_add", args=[plan.pk])
    data = {"title": "每月一次党小组学习", "month": "12", "note": ""}
    assert client_for(world.leader_a.user).post(add, data).status_code == 302
    assert client_for(world.leader_b.user).post(add, data).status_code == 403
    assert [item.title for item in plan.plan_items.all()] == ["每月一次党小组学习"]
