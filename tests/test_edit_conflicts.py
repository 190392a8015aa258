"""Two people editing one record: the second save is refused with what the first changed,
what the second typed is kept, and a second click saves it deliberately. In our pages and in
the workbench, and a workbench "restore this version" is not taken for a conflict."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from activities.services import meeting_review
from members.models import Member
from tests.conftest import admin_form_data, client_for
from tests.factories import recorded_meeting

STAMP = re.compile(r'name="edit_stamp" value="([^"]+)"')


def page_form_data(response) -> dict:
    """What a browser sends back from an edit page left as it is, the page's stamp included."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, datetime.date | datetime.time):
            data[name] = value.isoformat()[:5] if isinstance(value, datetime.time) else str(value)
        else:
            data[name] = str(getattr(value, "pk", value))
    data["edit_stamp"] = stamp_in(response)
    return data


def stamp_in(response) -> str:
    found = STAMP.findall(response.content.decode())
    assert len(found) == 1, "the page carries one edit stamp"
    return found[0]


@pytest.fixture
def meeting(world):
    return recorded_meeting(
        branch=world.branch, group=world.group_a, acting_user=world.secretary.user
    )


@pytest.fixture
def second_secretary_tab(world) -> Client:
    """The secretary's colleague on the committee, or the secretary in a second tab: one
    more session of a user who may edit."""
    return client_for(world.secretary.user)


def test_the_second_save_of_a_meeting_is_refused_and_keeps_what_was_typed(
    world, meeting, leader_a_client, secretary_client
):
    url = reverse("activities:meeting_edit", args=[meeting.pk])
    leader_page = leader_a_client.get(url)
    secretary_page = secretary_client.get(url)

    first = {**page_form_data(leader_page), "topic": "组长改的主题"}
    assert leader_a_client.post(url, first).status_code == 302

    second = {**page_form_data(secretary_page), "place": "书记改的地点"}
    refused = secretary_client.post(url, second)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "未保存：你打开本页之后，这条记录已被他人修改。" in page
    assert "甲组长" in page  # who saved in between
    assert "主题现在是：组长改的主题" in page  # what it holds now
    assert "地点现在是" not in page  # the field only this user changed is no conflict
    assert 'value="书记改的地点"' in page  # what the secretary typed is still there
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place) == ("组长改的主题", "会议室")

    # Saving again from the refused page keeps the secretary's version, deliberately.
    again = {**second, "edit_stamp": stamp_in(refused)}
    assert secretary_client.post(url, again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place) == ("学习研讨", "书记改的地点")


def test_a_change_the_form_does_not_show_is_no_conflict(world, meeting, leader_a_client):
    url = reverse("activities:meeting_edit", args=[meeting.pk])
    page = leader_a_client.get(url)
    meeting_review(meeting=meeting, acting_user=world.secretary.user)  # sets reviewed_at only
    response = leader_a_client.post(url, {**page_form_data(page), "topic": "审核后补充"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "审核后补充" and meeting.reviewed_at is not None


def test_a_tampered_stamp_is_a_conflict_not_an_error_page(meeting, leader_a_client):
    url = reverse("activities:meeting_edit", args=[meeting.pk])
    data = {**page_form_data(leader_a_client.get(url)), "topic": "改", "edit_stamp": "%%%"}
    response = leader_a_client.post(url, data)
    assert response.status_code == 200
    assert "未保存" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "学习研讨"


def test_two_secretaries_correcting_one_member(world, secretary_client, second_secretary_tab):
    url = reverse("members:member_edit", args=[world.member.pk])
    one = secretary_client.get(url)
    two = second_secretary_tab.get(url)
    assert secretary_client.post(url, {**page_form_data(one), "phone": "13900000001"}).status_code
    refused = second_secretary_tab.post(url, {**page_form_data(two), "phone": "13900000002"})
    assert "联系电话现在是：13900000001" in refused.content.decode()
    world.member.refresh_from_db()
    assert world.member.phone == "13900000001"


def test_the_workbench_refuses_the_second_save(world, secretary_client, second_secretary_tab):
    url = reverse("admin:members_member_change", args=[world.member.pk])
    one = admin_form_data(secretary_client.get(url))
    two = admin_form_data(second_secretary_tab.get(url))
    assert one["edit_stamp"] == two["edit_stamp"]
    assert secretary_client.post(url, {**one, "phone": "13900000003"}).status_code == 302
    refused = second_secretary_tab.post(url, {**two, "job": "改过的岗位"})
    assert refused.status_code == 200
    assert "未保存" in refused.content.decode()
    member = Member.objects.get(pk=world.member.pk)
    assert (member.phone, member.job) == ("13900000003", world.member.job)


def test_restoring_an_earlier_version_in_the_workbench_is_no_conflict(world, secretary_client):
    member = world.member
    original = member.history.earliest()
    member.phone = "13900000004"
    member.save()
    url = reverse("admin:members_member_simple_history", args=[member.pk, original.history_id])
    page = secretary_client.get(url)
    data = admin_form_data(page)
    assert data["edit_stamp"]  # the restore form is checked like any other
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == original.phone
