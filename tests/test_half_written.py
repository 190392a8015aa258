"""No lost edits, nothing half-written: a write that fails half-way leaves nothing behind.

Each test lets a write start, makes a function the service calls half-way raise a
DatabaseError once some rows are written (the fault is only the means: the transaction
boundary is what is tested), then finds every table of the apps as it was, history
included, and no stored file. Through the pages, the user gets the server error page, which
says nothing was saved, and the same holds.
"""

import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities.models import Attendance, Meeting, MeetingType, Motion, Presence
from activities.services import (
    Absence,
    attachment_add,
    attendance_set,
    meeting_record,
    meeting_update,
)
from branchsite.dates import add_months
from members.dues import services as dues
from members.dues.ledger import first_of
from members.models import DuesCategory, DuesPayment, Gender, Member
from members.roster import roster_import, roster_read
from tests.factories import MemberFactory, UserFactory, recorded_meeting
from tests.members.roster.test_importing import LI_ID, messy_roster

DAY = datetime.date(2026, 10, 15)


def png() -> bytes:
    """A small real photo (a PNG)."""
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, "PNG")
    return output.getvalue()


PNG = png()

# The sentence of templates/500.html.
NOTHING_SAVED = "您填写的内容没有保存"
APPS = ["groups", "members", "activities", "reports"]


def tables() -> dict[str, list[tuple]]:
    """Every row of every table of the apps, their history tables included."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def changed_tables(before: dict, after: dict) -> set[str]:
    return {table for table in before if before[table] != after[table]}


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


class Fault:
    """`target` (a function, as the module under test imported it) raises a DatabaseError on
    its `nth` call, the calls before it running as usual. At that moment it notes what the
    tables and the media folder held, to show the failure struck half-way."""

    def __init__(self, monkeypatch, target: str, nth: int, media_root=None):
        module, name = target.rsplit(".", 1)
        original = getattr(importlib.import_module(module), name)
        self.calls = 0  # only the nth call fails: later ones, a second try, run as usual
        self.tables_then = None
        self.files_then = []

        def failing(*args, **kwargs):
            self.calls += 1
            if self.calls == nth:
                self.tables_then = tables()
                self.files_then = stored_files(media_root) if media_root else []
                raise DatabaseError("injected: the database went away half-way")
            return original(*args, **kwargs)

        monkeypatch.setattr(target, failing)

    def written_before_failing(self, before: dict) -> set[str]:
        """The tables the write had changed when the fault struck."""
        assert self.tables_then is not None, "the fault never struck"
        return changed_tables(before, self.tables_then)


def showing_errors(client):
    """`client`, returning the server error page instead of raising."""
    client.raise_request_exception = False
    return client


def assert_error_page(response) -> None:
    assert response.status_code == 500
    assert NOTHING_SAVED in response.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def history_table(model) -> str:
    return model.history.model._meta.db_table


# ------------------------------------------------------------------------ (a) a meeting


def a_new_meeting(world) -> Meeting:
    return Meeting(
        branch=world.branch,
        kind=MeetingType.GROUP,
        group=world.group_a,
        held_on=DAY,
        place="会议室",
        topic="学习研讨",
    )


def test_a_meeting_whose_photo_fails_to_save_leaves_no_row_and_no_file(world, media, monkeypatch):
    # The 5th audited save is the photo's row: the meeting (1), the absentee's attendance
    # and make-up study (2, 3) and the motion (4) are written, the photo's file stored.
    fault = Fault(monkeypatch, "activities.services.audited_save", 5, media_root=media)
    before = tables()
    with pytest.raises(DatabaseError):
        meeting_record(
            meeting=a_new_meeting(world),
            acting_user=world.leader_a.user,
            absences={world.member.pk: Absence(Presence.ABSENT)},
            motions=[Motion(title="接收预备党员")],
            photo=SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        )
    assert {
        Meeting._meta.db_table,
        history_table(Meeting),
        Attendance._meta.db_table,
        history_table(Attendance),
        Motion._meta.db_table,
    } <= fault.written_before_failing(before)
    assert len(fault.files_then) == 1  # the photo was on disk when the row failed
    assert changed_tables(before, tables()) == set()
    assert stored_files(media) == []


@pytest.fixture
def meeting_a(world, media):
    """A group A meeting with a photo: the plain member was excused."""
    meeting = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=DAY,
        absences={world.member: (Presence.EXCUSED, "外出培训")},
        acting_user=world.leader_a.user,
    )
    upload = SimpleUploadedFile("签到表.png", PNG, content_type="image/png")
    attachment_add(meeting=meeting, upload=upload, acting_user=world.leader_a.user)
    return meeting


def test_a_meeting_moved_to_another_group_that_fails_half_way_keeps_its_attendance(
    world, meeting_a, media, monkeypatch
):
    # The old list is deleted row by row; the new one, written in bulk, fails.
    fault = Fault(monkeypatch, "activities.services.audited_bulk_create", 1)
    before, files = tables(), stored_files(media)
    meeting_a.group = world.group_b
    with pytest.raises(DatabaseError):
        meeting_update(meeting=meeting_a, acting_user=world.secretary.user)
    assert {
        Meeting._meta.db_table,
        Attendance._meta.db_table,
        history_table(Attendance),
    } <= fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    assert stored_files(media) == files
    names = set(Attendance.objects.filter(meeting=meeting_a).values_list("member__name", flat=True))
    assert names == {"书记", "甲组长", "普通党员"}


def test_recording_a_meeting_that_fails_shows_the_error_page_and_keeps_nothing(
    world, leader_a_client, media, monkeypatch
):
    client = showing_errors(leader_a_client)
    # The meeting's row (1) is written, the photo stored; its row (2) fails.
    fault = Fault(monkeypatch, "activities.services.audited_save", 2, media_root=media)
    before = tables()
    response = client.post(
        reverse("activities:meeting_create", args=[world.branch.pk]),
        {
            "kind": MeetingType.GROUP,
            "group": world.group_a.pk,
            "held_on": DAY.isoformat(),
            "place": "党员活动室",
            "topic": "学习研讨",
            "photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        },
    )
    assert_error_page(response)
    assert Attendance._meta.db_table in fault.written_before_failing(before)
    assert len(fault.files_then) == 1
    assert changed_tables(before, tables()) == set()
    assert stored_files(media) == []


def test_editing_a_meeting_that_fails_shows_the_error_page_and_changes_nothing(
    world, meeting_a, leader_a_client, secretary_client, media, monkeypatch
):
    client = showing_errors(secretary_client)
    url = reverse("activities:meeting_edit", args=[meeting_a.pk])
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(held_on=DAY.isoformat(), kind=MeetingType.GROUP, group=world.group_b.pk)
    data["topic"] = "改到乙组"
    fault = Fault(monkeypatch, "activities.services.audited_bulk_create", 1)
    before = tables()
    assert_error_page(client.post(url, data))
    assert Attendance._meta.db_table in fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    meeting_a.refresh_from_db()
    assert (meeting_a.group, meeting_a.topic) == (world.group_a, "学习研讨")


# --------------------------------------------------------------------- (b) attendance


def test_attendance_that_fails_half_way_keeps_the_list_as_it_was(world, meeting_a, monkeypatch):
    # The secretary's row (1) and make-up study (2) are written; the leader's row (3) fails.
    fault = Fault(monkeypatch, "activities.services.audited_save", 3)
    before = tables()
    with pytest.raises(DatabaseError):
        attendance_set(
            meeting=meeting_a,
            entries={
                world.secretary.pk: Absence(Presence.ABSENT),
                world.leader_a.pk: Absence(Presence.EXCUSED, "病假"),
                world.member.pk: Absence(Presence.PRESENT),
            },
            acting_user=world.leader_a.user,
        )
    assert {
        Attendance._meta.db_table,
        history_table(Attendance),
    } <= fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    rows = dict(meeting_a.attendances.values_list("member__name", "presence"))
    assert rows == {"书记": "present", "甲组长": "present", "普通党员": "excused"}


def test_attendance_saved_from_its_page_that_fails_shows_the_error_page(
    world, meeting_a, leader_a_client, monkeypatch
):
    client = showing_errors(leader_a_client)
    fault = Fault(monkeypatch, "activities.services.audited_save", 3)
    before = tables()
    response = client.post(
        reverse("activities:meeting_attendance", args=[meeting_a.pk]),
        {
            f"presence_{world.secretary.pk}": "absent",
            f"presence_{world.leader_a.pk}": "absent",
            f"presence_{world.member.pk}": "present",
        },
    )
    assert_error_page(response)
    assert Attendance._meta.db_table in fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()


# ------------------------------------------------------------------- (c) a roster import

# Its history is written in three bulk calls: the new members (1), the updated member (2)
# and the new members' group memberships (3). The third fails, after all the rows and the
# members' history are written.
ROSTER_FAULT = "members.roster.importing.audited_bulk_history"


@pytest.fixture
def li(world):
    """李四, already on file: the roster updates her phone."""
    return MemberFactory(
        branch=world.branch, name="李四", gender=Gender.FEMALE, id_number=LI_ID, phone="137"
    )


def test_a_roster_import_that_fails_half_way_writes_no_member(world, li, monkeypatch):
    fault = Fault(monkeypatch, ROSTER_FAULT, 3)
    before = tables()
    with pytest.raises(DatabaseError):
        roster_import(
            branch=world.branch,
            rows=roster_read(messy_roster()).rows,
            acting_user=world.secretary.user,
        )
    assert {
        Member._meta.db_table,
        history_table(Member),
        "groups_groupmembership",
    } <= fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    assert Member.objects.get(pk=li.pk).phone == "137"


def test_a_roster_confirmed_that_fails_shows_the_error_page_and_can_be_confirmed_again(
    world, li, secretary_client, staging_dir, monkeypatch
):
    client = showing_errors(secretary_client)
    stream = messy_roster()
    stream.name = "花名册.xlsx"
    uploaded = client.post(
        reverse("admin:members_member_roster_import"), {"branch": world.branch.pk, "file": stream}
    )
    assert uploaded.status_code == 302
    token = uploaded["Location"].rsplit("token=", 1)[1]
    preview_url = reverse("admin:members_member_roster_preview")
    staged = stored_files(staging_dir)
    fault = Fault(monkeypatch, ROSTER_FAULT, 3)
    before = tables()
    assert_error_page(client.post(preview_url, {"token": token}))
    assert Member._meta.db_table in fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    assert stored_files(staging_dir) == staged  # the upload waits to be confirmed again
    assert client.post(preview_url, {"token": token}).status_code == 302
    assert Member.objects.filter(name="张三").exists()


# -------------------------------------------------------------------- (d) dues collected


@pytest.fixture
def based(world):
    """Every member of the branch pays 1.5 % of 6000 a month from three months ago."""
    clerk = UserFactory(username="clerk")
    for member in world.branch.members.all():
        dues.dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("6000"),
            starts_on=add_months(first_of(timezone.localdate()), -3),
            acting_user=clerk,
        )
    return world


def last_month() -> datetime.date:
    return add_months(first_of(timezone.localdate()), -1)


def test_a_collection_that_fails_half_way_records_no_payment(based, monkeypatch):
    # Two payments are written; the third fails.
    fault = Fault(monkeypatch, "members.dues.services.audited_save", 3)
    before = tables()
    with pytest.raises(DatabaseError):
        dues.dues_collect(
            members=list(based.branch.members.all()),
            month=last_month(),
            paid_on=timezone.localdate(),
            acting_user=based.secretary.user,
        )
    assert {
        DuesPayment._meta.db_table,
        history_table(DuesPayment),
    } <= fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()


def test_a_collection_from_its_page_that_fails_shows_the_error_page(
    based, secretary_client, monkeypatch
):
    client = showing_errors(secretary_client)
    fault = Fault(monkeypatch, "members.dues.services.audited_save", 3)
    before = tables()
    response = client.post(
        reverse("dues:collect", args=[based.branch.pk]),
        {"month": f"{last_month():%Y-%m}", "paid_on": timezone.localdate().isoformat()},
    )
    assert_error_page(response)
    assert DuesPayment._meta.db_table in fault.written_before_failing(before)
    assert changed_tables(before, tables()) == set()
    assert not DuesPayment.objects.exists()
