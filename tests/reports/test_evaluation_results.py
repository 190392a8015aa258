"""民主评议党员结果汇总表: read back as xlsx and as PDF text, it has a row per member taking
part with their group, the ballot's tally and the final grade with its reason, a probationary
member without a grade, the branch, year, numbers taking part and voting and the cap's
check; no column says who voted how. It exists once the ballot is closed, for the committee
and viewers only, in a fixed number of queries; the PDF embeds Noto CJK."""

import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from members.evaluation import services
from members.models import Assessment, Grade, GradeCount
from reports.documents import EvaluationResults
from reports.evaluation import results_columns, results_sheet, results_title
from tests.conftest import assert_matrix
from tests.factories import UserFactory, member_in_group
from tests.members.yearly import BALLOT_DAY, BASIC_REASON, branch_like_the_world, counted_round
from tests.reports.test_minutes_pdf import pdf_text, poppler, squeezed

RESULTS_PERMISSIONS = {
    "secretary": 200,
    "leader_a": 403,  # follows their group's voting on the round page, no more
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}


@pytest.fixture
def evaluation(world):
    return counted_round(world)


def results_url(evaluation, format="xlsx") -> str:
    return reverse("reports:evaluation_results", args=[evaluation.pk, format])


def download_sheet(client, evaluation):
    response = client.get(results_url(evaluation))
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content)).active


def column(name: str) -> str:
    return pgettext("evaluation results column", name)


def votes(grade: str) -> str:
    return column("%(grade)s votes") % {"grade": Grade(grade).label}


def rows_by_name(sheet) -> dict[str, dict]:
    headers = [cell.value for cell in sheet[4]]
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=5)]
    return {row[column("Name")].value: {k: c.value for k, c in row.items()} for row in rows}


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """The results of a round like `evaluation`'s, printed once for the module; its rows
    are rolled back at once."""
    folder = tmp_path_factory.mktemp("results")
    with django_db_blocker.unblock(), transaction.atomic():
        world = branch_like_the_world()
        evaluation = counted_round(world)
        content = EvaluationResults(evaluation, today=BALLOT_DAY).render("pdf").content
        printed = {
            "text": squeezed(pdf_text(content, folder)),
            "raw": pdf_text(content, folder),
            "fonts": poppler("pdffonts", content, folder),
            "title": results_title(evaluation),
            "sheet": results_sheet(evaluation),
        }
        transaction.set_rollback(True)
    return printed


def test_the_sheet_has_the_header_figures_and_a_row_per_member(secretary_client, evaluation):
    sheet = download_sheet(secretary_client, evaluation)

    assert sheet["A1"].value == results_title(evaluation) == "一支部2025年度民主评议党员结果汇总表"
    participation = sheet["A2"].value
    assert participation == results_sheet(evaluation).participation
    # Seven take part (six full members graded, 周预备 without a grade), all seven voted.
    assert participation == _(
        "Branch: %(branch)s; year: %(year)s; taking part: %(taking_part)s (graded "
        "%(graded)s, taking part without a grade %(not_graded)s); voted in the ballot: "
        "%(voted)s."
    ) % {
        "branch": "一支部",
        "year": 2025,
        "taking_part": 7,
        "graded": 6,
        "not_graded": 1,
        "voted": 7,
    }
    assert [cell.value for cell in sheet[4]] == [c.header for c in results_columns()]
    assert len(rows_by_name(sheet)) == 7


def test_the_cap_check_counts_graded_full_members_only(secretary_client, evaluation):
    sheet = download_sheet(secretary_client, evaluation)

    within = _(
        "优秀: %(excellent)s, at most %(cap)s (one in %(denominator)s of the "
        "%(graded)s graded full members): within the cap."
    ) % {"excellent": 1, "cap": 2, "denominator": 3, "graded": 6}
    assert sheet["A3"].value.startswith(within)
    assert (
        _("Final grades: %(grades)s.") % {"grades": "优秀1名、合格4名、基本合格1名、不合格0名"}
        in sheet["A3"].value
    )


def test_each_row_has_the_tally_the_final_grade_and_its_reason(secretary_client, evaluation):
    rows = rows_by_name(download_sheet(secretary_client, evaluation))

    leader = rows["甲组长"]
    assert leader[column("Party group")] == "A组"
    assert leader[column("Taking part as")] == pgettext("evaluation results", "Graded")
    # Six voters graded 甲组长: all gave 优秀.
    assert [leader[votes(grade)] for grade in Grade.values] == [6, 0, 0, 0]
    assert leader[column("Final grade")] == "优秀"
    basic = rows["普通党员"]
    assert [basic[votes(grade)] for grade in Grade.values] == [0, 6, 0, 0]
    assert basic[column("Final grade")] == "基本合格"
    assert basic[column("Reason")] == BASIC_REASON
    assert rows["乙组党员一"][column("Party group")] == "B组"


def test_a_probationary_member_takes_part_without_a_grade(secretary_client, evaluation):
    row = rows_by_name(download_sheet(secretary_client, evaluation))["周预备"]

    assert row[column("Taking part as")] == pgettext("evaluation results", "Not graded")
    assert [row[votes(grade)] for grade in Grade.values] == [None] * 4
    assert row[column("Final grade")] is None


def test_a_grade_not_yet_set_says_so(secretary_client, evaluation):
    Assessment.objects.filter(round=evaluation, member__name="乙组长").update(final_grade="")

    row = rows_by_name(download_sheet(secretary_client, evaluation))["乙组长"]

    assert row[column("Final grade")] == pgettext("evaluation results", "To be set")


def test_no_column_says_who_voted_or_how(secretary_client, evaluation):
    sheet = download_sheet(secretary_client, evaluation)

    headers = [cell.value for cell in sheet[4]]
    assert headers == [
        column("No."),
        column("Name"),
        column("Party group"),
        column("Taking part as"),
        *(votes(grade) for grade in Grade.values),
        column("Final grade"),
        column("Reason"),
    ]
    assert _("Voted") not in headers


def test_there_are_no_results_while_the_ballot_is_open(secretary_client, world):
    clerk = UserFactory(username="clerk")
    evaluation = services.round_open(
        branch=world.branch, year=2026, opened_on=BALLOT_DAY, acting_user=clerk
    )

    for format in ["xlsx", "pdf", "html"]:
        assert secretary_client.get(results_url(evaluation, format)).status_code == 404


def test_it_comes_in_pdf_xlsx_and_html_only(secretary_client, evaluation):
    assert secretary_client.get(results_url(evaluation, "docx")).status_code == 404
    assert reverse("reports:evaluation_results", args=[evaluation.pk]).endswith("results.pdf")


@pytest.mark.parametrize("format", ["xlsx", "html", "pdf"])
def test_who_may_download_the_results(personas, evaluation, format, monkeypatch):
    # The PDF itself is printed once, in `printed`; here only who gets it matters.
    monkeypatch.setattr("reports.base.html_to_pdf", lambda html: b"%PDF-1.7 stub")

    assert_matrix(personas, "get", results_url(evaluation, format), RESULTS_PERMISSIONS)


@pytest.mark.parametrize("format", ["xlsx", "html"])
def test_its_query_count_does_not_grow_with_members(
    secretary_client, world, evaluation, format, query_counter
):
    names = iter(f"新党员{number}" for number in range(10))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        Assessment.objects.create(
            round=evaluation, member=member, graded=True, final_grade=Grade.QUALIFIED
        )
        GradeCount.objects.bulk_create(
            GradeCount(round=evaluation, member=member, grade=grade, count=1)
            for grade in Grade.values
        )

    def download():
        assert secretary_client.get(results_url(evaluation, format)).status_code == 200

    query_counter.assert_constant(download, grow, times=2)


def test_the_pdf_prints_the_title_figures_and_rows(printed):
    text = printed["text"]

    assert squeezed(printed["title"]) in text
    assert squeezed(printed["sheet"].participation) in text
    assert squeezed(printed["sheet"].cap_check) in text
    assert squeezed(printed["sheet"].outcome) in text
    # 甲组长's row: group, graded, the tally, the grade.
    graded = pgettext("evaluation results", "Graded")
    assert squeezed(f"甲组长 A组 {graded} 6 0 0 0 优秀") in text
    assert squeezed(f"普通党员 A组 {graded} 0 6 0 0 基本合格 {BASIC_REASON}") in text
    no_grade = pgettext("evaluation results", "Not graded")
    assert squeezed(f"周预备 A组 {no_grade}") in text
    assert column("Votes in the ballot") in text


def test_the_pdf_numbers_its_pages_the_official_way(printed):
    assert re.search(r"^— 1 —$", printed["raw"], re.MULTILINE)


def test_the_pdf_embeds_noto_cjk_and_no_type3_fallback(printed):
    rows = printed["fonts"].splitlines()[2:]

    cjk = [row for row in rows if re.search(r"Noto-?(Serif|Sans)-?CJK", row)]
    assert cjk, printed["fonts"]
    for row in cjk:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row
    assert "Type 3" not in printed["fonts"]
    assert any("Serif" in row for row in cjk), "the body in the 宋 style"
    # Nothing fell back to a Latin font: every font is Noto CJK.
    assert len(cjk) == len(rows), printed["fonts"]


def test_the_round_page_links_to_the_results_once_the_ballot_is_closed(
    secretary_client, viewer_client, leader_a_client, world, evaluation
):
    page = reverse("evaluation:round", args=[evaluation.pk])
    links = [results_url(evaluation, "pdf"), results_url(evaluation, "xlsx")]

    for client in [secretary_client, viewer_client]:
        content = client.get(page).content.decode()
        assert all(link in content for link in links)
    assert results_url(evaluation, "pdf") not in leader_a_client.get(page).content.decode()

    clerk = UserFactory(username="opener")
    services.round_close(evaluation=evaluation, closed_on=BALLOT_DAY, acting_user=clerk)
    this_year = services.round_open(
        branch=world.branch, year=2026, opened_on=BALLOT_DAY, acting_user=clerk
    )
    content = secretary_client.get(reverse("evaluation:round", args=[this_year.pk])).content
    assert results_url(this_year, "pdf") not in content.decode()
