"""The workbench pages for meetings, rules and the school calendar."""

import datetime

import pytest
from django.urls import reverse

from activities.models import MeetingRule, MeetingType, SchoolTerm
from activities.services import meeting_review
from tests.factories import recorded_meeting

CHANGELISTS = [
    "admin:activities_meeting_changelist",
    "admin:activities_meetingrule_changelist",
    "admin:activities_schoolterm_changelist",
    "admin:activities_agendatemplate_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_secretary_opens_the_changelists(world, secretary_client, name):
    assert secretary_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("persona", ["leader_a", "member", "viewer"])
def test_others_are_refused_the_workbench(world, personas, persona):
    url = reverse("admin:activities_meeting_changelist")
    assert personas[persona].get(url).status_code == 403


def test_the_meeting_list_shows_only_the_secretarys_branch(world, secretary_client):
    ours = recorded_meeting(branch=world.branch, group=world.group_a, topic="本支部会议")
    other_group = world.outsider.group_memberships.get().group
    theirs = recorded_meeting(branch=world.other_branch, group=other_group, topic="外支部会议")
    response = secretary_client.get(reverse("admin:activities_meeting_changelist"))
    shown = list(response.context["cl"].result_list)
    assert ours in shown and theirs not in shown
    url = reverse("admin:activities_meeting_change", args=[theirs.pk])
    assert secretary_client.get(url).status_code in (302, 404)


def test_the_default_rules_are_shown_but_not_changed_by_a_branch(world, secretary_client):
    default = MeetingRule.objects.get(branch=None, kind=MeetingType.GROUP)
    response = secretary_client.get(reverse("admin:activities_meetingrule_changelist"))
    assert default in list(response.context["cl"].result_list)
    url = reverse("admin:activities_meetingrule_change", args=[default.pk])
    secretary_client.post(url, {"kind": "group", "period": "quarter", "times": 1})
    default.refresh_from_db()
    assert default.period == "month"


def test_the_secretary_adds_a_local_rule_for_their_branch(world, secretary_client):
    url = reverse("admin:activities_meetingrule_add")
    response = secretary_client.post(
        url,
        {
            "branch": world.branch.pk,
            "kind": "general",
            "period": "month",
            "due_month": 12,
            "due_day": 31,
            "times": 1,
            "min_term_days": 10,
            "required": "on",
            "effective_from": "2025-09-01",
            "source": "本校党支部工作制度",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = MeetingRule.objects.get(branch=world.branch)
    assert (rule.kind, rule.period) == ("general", "month")


def test_an_overlapping_school_term_is_refused(world, secretary_client):
    SchoolTerm.objects.create(
        branch=world.branch,
        name="2025学年第一学期",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 1, 23),
    )
    response = secretary_client.post(
        reverse("admin:activities_schoolterm_add"),
        {
            "branch": world.branch.pk,
            "name": "重叠学期",
            "starts_on": "2026-01-05",
            "ends_on": "2026-06-30",
        },
    )
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert SchoolTerm.objects.count() == 1


def test_a_change_in_the_workbench_after_review_is_flagged(world, secretary_client):
    meeting = recorded_meeting(branch=world.branch, group=world.group_a)
    meeting_review(meeting=meeting, acting_user=world.secretary.user)
    url = reverse("admin:activities_meeting_change", args=[meeting.pk])
    form = secretary_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["held_on"] = meeting.held_on.isoformat()
    data["topic"] = "工作台里改的主题"
    data.update(
        {
            "attendances-TOTAL_FORMS": "3",
            "attendances-INITIAL_FORMS": "3",
            "attendances-MIN_NUM_FORMS": "0",
            "attendances-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(meeting.attendances.order_by("pk")):
        data[f"attendances-{index}-id"] = row.pk
        data[f"attendances-{index}-meeting"] = meeting.pk
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "工作台里改的主题" and meeting.changed_after_review
    assert meeting.history.first().history_user == world.secretary.user


def test_the_administrators_list_of_every_branchs_meetings_reads_a_page_in_fixed_queries(
    world, query_counter
):
    """Over all branches the list is the newest 25, read in the order of an index (the
    workbench's slowest list at the district's scale sorted the whole table), in a number
    of queries that does not grow with the meetings."""
    from activities.models import Meeting
    from tests.conftest import client_for
    from tests.factories import UserFactory

    administrator = client_for(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:activities_meeting_changelist")
    other_group = world.outsider.group_memberships.get().group
    days = iter(range(1, 400))

    def grow():
        for branch, group in ((world.branch, world.group_a), (world.other_branch, other_group)):
            for _ in range(10):
                held_on = datetime.date(2025, 1, 1) + datetime.timedelta(days=next(days))
                recorded_meeting(branch=branch, group=group, held_on=held_on)

    grow()
    query_counter.assert_constant(lambda: administrator.get(url), grow)
    shown = list(administrator.get(url).context["cl"].result_list)
    newest = list(Meeting.objects.order_by("-held_on", "-starts_at", "-pk")[:25])
    assert shown == newest and {m.branch_id for m in shown} == {
        world.branch.pk,
        world.other_branch.pk,
    }
    (index,) = [i for i in Meeting._meta.indexes if i.name == "meeting_date_order"]
    ordering = [field.lstrip("-").replace("pk", "id") for field in Meeting._meta.ordering]
    assert list(index.fields) == ordering
