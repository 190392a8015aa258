"""The meeting pages: who may do what, and what each page does."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Attachment, MakeUpStudy, Meeting, MeetingType, Motion, Presence
from activities.services import attachment_add, meeting_review
from tests.conftest import assert_matrix
from tests.factories import member_in_group, recorded_meeting


def same_picture(stored: bytes, sent: bytes) -> bool:
    """The photo kept is the one sent, decoded and written again (branchsite.uploads)."""
    from PIL import Image

    kept, original = Image.open(io.BytesIO(stored)), Image.open(io.BytesIO(sent))
    return kept.size == original.size and (
        kept.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
    )


DAY = datetime.date(2026, 10, 15)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting_a(world):
    """A group A meeting: the plain member was expected (and excused)."""
    return recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=DAY,
        topic="学习二十届三中全会精神",
        absences={world.member: (Presence.EXCUSED, "外出培训")},
        acting_user=world.leader_a.user,
    )


@pytest.fixture
def attachment(meeting_a, world):
    return attachment_add(
        meeting=meeting_a,
        upload=SimpleUploadedFile("签到表.png", PNG, content_type="image/png"),
        acting_user=world.leader_a.user,
    )


READERS = {"secretary": 200, "leader_a": 200, "leader_b": 403, "member": 200, "viewer": 200}
EDITORS = {"secretary": 200, "leader_a": 200, "leader_b": 403, "member": 403, "viewer": 403}


def test_the_meeting_list_is_for_everyone_in_the_branch(personas, world):
    url = reverse("activities:meeting_list", args=[world.branch.pk])
    expected = {**READERS, "leader_b": 200, "outsider": 404}
    assert_matrix(personas, "get", url, expected)


def test_recording_a_meeting_is_for_the_committee_and_group_leaders(personas, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    expected = {**EDITORS, "leader_b": 200, "outsider": 404}
    assert_matrix(personas, "get", url, expected)


def test_a_group_meeting_is_read_by_the_branch_its_leader_and_those_expected(personas, meeting_a):
    url = reverse("activities:meeting", args=[meeting_a.pk])
    assert_matrix(personas, "get", url, {**READERS, "outsider": 404})


@pytest.mark.parametrize(
    "name", ["meeting_edit", "meeting_attendance", "meeting_motions", "meeting_delete"]
)
def test_changing_a_meeting_is_for_the_committee_and_its_group_leader(personas, meeting_a, name):
    url = reverse(f"activities:{name}", args=[meeting_a.pk])
    assert_matrix(personas, "get", url, {**EDITORS, "outsider": 404})


def test_only_the_committee_reviews_a_record(personas, meeting_a):
    url = reverse("activities:meeting_review", args=[meeting_a.pk])
    expected = {**EDITORS, "secretary": 302, "leader_a": 403, "outsider": 404}
    assert_matrix(personas, "post", url, expected)
    meeting_a.refresh_from_db()
    assert meeting_a.reviewed_at is not None


def test_attachments_are_served_to_those_who_read_the_whole_record(personas, attachment):
    url = reverse("activities:attachment", args=[attachment.pk])
    # The plain member was expected at the meeting but a sign-in sheet shows everyone.
    assert_matrix(personas, "get", url, {**READERS, "member": 403, "outsider": 404})


def test_attaching_files_is_for_editors(personas, meeting_a):
    url = reverse("activities:attachment_add", args=[meeting_a.pk])
    outcomes = {
        name: client.post(url, {"file": SimpleUploadedFile("p.png", PNG, "image/png")}).status_code
        for name, client in personas.items()
    }
    expected = {**EDITORS, "secretary": 302, "leader_a": 302, "outsider": 404, "anonymous": 302}
    assert outcomes == expected
    assert meeting_a.attachments.count() == 2


def test_removing_a_file_is_for_editors(personas, attachment):
    url = reverse("activities:attachment_remove", args=[attachment.pk])
    # leader_a goes last: their removal succeeds and the file is gone for anyone after.
    order = ["anonymous", "leader_b", "member", "viewer", "outsider", "leader_a"]
    refused = {name: personas[name] for name in order}
    expected = {**EDITORS, "leader_a": 302, "outsider": 404}
    del expected["secretary"]
    assert_matrix(refused, "post", url, expected)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()  # leader_a removed it


def test_make_up_study_is_closed_by_the_committee_or_the_members_leader(personas, meeting_a):
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting_a)
    url = reverse("activities:make_up_close", args=[make_up.pk])
    assert_matrix(personas, "get", url, {**EDITORS, "outsider": 404})


def test_the_make_up_list_is_for_everyone_in_the_branch(personas, world):
    url = reverse("activities:make_up_list", args=[world.branch.pk])
    assert_matrix(personas, "get", url, {**READERS, "leader_b": 200, "outsider": 404})


# ------------------------------------------------------------------ what the pages do


def test_a_leader_records_a_group_meeting_with_a_photo(leader_a_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    response = leader_a_client.post(
        url,
        {
            "kind": MeetingType.GROUP,
            "group": world.group_a.pk,
            "held_on": "2026-10-15",
            "place": "党员活动室",
            "topic": "学习研讨",
            "photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:meeting_attendance", args=[meeting.pk])
    assert (meeting.group, meeting.created_by) == (world.group_a, world.leader_a.user)
    assert meeting.attendances.filter(presence=Presence.PRESENT).count() == 3
    attachment = meeting.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("现场.png", "image/png")
    assert same_picture(attachment.file.read(), PNG)


def test_a_leader_cannot_record_another_groups_or_a_branch_meeting(leader_a_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    base = {"held_on": "2026-10-15", "place": "会议室", "topic": "学习"}
    response = leader_a_client.post(url, {**base, "kind": "group", "group": world.group_b.pk})
    assert response.status_code == 200 and "group" in response.context["form"].errors
    response = leader_a_client.post(url, {**base, "kind": "general"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_form_with_errors_keeps_what_was_typed(secretary_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    response = secretary_client.post(
        url, {"kind": "group", "held_on": "2026-10-15", "place": "三楼会议室", "topic": "学习"}
    )
    page = response.content.decode()
    assert response.context["form"].errors["group"] == ["请选择召开会议的党小组。"]
    assert "请选择召开会议的党小组。" in page
    assert 'value="三楼会议室"' in page
    assert not Meeting.objects.exists()


def test_a_photo_the_service_refuses_leaves_no_meeting_and_keeps_the_form(
    secretary_client, world, monkeypatch
):
    """The form checked the photo; should the service still refuse it, nothing is left."""

    def refuse(upload):
        raise ValidationError("附件被拒绝")

    monkeypatch.setattr("activities.services.validate_meeting_attachment", refuse)
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    response = secretary_client.post(
        url,
        {
            "kind": "lecture",
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "党课",
            "photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["附件被拒绝"]
    assert not Meeting.objects.exists()
    assert not Meeting.history.exists()


def test_a_renamed_file_is_refused_by_its_content(secretary_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script>", "image/jpeg")
    response = secretary_client.post(
        url,
        {
            "kind": "lecture",
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "党课",
            "photo": fake,
        },
    )
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_photo_over_the_size_limit_is_refused_with_its_size(secretary_client, world, settings):
    settings.MEETING_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (1024 * 1024), "image/png")
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    response = secretary_client.post(
        url,
        {
            "kind": "lecture",
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "党课",
            "photo": big,
        },
    )
    assert response.context["form"].errors["photo"] == ["文件大小为 1.0 MB；附件最大 1.0 MB。"]
    assert 'value="会议室"' in response.content.decode()  # what was typed is kept
    assert not Meeting.objects.exists()


def test_a_future_meeting_cannot_be_recorded(secretary_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    response = secretary_client.post(
        url, {"kind": "lecture", "held_on": "2099-01-01", "place": "会议室", "topic": "党课"}
    )
    assert "held_on" in response.context["form"].errors


def test_attendance_is_set_and_an_excused_member_without_reason_is_sent_back(
    leader_a_client, meeting_a, world
):
    url = reverse("activities:meeting_attendance", args=[meeting_a.pk])
    data = {
        f"presence_{world.secretary.pk}": "present",
        f"presence_{world.leader_a.pk}": "absent",
        f"presence_{world.member.pk}": "excused",
        f"reason_{world.member.pk}": "",
    }
    response = leader_a_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {f"reason_{world.member.pk}": ["请填写普通党员的请假原因。"]}
    assert meeting_a.attendances.get(member=world.leader_a).presence == Presence.PRESENT

    data[f"reason_{world.member.pk}"] = "病假"
    response = leader_a_client.post(url, data)
    assert response.status_code == 302
    rows = dict(meeting_a.attendances.values_list("member__name", "presence"))
    assert rows == {"书记": "present", "甲组长": "absent", "普通党员": "excused"}
    assert MakeUpStudy.objects.filter(attendance__meeting=meeting_a).count() == 2


def test_everyone_is_marked_present_in_one_action(leader_a_client, meeting_a):
    url = reverse("activities:meeting_attendance", args=[meeting_a.pk])
    response = leader_a_client.post(url, {"action": "all_present"})
    assert response.status_code == 302
    assert not meeting_a.attendances.exclude(presence=Presence.PRESENT).exists()


def test_a_member_sees_their_own_attendance_and_not_the_others(member_client, meeting_a):
    page = member_client.get(reverse("activities:meeting", args=[meeting_a.pk])).content.decode()
    assert "外出培训" in page  # their own reason
    assert "待补学" not in page  # nobody else's make-up study


def test_the_member_page_hides_other_attendees(member_client, meeting_a, world):
    response = member_client.get(reverse("activities:meeting", args=[meeting_a.pk]))
    assert response.context["attendances"] == []
    assert response.context["own"].member == world.member


def test_votes_are_saved_and_judged(secretary_client, world):
    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=DAY)
    url = reverse("activities:meeting_motions", args=[meeting.pk])
    response = secretary_client.post(
        url,
        {
            "motions-TOTAL_FORMS": "1",
            "motions-INITIAL_FORMS": "0",
            "motions-0-title": "接收张三为预备党员",
            "motions-0-votes_for": "4",
            "motions-0-votes_against": "0",
            "motions-0-abstentions": "1",
            "motions-0-written_for": "0",
            "motions-0-written_against": "0",
        },
    )
    assert response.status_code == 302
    motion = Motion.objects.get()
    page = secretary_client.get(reverse("activities:meeting", args=[meeting.pk])).content.decode()
    # 6 full members expected, all present: 4 votes for is more than half of 6.
    assert motion.votes_for == 4 and "通过" in page


def test_an_edit_after_review_shows_the_flag(leader_a_client, secretary_client, meeting_a, world):
    meeting_review(meeting=meeting_a, acting_user=world.secretary.user)
    url = reverse("activities:meeting_edit", args=[meeting_a.pk])
    form = leader_a_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(topic="新主题", held_on="2026-10-15", kind="group", group=world.group_a.pk)
    assert leader_a_client.post(url, data).status_code == 302
    meeting_a.refresh_from_db()
    assert meeting_a.topic == "新主题" and meeting_a.changed_after_review
    listing = secretary_client.get(
        reverse("activities:meeting_list", args=[world.branch.pk])
        + "?start=2026-01-01&end=2026-12-31"
    )
    assert "审核后" in listing.content.decode()


def test_deleting_asks_first_then_deletes(secretary_client, meeting_a):
    url = reverse("activities:meeting_delete", args=[meeting_a.pk])
    assert "删除" in secretary_client.get(url).content.decode()
    assert Meeting.objects.filter(pk=meeting_a.pk).exists()
    assert secretary_client.post(url).status_code == 302
    assert not Meeting.objects.filter(pk=meeting_a.pk).exists()


def test_a_leader_closes_make_up_study_from_their_page(leader_a_client, meeting_a, world):
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting_a)
    url = reverse("activities:make_up_close", args=[make_up.pk])
    response = leader_a_client.post(url, {"done_on": "2026-10-20", "note": "自学并提交心得"})
    assert response.status_code == 302
    make_up.refresh_from_db()
    assert make_up.done_on == datetime.date(2026, 10, 20)
    response = leader_a_client.post(url.replace(str(make_up.pk), str(make_up.pk)), {})
    assert response.status_code == 302  # already closed: back to the meeting


@pytest.mark.parametrize(
    "target", ["/\\evil.example", "//evil.example", "https://evil.example", "/\\/evil.example/x"]
)
def test_closing_make_up_study_never_sends_the_user_to_another_site(
    leader_a_client, meeting_a, target
):
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting_a)
    url = reverse("activities:make_up_close", args=[make_up.pk])
    form = leader_a_client.get(url, {"next": target})
    assert form.context["next"] == ""
    response = leader_a_client.post(url, {"done_on": "2026-10-20", "note": "自学", "next": target})
    assert response["Location"] == reverse("activities:meeting", args=[meeting_a.pk])


def test_closing_make_up_study_returns_to_a_local_next_page(leader_a_client, meeting_a, world):
    make_up = MakeUpStudy.objects.get(attendance__meeting=meeting_a)
    url = reverse("activities:make_up_close", args=[make_up.pk])
    back = reverse("activities:make_up_list", args=[world.branch.pk]) + "?page=2"
    assert leader_a_client.get(url, {"next": back}).context["next"] == back
    response = leader_a_client.post(url, {"done_on": "2026-10-20", "note": "自学", "next": back})
    assert response["Location"] == back


# ------------------------------------------------------------------ query budgets


def test_the_meeting_list_reads_a_fixed_number_of_queries(secretary_client, world, query_counter):
    url = (
        reverse("activities:meeting_list", args=[world.branch.pk])
        + "?start=2026-01-01&end=2026-12-31"
    )
    day = iter(range(1, 28))

    def grow():
        recorded_meeting(
            branch=world.branch, group=world.group_a, held_on=datetime.date(2026, 9, next(day))
        )

    grow()  # an empty list skips the query of its rows
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_meeting_page_reads_a_fixed_number_of_queries(secretary_client, world, query_counter):
    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=DAY)
    Motion.objects.create(meeting=meeting, title="表决", votes_for=5)
    url = reverse("activities:meeting", args=[meeting.pk])

    def grow():
        member = member_in_group(world.group_b)
        from activities.models import Attendance

        row = Attendance.objects.create(
            meeting=meeting, member=member, category="full", presence="absent"
        )
        MakeUpStudy.objects.create(attendance=row)
        Motion.objects.create(meeting=meeting, title="再表决", votes_for=3)
        Attachment.objects.create(
            meeting=meeting, file="x.png", original_name="x.png", content_type="image/png", size=1
        )

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_group_page_reads_a_fixed_number_of_queries(leader_a_client, world, query_counter):
    url = reverse("overview:group_detail", args=[world.group_a.pk])
    day = iter(range(1, 28))

    def grow():
        recorded_meeting(
            branch=world.branch,
            group=world.group_a,
            held_on=datetime.date(2026, 9, next(day)),
            absences={world.member: (Presence.ABSENT, "")},
        )

    query_counter.assert_constant(lambda: leader_a_client.get(url), grow)


def test_the_group_page_offers_recording_to_its_leader_only(
    leader_a_client, member_client, world, meeting_a
):
    create = reverse("activities:meeting_create", args=[world.branch.pk])
    page = leader_a_client.get(
        reverse("overview:group_detail", args=[world.group_a.pk])
    ).content.decode()
    assert create in page and "学习二十届三中全会精神" in page
    assert io is not None


def test_the_committee_records_a_january_organisational_life_meeting_for_the_year_before(
    secretary_client, world
):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    base = {"kind": MeetingType.LIFE, "place": "会议室", "topic": "2025年度组织生活会"}

    response = secretary_client.post(url, {**base, "held_on": "2026-02-02", "held_for_year": 2025})
    assert response.status_code == 200
    assert "held_for_year" in response.context["form"].errors
    response = secretary_client.post(url, {**base, "held_on": "2026-01-14", "held_for_year": 2025})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.counts_for_year == 2025
    page = secretary_client.get(reverse("activities:meeting", args=[meeting.pk])).content.decode()
    assert "计入年度" in page and "2025" in page


def test_a_meeting_counts_for_the_year_of_its_date_unless_told_otherwise(secretary_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    form = secretary_client.get(url).context["form"]
    assert form.fields["held_for_year"].choices[0] == ("", "按召开日期所在年度")

    secretary_client.post(
        url,
        {
            "kind": MeetingType.EVALUATION,
            "held_on": "2026-01-14",
            "place": "会议室",
            "topic": "评议",
        },
    )
    meeting = Meeting.objects.get()
    assert (meeting.held_for_year, meeting.counts_for_year) == (None, 2026)


def test_a_leader_is_not_asked_which_year_a_group_meeting_counts_for(leader_a_client, world):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    assert "held_for_year" not in leader_a_client.get(url).context["form"].fields
