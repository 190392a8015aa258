"""Applicants and activists invited to a 党课 or a 主题党日 (seed 002): listed with their stage
on the meeting page, the minutes and the ledger, never among those expected, present or
voting; and, where the branch's study rule says so, the members' attendance of these
meetings counts as study hours."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import MeetingGuest, MeetingType, Presence, StudyRule
from activities.services import meeting_guests_set
from activities.work.selectors import work_figures
from members.models import Category
from reports.ledger import with_attendance_counts
from reports.minutes import minutes_of
from tests.conftest import assert_matrix
from tests.factories import MemberFactory, UserFactory, recorded_meeting

HELD = datetime.date(2026, 10, 15)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def lecture(world, clerk):
    return recorded_meeting(
        branch=world.branch, kind=MeetingType.LECTURE, acting_user=clerk, speaker="书记"
    )


@pytest.fixture
def activist(world):
    return MemberFactory(
        branch=world.branch,
        name="积极分子甲",
        category=Category.ACTIVIST,
        joined_on=None,
        full_member_on=None,
    )


def test_the_secretary_invites_an_activist_who_is_listed_but_not_counted(
    world, lecture, activist, secretary_client
):
    expected_before = lecture.attendances.count()
    url = reverse("activities:meeting_guests", args=[lecture.pk])
    page = secretary_client.get(url).content.decode()
    assert "积极分子甲（入党积极分子）" in page and world.member.name not in page
    assert secretary_client.post(url, {"people": [activist.pk]}).status_code == 302
    guest = MeetingGuest.objects.get()
    assert (guest.person, guest.category) == (activist, Category.ACTIVIST)
    assert guest.history.get().history_user == world.secretary.user
    assert lecture.attendances.count() == expected_before
    detail = secretary_client.get(reverse("activities:meeting", args=[lecture.pk]))
    assert "积极分子甲（入党积极分子）" in detail.content.decode()
    assert "积极分子甲（入党积极分子）" in minutes_of(lecture).guests
    counted = with_attendance_counts(type(lecture).objects.filter(pk=lecture.pk)).get()
    assert counted.invited_count == 1 and counted.expected_count == expected_before
    # Unticking removes the invitation; the history keeps it.
    secretary_client.post(url, {})
    assert not MeetingGuest.objects.exists()
    assert MeetingGuest.history.filter(history_type="-").count() == 1


def test_only_lectures_and_themed_days_take_guests_and_only_the_pipelines_people(
    world, clerk, lecture, activist, secretary_client
):
    group_meeting = recorded_meeting(branch=world.branch, group=world.group_a, acting_user=clerk)
    with pytest.raises(ValidationError, match="党课或主题党日"):
        meeting_guests_set(meeting=group_meeting, people=[activist], acting_user=clerk)
    url = reverse("activities:meeting_guests", args=[group_meeting.pk])
    assert secretary_client.get(url).status_code == 404
    with pytest.raises(ValidationError, match=world.member.name):
        meeting_guests_set(meeting=lecture, people=[world.member], acting_user=clerk)
    outsider_activist = MemberFactory(
        branch=world.other_branch, category=Category.ACTIVIST, joined_on=None, full_member_on=None
    )
    with pytest.raises(ValidationError):
        meeting_guests_set(meeting=lecture, people=[outsider_activist], acting_user=clerk)
    assert not MeetingGuest.objects.exists()


def test_inviting_is_for_the_meetings_editors(personas, lecture):
    assert_matrix(
        personas,
        "get",
        reverse("activities:meeting_guests", args=[lecture.pk]),
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )


def test_lectures_attended_count_as_study_hours_where_the_branch_says_so(world, clerk):
    for day in (3, 17):
        recorded_meeting(
            branch=world.branch,
            kind=MeetingType.LECTURE,
            held_on=datetime.date(2026, 3, day),
            acting_user=clerk,
            absences={world.member: (Presence.ABSENT, "")} if day == 17 else None,
        )
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

    def hours():
        return {row.member.name: row.hours for row in work_figures(world.branch, *year).study}

    # The default rule does not count them.
    assert hours()[world.member.name] == 0
    StudyRule.objects.create(
        branch=world.branch,
        hours_per_year=32,
        meeting_hours=Decimal("2"),
        effective_from=datetime.date(2026, 1, 1),
    )
    counted = hours()
    assert counted[world.member.name] == 2  # one attended, one missed
    assert counted[world.leader_a.name] == 4


def test_a_guest_who_has_moved_on_stays_on_the_list_and_a_reviewed_record_is_flagged(
    world, clerk, lecture, activist, secretary_client
):
    meeting_guests_set(meeting=lecture, people=[activist], acting_user=clerk)
    lecture.reviewed_at = timezone.now()
    lecture.save()
    activist.category = Category.PROBATIONARY
    activist.joined_on = datetime.date(2026, 11, 1)
    activist.save()
    other = MemberFactory(
        branch=world.branch, category=Category.APPLICANT, joined_on=None, full_member_on=None
    )
    url = reverse("activities:meeting_guests", args=[lecture.pk])
    response = secretary_client.post(url, {"people": [activist.pk, other.pk]})
    assert response.status_code == 302
    assert set(lecture.invited.values_list("person", flat=True)) == {activist.pk, other.pk}
    guest = lecture.invited.get(person=activist)
    assert guest.category == Category.ACTIVIST  # the stage on the day
    lecture.refresh_from_db()
    assert lecture.changed_after_review


def test_a_guest_key_too_large_for_any_row_is_an_invalid_choice(db):
    """As on the work and hardship forms, where tests/test_form_fuzz.py found it: SQLite
    raised OverflowError (a 500) on a key past 2**63."""
    from activities.forms import GuestsForm
    from members.models import Member

    form = GuestsForm({"people": [str(2**63)]}, people=Member.objects.all())
    assert not form.is_valid()
    assert "people" in form.errors
