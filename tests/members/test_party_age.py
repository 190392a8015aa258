"""党龄 counts from the end of probation (the date of full membership, 细则 2014 第三十四条),
in whole years; it shows on the member page."""

import datetime

import pytest
from django.urls import reverse

from members.selectors import party_age
from tests.factories import MemberFactory

D = datetime.date


@pytest.mark.parametrize(
    "full_member_on, today, years",
    [
        (D(2020, 7, 1), D(2025, 6, 30), 4),  # the day before the anniversary
        (D(2020, 7, 1), D(2025, 7, 1), 5),  # on the anniversary
        (D(2024, 2, 29), D(2025, 2, 27), 0),
        (D(2024, 2, 29), D(2025, 2, 28), 1),  # 29 February's anniversary is 28 February
        (D(2025, 7, 1), D(2025, 7, 1), 0),  # a full member since today
    ],
)
def test_party_age_counts_whole_years_from_full_membership(db, full_member_on, today, years):
    member = MemberFactory.build(joined_on=D(2000, 1, 1), full_member_on=full_member_on)
    assert party_age(member, today) == years


def test_it_does_not_count_from_joining(db):
    member = MemberFactory.build(joined_on=D(2019, 7, 1), full_member_on=D(2020, 7, 1))
    assert party_age(member, D(2025, 6, 30)) == 4


def test_a_probationary_member_has_no_party_age_yet(db):
    member = MemberFactory.build(probationary=True)
    assert member.full_member_on is None
    assert party_age(member, D(2025, 6, 30)) is None


def test_the_member_page_shows_the_party_age(world, secretary_client):
    member = world.member
    member.joined_on, member.full_member_on = D(2009, 1, 1), D(2010, 1, 1)
    member.save()
    response = secretary_client.get(reverse("members:member_detail", args=[member.pk]))
    expected = party_age(member, datetime.date.today())
    assert response.context["party_age"] == expected
    assert f"{expected}年" in response.content.decode()
