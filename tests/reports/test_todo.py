"""The secretary's 待办 on the branch overview: a count per kind of work, linking to the
list where it is done; only for those who manage the branch."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from activities.models import Meeting
from members.models import Category, RecruitmentRecord, RecruitmentStep
from tests.factories import MemberFactory, recorded_meeting


def overview(client, world):
    return client.get(reverse("overview:branch_detail", args=[world.branch.pk]))


def todo_of(response) -> dict:
    return {todo.key: todo for todo in response.context["todo"]}


def applicant(world, *, applied_days_ago: int):
    person = MemberFactory(
        branch=world.branch,
        category=Category.APPLICANT,
        full_member_on=None,
        joined_on=None,
        birth_date=datetime.date(1995, 1, 1),
    )
    RecruitmentRecord.objects.create(
        member=person,
        step=RecruitmentStep.objects.get(code="application"),
        done_on=timezone.localdate() - datetime.timedelta(days=applied_days_ago),
    )
    return person


@pytest.mark.parametrize("persona", ["viewer"])
def test_only_those_who_manage_the_branch_get_the_panel(world, personas, persona):
    response = overview(personas[persona], world)
    assert response.status_code == 200
    assert "todo" not in response.context
    assert 'id="todo"' not in response.content.decode()


def test_a_record_waiting_for_review_links_to_the_list_of_those_records(world, secretary_client):
    today = timezone.localdate()
    last_year = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=today.replace(year=today.year - 1, day=1),
        topic="去年未审核的记录",
        acting_user=world.leader_a.user,
    )
    reviewed = recorded_meeting(
        branch=world.branch,
        group=world.group_b,
        held_on=today.replace(day=1),
        topic="已审核的记录",
        acting_user=world.leader_b.user,
    )
    Meeting.objects.filter(pk=reviewed.pk).update(reviewed_at=timezone.now())

    review = todo_of(overview(secretary_client, world))["review"]

    assert (review.label, review.count) == ("会议记录待审核", 1)
    listed = secretary_client.get(review.url)
    assert [meeting.pk for meeting in listed.context["page"]] == [last_year.pk]
    page = listed.content.decode()
    assert "去年未审核的记录" in page and "已审核的记录" not in page


def test_an_overdue_recruitment_step_is_marked_and_listed_first(world, secretary_client):
    applicant(world, applied_days_ago=45)  # the talk was due within a month
    applicant(world, applied_days_ago=10)

    response = overview(secretary_client, world)
    recruitment = todo_of(response)["recruitment"]

    assert (recruitment.count, recruitment.level) == (2, "danger")
    assert recruitment.note == "逾期 1 项，近期到期 1 项"
    assert recruitment.url == reverse("recruitment:todo", args=[world.branch.pk])
    assert response.context["todo"][0].level == "danger"
    assert secretary_client.get(recruitment.url).status_code == 200


def test_the_meetings_owed_say_how_many_days_are_left(world, secretary_client):
    response = overview(secretary_client, world)
    meetings = todo_of(response)["meetings"]
    owed = response.context["missing"]
    left = (owed[0].period_end - timezone.localdate()).days
    assert meetings.count >= len(owed) > 0
    expected = "即今天" if left == 0 else f"还有 {left} 天"
    assert expected in meetings.note
    assert meetings.url == reverse("activities:compliance", args=[world.branch.pk])


def test_nothing_owed_says_so(world):
    html = render_to_string("reports/_todo.html", {"todo": []})
    assert "暂无待办事项" in html
    assert render_to_string("reports/_todo.html", {}).strip() == ""


def test_each_line_is_a_link_with_its_count(world, secretary_client):
    applicant(world, applied_days_ago=45)
    page = overview(secretary_client, world).content.decode()
    assert 'data-todo="recruitment"' in page
    assert f'href="{reverse("recruitment:todo", args=[world.branch.pk])}"' in page


def test_the_query_count_does_not_grow_with_what_is_owed(world, secretary_client, query_counter):
    days = iter(range(1, 28))
    applicant(world, applied_days_ago=3)  # with nobody in recruitment, no steps are read

    def grow():
        applicant(world, applied_days_ago=40)
        applicant(world, applied_days_ago=5)
        recorded_meeting(
            branch=world.branch,
            group=world.group_a,
            held_on=timezone.localdate().replace(day=next(days)),
            acting_user=world.leader_a.user,
        )

    query_counter.assert_constant(lambda: overview(secretary_client, world), grow)
