"""The meeting form as a leader meets it on a phone: one screen — the type and group fixed
when there is no choice, 日期 / 地点 / 主题 / 拍照 first, the rest under 更多（选填）, the
photo a camera button, the leader as host and recorder. The committee keeps its choices."""

import datetime
import re

from django.urls import reverse

from tests.factories import recorded_meeting


def create_page(client, world) -> str:
    return client.get(reverse("activities:meeting_create", args=[world.branch.pk])).content.decode()


def names_in_order(html: str) -> list[str]:
    """The form's field names in the order the page shows them."""
    form = html[html.index('<form method="post"') :]
    return list(dict.fromkeys(re.findall(r'name="(\w+)"', form)))


def folded_part(html: str) -> str:
    return html[html.index('class="mb-3 meeting-more"') : html.index("</details>")]


def test_a_leader_of_one_group_sees_the_type_and_group_as_text(leader_a_client, world):
    html = create_page(leader_a_client, world)
    assert re.search(r'id="meeting-fixed">.*党小组会.*A组', html)
    assert f'<input type="hidden" name="group" value="{world.group_a.pk}"' in html
    assert '<input type="hidden" name="kind" value="group"' in html
    assert '<select name="group"' not in html and '<select name="kind"' not in html


def test_what_is_filled_in_on_the_spot_comes_first_and_the_rest_folds(leader_a_client, world):
    html = create_page(leader_a_client, world)
    hidden = {"csrfmiddlewaretoken", "submission"}
    fields = [name for name in names_in_order(html) if name not in hidden]
    assert fields[:6] == ["kind", "group", "held_on", "place", "topic", "photo"]
    folded = folded_part(html)
    assert "更多（选填）" in folded and " open" not in folded.split(">")[0]
    for name in ("agenda", "minutes", "resolutions", "guests", "host", "recorder"):
        assert f'name="{name}"' in folded


def test_the_leaders_photo_opens_the_camera_and_the_leader_hosts_and_records(
    leader_a_client, world
):
    response = leader_a_client.get(reverse("activities:meeting_create", args=[world.branch.pk]))
    html = response.content.decode()
    assert re.search(r'<input type="file" name="photo"[^>]*accept="image/\*"[^>]*capture', html)
    assert "拍照上传" in html
    form = response.context["form"]
    assert (form.initial["host"], form.initial["recorder"]) == ((world.leader_a.pk,) * 2)


def test_the_committee_chooses_the_type_and_group_and_may_attach_a_pdf(secretary_client, world):
    html = create_page(secretary_client, world)
    assert '<select name="kind"' in html and '<select name="group"' in html
    assert 'id="meeting-fixed"' not in html
    photo = re.search(r'<input type="file" name="photo"[^>]*>', html).group(0)
    assert "application/pdf" in photo and "capture" not in photo


def test_a_leader_of_one_group_still_records_the_meeting(leader_a_client, world):
    from activities.models import Meeting

    response = leader_a_client.post(
        reverse("activities:meeting_create", args=[world.branch.pk]),
        {
            "kind": "group",
            "group": world.group_a.pk,
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "学习",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().group == world.group_a


def test_an_error_in_a_folded_field_unfolds_it_and_keeps_what_was_typed(leader_a_client, world):
    response = leader_a_client.post(
        reverse("activities:meeting_create", args=[world.branch.pk]),
        {
            "kind": "group",
            "group": world.group_a.pk,
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "学习",
            "starts_at": "25:99",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "starts_at" in response.context["form"].errors
    assert 'class="mb-3 meeting-more" open' in html
    assert 'value="会议室"' in html


def test_editing_a_record_with_minutes_shows_them_unfolded(leader_a_client, world):
    meeting = recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        acting_user=world.leader_a.user,
    )
    meeting.minutes = "会议记录正文"
    meeting.save()
    html = leader_a_client.get(reverse("activities:meeting_edit", args=[meeting.pk])).content
    assert 'class="mb-3 meeting-more" open' in html.decode()


def test_a_leader_chooses_host_and_recorder_among_the_groups_members_and_the_committee(
    leader_a_client, secretary_client, world
):
    from groups.models import CommitteeRole
    from members.models import Member
    from tests.factories import CommitteeMembershipFactory, member_in_group

    organiser = member_in_group(world.group_b, name="乙组组织委员")
    term = world.secretary.committee_posts.get().term
    CommitteeMembershipFactory(term=term, member=organiser, role=CommitteeRole.ORGANISATION)
    url = reverse("activities:meeting_create", args=[world.branch.pk])

    offered = leader_a_client.get(url).context["form"].fields["host"].queryset
    in_group_a = set(Member.objects.in_groups([world.group_a]))
    assert set(offered) == in_group_a | {organiser}
    assert world.leader_b not in set(offered)
    for name in ("host", "recorder"):
        field = leader_a_client.get(url).context["form"].fields[name]
        assert set(field.queryset) == set(offered)

    everyone = secretary_client.get(url).context["form"].fields["host"].queryset
    assert world.leader_b in set(everyone)

    response = leader_a_client.post(
        url,
        {
            "kind": "group",
            "group": world.group_a.pk,
            "held_on": "2026-10-15",
            "place": "会议室",
            "topic": "学习",
            "host": world.leader_b.pk,
        },
    )
    assert response.status_code == 200
    assert "host" in response.context["form"].errors
