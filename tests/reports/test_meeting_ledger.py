"""The meeting ledger (三会一课台账) in Excel: read back, it has a row per meeting with the
right counts and rate; the meeting list's filters apply; a leader gets their own groups'
meetings only; its query count does not grow with the meetings."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from activities.models import Meeting, MeetingType
from activities.services import make_up_close, meeting_review
from reports.documents import MeetingLedger
from reports.ledger import RATE_FORMAT, ledger_columns, ledger_title
from tests.factories import member_in_group, recorded_meeting

LEDGER_PERMISSIONS = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,  # their own group's meetings
    "leader_b": 200,
    "member": 403,  # leads no group: a member keeps no ledger
    "viewer": 200,
    "outsider": 404,
}
YEAR = "start=2026-01-01&end=2026-12-31"


def ledger_url(branch, query: str = YEAR) -> str:
    url = reverse("reports:meeting_ledger", args=[branch.pk])
    return f"{url}?{query}" if query else url


def download(client, branch, query: str = YEAR):
    response = client.get(ledger_url(branch, query))
    assert response.status_code == 200, response.content[:500]
    return load_workbook(io.BytesIO(response.content)).active


def column(name: str) -> str:
    return pgettext("ledger column", name)


def meeting_rows(sheet) -> list[dict]:
    """The meeting rows by header, without the title, header and total rows."""
    headers = [cell.value for cell in sheet[2]]
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=3)]
    total = pgettext("ledger", "Total")
    return [row for row in rows if row[column("No.")].value != total]


def topics(sheet) -> list[str]:
    return [row[column("Topic")].value for row in meeting_rows(sheet)]


@pytest.fixture
def meetings(world):
    """A group A meeting with one excused and a probationary member present, reviewed; a
    general meeting earlier in the year; a group B meeting; and one from last year."""
    member_in_group(world.group_a, name="周预备", probationary=True)
    group_a = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        topic="学习四中全会精神",
        place="三楼会议室",
        host=world.leader_a,
        recorder=world.secretary,
        speaker="甲组长",
        guests="王校长\n赵主席",
        absences={world.member: ("excused", "外出培训")},
    )
    meeting_review(meeting=group_a, acting_user=world.secretary.user)
    general = recorded_meeting(
        branch=world.branch,
        kind=MeetingType.GENERAL,
        held_on=datetime.date(2026, 3, 5),
        topic="支部党员大会：年度计划",
    )
    group_b = recorded_meeting(
        branch=world.branch,
        group=world.group_b,
        held_on=datetime.date(2026, 5, 20),
        topic="乙组学习",
        minutes="讨论课堂教学改革",
    )
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2025, 12, 10),
        topic="去年的会议",
    )
    recorded_meeting(branch=world.other_branch, kind=MeetingType.GENERAL, topic="外支部会议")
    return {"group_a": group_a, "general": general, "group_b": group_b}


def test_it_has_a_title_and_the_ledger_columns(secretary_client, world, meetings):
    sheet = download(secretary_client, world.branch)

    assert sheet["A1"].value == ledger_title(
        world.branch, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    )
    assert world.branch.name in sheet["A1"].value
    assert "A1:U1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == [column.header for column in ledger_columns()]
    assert sheet.freeze_panes == "C3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1


def test_it_has_a_row_per_meeting_in_date_order(secretary_client, world, meetings):
    sheet = download(secretary_client, world.branch)

    # This year's meetings of this branch only, oldest first.
    assert topics(sheet) == ["支部党员大会：年度计划", "乙组学习", "学习四中全会精神"]
    assert [row[column("No.")].value for row in meeting_rows(sheet)] == [1, 2, 3]


def test_each_row_counts_its_attendance(secretary_client, world, meetings):
    sheet = download(secretary_client, world.branch)
    row = meeting_rows(sheet)[2]  # group A: 书记, 甲组长, 普通党员 (excused), 周预备

    values = {header: cell.value for header, cell in row.items()}
    assert values[column("Date")] == datetime.datetime(2026, 10, 15)
    assert values[column("Meeting type")] == MeetingType.GROUP.label
    assert values[column("Party group")] == "A组"
    assert values[column("Place")] == "三楼会议室"
    assert values[column("Host")] == "甲组长"
    assert values[column("Recorder")] == "书记"
    assert values[column("Speaker")] == "甲组长"
    assert values[column("Expected")] == 4
    assert values[column("Present")] == 3
    assert values[column("Excused")] == 1
    assert values[column("Absent")] == 0
    assert values[column("Attendance rate")] == pytest.approx(0.75)
    assert row[column("Attendance rate")].number_format == RATE_FORMAT
    assert values[column("Full members expected")] == 3
    assert values[column("Full members present")] == 2
    assert values[column("Probationary members expected")] == 1
    assert values[column("Probationary members present")] == 1
    assert values[column("Non-member attendees")] == 2
    assert values[column("Reviewed")] == _("Reviewed")
    assert values[column("Make-up study open")] == 1


def test_it_tells_reviewed_changed_and_unreviewed_records_apart(secretary_client, world, meetings):
    meetings["group_b"].reviewed_at = meetings["group_a"].reviewed_at
    meetings["group_b"].changed_after_review = True
    meetings["group_b"].save()

    states = {
        row[column("Topic")].value: row[column("Reviewed")].value
        for row in meeting_rows(download(secretary_client, world.branch))
    }

    assert states == {
        "支部党员大会：年度计划": _("Not reviewed"),
        "乙组学习": _("Changed after review"),
        "学习四中全会精神": _("Reviewed"),
    }


def test_make_up_study_done_is_no_longer_open(secretary_client, world, meetings):
    owed = meetings["group_a"].attendances.get(member=world.member).make_up
    make_up_close(make_up=owed, done_on=datetime.date(2026, 10, 20), note="自学", acting_user=None)

    row = meeting_rows(download(secretary_client, world.branch))[2]

    assert row[column("Make-up study open")].value == 0


def test_the_total_row_adds_up_the_year(secretary_client, world, meetings):
    sheet = download(secretary_client, world.branch)
    headers = [cell.value for cell in sheet[2]]
    total = dict(zip(headers, sheet[sheet.max_row], strict=True))

    # General: 6 expected, all present; group B: 3 of 3; group A: 3 of 4.
    assert total[column("No.")].value == pgettext("ledger", "Total")
    assert total[column("Expected")].value == 13
    assert total[column("Present")].value == 12
    assert total[column("Attendance rate")].value == pytest.approx(12 / 13)
    assert total[column("Non-member attendees")].value == 2


def test_a_meeting_nobody_was_expected_at_has_no_rate(secretary_client, world):
    recorded_meeting(
        branch=world.branch, kind=MeetingType.COMMITTEE, held_on=datetime.date(2026, 2, 1)
    )
    # The world's committee post belongs to the secretary; this meeting lists them only.
    world.branch.meetings.get().attendances.all().delete()

    row = meeting_rows(download(secretary_client, world.branch))[0]

    assert row[column("Expected")].value == 0
    assert row[column("Attendance rate")].value is None


def test_text_that_looks_like_a_formula_stays_text(secretary_client, world):
    recorded_meeting(branch=world.branch, group=world.group_a, topic="=1+1", place="@会议室")

    row = meeting_rows(download(secretary_client, world.branch))[0]

    assert row[column("Topic")].value == "=1+1"
    assert row[column("Topic")].data_type == "s"
    assert row[column("Place")].value == "@会议室"
    assert row[column("Place")].data_type == "s"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=general", ["支部党员大会：年度计划"]),
        ("kind=group", ["乙组学习", "学习四中全会精神"]),
        ("group={group_b}", ["乙组学习"]),
        ("start=2026-05-01&end=2026-12-31", ["乙组学习", "学习四中全会精神"]),
        ("start=2025-01-01&end=2025-12-31", ["去年的会议"]),
        ("q=三楼", ["学习四中全会精神"]),  # place
        ("q=教学改革", ["乙组学习"]),  # minutes
        ("q=年度", ["支部党员大会：年度计划"]),  # topic
    ],
)
def test_the_filters_of_the_meeting_list_apply(secretary_client, world, meetings, query, expected):
    query = query.format(group_b=world.group_b.pk)
    if "start" not in query:
        query = f"{query}&{YEAR}"

    assert topics(download(secretary_client, world.branch, query)) == expected


def test_without_dates_it_is_this_years_ledger(secretary_client, world):
    this_year = timezone.localdate().year
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(this_year, 1, 1),
        topic="今年",
    )
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(this_year - 1, 12, 31),
        topic="去年",
    )

    sheet = download(secretary_client, world.branch, query="")

    assert topics(sheet) == ["今年"]
    assert sheet["A1"].value == ledger_title(
        world.branch, datetime.date(this_year, 1, 1), datetime.date(this_year, 12, 31)
    )


def test_a_leader_gets_their_own_groups_meetings_only(leader_a_client, world, meetings):
    assert topics(download(leader_a_client, world.branch)) == ["学习四中全会精神"]


def test_a_leader_cannot_ask_for_another_groups_meetings(leader_a_client, world, meetings):
    response = leader_a_client.get(ledger_url(world.branch, f"group={world.group_b.pk}"))

    assert response.status_code == 400


def test_invalid_filters_are_explained(secretary_client, world):
    response = secretary_client.get(ledger_url(world.branch, "start=2026-12-01&end=2026-01-01"))

    assert response.status_code == 400
    assert _("The end date is before the start date.") in response.content.decode()
    assert response.templates[0].name == "reports/filter_errors.html"


def test_a_date_that_is_not_a_date_is_explained(secretary_client, world):
    response = secretary_client.get(ledger_url(world.branch, "start=明天&end=2026-01-01"))

    assert response.status_code == 400
    assert str(response.context["form"].fields["start"].label) in response.content.decode()


def test_it_is_downloaded_with_its_filename(secretary_client, world):
    response = secretary_client.get(ledger_url(world.branch))

    assert response["Content-Disposition"].startswith("attachment;")
    filename = unquote(response["Content-Disposition"].partition("filename*=utf-8''")[2])
    assert (
        filename
        == MeetingLedger(
            branch=world.branch,
            meetings=Meeting.objects.none(),
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
        ).file_stem()
        + ".xlsx"
    )
    assert filename.startswith(world.branch.name)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("persona", "status"), LEDGER_PERMISSIONS.items())
def test_who_may_download_the_ledger(personas, world, persona, status):
    response = personas[persona].get(ledger_url(world.branch))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_member_who_leads_no_group_is_refused_before_the_filters_are_read(member_client, world):
    response = member_client.get(ledger_url(world.branch, "start=2026-12-01&end=2026-01-01"))

    assert response.status_code == 403


def test_another_branchs_ledger_is_not_found(secretary_client, world):
    assert secretary_client.get(ledger_url(world.other_branch)).status_code == 404


def test_its_query_count_does_not_grow_with_meetings(secretary_client, world, query_counter):
    def grow():
        recorded_meeting(
            branch=world.branch,
            group=world.group_b,
            held_on=datetime.date(2026, 6, 1),
            guests="列席一",
            absences={world.leader_b: ("excused", "病假")},
        )

    def download_ledger():
        assert secretary_client.get(ledger_url(world.branch)).status_code == 200

    grow()
    query_counter.assert_constant(download_ledger, grow)


def test_a_leaders_query_count_does_not_grow_with_meetings(leader_b_client, world, query_counter):
    def grow():
        recorded_meeting(
            branch=world.branch, group=world.group_b, held_on=datetime.date(2026, 6, 1)
        )

    def download_ledger():
        assert leader_b_client.get(ledger_url(world.branch)).status_code == 200

    query_counter.assert_constant(download_ledger, grow)
