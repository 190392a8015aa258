"""The branch's year in charts: the year-end summary's charts and the page's own (dues by
month, activities by kind), each with its numbers in a table; for the committee and the
viewers, the talks counted for the committee only; a fixed number of queries."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind, StudyForm
from members.dues import services as dues
from members.models import DuesCategory
from tests import seed_001
from tests.conftest import assert_matrix
from tests.factories import UserFactory, recorded_meeting

EXPECTED = {
    "secretary": 200,
    "viewer": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "outsider": 404,
}


def url(world, **query) -> str:
    base = reverse("reports:branch_charts", args=[world.branch.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def year_of_records(world, clerk):
    today = timezone.localdate()
    first = datetime.date(today.year, 1, 1)
    recorded_meeting(branch=world.branch, group=world.group_a, held_on=first.replace(day=9))
    dues.dues_basis_set(
        member=world.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=first,
        acting_user=clerk,
    )
    dues.dues_pay(
        member=world.member, months=[first], paid_on=first.replace(day=15), acting_user=clerk
    )
    seed_001.record(
        world.branch,
        ActivityKind.STUDY,
        clerk=clerk,
        held_on=first.replace(day=20),
        study_form=StudyForm.GROUP,
        hours=Decimal("2"),
    )
    seed_001.record(
        world.branch,
        ActivityKind.TALK,
        clerk=clerk,
        held_on=first.replace(day=21),
        owner=world.secretary,
        counterpart=world.member.name,
    )
    return today.year


def test_it_is_for_the_committee_and_the_viewers(personas, world):
    assert_matrix(personas, "get", url(world), EXPECTED)


def test_each_chart_is_drawn_with_its_numbers(world, secretary_client, year_of_records):
    response = secretary_client.get(url(world))
    captions = [chart.caption for chart in response.context["charts"]]
    assert "各月党费收缴（元）" in captions and "各类活动次数" in captions
    assert "各党小组逐月出勤率" in captions
    html = response.content.decode()
    assert html.count("<svg") == len(captions)
    dues_chart = next(c for c in response.context["charts"] if c.caption == "各月党费收缴（元）")
    assert dues_chart.data.rows == (("1月", "90.00"),)  # 1.5% of a 6000 base, paid in January
    kinds = dict(
        next(c for c in response.context["charts"] if c.caption == "各类活动次数").data.rows
    )
    assert kinds == {"学习": "1", "谈心谈话": "1"}


def test_the_viewer_does_not_see_the_talks(world, viewer_client, year_of_records):
    charts = viewer_client.get(url(world)).context["charts"]
    kinds = dict(next(c for c in charts if c.caption == "各类活动次数").data.rows)
    assert kinds == {"学习": "1"}


@pytest.mark.parametrize("year", ["abc", "1900", "2999"])
def test_a_year_out_of_range_shows_this_year(world, secretary_client, year):
    response = secretary_client.get(url(world, year=year))
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_a_year_without_records_says_so(world, secretary_client):
    html = secretary_client.get(url(world, year=2001)).content.decode()
    assert "本年度还没有记录" in html


def test_its_query_count_does_not_grow_with_the_records(
    world, secretary_client, clerk, year_of_records, query_counter
):
    days = itertools.count(2)

    def grow():
        day = datetime.date(year_of_records, 2, next(days))
        recorded_meeting(branch=world.branch, group=world.group_b, held_on=day)
        seed_001.record(
            world.branch, ActivityKind.VOLUNTEER, clerk=clerk, held_on=day, hours=Decimal("1")
        )

    query_counter.assert_constant(lambda: secretary_client.get(url(world)), grow)
