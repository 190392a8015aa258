"""The suggestion pages: who may do what (a matrix for every view), the leader's few-tap
form, the steps one small form each, the list's filters and its query budget."""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Satisfaction, Suggestion, SuggestionState
from tests.activities.suggestion_factories import days_ago, recorded_suggestion
from tests.conftest import assert_matrix

WAITING, ANSWERED, DONE, CLOSED = SuggestionState

# Status codes by persona; the outsider (another branch's secretary) always gets 404.
READERS = {
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}
COMMITTEE = {**READERS, "leader_a": 403, "viewer": 403}
COMMITTEE_AND_LEADER = {**READERS, "viewer": 403}


def url(name: str, suggestion) -> str:
    return reverse(f"activities:{name}", args=[suggestion.pk])


@pytest.fixture
def in_state(world):
    """A group A suggestion in the given state."""

    def make(state=WAITING, **fields):
        return recorded_suggestion(
            branch=world.branch,
            group=world.group_a,
            state=state,
            acting_user=world.leader_a.user,
            **fields,
        )

    return make


# --- who may do what ------------------------------------------------------------------


def test_the_list_is_for_the_committee_viewers_and_leaders(personas, world):
    list_url = reverse("activities:suggestion_list", args=[world.branch.pk])
    assert_matrix(personas, "get", list_url, {**READERS, "leader_b": 200})


def test_recording_is_for_the_committee_and_the_leaders(personas, world):
    create_url = reverse("activities:suggestion_create", args=[world.branch.pk])
    expected = {**COMMITTEE_AND_LEADER, "leader_b": 200}
    assert_matrix(personas, "get", create_url, expected)


def test_a_groups_suggestion_is_read_by_the_branch_and_its_leader(personas, in_state):
    assert_matrix(personas, "get", url("suggestion", in_state()), READERS)


def test_a_suggestion_raised_to_the_branch_is_not_for_the_leaders(personas, world):
    suggestion = recorded_suggestion(branch=world.branch, group=None)
    expected = {**READERS, "leader_a": 403}
    assert_matrix(personas, "get", url("suggestion", suggestion), expected)


def test_the_leader_corrects_a_suggestion_only_while_it_waits(personas, in_state):
    assert_matrix(personas, "get", url("suggestion_edit", in_state()), COMMITTEE_AND_LEADER)
    assert_matrix(personas, "get", url("suggestion_edit", in_state(ANSWERED)), COMMITTEE)


def test_the_answer_and_what_was_done_are_for_the_committee(personas, in_state):
    assert_matrix(personas, "get", url("suggestion_answer", in_state()), COMMITTEE)
    assert_matrix(personas, "get", url("suggestion_done", in_state(ANSWERED)), COMMITTEE)


def test_the_satisfaction_is_for_the_committee_and_the_groups_leader(personas, in_state):
    feedback_url = url("suggestion_feedback", in_state(DONE))
    assert_matrix(personas, "get", feedback_url, COMMITTEE_AND_LEADER)


def test_whoever_took_the_last_step_may_take_it_back(personas, in_state):
    assert_matrix(personas, "get", url("suggestion_undo", in_state(CLOSED)), COMMITTEE_AND_LEADER)
    assert_matrix(personas, "get", url("suggestion_undo", in_state(DONE)), COMMITTEE)
    # Nothing to take back: nobody may.
    waiting = {**COMMITTEE, "secretary": 403}
    assert_matrix(personas, "get", url("suggestion_undo", in_state()), waiting)


def test_deleting_is_for_the_committee(personas, in_state):
    suggestion = in_state()
    assert_matrix(personas, "get", url("suggestion_delete", suggestion), COMMITTEE)
    # A POST from those refused changes nothing.
    posters = {name: personas[name] for name in ("leader_a", "viewer", "member", "outsider")}
    expected = {"leader_a": 403, "viewer": 403, "member": 403, "outsider": 404}
    assert_matrix(posters, "post", url("suggestion_delete", suggestion), expected)
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()


def test_a_step_posted_by_someone_refused_changes_nothing(personas, in_state):
    suggestion = in_state()
    data = {"answer": "同意", "answered_by": "支委会", "answered_on": days_ago(0).isoformat()}
    posters = {name: personas[name] for name in ("leader_a", "viewer", "outsider")}
    expected = {"leader_a": 403, "viewer": 403, "outsider": 404}
    assert_matrix(
        posters, "post", url("suggestion_answer", suggestion), data=data, expected=expected
    )
    assert Suggestion.objects.get(pk=suggestion.pk).state == WAITING


@pytest.mark.parametrize(
    "persona, offered",
    [
        ("secretary", {"edit", "answer", "delete"}),
        ("leader_a", {"edit"}),
        ("viewer", set()),
    ],
)
def test_the_page_offers_each_persona_what_they_may_do(personas, in_state, persona, offered):
    suggestion = in_state()
    html = personas[persona].get(url("suggestion", suggestion)).content.decode()
    links = {
        "edit": url("suggestion_edit", suggestion),
        "answer": url("suggestion_answer", suggestion),
        "delete": url("suggestion_delete", suggestion),
    }
    assert {name for name, link in links.items() if link in html} == offered


def test_the_leader_is_offered_the_satisfaction_step_once_it_is_done(leader_a_client, in_state):
    response = leader_a_client.get(url("suggestion", in_state(DONE)))
    assert response.context["step_form"] is not None
    assert "记录满意度" in response.content.decode()
    response = leader_a_client.get(url("suggestion", in_state(ANSWERED)))
    assert response.context["step_form"] is None
    assert "由支委会记录答复和落实情况。" in response.content.decode()


# --- recording from a phone ------------------------------------------------------------


def test_the_form_starts_with_today_and_the_leaders_group(world, leader_a_client):
    response = leader_a_client.get(reverse("activities:suggestion_create", args=[world.branch.pk]))
    form = response.context["form"]
    assert form["raised_on"].value() == timezone.localdate()
    assert form["group"].value() == world.group_a.pk
    assert list(form.fields["group"].queryset) == [world.group_a]
    html = response.content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_a_leader_records_a_suggestion_in_a_few_fields(world, leader_a_client):
    response = leader_a_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": world.group_a.pk,
            "raised_on": timezone.localdate().isoformat(),
            "category": "logistics",
            "text": "希望更换教室的旧投影仪",
            "raised_by": "赵老师",
        },
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("suggestion", suggestion)
    assert (suggestion.group, suggestion.raised_by, suggestion.state) == (
        world.group_a,
        "赵老师",
        WAITING,
    )
    assert suggestion.history.get().history_user == world.leader_a.user
    page = leader_a_client.get(response["Location"]).content.decode()
    assert "意见建议已记录，办结前会一直显示在首页。" in page


def test_anonymous_wins_over_a_typed_name(world, leader_a_client):
    leader_a_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": world.group_a.pk,
            "raised_on": timezone.localdate().isoformat(),
            "category": "management",
            "text": "希望减少检查评比",
            "anonymous": "on",
            "raised_by": "钱老师",
        },
    )
    suggestion = Suggestion.objects.get()
    assert (suggestion.anonymous, suggestion.raised_by) == (True, "")
    assert not Suggestion.history.filter(raised_by="钱老师").exists()


def test_the_form_keeps_what_was_typed_and_says_what_is_missing(world, leader_a_client):
    response = leader_a_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": world.group_a.pk,
            "raised_on": timezone.localdate().isoformat(),
            "category": "teaching",
            "text": "希望多组织校际交流",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"raised_by": ["请填写反映人姓名，或勾选“匿名”。"]}
    assert "希望多组织校际交流" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_future_date_is_refused_under_its_field(world, leader_a_client):
    response = leader_a_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": world.group_a.pk,
            "raised_on": days_ago(-3).isoformat(),
            "category": "teaching",
            "text": "希望多组织校际交流",
            "raised_by": "赵老师",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"raised_on": ["日期不能晚于今天。"]}


def test_a_leader_cannot_record_for_another_group(world, leader_a_client):
    response = leader_a_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": world.group_b.pk,
            "raised_on": timezone.localdate().isoformat(),
            "category": "teaching",
            "text": "希望多组织校际交流",
            "raised_by": "赵老师",
        },
    )
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not Suggestion.objects.exists()


def test_the_committee_may_record_one_raised_to_the_branch(world, secretary_client):
    secretary_client.post(
        reverse("activities:suggestion_create", args=[world.branch.pk]),
        {
            "group": "",
            "raised_on": timezone.localdate().isoformat(),
            "category": "other",
            "text": "希望开放教工之家",
            "raised_by": "退休教师 周老师",
        },
    )
    assert Suggestion.objects.get().group is None


def test_the_leader_corrects_the_text(world, leader_a_client, in_state):
    suggestion = in_state()
    response = leader_a_client.post(
        url("suggestion_edit", suggestion),
        {
            "group": world.group_a.pk,
            "raised_on": suggestion.raised_on.isoformat(),
            "category": "teaching",
            "text": "希望固定教研活动时间",
            "raised_by": "王老师",
        },
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).text == "希望固定教研活动时间"


# --- the steps ---------------------------------------------------------------------------


def test_the_secretary_answers_then_records_what_was_done(world, secretary_client, in_state):
    suggestion = in_state()
    today = timezone.localdate().isoformat()
    response = secretary_client.post(
        url("suggestion_answer", suggestion),
        {"answer": "同意，下学期落实", "answered_by": "党政班子会议", "answered_on": today},
    )
    assert response.status_code == 302
    response = secretary_client.post(
        url("suggestion_done", suggestion), {"improvement": "已落实", "done_on": today}
    )
    assert response.status_code == 302
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert (stored.state, stored.answered_by, stored.improvement) == (
        DONE,
        "党政班子会议",
        "已落实",
    )
    assert stored.history.latest().history_user == world.secretary.user


def test_the_leader_records_the_staffs_satisfaction(world, leader_a_client, in_state):
    suggestion = in_state(DONE)
    response = leader_a_client.post(
        url("suggestion_feedback", suggestion),
        {
            "satisfaction": "fairly_satisfied",
            "feedback_on": timezone.localdate().isoformat(),
            "note": "希望继续跟进",
        },
        follow=True,
    )
    stored = Suggestion.objects.get(pk=suggestion.pk)
    assert (stored.state, stored.satisfaction, stored.feedback_note) == (
        CLOSED,
        Satisfaction.FAIRLY_SATISFIED,
        "希望继续跟进",
    )
    assert "教职工满意度已记录，该意见建议已办结。" in response.content.decode()


def test_a_step_out_of_order_sends_back_to_the_suggestion_with_the_reason(
    secretary_client, in_state
):
    suggestion = in_state()
    response = secretary_client.get(url("suggestion_done", suggestion), follow=True)
    assert response.redirect_chain == [(url("suggestion", suggestion), 302)]
    assert "尚未记录答复，请先记录答复。" in response.content.decode()
    response = secretary_client.post(
        url("suggestion_done", suggestion),
        {"improvement": "已落实", "done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).done_on is None


def test_a_refused_date_shows_under_its_field_and_keeps_the_answer(secretary_client, in_state):
    suggestion = in_state(raised_on=days_ago(10))
    response = secretary_client.post(
        url("suggestion_answer", suggestion),
        {"answer": "研究后答复", "answered_by": "支委会", "answered_on": days_ago(11).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["step_form"].errors == {
        "answered_on": [f"答复日期不能早于反映日期（{days_ago(10).isoformat()}）。"]
    }
    assert "研究后答复" in response.content.decode()


def test_taking_back_a_step_asks_first(secretary_client, in_state):
    suggestion = in_state(ANSWERED)
    page = secretary_client.get(url("suggestion_undo", suggestion)).content.decode()
    assert "撤回该意见建议的最后一步（已答复）以便重新记录吗？" in page
    assert Suggestion.objects.get(pk=suggestion.pk).state == ANSWERED
    secretary_client.post(url("suggestion_undo", suggestion))
    assert Suggestion.objects.get(pk=suggestion.pk).state == WAITING


def test_deleting_asks_first_then_deletes(world, secretary_client, in_state):
    suggestion = in_state()
    page = secretary_client.get(url("suggestion_delete", suggestion)).content.decode()
    assert "删除这条意见建议及其答复和落实情况吗？" in page
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()
    response = secretary_client.post(url("suggestion_delete", suggestion))
    assert response["Location"] == reverse("activities:suggestion_list", args=[world.branch.pk])
    assert not Suggestion.objects.filter(pk=suggestion.pk).exists()
    assert Suggestion.history.filter(id=suggestion.pk, history_type="-").exists()


def test_an_anonymous_suggestion_shows_no_name(world, secretary_client):
    suggestion = recorded_suggestion(branch=world.branch, group=world.group_a, anonymous=True)
    html = secretary_client.get(url("suggestion", suggestion)).content.decode()
    assert "匿名" in html


# --- the list ------------------------------------------------------------------------------


def list_of(client, world, **query) -> list[Suggestion]:
    response = client.get(reverse("activities:suggestion_list", args=[world.branch.pk]), query)
    assert response.status_code == 200
    return list(response.context["page"])


def test_the_list_filters_by_group_state_year_and_words(world, secretary_client):
    def make(group, raised, state=WAITING, text="希望增加教研活动时间"):
        return recorded_suggestion(
            branch=world.branch, group=group, raised_on=raised, state=state, text=text
        )

    last_year = timezone.localdate().replace(month=6, day=1, year=timezone.localdate().year - 1)
    old = make(world.group_a, last_year, CLOSED)
    waiting = make(world.group_a, days_ago(3), text="希望维修操场跑道")
    answered = make(world.group_b, days_ago(5), ANSWERED)

    assert list_of(secretary_client, world) == [waiting, answered, old]
    assert list_of(secretary_client, world, group=world.group_b.pk) == [answered]
    assert list_of(secretary_client, world, state="open") == [waiting, answered]
    assert list_of(secretary_client, world, state="closed") == [old]
    assert list_of(secretary_client, world, state="waiting") == [waiting]
    assert list_of(secretary_client, world, year=last_year.year) == [old]
    assert list_of(secretary_client, world, q="跑道") == [waiting]
    # The answer is searched too.
    assert list_of(secretary_client, world, q="下学期起调整") == [answered, old]


def test_a_leader_lists_only_their_groups_suggestions(world, leader_a_client):
    mine = recorded_suggestion(branch=world.branch, group=world.group_a)
    recorded_suggestion(branch=world.branch, group=world.group_b)
    recorded_suggestion(branch=world.branch, group=None)
    assert list_of(leader_a_client, world) == [mine]
    # Another group is not on offer, and asking for it is an error, not a leak.
    assert list_of(leader_a_client, world, group=world.group_b.pk) == []


def test_the_empty_list_says_so_and_offers_the_first_record(world, leader_a_client):
    html = leader_a_client.get(
        reverse("activities:suggestion_list", args=[world.branch.pk])
    ).content.decode()
    assert "尚未记录意见建议。" in html
    assert "记录第一条意见建议" in html
    filtered = leader_a_client.get(
        reverse("activities:suggestion_list", args=[world.branch.pk]), {"q": "不存在"}
    ).content.decode()
    assert "没有符合筛选条件的意见建议。" in filtered


def test_the_list_is_paginated(world, secretary_client):
    for days in range(25):
        recorded_suggestion(branch=world.branch, group=world.group_a, raised_on=days_ago(days))
    first = secretary_client.get(reverse("activities:suggestion_list", args=[world.branch.pk]))
    assert len(first.context["page"]) == 20
    second = secretary_client.get(
        reverse("activities:suggestion_list", args=[world.branch.pk]), {"page": 2}
    )
    assert len(second.context["page"]) == 5
    assert "第 2 页，共 2 页" in second.content.decode()


def test_the_list_shows_how_long_an_open_one_has_waited(world, secretary_client):
    recorded_suggestion(branch=world.branch, group=world.group_a, raised_on=days_ago(12))
    html = secretary_client.get(
        reverse("activities:suggestion_list", args=[world.branch.pk])
    ).content.decode()
    assert "已等待 12 天" in html


@pytest.mark.parametrize("persona", ["secretary", "leader_a"])
def test_the_lists_query_count_does_not_grow_with_suggestions(
    world, personas, query_counter, persona
):
    list_url = reverse("activities:suggestion_list", args=[world.branch.pk])
    days = itertools.count(1)
    states = itertools.cycle(SuggestionState)

    def grow():
        for group in (world.group_a, world.group_b, None):
            recorded_suggestion(
                branch=world.branch,
                group=group,
                raised_on=days_ago(next(days) * 40),
                state=next(states),
                anonymous=next(days) % 2 == 0,
            )

    grow()  # an empty page skips its query: count from a page with rows
    query_counter.assert_constant(lambda: personas[persona].get(list_url), grow)


def test_the_suggestion_page_has_a_fixed_number_of_queries(world, secretary_client, query_counter):
    suggestion = recorded_suggestion(branch=world.branch, group=world.group_a)

    def grow():
        # More history rows: a step taken and taken back.
        from activities.suggestions import services

        services.suggestion_answer(
            suggestion=suggestion,
            answer="同意",
            answered_by="支委会",
            answered_on=suggestion.raised_on,
            acting_user=world.secretary.user,
        )
        services.suggestion_step_undo(suggestion=suggestion, acting_user=world.leader_a.user)

    query_counter.assert_constant(lambda: secretary_client.get(url("suggestion", suggestion)), grow)
