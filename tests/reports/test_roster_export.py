"""The roster export: who may download it, what the workbook looks like, that the list's
filters apply, that its query count does not grow with members, and that importing it again
changes nothing."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from groups.models import GroupMembership
from members.models import Category, Education, Employment, Gender, Member, Status
from members.roster import COLUMNS, roster_import, roster_read
from members.roster.columns import EXPORT_COLUMNS
from members.selectors import party_age
from members.validators import id_check_character
from tests.factories import MemberFactory, member_in_group

EXPORT_PERMISSIONS = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 403,  # upper-committee viewers see masked lists, never the unmasked file
    "outsider": 404,
}

HEADERS = [
    "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部",
    "所在党小组", "加入党组织日期", "转为正式党员日期", "党龄", "工作岗位", "联系电话", "家庭住址",
    "党籍状态", "是否失联", "失联日期", "是否流动", "流动去向", "组室/教研组", "职务", "职称",
    "参加工作日期", "籍贯", "党费缴至年月", "在职/退休",
]  # fmt: skip


def id_number(birth: str, sequence: str) -> str:
    first = "310110" + birth + sequence
    return first + id_check_character(first)


def export_url(branch, query: str = "") -> str:
    url = reverse("reports:roster_export", args=[branch.pk])
    return f"{url}?{query}" if query else url


def download(client, branch, query: str = ""):
    response = client.get(export_url(branch, query))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def rows_by_name(sheet) -> dict[str, dict]:
    headers = [cell.value for cell in sheet[2]]
    rows = {}
    for row in sheet.iter_rows(min_row=3):
        values = dict(zip(headers, row, strict=True))
        rows[values["姓名"].value] = values
    return rows


@pytest.fixture
def zhang(world):
    """A member with every field filled, some of them awkward."""
    member = member_in_group(
        world.group_b,
        name="张三",
        gender=Gender.MALE,
        id_number=id_number("19850308", "123"),
        ethnicity="回族",
        birth_date=datetime.date(1985, 3, 8),
        education=Education.MASTER,
        joined_on=datetime.date(2009, 7, 1),
        full_member_on=datetime.date(2010, 7, 1),
        job="专业技术人员（教师）",
        phone="13800138000",
        address='=HYPERLINK("http://evil.example","点击")',
        lost_contact=True,
        lost_contact_on=datetime.date(2024, 1, 15),
        mobile=True,
        mobile_destination="+云南支教",
        office="@数学组",
        position="-教导主任",
        professional_title="一级教师",
        work_started_on=datetime.date(2007, 9, 1),
        native_place="浙江宁波",
        dues_paid_until=datetime.date(2025, 6, 1),
        employment=Employment.IN_SERVICE,
    )
    return member


@pytest.mark.parametrize("persona, status", EXPORT_PERMISSIONS.items())
def test_only_the_branch_committee_may_export(world, personas, persona, status):
    url = export_url(world.branch)
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_unknown_branch_is_not_found(world, secretary_client):
    assert secretary_client.get(reverse("reports:roster_export", args=[999_999])).status_code == 404


def test_a_roster_of_a_large_branch_is_offered_in_the_background_instead(
    world, secretary_client, monkeypatch
):
    import reports.views

    monkeypatch.setattr(reports.views, "DIRECT_EXPORT_MAX_ROWS", 5)  # the world has 6
    response = secretary_client.get(export_url(world.branch, "category=full"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "该花名册将在后台生成" in page
    background = reverse("reports:roster_export_job", args=[world.branch.pk])
    assert f'action="{background}?category=full"' in page
    # A filtered export within the limit still comes at once.
    small = secretary_client.get(export_url(world.branch, f"group={world.group_a.pk}"))
    assert small["Content-Disposition"].startswith("attachment;")


def test_the_download_is_an_xlsx_attachment_named_after_the_branch(world, secretary_client):
    response = secretary_client.get(export_url(world.branch))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"


def test_the_workbook_has_a_merged_title_a_frozen_header_and_print_settings(
    world, secretary_client
):
    sheet = download(secretary_client, world.branch)
    assert sheet["A1"].value == _("%(branch)s Party member roster") % {"branch": "一支部"}
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:AA1"]
    assert [cell.value for cell in sheet[2]] == HEADERS
    assert sheet["A2"].font.bold
    assert sheet.freeze_panes == "B3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    # Wide enough for Chinese: two units a character, more for numbers and addresses.
    widths = {
        c.header: sheet.column_dimensions[get_column_letter(i)].width
        for i, c in enumerate(EXPORT_COLUMNS, 1)
    }
    assert widths["公民身份号码"] >= 20
    assert widths["家庭住址"] >= 24
    assert widths["姓名"] >= 8


def test_every_member_on_the_roll_is_a_row_with_their_group(world, secretary_client):
    rows = rows_by_name(download(secretary_client, world.branch))
    assert set(rows) == {"书记", "甲组长", "普通党员", "乙组长", "乙组党员一", "乙组党员二"}
    assert rows["甲组长"]["所在党小组"].value == "A组"
    assert rows["乙组党员一"]["所在党小组"].value == "B组"
    assert rows["书记"]["所在党支部"].value == "一支部"
    assert rows["书记"]["人员类别"].value == "正式党员"


def test_the_cells_are_typed_unmasked_and_escaped(world, secretary_client, zhang):
    row = rows_by_name(download(secretary_client, world.branch))["张三"]
    identity = row["公民身份号码"]
    assert (identity.value, identity.data_type, identity.number_format) == (
        zhang.id_number,
        "s",
        "@",
    )
    assert row["联系电话"].value == "13800138000"  # unmasked: the secretary's own file
    assert row["联系电话"].data_type == "s"
    assert row["出生日期"].value == datetime.datetime(1985, 3, 8)
    assert row["出生日期"].number_format == "yyyy-mm-dd"
    assert row["加入党组织日期"].is_date
    assert row["党费缴至年月"].value == datetime.datetime(2025, 6, 1)
    assert row["党费缴至年月"].number_format == "yyyy-mm"
    assert [row[h].value for h in ("性别", "民族", "学历", "党籍状态", "在职/退休")] == [
        "男",
        "回族",
        "硕士研究生",
        "正常",
        "在职",
    ]
    assert (row["是否失联"].value, row["是否流动"].value) == ("是", "是")
    for header, value in [
        ("家庭住址", zhang.address),
        ("流动去向", "+云南支教"),
        ("组室/教研组", "@数学组"),
        ("职务", "-教导主任"),
    ]:
        cell = row[header]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True), header
    assert row["职称"].quotePrefix is False


def test_the_party_age_counts_from_full_membership_and_is_empty_before_it(
    world, secretary_client, zhang
):
    MemberFactory(branch=world.branch, name="预备党员", probationary=True)
    rows = rows_by_name(download(secretary_client, world.branch))
    expected = party_age(zhang, datetime.date.today())  # full member since 1 July 2010
    assert expected >= 15
    assert (rows["张三"]["党龄"].value, rows["张三"]["党龄"].data_type) == (expected, "n")
    assert rows["预备党员"]["党龄"].value is None


def test_no_cell_is_a_formula(world, secretary_client, zhang):
    sheet = download(secretary_client, world.branch)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_list_filters_apply_to_the_export(world, secretary_client):
    MemberFactory(branch=world.branch, name="已转出者", status=Status.TRANSFERRED_OUT)
    probationary = member_in_group(world.group_a, name="预备者", probationary=True)
    assert set(rows_by_name(download(secretary_client, world.branch, "category=probationary"))) == {
        probationary.name
    }
    in_b = rows_by_name(download(secretary_client, world.branch, f"group={world.group_b.pk}"))
    assert set(in_b) == {"乙组长", "乙组党员一", "乙组党员二"}
    moved = download(secretary_client, world.branch, "status=transferred_out")
    assert set(rows_by_name(moved)) == {"已转出者"}
    assert set(rows_by_name(download(secretary_client, world.branch, "q=组长"))) == {
        "甲组长",
        "乙组长",
    }


def test_an_empty_roster_is_still_a_roster(world, secretary_client):
    sheet = download(secretary_client, world.branch, "status=exited")
    assert sheet.max_row == 2
    assert sheet["A2"].value == "姓名"


def test_its_query_count_does_not_grow_with_members(world, secretary_client, query_counter):
    counter = iter(range(1000))

    def grow():
        n = next(counter)
        member_in_group(world.group_a if n % 2 else world.group_b, name=f"新党员{n}")

    def export():
        assert secretary_client.get(export_url(world.branch)).status_code == 200

    query_counter.assert_constant(export, grow, times=5)
    # Filtered by group, too.
    url = export_url(world.branch, f"group={world.group_a.pk}")
    query_counter.assert_constant(lambda: secretary_client.get(url), grow, times=5)


def test_an_exported_roster_imports_again_without_changing_anything(world, secretary_client, zhang):
    MemberFactory(
        branch=world.branch,
        name="李四",
        gender=Gender.FEMALE,
        id_number="",
        birth_date=None,
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2025, 9, 1),
        full_member_on=None,
        employment=Employment.RETIRED,
        ethnicity="",
    )
    response = secretary_client.get(export_url(world.branch))
    counts = (
        Member.objects.count(),
        Member.history.count(),
        GroupMembership.objects.count(),
        GroupMembership.history.count(),
    )
    sheet = roster_read(io.BytesIO(response.content))
    result = roster_import(
        branch=world.branch, rows=sheet.rows, sheet=sheet, acting_user=world.secretary.user
    )
    assert result.errors == []
    assert result.unchanged == len(sheet.rows) == 8
    assert (result.created, result.updated) == (0, 0)
    assert counts == (
        Member.objects.count(),
        Member.history.count(),
        GroupMembership.objects.count(),
        GroupMembership.history.count(),
    )
    zhang_after = Member.objects.get(pk=zhang.pk)
    for field in [c.key for c in COLUMNS if c.key not in ("branch", "group")]:
        assert getattr(zhang_after, field) == getattr(zhang, field), field
