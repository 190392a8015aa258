"""The attendance-rates page: who may open it, what it counts, and its query budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import MeetingType, Presence
from branchsite.dates import school_year_bounds, school_year_of
from tests.factories import recorded_meeting

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 200,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}
D = datetime.date
YEAR = {"start": "2025-09-01", "end": "2026-08-31"}


def rates_url(world):
    return reverse("activities:attendance_rates", args=[world.branch.pk])


@pytest.fixture
def meetings(world):
    """School year 2025: a group A meeting and a general meeting that 普通党员 missed without
    leave, one after the other, then a group A meeting everyone came to. 乙组长 was excused
    from the general meeting."""
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=D(2025, 10, 10),
        absences={world.member: (Presence.ABSENT, "")},
    )
    recorded_meeting(
        branch=world.branch,
        kind=MeetingType.GENERAL,
        held_on=D(2025, 12, 10),
        absences={
            world.member: (Presence.ABSENT, ""),
            world.leader_b: (Presence.EXCUSED, "出差"),
        },
    )
    recorded_meeting(branch=world.branch, group=world.group_a, held_on=D(2025, 12, 20))


def rows_by_name(response):
    return {row.name: row for row in response.context["members"]}


@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_it_admits_the_committee_viewers_and_group_leaders(world, personas, persona, status):
    url = rates_url(world)
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_it_returns_404_for_a_branch_that_does_not_exist(world, secretary_client):
    response = secretary_client.get(reverse("activities:attendance_rates", args=[999_999]))
    assert response.status_code == 404


def test_it_counts_from_the_start_of_the_school_year_to_today_by_default(world, secretary_client):
    today = timezone.localdate()

    report = secretary_client.get(rates_url(world)).context["report"]

    assert (report.start, report.end) == (school_year_bounds(school_year_of(today))[0], today)


def test_it_shows_each_members_counts_and_rate(world, meetings, secretary_client):
    response = secretary_client.get(rates_url(world), YEAR)

    rows = rows_by_name(response)
    member = rows["普通党员"]
    assert (member.expected, member.present, member.absent, member.percent) == (3, 1, 2, 33)
    assert (rows["乙组长"].excused, rows["乙组长"].percent) == (1, 0)
    html = response.content.decode()
    assert "33%" in html
    assert reverse("members:member_detail", args=[world.member.pk]) in html


def test_it_highlights_members_absent_again_and_again(world, meetings, secretary_client):
    response = secretary_client.get(rates_url(world), YEAR)

    flagged = [row.name for row in response.context["members"] if row.repeatedly_absent]
    assert flagged == ["普通党员"]
    html = response.content.decode()
    assert html.count(gettext("Absent in a row")) == 1
    assert html.count('class="table-danger"') == 1


def test_it_shows_each_groups_rate_and_the_branch_total(world, meetings, viewer_client):
    response = viewer_client.get(rates_url(world), YEAR)

    groups = {row.group.name: row for row in response.context["report"].groups}
    assert (groups["A组"].expected, groups["A组"].present) == (9, 7)
    assert groups["A组"].percent == 78
    assert (groups["B组"].expected, groups["B组"].present) == (3, 2)
    html = response.content.decode()
    assert "78%" in html
    assert gettext("Whole branch") in html


def test_a_leader_sees_only_their_own_groups_members(world, meetings, leader_a_client):
    response = leader_a_client.get(rates_url(world), YEAR)

    assert set(rows_by_name(response)) == {"书记", "甲组长", "普通党员"}
    assert [row.group for row in response.context["report"].groups] == [world.group_a]
    html = response.content.decode()
    assert "乙组长" not in html
    assert "B组" not in html
    assert gettext("Whole branch") not in html


def test_it_counts_only_the_meetings_in_the_chosen_range(world, meetings, secretary_client):
    response = secretary_client.get(rates_url(world), {"start": "2025-12-15", "end": "2025-12-31"})

    member = rows_by_name(response)["普通党员"]
    assert (member.expected, member.absent, member.repeatedly_absent) == (1, 0, False)


def test_a_range_that_ends_before_it_starts_is_refused(world, meetings, secretary_client):
    response = secretary_client.get(rates_url(world), {"start": "2026-01-01", "end": "2025-09-01"})

    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert gettext("The first day must not be after the last day.") in response.content.decode()
    # The default range is shown meanwhile.
    assert response.context["report"].end == timezone.localdate()


@pytest.mark.parametrize(
    "sort, first",
    [("rate", "乙组长"), ("-rate", "乙组党员一"), ("absent", "普通党员"), ("", "书记")],
)
def test_it_sorts_the_members(world, meetings, secretary_client, sort, first):
    response = secretary_client.get(rates_url(world), {**YEAR, "sort": sort})

    members = response.context["members"]
    assert members[0].name == first  # 乙组长 was there 0 times out of 1 (excused)
    if sort == "rate":
        rates = [m.rate for m in members if m.rate is not None]
        assert rates == sorted(rates)


def test_its_query_count_does_not_grow_with_meetings(world, secretary_client, query_counter):
    days = iter(D(2025, 9, 5) + datetime.timedelta(days=9 * n) for n in range(20))

    def grow():
        day = next(days)
        recorded_meeting(
            branch=world.branch,
            group=world.group_a,
            held_on=day,
            absences={world.member: (Presence.ABSENT, "")},
        )
        recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=day)

    query_counter.assert_constant(lambda: secretary_client.get(rates_url(world), YEAR), grow)


def test_a_leaders_query_count_does_not_grow_with_meetings(world, leader_a_client, query_counter):
    days = iter(D(2025, 9, 5) + datetime.timedelta(days=9 * n) for n in range(20))

    def grow():
        recorded_meeting(branch=world.branch, group=world.group_a, held_on=next(days))

    query_counter.assert_constant(lambda: leader_a_client.get(rates_url(world), YEAR), grow)


def test_it_highlights_and_explains_by_the_branchs_own_flags(world, meetings, secretary_client):
    world.branch.absences_in_a_row = 3
    world.branch.low_attendance_rate_percent = 90
    world.branch.save()

    response = secretary_client.get(rates_url(world), YEAR)

    # 普通党员 missed two in a row: flagged by default, not by this branch.
    assert not [row.name for row in response.context["members"] if row.repeatedly_absent]
    context = response.context
    assert (context["absences_in_a_row"], context["low_rate"], context["min_meetings"]) == (
        3,
        90,
        5,
    )
    html = response.content.decode()
    assert "连续 3 次无故缺席" in html
    assert "出勤率低于 90%" in html
