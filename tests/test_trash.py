"""The 回收站: a deleted meeting, activity or member goes into its branch's recycle bin with
everything its deletion took along, and the committee brings it back as it was — the same
records, the same files, the links it had — with the history saying who deleted and who
restored. What no longer fits is refused whole."""

import datetime
import io
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities.models import Attendance, Meeting, Presence
from activities.models.work import Activity, ActivityKind
from activities.services import attachment_add
from activities.work.services import activity_delete, activity_save
from branchsite import trash
from branchsite.models import TrashItem
from members.models import Member
from tests.conftest import assert_matrix
from tests.factories import MemberFactory, member_in_group, recorded_meeting


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def meeting(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        acting_user=world.leader_a.user,
        absences={world.member: (Presence.ABSENT, "")},
        host=world.leader_a,
    )
    attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("现场.png", png(), content_type="image/png"),
        acting_user=world.leader_a.user,
    )
    return meeting


def rows_of(meeting) -> dict:
    return {
        "meeting": Meeting.objects.filter(pk=meeting.pk).values().get(),
        "attendance": list(Attendance.objects.filter(meeting=meeting).order_by("pk").values()),
        "make_up": sorted(meeting.attendances.values_list("make_up__pk", flat=True), key=str),
        "files": list(meeting.attachments.values_list("pk", "file")),
    }


def test_a_deleted_meeting_comes_back_as_it_was(world, meeting, leader_a_client, secretary_client):
    before = rows_of(meeting)
    stored = meeting.attachments.get().file.path
    response = leader_a_client.post(reverse("activities:meeting_delete", args=[meeting.pk]))
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not Attendance.objects.filter(meeting_id=meeting.pk).exists()
    assert pathlib.Path(stored).exists()  # the photo stays while the meeting is in the bin

    bin_page = secretary_client.get(reverse("groups:trash", args=[world.branch.pk]))
    assert bin_page.status_code == 200
    page = bin_page.content.decode()
    assert "2026-10-15 党小组会：学习研讨" in page
    assert "甲组长" in page  # who deleted it
    item = TrashItem.objects.get()

    restored = secretary_client.post(reverse("groups:trash_restore", args=[item.pk]))
    assert restored.status_code == 302
    assert restored["Location"] == reverse("activities:meeting", args=[meeting.pk])
    assert rows_of(meeting) == before
    assert not TrashItem.objects.exists()
    history = Meeting.history.filter(id=meeting.pk).order_by("history_id")
    assert [(row.history_type, row.history_user) for row in history][-2:] == [
        ("-", world.leader_a.user),
        ("+", world.secretary.user),
    ]
    assert history.last().history_change_reason == "从回收站恢复"
    assert "已恢复：2026-10-15 党小组会：学习研讨。" in secretary_client.get(
        restored["Location"]
    ).content.decode("utf-8")


def test_a_deleted_activity_comes_back_with_its_participants(world, secretary_client):
    activity = Activity(
        branch=world.branch,
        kind=ActivityKind.VOLUNTEER,
        held_on=timezone.localdate(),
        title="护学岗",
        group=world.group_a,
        number=1,
        hours=2,
    )
    activity_save(
        activity=activity,
        participants={world.member: None, world.leader_a: None},
        acting_user=world.secretary.user,
    )
    participants = sorted(activity.participants.values_list("pk", "member_id"))
    pk = activity.pk
    activity_delete(activity=activity, acting_user=world.secretary.user)
    assert not Activity.objects.exists()

    item = TrashItem.objects.get()
    assert item.kind_label == "活动"
    secretary_client.post(reverse("groups:trash_restore", args=[item.pk]))
    restored = Activity.objects.get(pk=pk)
    assert sorted(restored.participants.values_list("pk", "member_id")) == participants


def test_a_member_deleted_in_the_workbench_comes_back_with_their_links(
    world, meeting, secretary_client
):
    """A member entered by mistake (no group, no attendance: the workbench refuses to delete
    anyone with a record) who was named as the meeting's host."""
    mistaken = MemberFactory(branch=world.branch, name="误录党员")
    Meeting.objects.filter(pk=meeting.pk).update(host=mistaken)
    before = Member.objects.filter(pk=mistaken.pk).values().get()
    url = reverse("admin:members_member_delete", args=[mistaken.pk])
    assert secretary_client.post(url, {"post": "yes"}).status_code == 302
    assert not Member.objects.filter(pk=mistaken.pk).exists()
    meeting.refresh_from_db()
    assert meeting.host is None  # the deletion cleared the meeting's host

    item = TrashItem.objects.get(model="members.member")
    assert item.deleted_by == world.secretary.user
    secretary_client.post(reverse("groups:trash_restore", args=[item.pk]))
    assert Member.objects.filter(pk=mistaken.pk).values().get() == before
    meeting.refresh_from_db()
    assert meeting.host_id == mistaken.pk  # and the restore set it again


def test_what_no_longer_fits_is_refused_whole(world, meeting, secretary_client):
    """The meeting's attendance names a member deleted for good since: nothing comes back."""
    leaver = member_in_group(world.group_a, name="后来删除的党员")
    later = recorded_meeting(
        branch=world.branch, group=world.group_a, held_on=datetime.date(2026, 10, 20)
    )
    assert later.attendances.filter(member=leaver).exists()
    secretary_client.post(reverse("activities:meeting_delete", args=[later.pk]))
    Member.objects.filter(pk=leaver.pk).delete()  # gone for good, not into the bin
    item = TrashItem.objects.get(object_id=later.pk)

    response = secretary_client.post(reverse("groups:trash_restore", args=[item.pk]), follow=True)
    assert "无法恢复这条记录" in response.content.decode()
    assert not Meeting.objects.filter(pk=later.pk).exists()
    assert not Attendance.objects.filter(meeting_id=later.pk).exists()
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_the_bin_is_the_committees(personas, world, meeting):
    trash.trash_record(meeting, branch=world.branch, acting_user=world.secretary.user)
    item = TrashItem.objects.get()
    expected = {
        "secretary": 200,
        "leader_a": 403,
        "leader_b": 403,
        "member": 403,
        "viewer": 403,
        "outsider": 404,
    }
    assert_matrix(personas, "get", reverse("groups:trash", args=[world.branch.pk]), expected)
    refused = {name: code for name, code in expected.items() if name != "secretary"}
    assert_matrix(
        {name: personas[name] for name in ["anonymous", *refused]},
        "post",
        reverse("groups:trash_restore", args=[item.pk]),
        refused,
    )
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    restore = reverse("groups:trash_restore", args=[item.pk])
    assert personas["secretary"].get(restore).status_code == 405


def test_the_bin_costs_the_same_queries_for_more_records(
    world, secretary_client, query_counter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    days = iter(range(1, 28))

    def grow():
        meeting = recorded_meeting(
            branch=world.branch,
            group=world.group_a,
            held_on=datetime.date(2026, 9, next(days)),
            acting_user=world.leader_a.user,
        )
        trash.trash_record(meeting, branch=world.branch, acting_user=world.leader_a.user)

    grow()
    query_counter.assert_constant(
        lambda: secretary_client.get(reverse("groups:trash", args=[world.branch.pk])), grow
    )


def test_a_record_is_emptied_for_good_after_its_days(
    world, meeting, django_capture_on_commit_callbacks
):
    path = pathlib.Path(meeting.attachments.get().file.path)
    trash.trash_record(meeting, branch=world.branch, acting_user=world.secretary.user)
    assert path.exists()
    TrashItem.objects.update(
        deleted_at=timezone.now() - datetime.timedelta(days=trash.KEEP_DAYS, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert trash.trash_empty_expired() == 1
    assert not TrashItem.objects.exists()
    assert not path.exists()
