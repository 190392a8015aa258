"""党费收缴公示: read back as xlsx and as PDF text, it has a row per member of the year with
their base, monthly amount, months paid and total paid (a back payment counted for the
months it pays), the branch's totals, and the special dues apart on their own sheet, never
in the dues' total. For the committee and viewers only, in a fixed number of queries; the
PDF embeds Noto CJK."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from members.dues import services
from members.models import DuesCategory
from reports.documents import DuesNotice
from reports.dues import notice_columns, notice_title, special_columns
from tests.conftest import assert_matrix
from tests.factories import UserFactory, member_in_group
from tests.members.yearly import DUES_YEAR, a_year_of_dues, branch_like_the_world
from tests.reports.test_minutes_pdf import pdf_text, poppler, squeezed

NOTICE_PERMISSIONS = {
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}


@pytest.fixture
def dues_year(world):
    return a_year_of_dues(world)


def notice_url(branch, format="xlsx", year=DUES_YEAR) -> str:
    return reverse("reports:dues_notice", args=[branch.pk, year, format])


def download_workbook(client, branch):
    response = client.get(notice_url(branch))
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def table(sheet, header_row: int = 3) -> list[dict]:
    headers = [cell.value for cell in sheet[header_row]]
    return [
        dict(zip(headers, values, strict=True))
        for values in sheet.iter_rows(min_row=header_row + 1, values_only=True)
    ]


def column(name: str) -> str:
    return pgettext("dues notice column", name)


def money(value) -> Decimal:
    """A cell's amount to the fen (openpyxl reads numbers back as floats)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """The 2025 notice of a branch like the world's with `dues_year`'s dues, printed once for
    the module; its rows are rolled back at once."""
    folder = tmp_path_factory.mktemp("notice")
    with django_db_blocker.unblock(), transaction.atomic():
        world = branch_like_the_world()
        expected = a_year_of_dues(world)
        report = DuesNotice(branch=world.branch, year=DUES_YEAR, today=datetime.date(2026, 3, 1))
        content = report.render("pdf").content
        printed = {
            "text": squeezed(pdf_text(content, folder)),
            "raw": pdf_text(content, folder),
            "fonts": poppler("pdffonts", content, folder),
            "title": report.title,
            "expected": expected,
        }
        transaction.set_rollback(True)
    return printed


def test_the_first_sheet_has_a_row_per_member_of_the_year(secretary_client, world, dues_year):
    member_in_group(world.group_a, name="新预备", probationary=True)  # admitted in 2026
    workbook = download_workbook(secretary_client, world.branch)
    sheet = workbook.worksheets[0]

    assert (
        sheet["A1"].value == notice_title(world.branch, DUES_YEAR) == "一支部2025年度党费收缴公示"
    )
    assert [cell.value for cell in sheet[3]] == [c.header for c in notice_columns()]
    rows = table(sheet)
    members = {row[column("Name")]: row for row in rows[:-1]}
    # The branch's six and the member who left in April; not 新预备, admitted in 2026, nor
    # the other branch.
    assert set(members) == set(dues_year["totals"])
    for name, total in dues_year["totals"].items():
        assert money(members[name][column("Total paid (yuan)")]) == total, name
        assert members[name][column("Months paid")] == dues_year["months"][name], name


def test_each_row_gives_the_base_and_monthly_amount_of_december(secretary_client, world, dues_year):
    sheet = download_workbook(secretary_client, world.branch).worksheets[0]
    members = {row[column("Name")]: row for row in table(sheet)[:-1]}

    secretary = members["书记"]
    assert secretary[column("Party group")] == "A组"
    assert secretary[column("Dues category")] == "在职"
    assert money(secretary[column("Monthly base (yuan)")]) == Decimal("6000.00")
    assert money(secretary[column("Monthly dues (yuan)")]) == Decimal("90.00")
    changed = members["甲组长"]
    assert money(changed[column("Monthly base (yuan)")]) == Decimal("5000.01")
    assert money(changed[column("Monthly dues (yuan)")]) == Decimal("75.00")
    assert changed[column("Note")] == _("new base from %(month)s") % {"month": "2025年7月"}
    assert money(members["乙组长"][column("Monthly dues (yuan)")]) == Decimal("0.20")
    assert members["乙组党员二"][column("Monthly base (yuan)")] is None
    assert members["乙组党员二"][column("Note")] == _("No dues base set")
    # Paid back in January 2026, December's dues still count for 2025.
    assert members["乙组党员一"][column("Months paid")] == 12


def test_a_members_line_says_reduced_or_waived_for_the_months_it_applies(
    secretary_client, world, dues_year
):
    from members.models import ReductionApproval

    services.dues_reduction_record(
        member=world.member,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=None,
        monthly_amount=Decimal("0"),
        reason="退休金微薄，生活困难",
        approved_by=ReductionApproval.BRANCH,
        approval_reference="支委会2025年10月8日会议",
        approved_on=datetime.date(2025, 10, 8),
        acting_user=UserFactory(username="waiver"),
    )
    sheet = download_workbook(secretary_client, world.branch).worksheets[0]
    members = {row[column("Name")]: row for row in table(sheet)[:-1]}

    waived = members["普通党员"]
    assert waived[column("Note")] == "减免3个月"
    assert money(waived[column("Monthly dues (yuan)")]) == Decimal("0.00")
    assert waived[column("Months paid")] == 9
    assert members["书记"][column("Note")] in ("", None)


def test_the_total_row_adds_the_regular_dues_only(secretary_client, world, dues_year):
    rows = table(download_workbook(secretary_client, world.branch).worksheets[0])

    total = rows[-1]
    assert total[column("No.")] == pgettext("dues notice", "Total")
    assert total[column("Months paid")] == 60
    assert money(total[column("Total paid (yuan)")]) == dues_year["collected"]


def test_special_dues_are_listed_apart(secretary_client, world, dues_year):
    sheet = download_workbook(secretary_client, world.branch).worksheets[1]

    assert [cell.value for cell in sheet[3]] == [c.header for c in special_columns()]
    rows = table(sheet)

    def col(name):
        return pgettext("special dues column", name)

    # 2025's three, oldest first; 2024's 80 元 is another year's.
    assert [(row[col("Name")], row[col("For")]) for row in rows[:-1]] == [
        ("书记", "抗洪救灾"),
        ("甲组长", "抗洪救灾"),
        ("普通党员", "帮扶困难党员"),
    ]
    assert rows[0][col("Paid on")].date() == datetime.date(2025, 8, 1)
    assert money(rows[-1][col("Amount (yuan)")]) == dues_year["special_total"]


def test_a_year_still_to_come_has_no_notice(secretary_client, world):
    next_year = timezone.localdate().year + 1

    assert secretary_client.get(notice_url(world.branch, year=next_year)).status_code == 404


@pytest.mark.parametrize("format", ["xlsx", "html", "pdf"])
def test_who_may_download_the_notice(personas, world, format, monkeypatch):
    # The PDF itself is printed once, in `printed`; here only who gets it matters.
    monkeypatch.setattr("reports.base.html_to_pdf", lambda html: b"%PDF-1.7 stub")

    assert_matrix(personas, "get", notice_url(world.branch, format), NOTICE_PERMISSIONS)


@pytest.mark.parametrize("format", ["xlsx", "html"])
def test_its_query_count_does_not_grow_with_members(
    secretary_client, world, dues_year, format, query_counter
):
    clerk = UserFactory(username="grower")
    names = iter(f"新党员{number}" for number in range(10))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        services.dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("4500"),
            starts_on=datetime.date(2025, 1, 1),
            acting_user=clerk,
        )
        services.dues_pay(
            member=member,
            months=[datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)],
            paid_on=datetime.date(2025, 2, 10),
            acting_user=clerk,
        )
        services.special_dues_record(
            member=member,
            amount=Decimal("20"),
            paid_on=datetime.date(2025, 5, 1),
            purpose="抗洪救灾",
            acting_user=clerk,
        )

    def download():
        assert secretary_client.get(notice_url(world.branch, format)).status_code == 200

    query_counter.assert_constant(download, grow, times=2)


def test_the_pdf_prints_the_rows_the_totals_and_the_special_dues_apart(printed):
    text = printed["text"]

    assert squeezed(printed["title"]) in text
    assert squeezed("书记 A组 在职 6000.00 90.00 12 1080.00") in text
    assert squeezed("甲组长 A组 在职 5000.01 75.00 12 540.00") in text
    assert squeezed(_("new base from %(month)s") % {"month": "2025年7月"}) in text
    assert squeezed("乙组长 B组 学生、无固定收入 0.00 0.20 12 2.40") in text
    total = pgettext("dues notice", "Total")
    assert squeezed(f"{total} 60 3392.40") in text
    assert squeezed(pgettext("special dues column", "For")) in text
    assert squeezed("书记 2025年8月1日 200.00 抗洪救灾") in text
    assert squeezed(f"{total} 350.00") in text
    # The regular total is the dues only: special dues are never added to it.
    assert "3742.40" not in text


def test_the_pdf_numbers_its_pages_the_official_way(printed):
    assert re.search(r"^— 1 —$", printed["raw"], re.MULTILINE)


def test_the_pdf_embeds_noto_cjk_only(printed):
    rows = printed["fonts"].splitlines()[2:]

    assert rows, printed["fonts"]
    for row in rows:
        assert re.search(r"Noto-?(Serif|Sans)-?CJK", row), printed["fonts"]
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row
    assert "Type 3" not in printed["fonts"]
