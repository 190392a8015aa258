"""The demo's people in recruitment."""

import datetime

import pytest

from demo.recruits import seed_demo_recruitment
from members.models import Category, Member, RecruitmentRecord
from members.recruitment import recruitment_todo
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_demo_adds_two_applicants_two_activists_and_a_candidate(world):
    today = D(2026, 11, 21)
    for _ in range(6):
        MemberFactory(branch=world.branch)  # mentors and sponsors to choose from

    created = seed_demo_recruitment(world.branch, today)

    categories = sorted(m.category for m in Member.objects.filter(pk__in=[m.pk for m in created]))
    assert categories == sorted(
        [Category.APPLICANT] * 2 + [Category.ACTIVIST] * 2 + [Category.CANDIDATE]
    )
    assert not RecruitmentRecord.objects.exclude(warnings="").exists()
    kinds = {item.kind for item in recruitment_todo(world.branch, today)}
    assert {"talk", "review", "candidate", "training"} <= kinds
    assert seed_demo_recruitment(world.branch, today) == []  # a second run changes nothing
