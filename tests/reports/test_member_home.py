"""A member's own page (我的首页): what they owe — open make-up study with what to do, the
dues unpaid — and what they have done this year, with their meetings and how they attended."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Presence
from tests.factories import recorded_meeting

URL = reverse("overview:member_home")


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 302), ("member", 200), ("leader_a", 200), ("secretary", 200), ("viewer", 404)],
)
def test_every_member_opens_their_own_page_and_nobody_elses(world, personas, persona, status):
    response = personas[persona].get(URL)
    assert response.status_code == status
    if status == 200:
        assert response.context["member"].user == response.wsgi_request.user


def test_a_member_lands_on_it(world, member_client):
    assert member_client.get("/")["Location"] == URL


def meeting(world, day: int, presence=Presence.PRESENT, topic="学习研讨"):
    absences = {} if presence == Presence.PRESENT else {world.member: (presence, "外出培训")}
    today = timezone.localdate()
    return recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(today.year, 1, day),
        topic=topic,
        acting_user=world.leader_a.user,
        absences=absences,
    )


def test_it_lists_the_make_up_owed_and_how_each_meeting_went(world, member_client):
    meeting(world, 5, topic="学习党章")
    meeting(world, 12, Presence.EXCUSED, topic="学习条例")
    meeting(world, 19, Presence.ABSENT, topic="主题党日活动")

    response = member_client.get(URL)
    html = response.content.decode()
    owed = [item.attendance.meeting.topic for item in response.context["make_ups"]]
    assert owed == ["学习条例", "主题党日活动"]
    assert "告诉党小组长或支部书记" in html
    attended = response.context["attended"]
    assert (attended.expected, attended.present, attended.excused, attended.absent) == (3, 1, 1, 1)
    assert attended.percent == 33
    assert "我：请假" in html and "我：缺席" in html and "我：出席" in html


def test_nothing_owed_says_so(world, member_client):
    assert "目前没有待办事项。" in member_client.get(URL).content.decode()


def test_its_query_count_does_not_grow_with_the_members_history(
    world, member_client, query_counter
):
    days = itertools.count(1)

    def grow():
        meeting(world, next(days), Presence.EXCUSED)
        meeting(world, next(days))

    grow()
    query_counter.assert_constant(lambda: member_client.get(URL), grow)
