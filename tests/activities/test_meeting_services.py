"""Recording a meeting: who is expected, attendance and make-up study, review and edits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import Attendance, MakeUpStudy, Meeting, MeetingType, Presence
from activities.services import (
    Absence,
    attendance_all_present,
    attendance_set,
    make_up_close,
    meeting_delete,
    meeting_record,
    meeting_review,
    meeting_update,
)
from groups.models import GroupMembership
from members.models import Category, Status
from tests.factories import MemberFactory, member_in_group, recorded_meeting

DAY = datetime.date(2026, 10, 15)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def names(meeting):
    return sorted(meeting.attendances.values_list("member__name", flat=True))


def test_a_group_meeting_expects_the_group_as_it_was_on_the_day(world):
    newcomer = member_in_group(world.group_a, name="新调入")
    GroupMembership.objects.filter(member=newcomer).update(started_on=DAY + datetime.timedelta(1))
    leaver = member_in_group(world.group_a, name="已调出")
    GroupMembership.objects.filter(member=leaver).update(ended_on=DAY - datetime.timedelta(1))
    moved_later = member_in_group(world.group_a, name="后调组")
    GroupMembership.objects.filter(member=moved_later).update(ended_on=DAY + datetime.timedelta(30))

    meeting = recorded_meeting(branch=world.branch, group=world.group_a, held_on=DAY)

    assert names(meeting) == sorted(["书记", "甲组长", "普通党员", "后调组"])
    assert meeting.attendances.filter(presence=Presence.PRESENT).count() == 4


def test_a_general_meeting_expects_every_member_and_notes_who_votes(world):
    probationary = member_in_group(world.group_b, name="预备党员", probationary=True)
    probationary.joined_on = datetime.date(2026, 6, 1)
    probationary.save()
    not_yet = member_in_group(world.group_b, name="后入党", probationary=True)
    not_yet.joined_on = DAY + datetime.timedelta(days=10)
    not_yet.save()
    applicant = MemberFactory(
        branch=world.branch,
        name="申请人",
        category=Category.APPLICANT,
        joined_on=None,
        full_member_on=None,
    )

    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=DAY)

    categories = dict(meeting.attendances.values_list("member__name", "category"))
    assert categories["预备党员"] == Category.PROBATIONARY
    assert categories["书记"] == Category.FULL
    assert "后入党" not in categories and applicant.name not in categories
    assert len(categories) == 7


def test_members_gone_before_the_day_are_not_expected_but_those_gone_after_are(world):
    left_before = member_in_group(world.group_a, name="早转出")
    left_before.status, left_before.status_since = Status.TRANSFERRED_OUT, DAY
    left_before.save()
    left_after = member_in_group(world.group_a, name="晚转出")
    left_after.status, left_after.status_since = Status.TRANSFERRED_OUT, DAY + datetime.timedelta(1)
    left_after.save()

    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=DAY)

    assert "早转出" not in names(meeting)
    assert "晚转出" in names(meeting)


def test_a_committee_meeting_expects_the_committee(world):
    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.COMMITTEE, held_on=DAY)
    assert names(meeting) == ["书记"]


def test_absentees_owe_make_up_study_and_lose_it_when_marked_present(world):
    meeting = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        absences={
            world.member: (Presence.EXCUSED, "外出培训"),
            world.leader_a: (Presence.ABSENT, ""),
        },
        acting_user=world.secretary.user,
    )
    owed = MakeUpStudy.objects.filter(attendance__meeting=meeting)
    assert sorted(owed.values_list("attendance__member__name", flat=True)) == ["普通党员", "甲组长"]
    assert Attendance.objects.get(meeting=meeting, member=world.member).reason == "外出培训"

    attendance_all_present(meeting=meeting, acting_user=world.secretary.user)

    assert not owed.exists()
    assert not meeting.attendances.exclude(presence=Presence.PRESENT).exists()


def test_an_excused_member_needs_a_reason(world):
    meeting = recorded_meeting(branch=world.branch, group=world.group_a)
    with pytest.raises(ValidationError):
        attendance_set(
            meeting=meeting,
            entries={world.member.pk: Absence(Presence.EXCUSED, " ")},
            acting_user=None,
        )
    assert meeting.attendances.get(member=world.member).presence == Presence.PRESENT


def test_attendance_of_someone_not_expected_is_refused(world):
    meeting = recorded_meeting(branch=world.branch, group=world.group_a)
    with pytest.raises(ValidationError):
        attendance_set(
            meeting=meeting, entries={world.leader_b.pk: Absence(Presence.ABSENT)}, acting_user=None
        )


def test_closed_make_up_study_stays_when_the_member_is_later_marked_present(world):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, absences={world.member: (Presence.ABSENT, "")}
    )
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting)
    make_up_close(
        make_up=make_up, done_on=DAY + datetime.timedelta(3), note="自学会议材料", acting_user=None
    )
    attendance_set(
        meeting=meeting, entries={world.member.pk: Absence(Presence.PRESENT)}, acting_user=None
    )
    assert MakeUpStudy.objects.filter(pk=make_up.pk, done_on__isnull=False).exists()


def test_make_up_study_is_closed_after_the_meeting_with_a_note(world):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, absences={world.member: (Presence.ABSENT, "")}
    )
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting)
    with pytest.raises(ValidationError):
        make_up_close(
            make_up=make_up, done_on=DAY - datetime.timedelta(1), note="x", acting_user=None
        )
    with pytest.raises(ValidationError):
        make_up_close(make_up=make_up, done_on=DAY, note="  ", acting_user=None)
    make_up_close(
        make_up=make_up, done_on=DAY, note="观看会议录像", acting_user=world.leader_a.user
    )
    make_up.refresh_from_db()
    assert (make_up.done_on, make_up.note, make_up.closed_by) == (
        DAY,
        "观看会议录像",
        world.leader_a.user,
    )


def test_an_edit_after_review_is_flagged_and_kept_in_the_history(world):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, acting_user=world.leader_a.user
    )
    meeting_review(meeting=meeting, acting_user=world.secretary.user)
    assert meeting.reviewed_by == world.secretary.user and not meeting.changed_after_review

    meeting.topic = "改过的主题"
    meeting_update(meeting=meeting, acting_user=world.leader_a.user)

    meeting.refresh_from_db()
    assert meeting.changed_after_review
    latest = meeting.history.first()
    assert (latest.topic, latest.history_user) == ("改过的主题", world.leader_a.user)

    attendance_set(
        meeting=meeting, entries={world.member.pk: Absence(Presence.ABSENT)}, acting_user=None
    )
    meeting_review(meeting=meeting, acting_user=world.secretary.user)
    assert not Meeting.objects.get(pk=meeting.pk).changed_after_review


def test_changing_the_date_or_group_rebuilds_the_expected_list(world):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, absences={world.member: (Presence.ABSENT, "")}
    )
    meeting.group = world.group_b
    meeting_update(meeting=meeting, acting_user=None)
    assert names(meeting) == sorted(["乙组长", "乙组党员一", "乙组党员二"])
    assert not MakeUpStudy.objects.filter(attendance__meeting=meeting).exists()


def test_a_group_meeting_must_name_its_group_and_others_must_not(world):
    from activities.services import meeting_record

    with pytest.raises(ValidationError):
        meeting_record(
            meeting=Meeting(
                branch=world.branch, kind=MeetingType.GROUP, held_on=DAY, place="x", topic="y"
            ),
            acting_user=None,
        )
    with pytest.raises(ValidationError):
        meeting_record(
            meeting=Meeting(
                branch=world.branch,
                kind=MeetingType.LECTURE,
                group=world.group_a,
                held_on=DAY,
                place="x",
                topic="y",
            ),
            acting_user=None,
        )
    assert not Meeting.objects.exists()


def test_a_group_of_another_branch_is_refused(world):
    from activities.services import meeting_record

    other_group = world.outsider.group_memberships.get().group
    with pytest.raises(ValidationError):
        meeting_record(
            meeting=Meeting(
                branch=world.branch,
                kind=MeetingType.GROUP,
                group=other_group,
                held_on=DAY,
                place="x",
                topic="y",
            ),
            acting_user=None,
        )


def test_deleting_a_meeting_removes_its_rows_and_keeps_history(world):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, absences={world.member: (Presence.ABSENT, "")}
    )
    pk = meeting.pk
    meeting_delete(meeting=meeting, acting_user=world.secretary.user)
    assert not Meeting.objects.filter(pk=pk).exists()
    assert not Attendance.objects.filter(meeting_id=pk).exists()
    deleted = Meeting.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == world.secretary.user


def test_an_old_committee_meeting_keeps_the_committee_of_its_day(world):
    from groups.models import CommitteeMembership, CommitteeRole

    newcomer = member_in_group(world.group_b, name="新委员")
    post = CommitteeMembership.objects.get(member=world.secretary)
    CommitteeMembership.objects.create(
        term=post.term,
        member=newcomer,
        role=CommitteeRole.ORGANISATION,
        started_on=DAY + datetime.timedelta(days=1),
    )

    before = recorded_meeting(branch=world.branch, kind=MeetingType.COMMITTEE, held_on=DAY)
    after = recorded_meeting(
        branch=world.branch, kind=MeetingType.COMMITTEE, held_on=DAY + datetime.timedelta(2)
    )

    assert names(before) == ["书记"]
    assert names(after) == sorted(["书记", "新委员"])


def test_changing_the_votes_of_a_reviewed_record_flags_it(world):
    from activities.models import Motion
    from activities.services import meeting_motions_save

    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL)
    motion = Motion(title="接收预备党员", votes_for=5)
    meeting_motions_save(meeting=meeting, saved=[motion], deleted=[], acting_user=None)
    meeting_review(meeting=meeting, acting_user=world.secretary.user)

    meeting_motions_save(
        meeting=meeting, saved=[], deleted=[motion], acting_user=world.secretary.user
    )

    meeting.refresh_from_db()
    assert not meeting.motions.exists() and meeting.changed_after_review
    assert Motion.history.filter(history_type="-").get().history_user == world.secretary.user


def test_a_meeting_is_recorded_with_its_photo_in_one_step(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    meeting = Meeting(
        branch=world.branch, kind=MeetingType.LECTURE, held_on=DAY, place="会议室", topic="党课"
    )

    meeting = meeting_record(meeting=meeting, photo=photo, acting_user=world.secretary.user)

    attachment = meeting.attachments.get()
    assert (attachment.original_name, attachment.uploaded_by) == ("现场.png", world.secretary.user)
    assert attachment.history.get().history_user == world.secretary.user


def test_a_refused_photo_leaves_no_meeting_behind(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    disguised = SimpleUploadedFile("photo.jpg", b"<html><script></script>", "image/jpeg")
    meeting = Meeting(
        branch=world.branch, kind=MeetingType.LECTURE, held_on=DAY, place="会议室", topic="党课"
    )

    with pytest.raises(ValidationError):
        meeting_record(meeting=meeting, photo=disguised, acting_user=world.secretary.user)

    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()
    assert not Meeting.history.exists()
    assert not any(tmp_path.rglob("*.jpg"))
