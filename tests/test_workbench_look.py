"""The workbench (Django admin) wears the site's look and words: the site's name, colours
and favicon in its header, people by name, titles that name the thing, 25 rows a page and
no date drill-down."""

from django.urls import reverse

from members.services import member_registry_update
from tests.factories import MemberFactory


def test_the_header_carries_the_sites_name_style_and_the_users_name(world, secretary_client):
    html = secretary_client.get(reverse("admin:index")).content.decode()
    assert "党支部工作平台" in html and "工作台" in html
    assert "css/workbench.css" in html and "favicon.svg" in html
    assert "<strong>书记</strong>" in html and "secretary" not in html


def test_the_changelist_names_the_thing_and_adds_a_new_one(world, secretary_client):
    html = secretary_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert "<h1>党员</h1>" in html and "选择" not in html.split("<h1>")[1].split("</h1>")[0]
    assert "新增党员" in html and "增加 党员" not in html


def test_the_add_and_change_pages_say_new_and_edit(world, secretary_client):
    add = secretary_client.get(reverse("admin:members_member_add")).content.decode()
    assert "<h1>新增党员</h1>" in add
    change = secretary_client.get(reverse("admin:members_member_change", args=[world.member.pk]))
    assert "<h1>编辑党员</h1>" in change.content.decode()


def test_a_list_shows_25_rows_a_page_without_a_date_drill_down(world, secretary_client):
    for _ in range(30):
        MemberFactory(branch=world.branch)
    response = secretary_client.get(reverse("admin:members_member_changelist"))
    changelist = response.context["cl"]
    assert (changelist.list_per_page, len(changelist.result_list)) == (25, 25)
    assert changelist.date_hierarchy is None
    assert 'class="xfull"' not in response.content.decode()  # the drill-down's year row


def test_the_history_names_people_in_a_fixed_number_of_queries(
    world, secretary_client, query_counter
):
    url = reverse("admin:members_member_history", args=[world.member.pk])
    phones = iter(range(13900000000, 13900000100))

    def grow():
        for user in (world.secretary.user, world.leader_a.user):
            member_registry_update(
                member=world.member, changes={"phone": str(next(phones))}, acting_user=user
            )

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)
    html = secretary_client.get(url).content.decode()
    assert "甲组长" in html and ">leader_a<" not in html and "None" not in html
