"""The navigation bar: the current section marked, people shown by name, a 只读 badge for
the upper committee's viewers; the empty choice of every select reads 请选择…; a favicon."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import recorded_meeting


def active_items(html: str) -> list[str]:
    return re.findall(r'class="nav-link active" [^>]*data-nav="(\w+)"', html)


@pytest.mark.parametrize(
    ("name", "args", "section"),
    [
        ("overview:branch_detail", "branch", "home"),
        ("members:member_list", "branch", "members"),
        ("recruitment:pipeline", "branch", "members"),
        ("activities:meeting_list", "branch", "meetings"),
        ("activities:compliance", "branch", "meetings"),
        ("activities:work_list", "branch", "work"),
        ("reports:year_documents", "branch", "yearend"),
        ("members:member_detail", "self", "me"),
        ("members:member_detail", "other", "members"),
    ],
)
def test_the_current_section_is_marked(world, secretary_client, name, args, section):
    pk = {
        "branch": world.branch.pk,
        "self": world.secretary.pk,
        "other": world.member.pk,
    }[args]
    response = secretary_client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    assert active_items(response.content.decode()) == [section]


def test_the_bar_names_the_user_and_marks_a_viewer_read_only(world, secretary_client):
    world.viewer_user.last_name, world.viewer_user.first_name = "陆", "建华"
    world.viewer_user.save()
    viewer_page = client_for(world.viewer_user).get(reverse("home"), follow=True)
    html = viewer_page.content.decode()
    assert "陆建华" in html and ">viewer<" not in html
    assert "只读" in html

    secretary_page = secretary_client.get(reverse("home"), follow=True).content.decode()
    assert "书记" in secretary_page and "只读" not in secretary_page


def test_a_meeting_names_who_recorded_it(world, secretary_client):
    meeting = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        acting_user=world.leader_a.user,
    )
    html = secretary_client.get(reverse("activities:meeting", args=[meeting.pk])).content.decode()
    assert "甲组长 于" in html and "leader_a" not in html


def test_the_empty_choice_reads_choose(world, secretary_client):
    html = secretary_client.get(
        reverse("activities:meeting_create", args=[world.branch.pk])
    ).content.decode()
    assert '<option value="" selected>请选择…</option>' in html
    assert "---------" not in html


def test_the_workbench_empty_choice_reads_choose_too(world, admin_client):
    html = admin_client.get(reverse("admin:members_member_add")).content.decode()
    assert "请选择…" in html and "---------" not in html


def test_every_page_names_its_favicon_and_it_is_served(world, secretary_client):
    html = secretary_client.get(reverse("home"), follow=True).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert href.endswith("favicon.svg")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_text().startswith("<svg")
