"""The items of a year's plan (reports.yearend.plan_items): adding, correcting, marking done
or dropped, removing, each with who did it in the history; what is refused; what is due this
month on the secretary's and the leaders' pages; what the year's summary counts; the items
page and who may use it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reports.models import PlanItem, PlanItemState, YearDocument
from reports.yearend import services
from reports.yearend.figures import YearFigures
from reports.yearend.plan_items import (
    DUE_LISTED,
    add_plan_figures,
    group_plans_summary,
    plan_item_add,
    plan_item_remove,
    plan_item_set_state,
    plan_item_update,
    plan_items_due,
    plan_items_summary,
)
from tests.conftest import assert_matrix
from tests.factories import member_in_group

YEAR = timezone.localdate().year


def today() -> datetime.date:
    """Today as the app sees it, when the test runs (not when the module was imported:
    a run that crosses midnight in Asia/Shanghai would compare two different days)."""
    return timezone.localdate()


# What the items page costs, whatever the number of items: the session, the user, the roles
# (member, posts, viewer, leaderships), the document, the items with their owners.
PAGE_QUERIES = 8


@pytest.fixture
def plan(world) -> YearDocument:
    return services.document_open(
        branch=world.branch, kind="plan", year=YEAR, acting_user=world.secretary.user
    )


def add(document, *, user, title="组织主题党日", owner=None, month=None, deadline=None):
    return plan_item_add(
        document=document,
        title=title,
        owner=owner,
        month=month,
        deadline=deadline,
        note="",
        acting_user=user,
    )


def months_ago(count: int) -> int:
    return (today().month - count - 1) % 12 + 1


# --------------------------------------------------------------------------- the services


def test_an_item_is_added_at_the_end_of_the_plan_with_who_added_it_in_the_history(world, plan):
    first = add(plan, title="第一项", month=3, user=world.secretary.user)
    second = plan_item_add(
        document=plan,
        title="  学习  党章 ",
        owner=world.leader_a,
        month=None,
        deadline=datetime.date(YEAR, 6, 30),
        note=" 全体党员参加 ",
        acting_user=world.secretary.user,
    )
    second.refresh_from_db()
    assert (second.title, second.note, second.owner, second.state) == (
        "学习 党章",
        "全体党员参加",
        world.leader_a,
        PlanItemState.PLANNED,
    )
    assert second.sort_order > first.sort_order
    row = second.history.get()
    assert (row.history_type, row.history_user) == ("+", world.secretary.user)


def test_an_item_without_a_month_or_a_deadline_is_refused_in_chinese(world, plan):
    with pytest.raises(ValidationError) as refused:
        add(plan, user=world.secretary.user)
    assert refused.value.message_dict["month"] == ["请填写计划月份或截止日期。"]
    assert not PlanItem.objects.exists()


def test_an_item_without_a_title_is_refused(world, plan):
    with pytest.raises(ValidationError) as refused:
        add(plan, title="   ", month=5, user=world.secretary.user)
    assert refused.value.message_dict["title"] == ["请写明要做的事。"]


def test_an_owner_from_another_branch_is_refused(world, plan):
    with pytest.raises(ValidationError) as refused:
        add(plan, owner=world.outsider, month=5, user=world.secretary.user)
    assert refused.value.message_dict["owner"] == ["负责人是其他支部的党员。"]


def test_a_deadline_outside_the_plans_year_is_refused(world, plan):
    with pytest.raises(ValidationError) as refused:
        add(plan, deadline=datetime.date(YEAR + 1, 1, 15), user=world.secretary.user)
    assert refused.value.message_dict["deadline"] == [f"截止日期不在本计划的年度（{YEAR}年）内。"]


def test_a_summary_has_no_items(world):
    summary = services.document_open(
        branch=world.branch, kind="summary", year=YEAR, acting_user=world.secretary.user
    )
    with pytest.raises(ValidationError) as refused:
        add(summary, month=5, user=world.secretary.user)
    assert refused.value.message_dict["document"] == ["事项只能属于年度计划，不能属于年度总结。"]


def test_a_month_past_december_is_refused_by_the_service_and_the_database(world, plan):
    with pytest.raises(ValidationError) as refused:
        add(plan, month=13, user=world.secretary.user)
    assert "month" in refused.value.message_dict
    item = add(plan, month=12, user=world.secretary.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.filter(pk=item.pk).update(month=13)


def test_the_database_refuses_a_done_day_on_an_item_not_done(world, plan):
    item = add(plan, month=5, user=world.secretary.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.filter(pk=item.pk).update(done_on=today())


def test_correcting_an_item_is_in_the_history_with_who_corrected_it(world, plan):
    item = add(plan, month=5, user=world.secretary.user)
    plan_item_update(
        item=item,
        title="组织两次主题党日",
        owner=world.member,
        month=None,
        deadline=datetime.date(YEAR, 10, 1),
        note="",
        acting_user=world.leader_a.user,
    )
    item.refresh_from_db()
    assert (item.title, item.owner, item.month, item.deadline) == (
        "组织两次主题党日",
        world.member,
        None,
        datetime.date(YEAR, 10, 1),
    )
    latest = item.history.latest()
    assert (latest.history_type, latest.history_user, latest.title) == (
        "~",
        world.leader_a.user,
        "组织两次主题党日",
    )


def test_marking_done_keeps_the_day_and_planning_again_clears_it(world, plan):
    item = add(plan, month=1, user=world.secretary.user)
    plan_item_set_state(item=item, state="done", acting_user=world.secretary.user)
    item.refresh_from_db()
    assert (item.state, item.done_on) == ("done", today())

    earlier = datetime.date(YEAR, 1, 1)
    plan_item_set_state(item=item, state="done", done_on=earlier, acting_user=world.secretary.user)
    item.refresh_from_db()
    assert item.done_on == earlier

    plan_item_set_state(item=item, state="planned", acting_user=world.secretary.user)
    item.refresh_from_db()
    assert (item.state, item.done_on) == ("planned", None)
    assert [row.state for row in item.history.order_by("history_date")] == [
        "planned",
        "done",
        "done",
        "planned",
    ]


def test_dropping_an_item_is_in_the_history_and_repeating_it_adds_nothing(world, plan):
    item = add(plan, month=5, user=world.secretary.user)
    plan_item_set_state(item=item, state="dropped", acting_user=world.secretary.user)
    plan_item_set_state(item=item, state="dropped", acting_user=world.secretary.user)
    assert item.history.count() == 2
    assert item.history.latest().history_user == world.secretary.user


def test_a_done_day_ahead_or_an_unknown_state_is_refused(world, plan):
    item = add(plan, month=5, user=world.secretary.user)
    with pytest.raises(ValidationError) as ahead:
        plan_item_set_state(
            item=item,
            state="done",
            done_on=today() + datetime.timedelta(days=1),
            acting_user=world.secretary.user,
        )
    assert ahead.value.message_dict["done_on"] == ["完成日期不能晚于今天。"]
    with pytest.raises(ValidationError):
        plan_item_set_state(item=item, state="finished", acting_user=world.secretary.user)
    item.refresh_from_db()
    assert item.state == "planned"


def test_removing_an_item_keeps_a_copy_in_the_history_with_who_removed_it(world, plan):
    item = add(plan, title="误录的事项", month=5, user=world.secretary.user)
    pk = item.pk
    plan_item_remove(item=item, acting_user=world.secretary.user)
    assert not PlanItem.objects.filter(pk=pk).exists()
    removed = PlanItem.history.filter(id=pk).latest()
    assert (removed.history_type, removed.history_user, removed.title) == (
        "-",
        world.secretary.user,
        "误录的事项",
    )


# --------------------------------------------------------------------------- due this month


def test_due_lists_this_months_items_and_the_overdue_ones_first(world, plan):
    day = datetime.date(YEAR, 6, 15)
    this_month = add(plan, title="本月事项", month=6, user=world.secretary.user)
    late_month = add(plan, title="五月没做完", month=5, user=world.secretary.user)
    past_deadline = add(
        plan, title="截止已过", deadline=datetime.date(YEAR, 6, 1), user=world.secretary.user
    )
    deadline_this_month = add(
        plan, title="月底截止", deadline=datetime.date(YEAR, 6, 28), user=world.secretary.user
    )
    add(plan, title="七月的事", month=7, user=world.secretary.user)
    add(plan, title="截止在下月", deadline=datetime.date(YEAR, 7, 5), user=world.secretary.user)
    add(  # planned for May, but its deadline is later: not late yet
        plan,
        title="五月开始，九月截止",
        month=5,
        deadline=datetime.date(YEAR, 9, 30),
        user=world.secretary.user,
    )

    due = plan_items_due(world.branch, today=day)

    assert [(d.item, d.overdue) for d in due.items] == [
        (late_month, True),
        (past_deadline, True),
        (deadline_this_month, False),
        (this_month, False),
    ]
    assert (due.count, due.overdue, due.more) == (4, 2, 0)
    assert due.items[0].due_by == datetime.date(YEAR, 5, 31)


def test_done_and_dropped_items_and_other_years_plans_are_not_due(world, plan):
    day = datetime.date(YEAR, 6, 15)
    done = add(plan, month=6, user=world.secretary.user)
    plan_item_set_state(
        item=done, state="done", done_on=datetime.date(YEAR, 1, 2), acting_user=world.secretary.user
    )
    dropped = add(plan, month=5, user=world.secretary.user)
    plan_item_set_state(item=dropped, state="dropped", acting_user=world.secretary.user)
    last_year = services.document_open(
        branch=world.branch, kind="plan", year=YEAR - 1, acting_user=world.secretary.user
    )
    add(last_year, month=6, user=world.secretary.user)

    due = plan_items_due(world.branch, today=day)

    assert not due and due.items == []


def test_a_group_sees_the_branch_items_its_members_own_and_its_own_plans(world, plan):
    """The leader's page: the branch plan's items owned by a current member of the group,
    and the group's own plan; the secretary's page: the branch plan, whoever owns it."""
    day = datetime.date(YEAR, 6, 15)
    of_a = add(plan, title="甲组党员负责", owner=world.member, month=6, user=world.secretary.user)
    of_b = add(plan, title="乙组长负责", owner=world.leader_b, month=6, user=world.secretary.user)
    nobodys = add(plan, title="暂无负责人", month=6, user=world.secretary.user)
    group_plan = YearDocument.objects.create(
        branch=world.branch, group=world.group_a, kind="plan", year=YEAR
    )
    own = add(group_plan, title="小组自己的计划", month=6, user=world.leader_a.user)

    def titles(**kwargs):
        return {d.item for d in plan_items_due(world.branch, today=day, **kwargs).items}

    assert titles(group=world.group_a) == {of_a, own}
    assert titles(group=world.group_b) == {of_b}
    assert titles() == {of_a, of_b, nobodys}


def test_the_home_card_lists_a_few_and_counts_the_rest(world, plan):
    for number in range(DUE_LISTED + 3):
        add(plan, title=f"事项{number}", month=6, user=world.secretary.user)
    due = plan_items_due(world.branch, today=datetime.date(YEAR, 6, 1))
    assert (len(due.items), due.count, due.more) == (DUE_LISTED, DUE_LISTED + 3, 3)


def test_what_is_due_costs_one_query_whatever_the_number_of_items(
    world, plan, query_counter, django_assert_num_queries
):
    day = datetime.date(YEAR, 6, 15)
    months = iter(range(1, 13))

    def grow():
        member = member_in_group(world.group_a, name="新党员")
        add(plan, owner=member, month=next(months) % 6 + 1, user=world.secretary.user)

    grow()
    count = query_counter.assert_constant(
        lambda: plan_items_due(world.branch, today=day, group=world.group_a), grow
    )
    assert count == 1
    with django_assert_num_queries(1):
        plan_items_due(world.branch, today=day)


# --------------------------------------------------------------------------- the summary


def test_the_summary_counts_the_items_by_state_and_names_those_done(world, plan):
    names = ["学习党章", "主题党日", "慰问老党员", "评议党员"]
    items = [add(plan, title=name, month=3, user=world.secretary.user) for name in names]
    for item in (items[0], items[2]):
        plan_item_set_state(
            item=item,
            state="done",
            done_on=datetime.date(YEAR, 1, 10),
            acting_user=world.secretary.user,
        )
    plan_item_set_state(item=items[3], state="dropped", acting_user=world.secretary.user)

    summary = plan_items_summary(world.branch, YEAR)

    assert (summary.total, summary.done, summary.planned, summary.dropped) == (4, 2, 1, 1)
    assert summary.done_titles == ["学习党章", "慰问老党员"]

    figures = YearFigures(branch=world.branch, year=YEAR, as_of=today())
    add_plan_figures(figures)
    assert figures["plan.done"].value == "2"
    assert figures["plan.total"].value == "4"
    assert figures["plan.done_titles"].value == "学习党章、慰问老党员"
    table = figures.tables["plan_items"]
    assert table.rows[0] == ("学习党章", "—", f"{YEAR}年1月10日完成")
    assert table.rows[3][2] == "已取消"


def test_a_year_without_plan_items_leaves_the_figures_to_be_filled_in(world, plan):
    figures = YearFigures(branch=world.branch, year=YEAR, as_of=today())
    add_plan_figures(figures)
    assert figures["plan.total"].missing and figures["plan.done_titles"].missing
    assert "plan_items" not in figures.tables


def test_the_branch_summary_rolls_up_each_groups_own_plan(world, plan):
    """The branch's summary counts the groups' plans too, a row per group whose plan has
    items, in the groups' order; a group's summary does not count the other groups'."""
    add(plan, title="支部自己的计划", month=3, user=world.secretary.user)
    plan_a = YearDocument.objects.create(
        branch=world.branch, group=world.group_a, kind="plan", year=YEAR
    )
    plan_b = YearDocument.objects.create(
        branch=world.branch, group=world.group_b, kind="plan", year=YEAR
    )
    of_a = [add(plan_a, title=f"甲组第{n}项", month=4, user=world.leader_a.user) for n in (1, 2, 3)]
    of_b = add(plan_b, title="乙组唯一一项", month=5, user=world.leader_b.user)
    plan_item_set_state(item=of_a[0], state="done", acting_user=world.leader_a.user)
    plan_item_set_state(item=of_a[1], state="dropped", acting_user=world.leader_a.user)
    plan_item_set_state(item=of_b, state="done", acting_user=world.leader_b.user)
    # Last year's group plan is last year's business.
    old = YearDocument.objects.create(
        branch=world.branch, group=world.group_a, kind="plan", year=YEAR - 1
    )
    add(old, title="去年的", month=4, user=world.leader_a.user)

    figures = YearFigures(branch=world.branch, year=YEAR, as_of=today())
    add_plan_figures(figures)

    assert figures["plan.total"].value == "1"
    assert (figures["plan.groups_total"].value, figures["plan.groups_done"].value) == ("4", "2")
    table = figures.tables["group_plans"]
    assert table.caption == "各党小组工作计划完成情况"
    assert table.header == ("党小组", "计划项数", "已完成", "未完成", "已取消")
    assert table.rows == (
        (world.group_a.name, "3", "1", "1", "1"),
        (world.group_b.name, "1", "1", "0", "0"),
    )

    of_group = YearFigures(branch=world.branch, year=YEAR, as_of=today(), group=world.group_a)
    add_plan_figures(of_group)
    assert of_group["plan.total"].value == "3"
    assert "plan.groups_total" not in of_group.values
    assert "group_plans" not in of_group.tables


def test_groups_without_plan_items_leave_the_roll_up_to_be_filled_in(world, plan):
    YearDocument.objects.create(branch=world.branch, group=world.group_a, kind="plan", year=YEAR)
    figures = YearFigures(branch=world.branch, year=YEAR, as_of=today())
    add_plan_figures(figures)
    assert figures["plan.groups_total"].missing and figures["plan.groups_done"].missing
    assert "group_plans" not in figures.tables


def test_the_roll_up_costs_one_query_whatever_the_number_of_groups_and_items(
    world, plan, django_assert_num_queries
):
    for group in (world.group_a, world.group_b):
        document = YearDocument.objects.create(
            branch=world.branch, group=group, kind="plan", year=YEAR
        )
        for n in range(5):
            add(document, title=f"第{n}项", month=6, user=world.secretary.user)
    with django_assert_num_queries(1):
        rows = group_plans_summary(world.branch, YEAR)
    assert [summary.total for _group, summary in rows] == [5, 5]


# --------------------------------------------------------------------------- the pages

READERS = {
    "secretary": 200,
    "viewer": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "outsider": 404,
}


def writers(ok: int) -> dict[str, int]:
    return {**READERS, "secretary": ok, "viewer": 403}


def item_form(**changes) -> dict:
    return {
        "title": "组织主题党日",
        "owner": "",
        "month": "6",
        "deadline": "",
        "note": "",
        **changes,
    }


def test_who_may_read_the_items(personas, plan):
    assert_matrix(personas, "get", reverse("reports:plan_items", args=[plan.pk]), READERS)


def test_who_may_open_the_add_form_and_add(personas, world, plan):
    url = reverse("reports:plan_item_add", args=[plan.pk])
    assert_matrix(personas, "get", url, writers(200))
    assert_matrix(personas, "post", url, writers(302), data=item_form())
    assert PlanItem.objects.get().history.get().history_user == world.secretary.user


def test_who_may_edit_an_item(personas, world, plan):
    item = add(plan, month=6, user=world.secretary.user)
    url = reverse("reports:plan_item_edit", args=[item.pk])
    assert_matrix(personas, "get", url, writers(200))
    assert_matrix(personas, "post", url, writers(302), data=item_form(title="改过的事项"))
    item.refresh_from_db()
    assert item.title == "改过的事项"


def test_who_may_mark_an_item_done(personas, world, plan):
    item = add(plan, month=6, user=world.secretary.user)
    url = reverse("reports:plan_item_state", args=[item.pk])
    assert_matrix(personas, "post", url, writers(302), data={"state": "done"})
    item.refresh_from_db()
    assert (item.state, item.done_on) == ("done", today())


def test_marking_done_is_a_post(secretary_client, world, plan):
    item = add(plan, month=6, user=world.secretary.user)
    response = secretary_client.get(reverse("reports:plan_item_state", args=[item.pk]))
    assert response.status_code == 405


def test_who_may_remove_an_item(personas, world, plan):
    item = add(plan, title="待删除", month=6, user=world.secretary.user)
    url = reverse("reports:plan_item_remove", args=[item.pk])
    assert_matrix(personas, "get", url, writers(200))
    assert PlanItem.objects.filter(pk=item.pk).exists()  # the page only asks
    # The others first: once the secretary has removed it, there is nothing left to refuse.
    others = {name: client for name, client in personas.items() if name != "secretary"}
    assert_matrix(others, "post", url, {k: v for k, v in writers(302).items() if k != "secretary"})
    assert PlanItem.objects.filter(pk=item.pk).exists()
    assert_matrix({"secretary": personas["secretary"]}, "post", url, {"secretary": 302})
    assert not PlanItem.objects.filter(pk=item.pk).exists()


def test_the_remove_page_asks_first_in_chinese(secretary_client, world, plan):
    item = add(plan, title="待删除", month=6, user=world.secretary.user)
    html = secretary_client.get(reverse("reports:plan_item_remove", args=[item.pk])).content
    html = html.decode()
    assert "从计划中删除这一事项？" in html and "待删除" in html
    assert 'method="post"' in html


def test_a_summary_has_no_items_page(secretary_client, world):
    summary = services.document_open(
        branch=world.branch, kind="summary", year=YEAR, acting_user=world.secretary.user
    )
    assert secretary_client.get(reverse("reports:plan_items", args=[summary.pk])).status_code == 404
    add_url = reverse("reports:plan_item_add", args=[summary.pk])
    assert secretary_client.post(add_url, item_form()).status_code == 404


def test_an_empty_plan_says_so_in_chinese_and_offers_the_first_item(secretary_client, plan):
    html = secretary_client.get(reverse("reports:plan_items", args=[plan.pk])).content.decode()
    assert "这份计划还没有事项。" in html
    assert reverse("reports:plan_item_add", args=[plan.pk]) in html


def test_the_page_lists_each_item_in_a_table_and_as_a_card_for_phones(
    secretary_client, world, plan
):
    add(plan, title="学习党章", owner=world.leader_a, month=3, user=world.secretary.user)
    add(
        plan,
        title="慰问老党员",
        deadline=datetime.date(YEAR, 12, 20),
        user=world.secretary.user,
    )
    html = secretary_client.get(reverse("reports:plan_items", args=[plan.pk])).content.decode()
    assert 'class="card d-none d-sm-block"' in html and 'class="d-sm-none"' in html
    assert html.count("学习党章") == 2 and html.count("甲组长") == 2
    assert "3月" in html and f"{YEAR}-12-20前" in html
    assert "共 2 项：已完成 0 项，计划中 2 项，已取消 0 项。" in html
    assert "标记完成" in html and "取消此项" in html


def test_the_viewer_reads_the_items_without_any_button(viewer_client, world, plan):
    item = add(plan, title="学习党章", month=3, user=world.secretary.user)
    html = viewer_client.get(reverse("reports:plan_items", args=[plan.pk])).content.decode()
    assert "学习党章" in html
    for name in ("plan_item_state", "plan_item_edit", "plan_item_remove"):
        assert reverse(f"reports:{name}", args=[item.pk]) not in html
    assert reverse("reports:plan_item_add", args=[plan.pk]) not in html


def test_a_refused_item_keeps_what_was_typed_and_says_why_in_chinese(secretary_client, plan):
    url = reverse("reports:plan_item_add", args=[plan.pk])
    response = secretary_client.post(
        url, item_form(title="慰问困难党员", month="", deadline=f"{YEAR + 1}-01-10")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"截止日期不在本计划的年度（{YEAR}年）内。" in html
    assert 'value="慰问困难党员"' in html and f'value="{YEAR + 1}-01-10"' in html
    assert not PlanItem.objects.exists()


def test_an_item_with_neither_month_nor_deadline_is_refused_on_the_form(secretary_client, plan):
    url = reverse("reports:plan_item_add", args=[plan.pk])
    response = secretary_client.post(url, item_form(month=""))
    assert "请填写计划月份或截止日期。" in response.content.decode()
    assert not PlanItem.objects.exists()


def test_the_owner_is_chosen_from_the_branchs_members(secretary_client, world, plan):
    form = secretary_client.get(reverse("reports:plan_item_add", args=[plan.pk])).context["form"]
    owners = set(form.fields["owner"].queryset)
    assert world.leader_a in owners and world.outsider not in owners


def test_a_done_day_ahead_is_refused_with_a_message(secretary_client, world, plan):
    item = add(plan, month=6, user=world.secretary.user)
    ahead = today() + datetime.timedelta(days=3)
    response = secretary_client.post(
        reverse("reports:plan_item_state", args=[item.pk]),
        {"state": "done", "done_on": ahead.isoformat()},
        follow=True,
    )
    assert "完成日期不能晚于今天。" in response.content.decode()
    item.refresh_from_db()
    assert item.state == "planned"


def test_the_items_page_costs_a_fixed_number_of_queries(
    secretary_client, world, plan, query_counter
):
    url = reverse("reports:plan_items", args=[plan.pk])
    months = iter(range(1, 100))

    def grow():
        member = member_in_group(world.group_b, name="负责人")
        item = add(plan, owner=member, month=next(months) % 12 + 1, user=world.secretary.user)
        plan_item_set_state(item=item, state="done", acting_user=world.secretary.user)

    grow()
    assert query_counter.assert_constant(lambda: secretary_client.get(url), grow) == PAGE_QUERIES


# --------------------------------------------------------------------------- the home card


def branch_url(world) -> str:
    return reverse("overview:branch_detail", args=[world.branch.pk])


def group_url(group) -> str:
    return reverse("overview:group_detail", args=[group.pk])


def test_the_secretarys_page_shows_what_is_due_this_month_and_what_is_late(
    secretary_client, world, plan
):
    add(
        plan,
        title="本月的主题党日",
        owner=world.member,
        month=today().month,
        user=world.secretary.user,
    )
    if today().month > 1:
        add(plan, title="上月没做完的", month=months_ago(1), user=world.secretary.user)
    html = secretary_client.get(branch_url(world)).content.decode()
    assert "本月到期的计划事项" in html
    assert "本月的主题党日" in html and "普通党员" in html
    assert reverse("reports:plan_items", args=[plan.pk]) in html
    if today().month > 1:
        assert "上月没做完的" in html and "逾期 1 项" in html


def test_the_home_pages_show_no_card_when_nothing_is_due(
    secretary_client, leader_a_client, world, plan
):
    item = add(plan, month=today().month, owner=world.member, user=world.secretary.user)
    plan_item_set_state(item=item, state="done", acting_user=world.secretary.user)
    assert 'id="plan-items-due"' not in secretary_client.get(branch_url(world)).content.decode()
    assert (
        'id="plan-items-due"' not in leader_a_client.get(group_url(world.group_a)).content.decode()
    )


def test_the_leaders_page_shows_their_members_items_without_a_link_they_cannot_open(
    leader_a_client, world, plan
):
    add(plan, title="甲组的事", owner=world.member, month=today().month, user=world.secretary.user)
    add(
        plan, title="乙组的事", owner=world.leader_b, month=today().month, user=world.secretary.user
    )
    html = leader_a_client.get(group_url(world.group_a)).content.decode()
    assert "甲组的事" in html and "乙组的事" not in html
    assert reverse("reports:plan_items", args=[plan.pk]) not in html


def test_the_home_pages_query_counts_do_not_grow_with_plan_items(
    secretary_client, leader_a_client, world, plan, query_counter
):
    def grow():
        member = member_in_group(world.group_a, name="新党员")
        add(plan, owner=member, month=today().month, user=world.secretary.user)

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(branch_url(world)), grow)
    query_counter.assert_constant(lambda: leader_a_client.get(group_url(world.group_a)), grow)
