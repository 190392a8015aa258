"""The report base (reports.base): who each report is available to, the view picking the
format from the URL (an unknown one is not found), file names and the download response."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from activities.models import Meeting, MeetingType, Presence
from branchsite.downloads import PDF_TYPE, download_response
from branchsite.xlsx import XLSX_TYPE
from members.models import Member
from reports.base import HTML, PDF, XLSX, Format, Report
from reports.documents import MeetingLedger, MeetingMinutes, RosterExport
from reports.minutes import minutes_file_stem, minutes_title
from tests.factories import member_in_group, recorded_meeting


def users(world) -> dict:
    return {
        "anonymous": AnonymousUser(),
        "secretary": world.secretary.user,
        "leader_a": world.leader_a.user,
        "leader_b": world.leader_b.user,
        "member": world.member.user,
        "viewer": world.viewer_user,
        "outsider": world.outsider.user,
    }


def available_to(report: Report, world) -> set[str]:
    return {name for name, user in users(world).items() if report.is_available_to(user)}


@pytest.fixture
def group_a_meeting(world) -> Meeting:
    return recorded_meeting(branch=world.branch, group=world.group_a, topic="学习研讨")


def test_the_minutes_are_for_the_officers_and_the_meetings_editors(world, group_a_meeting):
    general = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL)

    assert available_to(MeetingMinutes(group_a_meeting), world) == {
        "secretary",
        "leader_a",
        "viewer",
    }
    assert available_to(MeetingMinutes(general), world) == {"secretary", "viewer"}


def test_the_ledger_is_for_the_officers_and_the_groups_leaders(world):
    ledger = MeetingLedger(branch=world.branch, meetings=Meeting.objects.none())

    assert available_to(ledger, world) == {"secretary", "leader_a", "leader_b", "viewer"}


def test_the_roster_export_is_for_the_committee_only(world):
    export = RosterExport(branch=world.branch, members=Member.objects.none())

    assert available_to(export, world) == {"secretary"}


def test_another_branchs_ledger_is_for_its_own_officers(world):
    ledger = MeetingLedger(branch=world.other_branch, meetings=Meeting.objects.none())

    assert available_to(ledger, world) == {"outsider"}


def test_a_report_has_a_code_a_title_and_a_period(world, group_a_meeting):
    minutes = MeetingMinutes(group_a_meeting)
    ledger = MeetingLedger(
        branch=world.branch,
        meetings=Meeting.objects.none(),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )

    assert (minutes.code, ledger.code) == ("meeting_minutes", "meeting_ledger")
    assert minutes.title == minutes_title(group_a_meeting)
    assert (minutes.start, minutes.end) == (group_a_meeting.held_on, group_a_meeting.held_on)
    assert world.branch.name in ledger.title
    assert "2026" in ledger.title
    export = RosterExport(branch=world.branch, members=Member.objects.none())
    assert (export.start, export.end) == (None, None)  # the roll as it is today


def test_the_file_is_named_after_the_report_with_the_formats_extension(world, group_a_meeting):
    minutes = MeetingMinutes(group_a_meeting)
    stem = minutes_file_stem(group_a_meeting)

    html = minutes.render("html")

    assert (html.filename, html.content_type) == (f"{stem}.html", HTML.content_type)
    assert minutes_title(group_a_meeting) in html.content.decode()
    with pytest.raises(Http404):
        minutes.render("docx")


def test_a_report_that_lists_a_format_it_cannot_render_is_refused():
    with pytest.raises(TypeError, match="docx"):

        class Unfinished(Report):
            code = "unfinished"
            formats = (XLSX, Format("docx", "application/msword"))

            def render_xlsx(self, *, request=None) -> bytes:
                return b""


def minutes_url(meeting, extension=None) -> str:
    args = [meeting.pk] if extension is None else [meeting.pk, extension]
    return reverse("reports:meeting_minutes", args=args)


def test_each_report_url_defaults_to_its_first_format(world, group_a_meeting):
    assert minutes_url(group_a_meeting).endswith("/minutes.pdf")
    assert reverse("reports:meeting_ledger", args=[world.branch.pk]).endswith("/ledger.xlsx")
    assert reverse("reports:roster_export", args=[world.branch.pk]).endswith("/roster.xlsx")


def test_the_view_picks_the_format_from_the_url(secretary_client, group_a_meeting):
    html = secretary_client.get(minutes_url(group_a_meeting, "html"))

    assert html.status_code == 200
    assert html["Content-Type"] == HTML.content_type
    assert html["Content-Disposition"].startswith("inline;")
    assert html["Cache-Control"] == "no-store"
    assert minutes_title(group_a_meeting) in html.content.decode()
    assert b"<html" in html.content
    pdf = secretary_client.get(minutes_url(group_a_meeting, "pdf"))
    assert pdf["Content-Type"] == PDF.content_type
    assert pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("reports:meeting_minutes", "docx"),
        ("reports:meeting_minutes", "xlsx"),
        ("reports:meeting_ledger", "pdf"),
        ("reports:roster_export", "csv"),
    ],
)
def test_a_format_the_report_does_not_come_in_is_not_found(
    secretary_client, world, group_a_meeting, name, extension
):
    pk = group_a_meeting.pk if name == "reports:meeting_minutes" else world.branch.pk

    assert secretary_client.get(reverse(name, args=[pk, extension])).status_code == 404


MINUTES_HTML_PERMISSIONS = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "status"), MINUTES_HTML_PERMISSIONS.items())
def test_the_html_minutes_are_guarded_like_the_pdf(personas, group_a_meeting, persona, status):
    assert personas[persona].get(minutes_url(group_a_meeting, "html")).status_code == status


def test_the_html_minutes_query_count_does_not_grow_with_attendees(
    secretary_client, world, group_a_meeting, query_counter
):
    names = iter(f"新党员{number}" for number in range(100))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        group_a_meeting.attendances.create(
            member=member, category=member.category, presence=Presence.ABSENT
        )

    def download():
        assert secretary_client.get(minutes_url(group_a_meeting, "html")).status_code == 200

    query_counter.assert_constant(download, grow)


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [
        (PDF_TYPE, "inline"),
        (HTML.content_type, "inline"),
        (XLSX_TYPE, "attachment"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    ],
)
def test_a_download_is_shown_or_saved_by_its_type_and_never_cached(content_type, disposition):
    response = download_response(b"x", content_type=content_type, filename="一支部 台账.xlsx")

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f"{disposition};")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
