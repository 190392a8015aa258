"""The workbench's roster import: upload, preview row by row, confirm. Who may use it, how
the upload is kept between the steps, and what is written."""

import io
import re
import time

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from groups.models import GroupMembership
from members.models import Gender, Member
from members.roster import views as roster_views
from tests.factories import MemberFactory, UserFactory
from tests.members.roster.test_importing import (
    LI_ID,
    ZHANG_ID,
    messy_roster,
    simple_roster,
)

IMPORT_URL = reverse("admin:members_member_roster_import")
PREVIEW_URL = reverse("admin:members_member_roster_preview")
ERRORS_URL = reverse("admin:members_member_roster_errors")
CHANGELIST_URL = reverse("admin:members_member_changelist")


@pytest.fixture(autouse=True)
def private_upload_dir(staging_dir):
    return staging_dir


def upload(client, branch, stream, name="花名册.xlsx"):
    stream.name = name
    return client.post(IMPORT_URL, {"branch": branch.pk, "file": stream})


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.search(r"token=([^&]+)$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def preview(client, branch, stream):
    token = token_of(upload(client, branch, stream))
    return token, client.get(PREVIEW_URL, {"token": token})


# --------------------------------------------------------------------------- who gets in


def test_the_changelist_has_an_import_button(world, secretary_client):
    page = secretary_client.get(CHANGELIST_URL).content.decode()
    assert f'href="{IMPORT_URL}"' in page


@pytest.mark.parametrize("url", [IMPORT_URL, PREVIEW_URL, ERRORS_URL])
@pytest.mark.parametrize("persona", ["anonymous", "leader_a", "member", "viewer"])
def test_everyone_outside_the_committee_is_refused(world, personas, persona, url):
    response = personas[persona].get(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403


def test_the_secretary_sees_the_upload_form_for_their_own_branch_only(world, secretary_client):
    response = secretary_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert list(response.context["form"].fields["branch"].queryset) == [world.branch]


def test_another_branchs_secretary_cannot_import_into_this_branch(world, outsider_client):
    response = upload(outsider_client, world.branch, messy_roster())
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors
    assert not Member.objects.filter(name="张三").exists()


@pytest.mark.parametrize("url", [PREVIEW_URL, ERRORS_URL])
def test_a_preview_needs_this_sessions_token(world, secretary_client, url):
    token = token_of(upload(secretary_client, world.branch, messy_roster()))
    assert secretary_client.get(url, {"token": token + "x"}).status_code == 404
    assert secretary_client.get(url).status_code == 404
    # The same secretary in another browser (another session) cannot use it either.
    other_session = Client()
    other_session.force_login(world.secretary.user)
    assert other_session.get(url, {"token": token}).status_code == 404


def test_an_expired_upload_says_to_upload_it_again(world, secretary_client, monkeypatch):
    token = token_of(upload(secretary_client, world.branch, messy_roster()))
    later = time.time() + roster_views.ROSTER_STAGING.max_age + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = secretary_client.post(PREVIEW_URL, {"token": token})
    assert response.status_code == 404
    assert "上传的文件已过期，请重新上传。" in response.content.decode()
    assert not Member.objects.filter(name="张三").exists()


def test_a_token_for_another_user_is_useless(world, secretary_client, outsider_client):
    token = token_of(upload(secretary_client, world.branch, messy_roster()))
    session = outsider_client.session
    session[roster_views.SESSION_KEY] = token
    session.save()
    assert outsider_client.get(PREVIEW_URL, {"token": token}).status_code == 404
    assert outsider_client.post(PREVIEW_URL, {"token": token}).status_code == 404
    assert not Member.objects.filter(name="张三").exists()


def test_a_former_secretary_cannot_confirm_an_old_preview(world, secretary_client):
    token = token_of(upload(secretary_client, world.branch, messy_roster()))
    world.secretary.committee_posts.update(ended_on="2025-12-31")
    # Out of the committee, the workbench refuses them.
    response = secretary_client.post(PREVIEW_URL, {"token": token})
    assert response.status_code == 403
    assert not Member.objects.filter(name="张三").exists()


def test_a_staff_user_without_member_permissions_is_forbidden(world):
    client = Client()
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403


def test_a_superuser_chooses_among_all_branches(world):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(IMPORT_URL)
    assert set(response.context["form"].fields["branch"].queryset) == {
        world.branch,
        world.other_branch,
    }


# --------------------------------------------------------------------------- the three steps


def test_upload_preview_and_confirm(world, secretary_client, private_upload_dir):
    MemberFactory(
        branch=world.branch, name="李四", gender=Gender.FEMALE, id_number=LI_ID, phone="13700137000"
    )
    token, response = preview(secretary_client, world.branch, messy_roster())
    assert response.status_code == 200
    result = response.context["result"]
    assert result.errors == []
    assert [(o.number, o.name, o.action) for o in result.outcomes] == [
        (6, "张三", "create"),
        (7, "李四", "update"),
        (8, "王五", "create"),
        (9, "赵六", "create"),
    ]
    page = response.content.decode()
    assert "13700137000" in page and "13900139000" in page  # the change of 李四's phone
    assert f"身份证号：{ZHANG_ID}" in page  # what a new member's record will hold
    assert "党小组：A组" in page
    assert not Member.objects.filter(name="张三").exists()  # nothing written by the preview
    assert len(list(private_upload_dir.iterdir())) == 1

    response = secretary_client.post(PREVIEW_URL, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    zhang = Member.objects.get(name="张三")
    assert zhang.history.get().history_user == world.secretary.user
    assert GroupMembership.objects.current().get(member=zhang).group == world.group_a
    assert Member.objects.get(name="李四").phone == "13900139000"
    assert list(private_upload_dir.iterdir()) == []  # the upload is gone
    assert secretary_client.get(PREVIEW_URL, {"token": token}).status_code == 404


def test_the_upload_is_kept_under_a_random_name_the_browser_never_sees(
    world, secretary_client, private_upload_dir
):
    token = token_of(upload(secretary_client, world.branch, messy_roster(), name="../../x.xlsx"))
    (stored,) = private_upload_dir.iterdir()
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored.name)
    assert stored.name not in token  # signed and compressed, not a readable path
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_a_new_upload_replaces_the_previous_one(world, secretary_client, private_upload_dir):
    first = token_of(upload(secretary_client, world.branch, messy_roster()))
    token_of(upload(secretary_client, world.branch, messy_roster()))
    assert len(list(private_upload_dir.iterdir())) == 1
    assert secretary_client.get(PREVIEW_URL, {"token": first}).status_code == 404


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(world, secretary_client):
    response = upload(secretary_client, world.branch, io.BytesIO(b"name,gender\n"), "x.csv")
    assert response.status_code == 200
    assert ".xlsx" in " ".join(response.context["form"].errors["file"])


def test_a_file_with_too_many_rows_is_refused_on_the_form(world, secretary_client, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 2
    response = upload(secretary_client, world.branch, messy_roster())
    assert response.status_code == 200
    assert "2" in " ".join(response.context["form"].errors["file"])


def test_invalid_rows_are_listed_with_no_way_to_confirm(world, secretary_client):
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, None], ["李四", "女", "310110199001152421", None]]
    )
    token, response = preview(secretary_client, world.branch, stream)
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(3, "C")]
    page = response.content.decode()
    assert 'id="roster-errors"' in page
    assert 'name="token"' not in page  # no confirm form
    # Posting anyway writes nothing.
    response = secretary_client.post(PREVIEW_URL, {"token": token})
    assert response.status_code == 200
    assert not Member.objects.filter(name="张三").exists()


def test_the_errors_download_is_the_file_with_a_reason_column(world, secretary_client):
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, None], ["李四", "女", "310110199001152421", None]]
    )
    token, _ = preview(secretary_client, world.branch, stream)
    response = secretary_client.get(ERRORS_URL, {"token": token})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][:3] == ["李四", "女", "310110199001152421"]
    assert sheet["E3"].value
    assert sheet["E2"].value is None


def test_a_file_that_changes_nothing_has_nothing_to_confirm(world, secretary_client):
    MemberFactory(branch=world.branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID)
    _, response = preview(
        secretary_client, world.branch, simple_roster([["张三", "男", ZHANG_ID, None]])
    )
    assert response.context["result"].unchanged == 1
    assert 'name="token"' not in response.content.decode()


def test_a_conflict_found_at_confirmation_is_shown_and_nothing_written(world, secretary_client):
    token, response = preview(
        secretary_client, world.branch, simple_roster([["张三", "男", ZHANG_ID, None]])
    )
    assert response.context["result"].errors == []
    # Meanwhile someone records the same person in the other branch.
    MemberFactory(branch=world.other_branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID)
    response = secretary_client.post(PREVIEW_URL, {"token": token})
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "C")]
    assert Member.objects.filter(id_number=ZHANG_ID).count() == 1


def test_it_refuses_an_upload_folder_that_others_can_read(
    world, secretary_client, private_upload_dir
):
    private_upload_dir.mkdir(mode=0o755)
    private_upload_dir.chmod(0o755)
    with pytest.raises(ImproperlyConfigured):
        upload(secretary_client, world.branch, messy_roster())
    assert list(private_upload_dir.iterdir()) == []
