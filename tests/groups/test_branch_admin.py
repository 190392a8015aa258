"""The branch's settings in the workbench: the thresholds and attendance flags, with their
sources, are edited on the branch's change page."""

from django.urls import reverse
from django.utils.translation import gettext

SETTINGS = [
    "min_full_members_for_branch",
    "min_full_members_for_committee",
    "normal_max_branch_size",
    "min_group_size",
    "min_secretary_standing_years",
    "absences_in_a_row",
    "low_attendance_rate_percent",
    "min_meetings_for_rate",
]


def change_url(branch):
    return reverse("admin:groups_branch_change", args=[branch.pk])


def test_the_change_page_shows_the_thresholds_and_flags_with_their_sources(world, secretary_client):
    response = secretary_client.get(change_url(world.branch))

    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert set(SETTINGS) <= fields
    html = response.content.decode()
    assert gettext("Organisation thresholds") in html
    assert gettext("Attendance flags") in html
    assert "第五、六、八条" in html
    assert (
        gettext("Local practice: a rate under 80 percent of at least 5 meetings is a common rule.")
        in html
    )


def unchanged_form_data(client, branch) -> dict:
    """The POST data the branch's change form would send as it stands."""
    form = client.get(change_url(branch)).context["adminform"].form
    return {name: form[name].value() or "" for name in form.fields}


def test_the_secretary_changes_a_threshold_and_the_overview_follows(world, secretary_client):
    branch = world.branch
    data = unchanged_form_data(secretary_client, branch)
    data["min_full_members_for_branch"] = 40

    response = secretary_client.post(change_url(branch), data)

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    branch.refresh_from_db()
    assert branch.min_full_members_for_branch == 40
    assert branch.history.latest().history_user == world.secretary.user
    overview = secretary_client.get(reverse("overview:branch_detail", args=[branch.pk]))
    messages = [warning.message for warning in overview.context["warnings"]]
    assert any("至少需要 40 名正式党员" in message for message in messages)


def test_a_rate_above_a_hundred_percent_is_refused(world, secretary_client):
    data = unchanged_form_data(secretary_client, world.branch)
    data["low_attendance_rate_percent"] = 101

    response = secretary_client.post(change_url(world.branch), data)

    assert response.status_code == 200
    assert "low_attendance_rate_percent" in response.context["adminform"].form.errors
