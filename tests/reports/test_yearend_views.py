"""The year-end documents' pages: the list, opening a draft, the editor (save, unchanged,
stale), the versions and restore, the downloads; who may do each."""

import datetime
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from reports.models import DocumentVersion, YearDocument
from reports.yearend import services
from reports.yearend.drafts import draft_sections
from reports.yearend.figures import year_figures
from reports.yearend.text import Section, figure_keys
from tests.conftest import assert_matrix
from tests.factories import member_in_group, recorded_meeting

YEAR = timezone.localdate().year
# The branch's documents: its committee writes, upper-committee viewers read.
READERS = {
    "secretary": 200,
    "viewer": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "outsider": 404,
}
WRITERS = {**READERS, "secretary": 302, "viewer": 403}


@pytest.fixture
def summary(world) -> YearDocument:
    return services.document_open(
        branch=world.branch, kind="summary", year=YEAR, acting_user=world.secretary.user
    )


def form_data(document: YearDocument, **changes) -> dict:
    """The editor's form as the page fills it from the latest version, with `changes`."""
    version = services.latest_version(document)
    data = {"title": version.title, "based_on": version.number}
    for section in version.sections:
        if section["heading"] or section["key"] != "opening":
            data[f"heading_{section['key']}"] = section["heading"]
        data[f"text_{section['key']}"] = section["text"]
    return {**data, **changes}


def test_who_may_see_the_list(personas, world):
    url = reverse("reports:year_documents", args=[world.branch.pk])
    assert_matrix(personas, "get", url, READERS)


def test_the_list_offers_this_years_summary_and_next_years_plan_but_no_summary_ahead(
    secretary_client, world
):
    response = secretary_client.get(reverse("reports:year_documents", args=[world.branch.pk]))
    starts = {
        (row["year"], item["kind"]) for row in response.context["rows"] for item in row["kinds"]
    }
    assert (YEAR, "summary") in starts and (YEAR + 1, "plan") in starts
    assert (YEAR + 1, "summary") not in starts


def test_who_may_open_a_draft(personas, world):
    url = reverse("reports:year_document_start", args=[world.branch.pk, YEAR, "summary"])
    assert_matrix(personas, "post", url, WRITERS)
    assert YearDocument.objects.filter(branch=world.branch, year=YEAR).count() == 1


def test_opening_a_draft_twice_opens_the_same_document(secretary_client, world):
    url = reverse("reports:year_document_start", args=[world.branch.pk, YEAR, "summary"])
    first = secretary_client.post(url)
    second = secretary_client.post(url)
    assert first["Location"] == second["Location"]
    document = YearDocument.objects.get(branch=world.branch, year=YEAR, kind="summary")
    assert document.versions.count() == 1
    assert document.versions.get().sections == [s.as_json() for s in draft_sections("summary")]


def test_a_summary_of_a_year_to_come_is_not_opened(secretary_client, world):
    url = reverse("reports:year_document_start", args=[world.branch.pk, YEAR + 1, "summary"])
    response = secretary_client.post(url, follow=True)
    assert not YearDocument.objects.exists()
    assert "一年" in str(next(iter(response.context["messages"])))


def test_next_years_plan_starts_from_this_years_plan(world):
    this_year = services.document_open(
        branch=world.branch, kind="plan", year=YEAR, acting_user=world.secretary.user
    )
    services.document_save(
        document=this_year,
        title="计划",
        sections=[Section("guidance", "指导思想", "我们自己的指导思想。")],
        based_on=1,
        acting_user=world.secretary.user,
    )
    next_year = services.document_open(
        branch=world.branch, kind="plan", year=YEAR + 1, acting_user=world.secretary.user
    )
    first = next_year.versions.get()
    assert first.sections == [
        {"key": "guidance", "heading": "指导思想", "text": "我们自己的指导思想。"}
    ]
    assert str(YEAR + 1) in first.title


def test_who_may_read_the_editor(personas, summary):
    url = reverse("reports:year_document", args=[summary.pk])
    assert_matrix(personas, "get", url, READERS)


def test_the_viewer_reads_the_document_without_a_form_and_cannot_save(viewer_client, summary):
    url = reverse("reports:year_document", args=[summary.pk])
    page = viewer_client.get(url)
    assert page.context["form"] is None and b"<textarea" not in page.content
    assert viewer_client.post(url, form_data(summary, title="改")).status_code == 403
    assert summary.versions.count() == 1


def test_the_editor_shows_the_draft_with_the_records_figures(secretary_client, world, summary):
    page = secretary_client.get(reverse("reports:year_document", args=[summary.pk]))
    printed = page.context["printed"]
    text = "".join(block.text for block in printed.blocks)
    # The world's branch: six members on the roll (A: three, B: three), none probationary.
    assert "支部现有党员6名，其中正式党员6名，预备党员0名" in text
    assert "收缴党费【待补充】元" in text  # no dues recorded
    assert "{{" not in page.content.decode().split('id="preview"')[1]


def test_saving_makes_a_new_version_with_who_and_what(secretary_client, world, summary):
    url = reverse("reports:year_document", args=[summary.pk])
    data = form_data(
        summary,
        title="一支部年度总结",
        text_problems="一是学习不够深入。\r\n\r\n二是活动形式单一。",
    )
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    latest = services.latest_version(summary)
    assert (latest.number, latest.title, latest.saved_by) == (
        2,
        "一支部年度总结",
        world.secretary.user,
    )
    problems = next(s for s in latest.sections if s["key"] == "problems")
    assert problems["text"] == "一是学习不够深入。\n二是活动形式单一。"


def test_saving_unchanged_text_makes_no_version(secretary_client, summary):
    url = reverse("reports:year_document", args=[summary.pk])
    secretary_client.post(url, form_data(summary))
    assert summary.versions.count() == 1


def test_a_save_based_on_an_old_version_is_refused_and_keeps_what_was_typed(
    secretary_client, world, summary
):
    url = reverse("reports:year_document", args=[summary.pk])
    stale = form_data(summary, text_problems="我写的存在问题。")
    services.document_save(
        document=summary,
        title="别人改的标题",
        sections=[Section.from_json(s) for s in services.latest_version(summary).sections],
        based_on=1,
        acting_user=world.secretary.user,
    )
    response = secretary_client.post(url, stale)
    assert response.status_code == 200
    assert summary.versions.count() == 2
    assert "我写的存在问题。" in response.content.decode()
    assert response.context["form"].non_field_errors()


def test_a_title_cannot_be_empty(secretary_client, summary):
    url = reverse("reports:year_document", args=[summary.pk])
    response = secretary_client.post(url, form_data(summary, title="   ", text_next="新的打算。"))
    assert response.status_code == 200
    assert summary.versions.count() == 1
    assert "新的打算。" in response.content.decode()


def test_who_may_see_the_versions(personas, summary):
    url = reverse("reports:year_document_versions", args=[summary.pk])
    assert_matrix(personas, "get", url, READERS)


def test_who_may_restore_a_version(personas, summary):
    url = reverse("reports:year_document_restore", args=[summary.pk, 1])
    assert_matrix(personas, "post", url, WRITERS)


def test_restoring_brings_the_old_text_back_as_a_new_version(secretary_client, world, summary):
    first = summary.versions.get()
    secretary_client.post(
        reverse("reports:year_document", args=[summary.pk]), form_data(summary, title="第二版")
    )
    secretary_client.post(reverse("reports:year_document_restore", args=[summary.pk, 1]))
    latest = services.latest_version(summary)
    assert (latest.number, latest.restored_from, latest.title) == (3, 1, first.title)
    assert latest.sections == first.sections
    assert DocumentVersion.objects.filter(document=summary, title="第二版").exists()


def test_restoring_a_version_that_does_not_exist_says_so(secretary_client, summary):
    url = reverse("reports:year_document_restore", args=[summary.pk, 9])
    response = secretary_client.post(url, follow=True)
    assert summary.versions.count() == 1
    assert "9" in str(next(iter(response.context["messages"])))


@pytest.mark.parametrize("format", ["pdf", "docx", "html"])
def test_who_may_download_the_document(personas, summary, format):
    url = reverse("reports:year_document_file", args=[summary.pk, format])
    assert_matrix(personas, "get", url, READERS)


def test_the_word_file_says_what_the_page_says(secretary_client, summary):
    response = secretary_client.get(
        reverse("reports:year_document_file", args=[summary.pk, "docx"])
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(response.content)).paragraphs)
    assert "一、基本情况" in text
    assert "支部现有党员6名" in text


def test_the_editor_reads_in_a_fixed_number_of_queries(
    secretary_client, world, summary, query_counter
):
    url = reverse("reports:year_document", args=[summary.pk])
    added = iter(range(100))

    def grow():
        n = next(added)
        member = member_in_group(world.group_b, name=f"新党员{n}", gender="male")
        recorded_meeting(
            branch=world.branch,
            group=world.group_b,
            held_on=datetime.date(YEAR, 1 + n % 11, 10),
            topic=f"学习{n}",
        )
        recorded_meeting(
            branch=world.branch,
            kind="lecture",
            held_on=datetime.date(YEAR, 2, 1 + n),
            speaker=member.name,
        )

    def edit():
        assert secretary_client.get(url).status_code == 200

    query_counter.assert_constant(edit, grow, times=2)


def test_a_plan_prints_the_years_schedule_from_the_rules(secretary_client, world):
    plan = services.document_open(
        branch=world.branch, kind="plan", year=YEAR + 1, acting_user=world.secretary.user
    )
    page = secretary_client.get(reverse("reports:year_document", args=[plan.pk]))
    tables = [block.table for block in page.context["printed"].blocks if block.kind == "table"]
    schedule = next(table for table in tables if table.caption == "全年工作安排")
    months = [row[0] for row in schedule.rows]
    assert months == sorted(months, key=lambda month: int(month.rstrip("月")))
    assert any("党小组会" in row[1] for row in schedule.rows)


def test_the_workbench_lists_the_branchs_documents_with_downloads(
    secretary_client, outsider_client, summary
):
    url = reverse("admin:reports_yeardocument_changelist")
    page = secretary_client.get(url).content.decode()
    assert reverse("reports:year_document_file", args=[summary.pk, "docx"]) in page
    other = outsider_client.get(url)
    assert other.status_code == 200
    assert reverse("reports:year_document", args=[summary.pk]) not in other.content.decode()


def test_others_cannot_open_the_workbench_list(personas, summary):
    url = reverse("admin:reports_yeardocument_changelist")
    for name in ("leader_a", "member", "viewer"):
        assert personas[name].get(url).status_code == 403


def test_the_pdf_states_every_figure_of_the_draft_as_the_records_give_it(
    secretary_client, world, summary, tmp_path
):
    recorded_meeting(branch=world.branch, group=world.group_a, held_on=datetime.date(YEAR, 3, 9))
    response = secretary_client.get(reverse("reports:year_document_file", args=[summary.pk, "pdf"]))
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = "".join(
        subprocess.run(
            ["/usr/bin/pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout.split()
    )
    figures = year_figures(world.branch, YEAR)
    used = figure_keys("\n".join(s.text for s in draft_sections("summary")))
    stated = {key for key in used if key in figures.values and not figures[key].missing}
    assert {"members.total", "meetings.group", "attendance.rate"} <= stated
    for key in stated:
        assert "".join(figures[key].value.split()) in text, key
    drafted = "\n".join(s.text for s in draft_sections("summary"))
    absent_blocks = [
        (kind, key)
        for kind, key in re.findall(r"\{\{(table|chart):(\w+)\}\}", drafted)
        if key not in (figures.tables if kind == "table" else figures.charts)
    ]
    assert text.count("【待补充】") == len(absent_blocks) + sum(
        drafted.count("{{" + key + "}}") for key in used - stated
    )
    assert "\ufffd" not in text  # no glyph printed as a box
