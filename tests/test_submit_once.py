"""A form sent twice is saved once: a double click, a reload of the answer or a phone that
resends on a bad network. The pages carry a one-time token; the second sending runs no view
and is taken where the first led, told so."""

import pathlib
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from activities.models import Meeting
from activities.models.work import Activity, ActivityKind
from branchsite import submissions
from branchsite.dates import add_months
from branchsite.models import Submission
from members.dues import services
from members.dues.ledger import first_of
from members.models import DuesCategory, DuesPayment, Member
from tests.factories import recorded_meeting

TOKEN = re.compile(r'name="submission" value="([0-9a-f-]{36})"')
SAVED_ONCE = "这份表单已经提交并保存过，只保存了一次。"


def token_in(response) -> str:
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, "the form carries one token"
    return found[0]


def new_meeting(world) -> dict:
    return {
        "kind": "group",
        "group": world.group_a.pk,
        "held_on": "2026-10-15",
        "place": "会议室",
        "topic": "学习二十届四中全会精神",
    }


def test_a_new_meeting_sent_twice_is_saved_once(world, leader_a_client):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    data = {**new_meeting(world), "submission": token_in(leader_a_client.get(url))}

    first = leader_a_client.post(url, data)
    second = leader_a_client.post(url, data)

    assert Meeting.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    page = leader_a_client.get(second["Location"]).content.decode()
    assert SAVED_ONCE in page


def test_each_opening_of_a_form_gets_its_own_token(world, leader_a_client):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    for _ in range(2):
        data = {**new_meeting(world), "submission": token_in(leader_a_client.get(url))}
        assert leader_a_client.post(url, data).status_code == 302
    assert Meeting.objects.count() == 2


def test_a_form_that_came_back_with_errors_is_saved_when_corrected(world, leader_a_client):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    token = token_in(leader_a_client.get(url))
    wrong = leader_a_client.post(url, {**new_meeting(world), "topic": "", "submission": token})
    assert wrong.status_code == 200
    assert not Submission.objects.exists()  # it saved nothing, so nothing is remembered
    # The page that came back carries a fresh token; even the old one is not held against it.
    assert token_in(wrong) != token
    right = leader_a_client.post(url, {**new_meeting(world), "submission": token})
    assert right.status_code == 302
    assert Meeting.objects.count() == 1


def test_an_edit_saved_twice_is_not_taken_for_someone_elses_change(world, leader_a_client):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, acting_user=world.leader_a.user
    )
    url = reverse("activities:meeting_edit", args=[meeting.pk])
    page = leader_a_client.get(url)
    stamp = re.search(r'name="edit_stamp" value="([^"]+)"', page.content.decode())[1]
    data = {
        **new_meeting(world),
        "topic": "改过的主题",
        "edit_stamp": stamp,
        "submission": token_in(page),
    }
    assert leader_a_client.post(url, data).status_code == 302
    second = leader_a_client.post(url, data)
    assert second.status_code == 302  # not the edit-conflict page
    assert SAVED_ONCE in leader_a_client.get(second["Location"]).content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "改过的主题"


def test_a_new_activity_sent_twice_is_saved_once(world, leader_a_client):
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.VOLUNTEER])
    data = {
        "held_on": timezone.localdate().isoformat(),
        "title": "校门口护学岗",
        "group": world.group_a.pk,
        "number": "1",
        "hours": "2",
        "submission": token_in(leader_a_client.get(url)),
    }
    first = leader_a_client.post(url, data)
    assert first.status_code == 302, first.context["form"].errors
    leader_a_client.post(url, data)
    assert Activity.objects.count() == 1


def test_a_dues_collection_sent_twice_is_counted_once(world, secretary_client):
    month = first_of(timezone.localdate())
    for member in world.branch.members.all():
        services.dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("6000"),
            starts_on=add_months(month, -3),
            acting_user=world.secretary.user,
        )
    url = reverse("dues:collect", args=[world.branch.pk])
    data = {
        "month": f"{add_months(month, -1):%Y-%m}",
        "paid_on": timezone.localdate().isoformat(),
        "submission": token_in(secretary_client.get(url)),
    }
    assert secretary_client.post(url, data).status_code == 302
    paid = DuesPayment.objects.count()
    assert paid == world.branch.members.count()
    assert secretary_client.post(url, data).status_code == 302
    assert DuesPayment.objects.count() == paid


def test_a_workbench_add_sent_twice_is_saved_once(world, secretary_client):
    url = reverse("admin:members_member_add")
    page = secretary_client.get(url)
    data = {
        "branch": world.branch.pk,
        "name": "新党员",
        "gender": "male",
        "category": "probationary",
        "joined_on": "2026-07-01",
        "employment": "in_service",
        "ethnicity": "汉族",
        "group_memberships-TOTAL_FORMS": "0",
        "group_memberships-INITIAL_FORMS": "0",
        "submission": token_in(page),
    }
    first = secretary_client.post(url, data)
    assert first.status_code == 302, first.context["adminform"].form.errors
    assert secretary_client.post(url, data).status_code == 302
    assert Member.objects.filter(name="新党员").count() == 1


def test_a_form_that_crispy_draws_carries_its_token(world, secretary_client):
    url = reverse("recruitment:applicant_add", args=[world.branch.pk])
    token_in(secretary_client.get(url))


def test_another_users_token_saves_nothing_of_theirs(world, leader_a_client, secretary_client):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    data = {**new_meeting(world), "submission": token_in(leader_a_client.get(url))}
    leader_a_client.post(url, data)
    # The same token from someone else: their own sending, saved as theirs.
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_a_twin_waits_for_the_first_sending_and_follows_it(world, leader_a_client, monkeypatch):
    """The first sending is still being saved (its record has no destination yet) when the
    twin arrives; it is saved by the time the twin looks again."""
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    token = token_in(leader_a_client.get(url))
    in_flight = Submission.objects.create(token=token, user=world.leader_a.user)
    looks = []

    def first_sending_finishes(seconds):
        looks.append(seconds)
        in_flight.location = "/activities/meetings/1/"
        in_flight.save()

    monkeypatch.setattr(submissions.time, "sleep", first_sending_finishes)
    response = leader_a_client.post(url, {**new_meeting(world), "submission": token})
    assert response.status_code == 302
    assert response["Location"] == "/activities/meetings/1/"
    assert len(looks) == 1
    assert not Meeting.objects.exists()


def test_a_twin_that_waits_too_long_is_told_to_look_later(world, leader_a_client, monkeypatch):
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    token = token_in(leader_a_client.get(url))
    Submission.objects.create(token=token, user=world.leader_a.user)
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.2)
    monkeypatch.setattr(submissions, "LOOK_EVERY", 0.05)
    response = leader_a_client.post(url, {**new_meeting(world), "submission": token})
    assert response.status_code == 409
    assert "这份表单正在保存" in response.content.decode()
    assert not Meeting.objects.exists()


def test_old_tokens_are_let_go(world, leader_a_client):
    old = Submission.objects.create(
        token="7b0c1a5e-0000-4000-8000-000000000001", user=world.leader_a.user, location="/"
    )
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - submissions.KEEP - timezone.timedelta(minutes=1)
    )
    url = reverse("activities:meeting_create", args=[world.branch.pk])
    data = {**new_meeting(world), "submission": token_in(leader_a_client.get(url))}
    leader_a_client.post(url, data)
    assert list(Submission.objects.values_list("token", flat=True)) == [
        Submission.objects.get(location__contains="/meetings/").token
    ]


def test_every_form_that_changes_something_carries_a_token():
    """A new form without a token would save twice on a double click: each POST form of
    ours carries one, except signing in and out (no one is signed in yet, or no longer)."""
    root = pathlib.Path(__file__).resolve().parent.parent
    folders = ("templates", "activities", "members", "groups", "reports")
    pages = sorted(path for folder in folders for path in (root / folder).rglob("*.html"))
    assert len(pages) > 50
    missing = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", text, re.S | re.I):
            if "url 'login'" in form or "url 'logout'" in form:
                continue
            if "{% submit_once %}" not in form:
                missing.append(f"{page.relative_to(root)}: {form[:80]}")
    assert missing == []
