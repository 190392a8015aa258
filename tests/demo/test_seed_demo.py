"""`manage.py seed_demo`: the demo school of seed document 000."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from groups import selectors
from groups.models import Branch, CommitteeRole, GroupLeadership, UpperCommitteeViewer
from members.models import Category, Member
from tests.conftest import signs_in

pytestmark = pytest.mark.django_db

GROUPS = {
    "行政（后勤）党小组": (6, "曹阳"),
    "语文大组党小组": (10, "韩美华"),
    "数学（英语）大组党小组": (8, "叶秀华"),
    "综合（音、体、美、自、探究）党小组": (9, "吕园园"),
}
ACCOUNTS = {
    "shuji": "沈卫东",
    "caoyang": "曹阳",
    "hanmeihua": "韩美华",
    "yexiuhua": "叶秀华",
    "lvyuanyuan": "吕园园",
    "zhangli": "张丽",
    "shangji": None,  # the upper committee's viewer, not a member
}
DEFAULT_PASSWORD = "branchsite-demo"


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo school, seeded once for the tests that only read it and rolled back after
    them: seeding takes seconds, and each test runs in a savepoint inside this transaction."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], DEBUG=True
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        seed()
        yield Branch.objects.get(code="fjyfx")
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """Rows of every model, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_creates_the_school_with_33_members(demo):
    assert demo.name == "奉教院附小党支部"
    assert Member.objects.on_roll().filter(branch=demo).count() == 33
    # Besides the 33 Party members: two applicants, two activists and a candidate.
    assert Member.objects.in_recruitment().filter(branch=demo).count() == 5
    assert Member.objects.count() == 38


def test_it_creates_four_groups_with_their_sizes_and_leaders(demo):
    groups = {
        group.name: (group.member_count, selectors.group_leader(group))
        for group in selectors.groups_with_counts(demo)
    }
    assert {name: (count, leader.name) for name, (count, leader) in groups.items()} == GROUPS


def test_it_places_every_member_in_exactly_one_current_group(demo):
    overview = selectors.branch_overview(demo)
    assert overview["counts"]["ungrouped"] == 0
    assert sum(group.member_count for group in overview["groups"]) == 33


def test_it_creates_a_committee_with_a_secretary_and_four_other_posts(demo):
    overview = selectors.branch_overview(demo)
    posts = [(post.role, post.member.name) for post in overview["posts"]]
    assert posts[0] == (CommitteeRole.SECRETARY, "沈卫东")
    assert len(posts) == 5
    assert len({role for role, _ in posts}) == 5
    assert overview["committee_required"] is True


def test_it_includes_probationary_members(demo):
    probationary = Member.objects.filter(branch=demo, category=Category.PROBATIONARY)
    assert probationary.count() >= 1
    assert all(member.full_member_on is None for member in probationary)


def test_it_keeps_the_history_of_a_group_move_and_a_change_of_leader(demo):
    moved = Member.objects.get(name="刘伟")
    assert moved.group_memberships.count() == 2
    assert moved.group_memberships.get(ended_on__isnull=True).group.name == "数学（英语）大组党小组"
    former = GroupLeadership.objects.get(member__name="林涛")
    assert former.ended_on is not None
    assert former.group.name == "综合（音、体、美、自、探究）党小组"


def test_it_links_the_accounts_to_their_members(demo):
    users = get_user_model().objects.filter(username__in=ACCOUNTS).select_related("member")
    linked = {user.username: getattr(user, "member", None) for user in users}
    assert {name: m.name if m else None for name, m in linked.items()} == ACCOUNTS
    district = UpperCommitteeViewer.objects.get(upper_committee=demo.upper_committee)
    assert district.user.username == "shangji"


def test_it_lets_every_demo_account_log_in_with_the_default_password(demo):
    refused = [u for u in ACCOUNTS if not signs_in(Client(), u, DEFAULT_PASSWORD)]
    assert refused == []


def test_it_shows_the_term_warning_on_the_overview(demo):
    client = Client()
    assert signs_in(client, "shuji", DEFAULT_PASSWORD)

    response = client.get(reverse("overview:branch_detail", args=[demo.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "请做好换届准备" in page
    term_warnings = [w for w in response.context["warnings"] if "换届" in w.message]
    assert len(term_warnings) == 1
    assert response.context["group_warning_count"] == 0


def test_it_prepares_the_next_election_with_more_candidates_than_seats(demo):
    election = demo.elections.get()
    assert election.meeting is None and election.term is None
    assert (election.seats, election.candidates.count()) == (5, 6)
    client = Client()
    assert signs_in(client, "shuji", DEFAULT_PASSWORD)
    page = client.get(reverse("activities:election", args=[election.pk])).content.decode()
    assert "筹备中：待召开党员大会" in page and "朱建平" in page


def test_it_closes_last_years_evaluation_within_the_cap_and_opens_this_years(demo):
    from members.models import Assessment, Grade, RoundState

    closed, current = demo.evaluation_rounds.order_by("year")
    assert (closed.state, current.state) == (RoundState.CLOSED, RoundState.OPEN)
    graded = Assessment.objects.filter(round=closed, graded=True)
    excellent = sorted(
        graded.filter(final_grade=Grade.EXCELLENT).values_list("member__name", flat=True)
    )
    assert excellent == ["叶秀华", "韩美华"]
    assert len(excellent) <= graded.count() // demo.excellent_cap_denominator
    basic = graded.get(final_grade=Grade.BASIC)
    assert basic.follow_up and basic.follow_up_due
    assert closed.casts.count() == Assessment.objects.filter(round=closed).count() - 2
    assert 0 < current.casts.count() < Assessment.objects.filter(round=current).count()


def test_it_collects_a_year_of_dues_with_two_members_behind(demo):
    from django.utils import timezone

    from members.dues.ledger import branch_dues
    from members.models import SpecialDues

    ledger = branch_dues(demo.members.on_roll(), today=timezone.localdate())
    behind = {row.member.name: row.months_behind for row in ledger.in_arrears}
    assert behind == {"林涛": 3, "郑雯": 6}
    assert ledger.without_basis == []
    assert SpecialDues.objects.filter(member__branch=demo).count() == 10
    late = next(row for row in ledger.members if row.member.name == "王秀英")
    assert late.unpaid_months == [] and late.months_behind == 0


def test_it_plans_the_year_and_the_summary_reports_how_the_plans_went(demo):
    import datetime

    from django.utils import timezone

    from demo.plans import BRANCH_ITEMS, DROPPED, LATE
    from reports.models import PlanItem, PlanItemState
    from reports.yearend.figures import year_figures
    from reports.yearend.plan_items import plan_items_due

    today = timezone.localdate()
    come_due = {
        index
        for index, item in enumerate(BRANCH_ITEMS)
        if datetime.date(today.year, item.month, 20) <= today
    }
    items = list(
        PlanItem.objects.filter(document__branch=demo, document__group=None).order_by("sort_order")
    )
    assert [item.title for item in items] == [item.title for item in BRANCH_ITEMS]
    done = {index for index, item in enumerate(items) if item.state == PlanItemState.DONE}
    assert done == come_due - {DROPPED, LATE}
    dropped = {index for index, item in enumerate(items) if item.state == PlanItemState.DROPPED}
    assert dropped == come_due & {DROPPED}
    assert [item.owner.name for item in items] == [item.owner for item in BRANCH_ITEMS]
    assert all(items[index].done_on.month == BRANCH_ITEMS[index].month for index in done)

    due = plan_items_due(demo, today=today)
    late = items[LATE]
    assert (late in [row.item for row in due.items]) == (LATE in come_due)

    figures = year_figures(demo, today.year, today=today)
    assert figures.values["plan.total"].value == str(len(BRANCH_ITEMS))
    assert figures.values["plan.done"].value == str(len(done))
    group_rows = figures.tables["group_plans"].rows
    assert [row[0] for row in group_rows] == ["语文大组党小组", "数学（英语）大组党小组"]
    assert [str(row[1]) for row in group_rows] == ["4", "3"]


def test_the_secretarys_to_do_panel_has_every_kind_of_work_and_each_link_opens(demo):
    client = Client()
    assert signs_in(client, "shuji", DEFAULT_PASSWORD)
    response = client.get(reverse("overview:branch_detail", args=[demo.pk]))
    todo = {item.key: item for item in response.context["todo"]}
    assert set(todo) == {
        "meetings",
        "recruitment",
        "review",
        "make_up",
        "dues",
        "plan",
        "suggestions",
        "evaluation",
    }
    assert (todo["dues"].count, todo["suggestions"].count) == (2, 4)
    for item in todo.values():
        assert client.get(item.url).status_code == 200, item.url
    pending = client.get(todo["review"].url).context["page"].paginator.count
    assert pending == todo["review"].count
