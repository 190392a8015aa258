"""The compliance page (三会一课 检查): who may open it, what it shows, and its query budget.
The leader's home page (the group page) shows what their group still owes: its budget is
checked here as well."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from activities.compliance import CellStatus
from activities.models import MeetingType, SchoolTerm
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


def compliance_url(world, year=None):
    url = reverse("activities:compliance", args=[world.branch.pk])
    return url if year is None else f"{url}?year={year}"


def this_year():
    return school_year_of(timezone.localdate())


def first_month_day():
    """A day of the current school year's first month, which is over unless it is September."""
    return school_year_bounds(this_year())[0] + datetime.timedelta(days=9)


@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_it_admits_the_committee_viewers_and_group_leaders(world, personas, persona, status):
    url = compliance_url(world)
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_it_returns_404_for_a_branch_that_does_not_exist(world, secretary_client):
    response = secretary_client.get(reverse("activities:compliance", args=[999_999]))
    assert response.status_code == 404


def test_the_secretary_sees_every_checked_meeting_type_and_every_group(world, secretary_client):
    response = secretary_client.get(compliance_url(world))

    rows = [(row.kind, row.group) for row in response.context["grid"].rows]
    assert rows == [
        (MeetingType.COMMITTEE, None),
        (MeetingType.GENERAL, None),
        (MeetingType.GROUP, world.group_a),
        (MeetingType.GROUP, world.group_b),
        (MeetingType.LECTURE, None),
        (MeetingType.THEMED_DAY, None),
        (MeetingType.LIFE, None),
        (MeetingType.EVALUATION, None),
    ]
    html = response.content.decode()
    for name in (str(MeetingType.COMMITTEE.label), "A组", "B组"):
        assert name in html


def test_a_leader_sees_only_their_own_groups_meetings(world, leader_a_client):
    response = leader_a_client.get(compliance_url(world))

    rows = [(row.kind, row.group) for row in response.context["grid"].rows]
    assert rows == [(MeetingType.GROUP, world.group_a)]
    html = response.content.decode()
    assert "B组" not in html
    assert gettext("You see the meetings of the groups you lead.") in html
    assert [item.group for item in response.context["missing"]] in ([world.group_a], [])


def test_a_held_cell_links_to_the_meeting_record(world, secretary_client):
    held = recorded_meeting(branch=world.branch, group=world.group_a, held_on=first_month_day())

    response = secretary_client.get(compliance_url(world))

    grid = response.context["grid"]
    row = next(r for r in grid.rows if r.group == world.group_a)
    assert row.cells[0].status == CellStatus.HELD
    html = response.content.decode()
    assert reverse("activities:meeting", args=[held.pk]) in html
    assert f"{held.held_on.month}/{held.held_on.day}" in html


def test_it_colours_cells_by_status_and_explains_the_colours(world, secretary_client):
    recorded_meeting(branch=world.branch, group=world.group_a, held_on=first_month_day())

    html = secretary_client.get(compliance_url(world, this_year() - 1)).content.decode()

    assert 'class="cc cc-missing"' in html
    assert 'class="cc cc-not_required"' in html  # the summer holiday
    html = secretary_client.get(compliance_url(world)).content.decode()
    assert 'class="cc cc-held"' in html
    assert 'class="cc cc-not_yet_due"' in html  # the rest of the year
    for status in CellStatus:
        assert str(status.label) in html


def test_it_shows_another_school_year_with_links_to_the_years_around_it(world, secretary_client):
    year = this_year() - 2

    response = secretary_client.get(compliance_url(world, year))

    assert response.context["grid"].school_year == year
    assert response.context["missing"] is None  # nothing is "still owed" in a past year
    html = response.content.decode()
    assert f"?year={year - 1}" in html
    assert f"?year={year + 1}" in html
    assert f"?year={this_year()}" in html


@pytest.mark.parametrize("year", ["abc", "1900", "3000", ""])
def test_a_year_it_cannot_use_shows_the_current_school_year(world, secretary_client, year):
    response = secretary_client.get(f"{compliance_url(world)}?year={year}")

    assert response.status_code == 200
    assert response.context["grid"].school_year == this_year()


def test_it_lists_what_is_still_owed_this_period(world, secretary_client):
    response = secretary_client.get(compliance_url(world))

    missing = response.context["missing"]
    # Every type is owed at least this school year; the yearly meetings are still open.
    assert {item.kind for item in missing} >= {MeetingType.LIFE, MeetingType.EVALUATION}
    html = response.content.decode()
    assert gettext("Not yet held in the current period:") in html
    assert str(MeetingType.LIFE.label) in html


def test_it_says_when_the_default_calendar_is_used_and_links_the_secretary_to_the_admin(
    world, secretary_client, viewer_client
):
    notice = gettext(
        "No school calendar has been entered for this school year, so the usual one is "
        "assumed. Holidays owe no monthly meetings: enter the real term dates to check the "
        "right months."
    )
    add_term = reverse("admin:activities_schoolterm_add")

    html = secretary_client.get(compliance_url(world)).content.decode()
    assert notice in html
    assert add_term in html
    viewer_html = viewer_client.get(compliance_url(world)).content.decode()
    assert notice in viewer_html
    assert add_term not in viewer_html  # viewers have no workbench

    start, _ = school_year_bounds(this_year())
    SchoolTerm.objects.create(
        branch=world.branch,
        name="本学年第一学期",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=140),
    )
    html = secretary_client.get(compliance_url(world)).content.decode()
    assert notice not in html
    assert "本学年第一学期" in html


def test_its_query_count_does_not_grow_with_meetings(world, secretary_client, query_counter):
    url = compliance_url(world)
    start, _ = school_year_bounds(this_year())
    days = iter(start + datetime.timedelta(days=4 * n) for n in range(20))

    def grow():
        day = next(days)
        recorded_meeting(branch=world.branch, group=world.group_a, held_on=day)
        recorded_meeting(branch=world.branch, kind=MeetingType.COMMITTEE, held_on=day)
        recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=day)

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_a_leaders_query_count_does_not_grow_with_meetings(world, leader_a_client, query_counter):
    url = compliance_url(world)
    start, _ = school_year_bounds(this_year())
    days = iter(start + datetime.timedelta(days=4 * n) for n in range(20))

    def grow():
        recorded_meeting(branch=world.branch, group=world.group_a, held_on=next(days))

    query_counter.assert_constant(lambda: leader_a_client.get(url), grow)


def test_the_leaders_home_page_query_count_does_not_grow_with_meetings(
    world, leader_a_client, query_counter
):
    url = reverse("overview:group_detail", args=[world.group_a.pk])
    start, _ = school_year_bounds(this_year())
    days = iter(start + datetime.timedelta(days=4 * n) for n in range(20))

    def grow():
        day = next(days)
        recorded_meeting(branch=world.branch, group=world.group_a, held_on=day)
        recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=day)

    query_counter.assert_constant(lambda: leader_a_client.get(url), grow)


def test_it_names_the_school_year_and_judges_the_yearly_duties_per_calendar_year(
    world, secretary_client
):
    year = this_year()
    html = secretary_client.get(compliance_url(world)).content.decode()

    assert f"{year}—{year + 1}学年" in html
    assert f"{year}年度" in html and f"{year + 1}年度" in html
    assert "每年度 1 次 · 12月31日前" in html
    assert "每学年 1 次" not in html
    assert "民主评议党员会议" not in html
    assert "（12月31日前）" in html  # period hints in full-width brackets
    assert "(12/31" not in html


def test_on_a_phone_the_grid_reads_month_by_month(world, secretary_client):
    held_on = first_month_day()
    recorded_meeting(branch=world.branch, group=world.group_a, held_on=held_on)
    response = secretary_client.get(compliance_url(world))
    months = response.context["by_month"]
    assert [month.start for month, _entries in months] == [
        month.start for month in response.context["grid"].months
    ]
    first = {(row.kind, row.group): cell for row, cell in months[0][1]}
    assert first[(MeetingType.GROUP, world.group_a)].status == CellStatus.HELD
    html = response.content.decode()
    phone = html[html.index('class="d-sm-none compliance-months"') :]
    assert "✓ 已召开" in phone[: phone.index('class="card d-none d-sm-block"')]
