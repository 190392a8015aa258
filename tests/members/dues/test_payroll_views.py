"""The committee's payroll import page: upload → preview → confirm. Who may use it, how the
upload is kept between the steps, what the preview shows and what is written."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.dues import payroll_views
from members.models import DuesBasis, Employment, Member
from tests.conftest import assert_matrix, client_for
from tests.factories import UserFactory
from tests.members.dues.payroll_files import (
    LEADER_B_ID,
    MEMBER_ID,
    SECRETARY_ID,
    school_payroll,
    simple_payroll,
    staff_id,
    whole_staff_payroll,
)
from tests.members.roster.other_formats import as_ods, as_xls


@pytest.fixture(autouse=True)
def private_upload_dir(staging_dir):
    return staging_dir


@pytest.fixture
def staff(world):
    for member, number in [
        (world.secretary, SECRETARY_ID),
        (world.member, MEMBER_ID),
        (world.leader_b, LEADER_B_ID),
    ]:
        Member.objects.filter(pk=member.pk).update(id_number=number)
    Member.objects.filter(pk=world.leader_b.pk).update(employment=Employment.RETIRED)
    return world


def urls(branch) -> dict[str, str]:
    return {
        name: reverse(f"payroll:{name}", args=[branch.pk])
        for name in ("upload", "preview", "errors")
    }


def upload(client, branch, stream, name="工资表.xlsx", starts_on="2026-01"):
    stream.name = name
    return client.post(urls(branch)["upload"], {"file": stream, "starts_on": starts_on})


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    match = re.search(r"token=([^&]+)$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def preview(client, branch, stream, **kwargs):
    token = token_of(upload(client, branch, stream, **kwargs))
    return token, client.get(urls(branch)["preview"], {"token": token})


# --------------------------------------------------------------------------- who gets in


@pytest.mark.parametrize("page", ["upload", "preview", "errors"])
def test_only_the_committee_gets_in(world, personas, page):
    expected = {
        "secretary": 200 if page == "upload" else 404,  # 404: no upload waiting
        "leader_a": 403,
        "leader_b": 403,
        "member": 403,
        "viewer": 403,
        "outsider": 404,
    }
    assert_matrix(personas, "get", urls(world.branch)[page], expected)


def test_the_url_is_mounted_under_dues_import(world):
    assert urls(world.branch)["upload"] == f"/dues/import/branches/{world.branch.pk}/"


def test_no_one_outside_the_committee_can_upload_or_confirm(staff, personas):
    token = token_of(upload(personas["secretary"], staff.branch, school_payroll()))
    for name in ("leader_a", "member", "viewer", "outsider"):
        client = personas[name]
        session = client.session
        session[payroll_views.SESSION_KEY] = token
        session.save()
        assert upload(client, staff.branch, school_payroll()).status_code in (403, 404)
        response = client.post(urls(staff.branch)["preview"], {"token": token})
        assert response.status_code in (403, 404)
    assert DuesBasis.objects.count() == 0


def test_a_former_secretary_cannot_confirm_an_old_preview(staff, secretary_client):
    token = token_of(upload(secretary_client, staff.branch, school_payroll()))
    staff.secretary.committee_posts.update(ended_on="2025-12-31")
    response = secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert response.status_code == 403
    assert DuesBasis.objects.count() == 0


def test_a_preview_needs_this_sessions_token_for_this_branch(staff, secretary_client):
    token = token_of(upload(secretary_client, staff.branch, school_payroll()))
    preview_url = urls(staff.branch)["preview"]
    assert secretary_client.get(preview_url, {"token": token + "x"}).status_code == 404
    other_session = client_for(staff.secretary.user)
    assert other_session.get(preview_url, {"token": token}).status_code == 404
    # A superuser's upload for one branch is not found under another's address.
    root = Client()
    root.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    token = token_of(upload(root, staff.branch, school_payroll()))
    other_url = urls(staff.other_branch)["preview"]
    assert root.post(other_url, {"token": token}).status_code == 404
    assert DuesBasis.objects.count() == 0


# --------------------------------------------------------------------------- the three steps


def test_the_month_defaults_to_january_of_this_year(world, secretary_client):
    response = secretary_client.get(urls(world.branch)["upload"])
    january = timezone.localdate().replace(month=1, day=1)
    assert response.context["form"]["starts_on"].value() == january
    assert f'value="{january:%Y-%m}"' in response.content.decode()


def test_upload_preview_and_confirm(staff, secretary_client, private_upload_dir):
    token, response = preview(secretary_client, staff.branch, school_payroll())
    assert response.status_code == 200
    result = response.context["result"]
    assert result.errors == []
    page = response.content.decode()
    assert "岗位工资 + 薪级工资 + 绩效工资 + 津贴补贴 − 个人所得税" in page
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>(.*?)</tr>", page, re.S)
    figures = {name: re.findall(r"\d+\.\d\d", cells) for _, name, cells in rows}
    assert figures == {
        "书记": ["7180.00", "107.70"],
        "普通党员": ["4000.00", "40.00"],
        "乙组长": ["5000.00", "25.00"],
    }
    assert "172.70" in page  # the month's dues of the three
    assert DuesBasis.objects.count() == 0  # nothing written by the preview
    assert len(list(private_upload_dir.iterdir())) == 1

    response = secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("dues:branch", args=[staff.branch.pk])
    basis = DuesBasis.objects.get(member=staff.secretary)
    assert (basis.starts_on, basis.monthly_base) == (datetime.date(2026, 1, 1), Decimal("7180"))
    assert basis.history.get().history_user == staff.secretary.user
    assert DuesBasis.objects.count() == 3
    assert list(private_upload_dir.iterdir()) == []  # the upload is gone
    assert secretary_client.get(urls(staff.branch)["preview"], {"token": token}).status_code == 404


def test_the_preview_shows_the_old_base_beside_the_new(staff, secretary_client):
    DuesBasis.objects.create(
        member=staff.member, monthly_base=Decimal("3500"), starts_on=datetime.date(2025, 1, 1)
    )
    _, response = preview(secretary_client, staff.branch, school_payroll())
    page = response.content.decode()
    row = re.search(r"<td>普通党员</td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r"\d+\.\d\d", row) == ["3500.00", "4000.00", "35.00", "40.00"]


@pytest.mark.parametrize("convert", [as_xls, as_ods], ids=["xls", "ods"])
def test_an_xls_or_ods_file_is_imported_the_same_way(staff, secretary_client, convert):
    token, response = preview(
        secretary_client, staff.branch, convert(school_payroll()), name="工资表.bin"
    )
    assert response.context["result"].errors == []
    secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert DuesBasis.objects.get(member=staff.member).monthly_base == Decimal("4000.00")
    assert DuesBasis.objects.get(member=staff.leader_b).category == "retired"


def test_the_chosen_month_is_the_bases_first(staff, secretary_client):
    token, _ = preview(secretary_client, staff.branch, school_payroll(), starts_on="2026-09")
    secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert set(DuesBasis.objects.values_list("starts_on", flat=True)) == {datetime.date(2026, 9, 1)}


def test_a_month_far_from_now_is_refused_on_the_form(world, secretary_client):
    response = upload(secretary_client, world.branch, school_payroll(), starts_on="1926-01")
    assert response.status_code == 200
    assert "starts_on" in response.context["form"].errors


def test_a_file_that_is_not_a_payroll_sheet_is_refused_on_the_form(world, secretary_client):
    response = upload(secretary_client, world.branch, io.BytesIO(b"name,pay\n"), "x.csv")
    assert response.status_code == 200
    assert ".xlsx" in " ".join(response.context["form"].errors["file"])
    roster = simple_payroll([["书记", "男"]], ("姓名", "性别"))
    response = upload(secretary_client, world.branch, roster)
    assert "党费基数" in " ".join(response.context["form"].errors["file"])


def test_bad_rows_are_listed_with_no_way_to_confirm_and_nothing_is_written(staff, secretary_client):
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["普通党员", None, "四千"]])
    token, response = preview(secretary_client, staff.branch, stream)
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(3, "C")]
    page = response.content.decode()
    assert 'id="payroll-errors"' in page and "四千" in page
    assert 'name="token"' not in page  # no confirm form
    response = secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert response.status_code == 200
    assert DuesBasis.objects.count() == 0


def test_the_errors_download_is_the_file_with_a_reason_column(staff, secretary_client):
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["普通党员", None, -4000]])
    token, _ = preview(secretary_client, staff.branch, stream)
    response = secretary_client.get(urls(staff.branch)["errors"], {"token": token})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[3]][:3] == ["普通党员", None, -4000]
    assert "-4000" in sheet["D3"].value
    assert sheet["D2"].value is None


def test_a_file_that_changes_nothing_has_nothing_to_confirm(staff, secretary_client):
    DuesBasis.objects.create(
        member=staff.member, monthly_base=Decimal("4000"), starts_on=datetime.date(2026, 1, 1)
    )
    stream = simple_payroll([["普通党员", None, 4000]])
    _, response = preview(secretary_client, staff.branch, stream)
    assert response.context["result"].unchanged == 1
    assert 'name="token"' not in response.content.decode()


# --------------------------------------------------------------------------- staff, not members


def test_a_whole_staff_payroll_imports_the_members_and_folds_the_others(staff, secretary_client):
    token, response = preview(secretary_client, staff.branch, whole_staff_payroll(others=80))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="payroll-errors"' not in page
    skipped = re.search(r'<details class="mb-3" id="payroll-skipped">(.*?)</details>', page, re.S)
    assert skipped, "the skipped rows are folded, closed"
    assert "已跳过：不是本支部党员（80 行）" in skipped.group(1)
    listed = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", skipped.group(1))
    assert listed[0] == ("5", "教师00") and listed[-1] == ("84", "教师79")
    assert len(listed) == 80
    bases = re.search(r'id="payroll-bases">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>\s*<td>([^<]+)</td>", bases) == [
        ("2", "书记"),
        ("3", "普通党员"),
        ("4", "乙组长"),
    ]
    absent = re.search(r'id="payroll-absent">(.*?)</div>', page, re.S).group(1)
    assert "表中没有以下党员的工资数据，其党费基数保持不变" in absent
    assert "甲组长" in absent and "乙组党员一" in absent and "书记" not in absent
    response = secretary_client.post(urls(staff.branch)["preview"], {"token": token}, follow=True)
    assert DuesBasis.objects.count() == 3
    assert "80" in " ".join(str(message) for message in response.context["messages"])


def test_a_file_with_no_members_row_is_refused_with_no_way_to_confirm(staff, secretary_client):
    stream = simple_payroll([["外支部书记", None, 6000], ["教师", staff_id(1), 5000]])
    token, response = preview(secretary_client, staff.branch, stream)
    page = response.content.decode()
    assert 'id="payroll-refusal"' in page and "一支部" in page
    assert '<details class="mb-3" id="payroll-skipped" open>' in page
    assert 'id="payroll-bases"' not in page and 'name="token"' not in page
    response = secretary_client.post(urls(staff.branch)["preview"], {"token": token})
    assert response.status_code == 200
    assert DuesBasis.objects.count() == 0


def test_a_sheet_without_identity_numbers_warns_that_names_alone_match(staff, secretary_client):
    _, response = preview(
        secretary_client, staff.branch, simple_payroll([["书记", 7000]], ("姓名", "党费基数"))
    )
    page = response.content.decode()
    assert 'id="payroll-names-only"' in page
    assert "data-by-name" not in page  # one warning for the sheet, not a badge a row


def test_a_row_found_by_name_alone_in_a_sheet_with_numbers_is_marked(staff, secretary_client):
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["普通党员", None, 4000]])
    _, response = preview(secretary_client, staff.branch, stream)
    page = response.content.decode()
    assert 'id="payroll-names-only"' not in page
    marked = re.findall(r"<td>(\d+)</td>\s*<td>([^<]+)</td>(?:(?!</tr>).)*data-by-name", page, re.S)
    assert marked == [("3", "普通党员")]


def test_the_preview_of_a_whole_staff_payroll_costs_the_same_queries_for_more_staff(
    staff, secretary_client, query_counter
):
    others = 5

    def page():
        _, response = preview(secretary_client, staff.branch, whole_staff_payroll(others=others))
        assert response.status_code == 200

    def grow():
        nonlocal others
        others += 20

    query_counter.assert_constant(page, grow)
