"""`manage.py seed_demo` as a command: its options, its refusal with DEBUG off, and running
it twice. Each test starts from an empty database (the tests that read the seeded school
share one seeding, in test_seed_demo.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.test import Client

from activities.models import Meeting
from groups.models import Branch, GroupLeadership, GroupRole
from members.models import Member
from tests.conftest import signs_in
from tests.demo.test_seed_demo import ACCOUNTS, DEFAULT_PASSWORD, row_counts, seed

pytestmark = pytest.mark.django_db


def test_it_sets_a_custom_password_on_every_account(settings):
    settings.DEBUG = True
    seed(password="another-secret-9")

    for username in ACCOUNTS:
        assert signs_in(Client(), username, "another-secret-9"), username
        assert not signs_in(Client(), username, DEFAULT_PASSWORD), username


def test_it_changes_nothing_when_run_twice(settings):
    settings.DEBUG = True
    seed()
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "演示学校已存在，未做任何改动。" in output
    assert "--password" not in output

    # A password given for a demo that exists is not silently dropped: the command says so.
    output = seed(password="another-secret-9")
    assert row_counts() == before
    assert "--password 只在创建演示学校时生效" in output
    assert signs_in(Client(), "shuji", DEFAULT_PASSWORD)
    assert before["members.Member"] == 38  # 33 Party members and 5 people in recruitment
    assert before["members.HistoricalMember"] >= 33


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as error:
        seed()

    assert "--force" in str(error.value)
    assert not Branch.objects.exists()
    assert not get_user_model().objects.exists()


def test_it_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    output = seed(force=True)

    assert Member.objects.count() == 38
    assert "已创建奉教院附小党支部：33 名党员，4 个党小组，" in output
    assert f"{Meeting.objects.count()} 条会议记录" in output
    assert GroupLeadership.objects.current().filter(role=GroupRole.DEPUTY).count() == 1
