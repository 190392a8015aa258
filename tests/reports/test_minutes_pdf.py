"""The minutes of one meeting as a PDF: the text is real, selectable Chinese (read back with
pdftotext), its fonts are embedded Noto CJK (pdffonts), long minutes run onto further pages,
and only the branch's officers and the meeting's editors may download it."""

import datetime
import re
import subprocess
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities.models import Motion, Presence
from members.models import Category
from reports.documents import MeetingMinutes
from reports.minutes import minutes_file_stem, minutes_title
from tests.factories import BranchFactory, PartyGroupFactory, member_in_group, recorded_meeting

MINUTES_PERMISSIONS = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,  # edits their own group's meetings
    "leader_b": 403,
    "member": 403,  # was expected at the meeting, but others' absences are not theirs to print
    "viewer": 200,
    "outsider": 404,
}


def record_group_meeting(*, branch, group, host, recorder, excused):
    """The group met: `excused` was excused, a new member absent, a probationary member
    present, two non-member attendees."""
    probationary = member_in_group(group, name="周预备", probationary=True)
    absentee = member_in_group(group, name="吴缺席")
    meeting = recorded_meeting(
        branch=branch,
        group=group,
        held_on=datetime.date(2026, 10, 15),
        starts_at=datetime.time(15, 30),
        ends_at=datetime.time(17, 0),
        place="三楼会议室",
        topic="学习党的二十届四中全会精神",
        host=host,
        recorder=recorder,
        speaker="甲组长",
        agenda="一、传达学习文件\n二、交流发言",
        minutes="甲组长领学文件。\n大家结合教学工作交流体会。",
        resolutions="每位党员撰写一篇学习体会。",
        guests="王校长\n工会主席赵敏",
        absences={excused: ("excused", "外出参加教研培训"), absentee: ("absent", "")},
    )
    meeting.probationary, meeting.absentee = probationary, absentee
    return meeting


@pytest.fixture
def group_meeting(world):
    """Group A's meeting, for the tests of the download itself."""
    return record_group_meeting(
        branch=world.branch,
        group=world.group_a,
        host=world.leader_a,
        recorder=world.secretary,
        excused=world.member,
    )


def poppler(tool: str, content: bytes, folder, *args: str) -> str:
    path = folder / "minutes.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        [f"/usr/bin/{tool}", *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


def pdf_text(content: bytes, folder) -> str:
    """The text in the order it was laid out (-raw): cell by cell, a label before its value."""
    return poppler("pdftotext", content, folder, "-raw", "-enc", "UTF-8")


def squeezed(text: str) -> str:
    """Without white space: a sentence wrapped across lines or cells reads as one."""
    return re.sub(r"\s+", "", text)


def page_count(content: bytes, folder) -> int:
    info = poppler("pdfinfo", content, folder)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


@dataclass(frozen=True)
class Printed:
    """A PDF read back: its text (squeezed), fonts and pages, and what the test expects."""

    text: str
    fonts: str
    pages: int
    title: str
    people: dict[str, str]  # role in the meeting → name
    size: int  # bytes


@pytest.fixture(scope="module")
def printed_group_meeting(django_db_setup, django_db_blocker, tmp_path_factory) -> Printed:
    """The minutes of a group meeting like `group_meeting`'s, printed once for the tests that
    only read them (a PDF takes a while). Its rows are rolled back at once."""
    folder = tmp_path_factory.mktemp("minutes")
    with django_db_blocker.unblock(), transaction.atomic():
        branch = BranchFactory(name="一支部", code="yi")
        group = PartyGroupFactory(branch=branch, name="A组")
        secretary = member_in_group(group, name="书记")
        leader = member_in_group(group, name="甲组长")
        member = member_in_group(group, name="普通党员")
        meeting = record_group_meeting(
            branch=branch, group=group, host=leader, recorder=secretary, excused=member
        )
        content = MeetingMinutes(meeting).render("pdf").content
        printed = Printed(
            text=squeezed(pdf_text(content, folder)),
            fonts=poppler("pdffonts", content, folder),
            pages=page_count(content, folder),
            size=len(content),
            title=minutes_title(meeting),
            people={
                "branch": branch.name,
                "recorder": secretary.name,
                "host": leader.name,
                "excused": member.name,
                "absent": meeting.absentee.name,
            },
        )
        transaction.set_rollback(True)
    return printed


def minutes_url(meeting, *args) -> str:
    return reverse("reports:meeting_minutes", args=[meeting.pk, *args])


def download(client, meeting) -> bytes:
    response = client.get(minutes_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_it_prints_the_record_book_fields(printed_group_meeting):
    text = printed_group_meeting.text

    for expected in [
        printed_group_meeting.title,  # 一支部 A组 党小组会会议记录
        "学习党的二十届四中全会精神",
        "三楼会议室",
        "15:30–17:00",
        "传达学习文件",
        "大家结合教学工作交流体会。",
        "每位党员撰写一篇学习体会。",
        "王校长",
        "工会主席赵敏",
    ]:
        assert squeezed(expected) in text
    assert printed_group_meeting.people["branch"] in text
    for label in ["Topic", "Time", "Place", "Host", "Recorder", "Speaker", "Attending"]:
        assert squeezed(pgettext("minutes field", label)) in text
    for label in ["Agenda", "Record of the meeting", "Resolutions"]:
        assert squeezed(pgettext("minutes section", label)) in text


def test_it_lists_everyone_with_reasons(printed_group_meeting):
    text = printed_group_meeting.text

    for role in ["recorder", "host", "excused", "absent"]:
        assert printed_group_meeting.people[role] in text
    assert _("Probationary members:") + "周预备" in text
    excused = _("%(name)s (%(reason)s)") % {"name": "普通党员", "reason": "外出参加教研培训"}
    assert squeezed(excused) in text
    # Both owe make-up study; neither has done it yet.
    assert squeezed(_("%(name)s: not made up yet") % {"name": "吴缺席"}) in text


def test_it_counts_full_and_probationary_members_apart(printed_group_meeting):
    text = printed_group_meeting.text

    def split(count, full, probationary):
        return squeezed(
            _("%(count)s (full members %(full)s, probationary %(probationary)s)")
            % {"count": count, "full": full, "probationary": probationary}
        )

    # 应到 5: 书记, 甲组长, 普通党员, 吴缺席 (full) and 周预备; 实到 3; 请假 1; 缺席 1.
    assert pgettext("minutes field", "Expected") + split(5, 4, 1) in text
    assert pgettext("minutes field", "Present") + split(3, 2, 1) in text
    one = squeezed(_("%(count)s people") % {"count": 1})
    assert pgettext("minutes field", "Excused") + one in text
    assert pgettext("minutes field", "Absent") + one in text


def test_it_has_signature_lines_and_page_numbers(printed_group_meeting):
    text = printed_group_meeting.text

    assert squeezed(_("Host's signature:")) in text
    assert squeezed(_("Recorder's signature:")) in text
    footer = _("Page %(page)s of %(pages)s") % {"page": 1, "pages": printed_group_meeting.pages}
    assert squeezed(footer) in text


def test_it_embeds_noto_cjk_fonts_and_no_type3_fallback(printed_group_meeting):
    fonts = printed_group_meeting.fonts
    rows = fonts.splitlines()[2:]  # below the header and its underline

    cjk = [row for row in rows if re.search(r"Noto-?(Serif|Sans)-?CJK", row)]
    assert cjk, fonts
    for row in cjk:
        # name, type…, encoding, emb, sub, uni, object, id: embedded, subset, with a
        # Unicode map (so the text can be copied out).
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row
    assert "Type 3" not in fonts
    assert any("Serif" in row for row in cjk), "the body is set in the serif"
    assert any("Sans" in row for row in cjk), "the headings in the sans"


def test_its_cjk_faces_are_packed_so_the_pdf_stays_light(printed_group_meeting):
    """Each Noto face is a packed bare CFF (reports.pdf_fonts), not WeasyPrint's OpenType
    with its 65,000 glyph slots: the page of minutes weighed 420 KB before."""
    cjk = [row for row in printed_group_meeting.fonts.splitlines() if "CJK" in row]
    assert [" CID Type 0C " in row and "(OT)" not in row for row in cjk] == [True] * len(cjk)
    assert printed_group_meeting.size < 200_000


def test_meetings_without_motions_have_no_votes_section(printed_group_meeting):
    assert squeezed(pgettext("minutes section", "Votes")) not in printed_group_meeting.text


def test_long_minutes_run_onto_further_pages(secretary_client, world, tmp_path):
    lines = [f"第{number}条：发言人结合本组教学实际谈了学习体会。" for number in range(1, 121)]
    meeting = recorded_meeting(branch=world.branch, group=world.group_a, minutes="\n".join(lines))

    content = download(secretary_client, meeting)
    pages = page_count(content, tmp_path)
    text = pdf_text(content, tmp_path)

    assert pages >= 3
    # Every line is there, each on a line of its own, in order.
    text_lines = [line.strip() for line in text.splitlines()]
    positions = [text_lines.index(line) for line in lines]
    assert positions == sorted(positions)
    last_footer = _("Page %(page)s of %(pages)s") % {"page": pages, "pages": pages}
    assert squeezed(last_footer) in squeezed(text)


def test_a_general_meeting_shows_its_votes(secretary_client, world, tmp_path):
    # Six full members are expected, five come: the meeting can decide; 4 votes pass.
    meeting = recorded_meeting(
        branch=world.branch,
        kind="general",
        absences={world.member: ("excused", "病假")},
        motions=[
            Motion(title="接收周预备为预备党员", votes_for=4, votes_against=1),
            Motion(title="推荐甲组长为优秀党员", votes_for=3, abstentions=2),
        ],
    )

    text = squeezed(pdf_text(download(secretary_client, meeting), tmp_path))

    assert squeezed(pgettext("minutes section", "Votes")) in text
    could_decide = _(
        "Voting members expected: %(expected)s; present: %(present)s, more than half: "
        "the meeting could decide."
    ) % {"expected": 6, "present": 5}
    assert squeezed(could_decide) in text
    passed = pgettext("motion result", "Passed")
    not_passed = pgettext("motion result", "Not passed")
    assert squeezed(f"接收周预备为预备党员 4 1 0 0/0 {passed}") in text
    assert squeezed(f"推荐甲组长为优秀党员 3 0 2 0/0 {not_passed}") in text


def test_typed_text_is_printed_as_text(secretary_client, world, tmp_path):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, topic="<b>学习</b> & 讨论", place='"报告厅"'
    )

    text = pdf_text(download(secretary_client, meeting), tmp_path)

    assert "<b>学习</b> & 讨论" in text
    assert '"报告厅"' in text


def filename_of(response) -> str:
    """The file name of a Content-Disposition header: filename*=utf-8'' for Chinese."""
    if match := re.search(r"filename\*=utf-8''(\S+)", response["Content-Disposition"]):
        return unquote(match[1])
    return re.search(r'filename="(.+)"', response["Content-Disposition"])[1]


def test_it_is_shown_inline_with_its_filename(secretary_client, group_meeting):
    response = secretary_client.get(minutes_url(group_meeting))

    assert response["Content-Disposition"].startswith("inline;")
    assert filename_of(response) == minutes_file_stem(group_meeting) + ".pdf"
    assert minutes_file_stem(group_meeting).startswith("2026-10-15-")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("persona", "status"), MINUTES_PERMISSIONS.items())
def test_who_may_download_a_group_meetings_minutes(personas, group_meeting, persona, status):
    response = personas[persona].get(minutes_url(group_meeting))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    {**MINUTES_PERMISSIONS, "leader_a": 403}.items(),
)
def test_leaders_do_not_download_a_general_meetings_minutes(personas, world, persona, status):
    meeting = recorded_meeting(branch=world.branch, kind="general")

    assert personas[persona].get(minutes_url(meeting)).status_code == status


def test_a_missing_meeting_is_not_found(secretary_client, world):
    assert (
        secretary_client.get(reverse("reports:meeting_minutes", args=[999999])).status_code == 404
    )


def test_its_query_count_does_not_grow_with_attendees_and_motions(
    secretary_client, world, query_counter
):
    meeting = recorded_meeting(branch=world.branch, kind="general")
    names = iter(f"新党员{number}" for number in range(100))

    def grow():
        member = member_in_group(world.group_b, name=next(names))
        meeting.attendances.create(member=member, category=Category.FULL, presence=Presence.ABSENT)
        Motion.objects.create(meeting=meeting, title=f"议题{member.pk}", votes_for=1)

    query_counter.assert_constant(lambda: download(secretary_client, meeting), grow, times=2)
