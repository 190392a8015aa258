"""The meeting list's filters (MeetingFilterForm): type, group, dates (this year when both
are empty), search; a leader's form offers and returns their own groups only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.filters import MeetingFilterForm
from activities.models import MeetingType
from tests.factories import recorded_meeting

TODAY = datetime.date(2026, 11, 21)


def filtered(data, branch, **options) -> list[str]:
    form = MeetingFilterForm(data, branch=branch, today=TODAY, **options)
    assert form.is_valid(), form.errors
    return [meeting.topic for meeting in form.queryset()]


@pytest.fixture
def meetings(world):
    def meeting(topic, held_on, **fields):
        return recorded_meeting(branch=world.branch, topic=topic, held_on=held_on, **fields)

    return {
        "general": meeting("党员大会", datetime.date(2026, 3, 5), kind=MeetingType.GENERAL),
        "a_autumn": meeting(
            "甲组秋季学习", datetime.date(2026, 10, 15), group=world.group_a, place="三楼会议室"
        ),
        "a_same_day": meeting("甲组补充学习", datetime.date(2026, 10, 15), group=world.group_a),
        "b_spring": meeting(
            "乙组学习", datetime.date(2026, 5, 20), group=world.group_b, minutes="讨论教学改革"
        ),
        "a_last_year": meeting("去年的会议", datetime.date(2025, 12, 10), group=world.group_a),
        "a_next_year": meeting("明年的会议", datetime.date(2027, 1, 8), group=world.group_a),
    }


def test_without_dates_it_shows_this_year_oldest_first(world, meetings):
    assert filtered({}, world.branch) == ["党员大会", "乙组学习", "甲组秋季学习", "甲组补充学习"]


def test_it_shows_the_dates_it_filled_in(world):
    form = MeetingFilterForm({}, branch=world.branch, today=TODAY)

    assert form.is_valid()
    assert form.period == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert form["start"].value() == "2026-01-01"
    assert form["end"].value() == "2026-12-31"


def test_no_data_at_all_is_this_year_too(world, meetings):
    assert filtered(None, world.branch) == filtered({}, world.branch)


def test_one_date_leaves_the_range_open_on_the_other_side(world, meetings):
    assert filtered({"start": "2026-10-01"}, world.branch) == [
        "甲组秋季学习",
        "甲组补充学习",
        "明年的会议",
    ]
    assert filtered({"end": "2025-12-31"}, world.branch) == ["去年的会议"]


def test_it_filters_by_meeting_type(world, meetings):
    assert filtered({"kind": MeetingType.GENERAL}, world.branch) == ["党员大会"]


def test_it_filters_by_group(world, meetings):
    assert filtered({"group": world.group_b.pk}, world.branch) == ["乙组学习"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [("秋季", ["甲组秋季学习"]), ("三楼", ["甲组秋季学习"]), ("教学改革", ["乙组学习"])],
)
def test_it_searches_topic_place_and_minutes(world, meetings, words, expected):
    assert filtered({"q": f"  {words} "}, world.branch) == expected


def test_it_never_shows_another_branchs_meetings(world, meetings):
    recorded_meeting(branch=world.other_branch, kind=MeetingType.GENERAL, topic="外支部会议")

    assert "外支部会议" not in filtered({"q": "会议"}, world.branch)


def test_an_end_before_the_start_is_an_error_in_words(world, meetings):
    form = MeetingFilterForm(
        {"start": "2026-12-01", "end": "2026-01-01"}, branch=world.branch, today=TODAY
    )

    assert not form.is_valid()
    assert form.errors["end"] == [_("The end date is before the start date.")]
    assert list(form.queryset()) == []


def test_a_date_that_is_not_a_date_is_an_error(world):
    form = MeetingFilterForm({"start": "明天"}, branch=world.branch, today=TODAY)

    assert not form.is_valid()
    assert "start" in form.errors


def test_a_leaders_form_offers_and_returns_their_groups_only(world, meetings):
    groups = frozenset({world.group_a.pk})
    form = MeetingFilterForm({}, branch=world.branch, groups=groups, today=TODAY)

    assert list(form.fields["group"].queryset) == [world.group_a]
    assert filtered({}, world.branch, groups=groups) == ["甲组秋季学习", "甲组补充学习"]


def test_a_leader_cannot_pick_another_group(world, meetings):
    form = MeetingFilterForm(
        {"group": world.group_b.pk},
        branch=world.branch,
        groups=frozenset({world.group_a.pk}),
        today=TODAY,
    )

    assert not form.is_valid()
    assert "group" in form.errors


def test_an_attendee_also_sees_the_meetings_they_were_expected_at(world, meetings):
    # Group B's leader: their group's meetings, and the general meeting they were expected at.
    assert filtered(
        {}, world.branch, groups=frozenset({world.group_b.pk}), attendee=world.leader_b
    ) == ["党员大会", "乙组学习"]
    # A member who leads no group: the meetings they were expected at.
    assert filtered({}, world.branch, groups=frozenset(), attendee=world.member) == [
        "党员大会",
        "甲组秋季学习",
        "甲组补充学习",
    ]


def test_a_members_list_says_how_they_attended_each_meeting(world, member_client):
    from activities.models import Presence
    from tests.factories import recorded_meeting

    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(timezone.localdate().year, 1, 9),
        acting_user=world.leader_a.user,
        absences={world.member: (Presence.EXCUSED, "外出培训")},
    )
    html = member_client.get(
        reverse("activities:meeting_list", args=[world.branch.pk])
    ).content.decode()
    assert "我：请假" in html


def test_the_review_filter_lists_the_records_waiting_whatever_their_year(world, secretary_client):
    from activities.models import Meeting
    from tests.factories import recorded_meeting

    old = recorded_meeting(
        branch=world.branch, group=world.group_a, held_on=datetime.date(2020, 5, 1)
    )
    done = recorded_meeting(
        branch=world.branch, group=world.group_b, held_on=timezone.localdate().replace(day=1)
    )
    Meeting.objects.filter(pk=done.pk).update(reviewed_at=timezone.now())
    url = reverse("activities:meeting_list", args=[world.branch.pk])
    pending = secretary_client.get(url, {"review": "pending"}).context["page"]
    assert [m.pk for m in pending] == [old.pk]
    reviewed = secretary_client.get(url, {"review": "reviewed"}).context["page"]
    assert [m.pk for m in reviewed] == [done.pk]
