"""Hostile and random input to the workbench never ends in a 500: every list with its
filters, sorting, paging and search tampered with, and every add and change form with each
field (management forms included) replaced by hostile values, on the demo school. The
values come from a seeded generator, so a failure repeats; the cases are bounded."""

import io
import random
import re
from urllib.parse import parse_qsl, urlencode

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from groups.models import Branch
from tests.conftest import admin_form_data

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    "9" * 25,
    "1.5",
    "2026-13-45",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "x" * 5000,
    "１２３",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], DEBUG=True
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield Branch.objects.get(code="fjyfx")
        transaction.set_rollback(True)


@pytest.fixture
def secretary(demo):
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="shuji"))
    return client


def model_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_tampered_list_parameters_never_give_a_500(secretary):
    rng = random.Random(14)
    failures = []
    cases = 0
    for model, _model_admin in model_admins():
        url = changelist_url(model)
        page = secretary.get(url)
        if page.status_code != 200:
            continue
        params = set()
        for href in re.findall(r'href="\?([^"]*)"', page.content.decode()):
            params.update(name for name, _ in parse_qsl(href.replace("&amp;", "&")))
        params.update({"q", "o", "p", "e", "_to_field"})
        for name in sorted(params):
            for value in ["x" * 100_000 if name == "q" else rng.choice(HOSTILE)]:
                cases += 1
                response = secretary.get(f"{url}?{urlencode({name: value})}")
                if response.status_code >= 500:
                    failures.append((url, name, value[:30]))
    assert cases > 50
    assert failures == []


def test_hostile_form_fields_never_give_a_500(secretary):
    rng = random.Random(14)
    failures = []
    cases = 0
    for model, _model_admin in model_admins():
        page = secretary.get(changelist_url(model))
        if page.status_code != 200:
            continue
        targets = []
        rows = list(page.context["cl"].result_list)[:1]
        for obj in rows:
            targets.append(
                reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                    args=[obj.pk],
                )
            )
        targets.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        for url in targets:
            form_page = secretary.get(url)
            if form_page.status_code != 200 or "adminform" not in form_page.context:
                continue
            baseline = admin_form_data(form_page)
            names = sorted(set(baseline) | set(form_page.context["adminform"].form.fields))
            for name in names:
                for value in [rng.choice(HOSTILE)]:
                    cases += 1
                    response = secretary.post(url, {**baseline, name: value})
                    if response.status_code >= 500:
                        failures.append((url, name, value[:30]))
    assert cases > 300
    assert failures == []


def test_a_huge_search_in_the_roster_export_is_refused_politely(secretary, demo):
    url = reverse("reports:roster_export", args=[demo.pk])
    response = secretary.get(url, {"q": "x" * 100_000})
    assert response.status_code == 200


def test_clearing_a_group_meetings_group_in_the_workbench_is_refused_with_a_message(
    secretary, demo
):
    from activities.models import Meeting, MeetingType

    meeting = Meeting.objects.filter(branch=demo, kind=MeetingType.GROUP).first()
    url = reverse("admin:activities_meeting_change", args=[meeting.pk])
    response = secretary.post(url, {**admin_form_data(secretary.get(url)), "group": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert meeting.group_id is not None
