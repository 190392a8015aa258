"""Uploads are reached only through access-checked views: no address serves MEDIA_ROOT, not
even in development, and every link the site draws (the workbench's included) leads to the
checked view."""

import datetime
import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from members.models import Category, RecruitmentStep
from members.recruitment import recruitment_step_record
from tests.factories import MemberFactory
from tests.pdf_files import PDF


@pytest.fixture
def record_with_document(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = MemberFactory(
        branch=world.branch,
        category=Category.APPLICANT,
        birth_date=datetime.date(1990, 1, 1),
        joined_on=None,
        full_member_on=None,
    )
    result = recruitment_step_record(
        member=person,
        step=RecruitmentStep.objects.get(code="application"),
        on=datetime.date(2025, 3, 1),
        acting_user=world.secretary.user,
        today=datetime.date(2025, 3, 2),
        document=SimpleUploadedFile("入党申请书.pdf", PDF, content_type="application/pdf"),
        reference="档案盒1-1",
    )
    return result.record


@override_settings(DEBUG=True)
def test_no_address_serves_the_upload_folder_even_in_development():
    urls = importlib.import_module("branchsite.urls")
    try:
        reloaded = importlib.reload(urls)
        prefixes = [str(pattern.pattern) for pattern in reloaded.urlpatterns]
        assert not [prefix for prefix in prefixes if prefix.startswith("media")]
    finally:
        importlib.reload(urls)
    with pytest.raises(Resolver404):
        resolve("/media/recruitment/1/x.pdf")


def test_a_files_link_is_its_checked_view(record_with_document):
    expected = reverse("recruitment:document", args=[record_with_document.pk])
    assert record_with_document.document.url == expected


def test_the_workbench_links_an_upload_through_the_checked_view(
    record_with_document, secretary_client
):
    change = reverse("admin:members_recruitmentrecord_change", args=[record_with_document.pk])
    page = secretary_client.get(change).content.decode()
    assert reverse("recruitment:document", args=[record_with_document.pk]) in page
    assert "/media/" not in page


def test_the_checked_view_serves_the_committee_and_refuses_others(
    record_with_document, secretary_client, member_client, outsider_client
):
    url = record_with_document.document.url
    response = secretary_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert member_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
