"""The demo school's suggestion loop (demo/suggestions.py, created by `manage.py seed_demo`):
a year of suggestions from every group, most closed with the staff's satisfaction, one
answered late, four still open on the secretary's and the leaders' pages."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import Suggestion, SuggestionState
from activities.suggestions.selectors import suggestion_figures
from demo.suggestions import LATE_ANSWER_DAYS, SUGGESTIONS
from groups.models import Branch, GroupLeadership, GroupRole

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo school, seeded once for this module and rolled back after it."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", force=True, stdout=StringIO())
        yield Branch.objects.get(code="fjyfx")
        transaction.set_rollback(True)


def suggestions(demo):
    return Suggestion.objects.filter(branch=demo)


def test_every_group_raised_suggestions_over_the_last_year(demo):
    today = timezone.localdate()
    assert suggestions(demo).count() == len(SUGGESTIONS) == 13
    assert set(suggestions(demo).values_list("group", flat=True)) == set(
        demo.party_groups.values_list("pk", flat=True)
    )
    earliest = min(s.raised_on for s in suggestions(demo))
    assert today - datetime.timedelta(days=365) <= earliest


def test_four_are_still_open_at_different_steps(demo):
    states = [s.state for s in suggestions(demo)]
    assert states.count(SuggestionState.CLOSED) == 9
    assert sorted(s for s in states if s != SuggestionState.CLOSED) == sorted(
        [
            SuggestionState.WAITING,
            SuggestionState.WAITING,
            SuggestionState.ANSWERED,
            SuggestionState.DONE,
        ]
    )


def test_one_was_answered_late(demo):
    late = [s for s in suggestions(demo) if s.days_to_answer and s.days_to_answer > 30]
    assert [s.days_to_answer for s in late] == [LATE_ANSWER_DAYS]


def test_the_closed_ones_carry_the_staffs_satisfaction(demo):
    closed = suggestions(demo).in_state(SuggestionState.CLOSED)
    assert all(s.satisfaction for s in closed)
    assert {s.get_satisfaction_display() for s in closed} == {"满意", "基本满意"}


def test_the_anonymous_ones_keep_no_name(demo):
    anonymous = suggestions(demo).filter(anonymous=True)
    assert anonymous.count() == 3
    ids = anonymous.values("pk")
    assert set(Suggestion.history.filter(id__in=ids).values_list("raised_by", flat=True)) == {""}


def test_leaders_recorded_them_and_the_secretary_answered(demo):
    leaders = {
        row.group_id: row.member.user_id
        for row in GroupLeadership.objects.current()
        .filter(group__branch=demo, role=GroupRole.LEADER)
        .select_related("member")
    }
    for suggestion in suggestions(demo):
        rows = list(suggestion.history.order_by("history_date"))
        assert rows[0].history_user_id == leaders[suggestion.group_id]
        if suggestion.answered_on:
            answered = next(row for row in rows if row.answered_on)
            assert answered.history_user.member.name == "沈卫东"


def test_the_figures_of_the_last_year_add_up(demo):
    today = timezone.localdate()
    figures = suggestion_figures(demo, today - datetime.timedelta(days=365), today)
    assert (figures.branch.raised, figures.branch.closed, figures.branch.open) == (13, 9, 4)
    assert figures.oldest_open_days == 40


def test_the_secretary_and_a_leader_see_the_open_ones_on_their_pages(demo):
    secretary = Client()
    secretary.force_login(demo.members.get(name="沈卫东").user)
    card = secretary.get(reverse("overview:branch_detail", args=[demo.pk])).context[
        "open_suggestions"
    ]
    assert (card.count, card.waiting, card.oldest_days) == (4, 2, 40)

    leader = Client()
    leader.force_login(demo.members.get(name="韩美华").user)
    chinese_group = GroupLeadership.objects.current().get(member__name="韩美华").group
    html = leader.get(reverse("overview:group_detail", args=[chinese_group.pk])).content.decode()
    assert "希望教研活动时间相对固定" in html
