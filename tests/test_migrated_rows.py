"""The rows the migrations seed (dues brackets, meeting rules and agendas, recruitment steps and
time rules, with the later migrations' corrections) are there for every test, whatever ran
before: a transactional test (the browser tests) ends with a flush that empties every table,
and tests/migrated_rows.py puts them back after it.

pytest-django runs the tests that use the database, then the transactional ones, then those
without database access (which may still read it from a module fixture, as the printed
reports do); within each group a module keeps its order. So here the first transactional
test flushes, the second runs after that flush, and the last test runs after every
transactional test of the session."""

import pytest
from django.contrib.contenttypes.models import ContentType

from activities.models import AgendaTemplate, MeetingRule
from members.models import DuesBracket, DuesCategory, RecruitmentStep, TimeRule


def seeded_by_the_migrations() -> dict[str, object]:
    """One fact a data migration establishes, for each of them."""
    evaluation = MeetingRule.objects.filter(branch=None, kind="evaluation").first()
    return {
        # members 0004: the 2014 细则's steps and time rules
        "recruitment steps": RecruitmentStep.objects.filter(number__isnull=False).count(),
        # members 0005: the public notice step and rule
        "public notice rule": TimeRule.objects.filter(code="public_notice").exists(),
        # members 0006: 取消预备党员资格
        "probation cancelled step": RecruitmentStep.objects.filter(
            code="probation_cancelled"
        ).exists(),
        # members 0007: the 2008 brackets
        "retired brackets": DuesBracket.objects.filter(category=DuesCategory.RETIRED).count(),
        # activities 0002: the default rules and agendas
        "default agendas": AgendaTemplate.objects.filter(branch=None).exists(),
        # activities 0004: 民主评议党员 is a duty of the calendar year
        "evaluation period": evaluation and evaluation.period,
        # activities 0008: its source names the 2019 条例
        "evaluation source": bool(evaluation)
        and evaluation.source.startswith("《中国共产党党员教育管理工作条例》"),
        # what the flush's post_migrate recreates
        "content types": ContentType.objects.filter(app_label="members", model="member").exists(),
    }


EXPECTED = {
    "recruitment steps": 25,
    "public notice rule": True,
    "probation cancelled step": True,
    "retired brackets": 2,
    "default agendas": True,
    "evaluation period": "calendar_year",
    "evaluation source": True,
    "content types": True,
}


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_them_and_is_flushed_when_it_ends():
    assert seeded_by_the_migrations() == EXPECTED
    DuesBracket.objects.all().delete()  # committed: only the flush can undo it


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_sees_them_again():
    assert seeded_by_the_migrations() == EXPECTED
    # The rows came back with their own keys; a new row takes the next one (PostgreSQL's
    # sequences are not rewound by the flush).
    seeded = set(AgendaTemplate.objects.values_list("pk", flat=True))
    added = AgendaTemplate.objects.create(kind="lecture", title="新增", agenda="1. 学习")
    assert added.pk not in seeded


def test_a_test_without_database_access_after_every_transactional_test_sees_them(
    django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock():
        assert seeded_by_the_migrations() == EXPECTED
