"""The secretary's workbench (the Django admin): who gets in, what they see, what is audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.models import Branch, CommitteeRole, GroupLeadership, GroupRole, PartyGroup
from members.models import Member
from tests.conftest import admin_form_data
from tests.factories import (
    BranchFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    MemberFactory,
    PartyGroupFactory,
    member_in_group,
)

ONE_LEADER_MESSAGE = "该党小组已有在任的同一职务，请先填写其截止日期。"
ONE_SECRETARY_MESSAGE = "本届已有在任书记。"

CHANGELISTS = [
    "admin:groups_partygroup_changelist",
    "admin:members_member_changelist",
    "admin:groups_groupmembership_changelist",
    "admin:groups_groupleadership_changelist",
    "admin:groups_committeeterm_changelist",
]


def rows(response) -> list:
    return list(response.context["cl"].result_list)


# --- who gets in ---------------------------------------------------------------------------


def test_the_secretary_opens_the_workbench_without_being_staff(world, secretary_client):
    assert not world.secretary.user.is_staff
    assert not world.secretary.user.is_superuser
    response = secretary_client.get(reverse("admin:index"))
    assert response.status_code == 200
    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert {"groups", "members"} <= app_labels
    assert "auth" not in app_labels


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_secretary_opens_the_changelists(world, secretary_client, name):
    assert secretary_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("persona", ["leader_a", "leader_b", "member", "viewer"])
@pytest.mark.parametrize(
    "name", ["admin:index", "admin:groups_partygroup_changelist", "admin:members_member_changelist"]
)
def test_everyone_outside_the_committee_gets_the_sites_own_403(world, personas, persona, name):
    response = personas[persona].get(reverse(name))
    assert response.status_code == 403
    html = response.content.decode()
    assert "工作台仅供支部委员会使用。" in html
    assert 'href="/static/css/site.css"' in html  # the site's page, not the admin's look


@pytest.mark.parametrize(
    "persona, sentence",
    [
        ("viewer", "供上级党组织查阅支部记录"),
        ("leader_a", "作为党小组长"),
        ("member", "作为党员"),
    ],
)
def test_the_403_sentence_fits_the_role(world, personas, persona, sentence):
    html = personas[persona].get(reverse("admin:index")).content.decode()
    assert sentence in html


def test_anonymous_visitors_are_sent_to_the_sites_login(world, anonymous):
    url = reverse("admin:members_member_changelist")
    response = anonymous.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next={url}"
    assert response.status_code == 200


def test_a_secretary_whose_post_has_ended_is_shut_out_at_once(world, secretary_client):
    url = reverse("admin:members_member_changelist")
    assert secretary_client.get(url).status_code == 200
    post = world.secretary.committee_posts.get()
    post.ended_on = datetime.date(2026, 9, 1)
    post.save()
    assert secretary_client.get(url).status_code == 403


def test_the_workbench_cannot_reach_the_user_accounts(world, secretary_client):
    response = secretary_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403


# --- scoping to the secretary's own branch ---------------------------------------------


def test_the_member_changelist_shows_only_the_secretarys_branch(world, secretary_client):
    response = secretary_client.get(reverse("admin:members_member_changelist"))
    names = {m.name for m in rows(response)}
    assert names == {"书记", "甲组长", "普通党员", "乙组长", "乙组党员一", "乙组党员二"}
    assert "外支部书记" not in response.content.decode()


def test_the_group_changelist_shows_only_the_secretarys_branch(world, secretary_client):
    response = secretary_client.get(reverse("admin:groups_partygroup_changelist"))
    assert {g.name: g.current_member_count for g in rows(response)} == {"A组": 3, "B组": 3}
    assert "C组" not in response.content.decode()


def test_the_other_branchs_secretary_sees_only_their_own_rows(world, outsider_client):
    response = outsider_client.get(reverse("admin:members_member_changelist"))
    assert [m.name for m in rows(response)] == ["外支部书记"]


@pytest.fixture
def second_managed_branch(world):
    """A second branch whose committee the secretary sits on: with two branches of their
    own the branch filter is shown (Django hides a filter with one choice)."""
    branch = BranchFactory(name="三支部", code="san")
    group = PartyGroupFactory(branch=branch, name="D组")
    term = CommitteeTermFactory(branch=branch, number=1)
    CommitteeMembershipFactory(term=term, member=world.secretary, role=CommitteeRole.MEMBER)
    leader = member_in_group(group, name="丁组长")
    GroupLeadershipFactory(group=group, member=leader, role=GroupRole.LEADER)
    return branch


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_changelist_filters_do_not_name_other_branches_or_their_groups(
    world, secretary_client, second_managed_branch, name
):
    """Outsiders are not even told another branch exists; the filter sidebar must not either."""
    response = secretary_client.get(reverse(name))
    (branch_filter,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) in ("branch", "group__branch")
    ]
    assert {label for _pk, label in branch_filter.lookup_choices} == {"一支部", "三支部"}
    html = response.content.decode()
    assert "二支部" not in html
    assert "C组" not in html


def test_the_other_branchs_member_change_page_does_not_open(world, secretary_client):
    url = reverse("admin:members_member_change", args=[world.outsider.pk])
    response = secretary_client.get(url)
    assert response.status_code in (302, 404)
    assert "外支部书记" not in response.content.decode()


def test_the_other_branchs_group_change_page_does_not_open(world, secretary_client):
    other_group = PartyGroup.objects.get(name="C组")
    response = secretary_client.get(
        reverse("admin:groups_partygroup_change", args=[other_group.pk])
    )
    assert response.status_code in (302, 404)


def test_a_post_to_the_other_branchs_member_changes_nothing(world, secretary_client):
    url = reverse("admin:members_member_change", args=[world.outsider.pk])
    secretary_client.post(
        url,
        {
            "branch": world.branch.pk,
            "name": "被改名",
            "gender": "male",
            "category": "full",
            "group_memberships-TOTAL_FORMS": "0",
            "group_memberships-INITIAL_FORMS": "0",
        },
    )
    world.outsider.refresh_from_db()
    assert world.outsider.name == "外支部书记"
    assert world.outsider.branch == world.other_branch


def test_the_other_branchs_member_history_does_not_open(world, secretary_client):
    """The history page lists every past version of the record: names, dates, who changed it."""
    url = reverse("admin:members_member_history", args=[world.outsider.pk])
    response = secretary_client.get(url)
    assert response.status_code in (302, 403, 404)
    assert "外支部书记" not in response.content.decode()


def other_branch_past_version_url(world):
    original = world.outsider.history.earliest()
    world.outsider.name = "外支部书记（改）"
    world.outsider.save()
    return reverse(
        "admin:members_member_simple_history", args=[world.outsider.pk, original.history_id]
    )


def test_a_past_version_of_the_other_branchs_member_cannot_be_read(world, secretary_client):
    response = secretary_client.get(other_branch_past_version_url(world))
    assert response.status_code in (302, 403, 404)
    assert "外支部书记" not in response.content.decode()


def test_a_past_version_of_the_other_branchs_member_cannot_be_restored(world, secretary_client):
    secretary_client.post(
        other_branch_past_version_url(world),
        {"branch": world.branch.pk, "name": "被篡改", "gender": "male", "category": "full"},
    )
    world.outsider.refresh_from_db()
    assert (world.outsider.name, world.outsider.branch) == ("外支部书记（改）", world.other_branch)


def test_the_member_add_form_offers_only_the_secretarys_branch_and_groups(world, secretary_client):
    response = secretary_client.get(reverse("admin:members_member_add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields["branch"].queryset) == [world.branch]
    assert "user" not in form.fields  # linking accounts is for the site administrator
    (inline,) = response.context["inline_admin_formsets"]
    groups = set(inline.formset.empty_form.fields["group"].queryset)
    assert groups == {world.group_a, world.group_b}
    html = response.content.decode()
    assert "二支部" not in html
    assert "C组" not in html


def test_the_member_add_form_refuses_the_other_branch(world, secretary_client):
    response = secretary_client.post(
        reverse("admin:members_member_add"),
        {
            "branch": world.other_branch.pk,
            "name": "偷渡党员",
            "gender": "male",
            "category": "full",
            "group_memberships-TOTAL_FORMS": "0",
            "group_memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["branch"]
    assert not Member.objects.filter(name="偷渡党员").exists()


def test_the_secretary_adds_a_member_to_their_branch(world, secretary_client):
    response = secretary_client.post(
        reverse("admin:members_member_add"),
        {
            "branch": world.branch.pk,
            "name": "新党员",
            "gender": "male",
            "category": "probationary",
            "joined_on": "2026-07-01",
            "employment": "in_service",
            "ethnicity": "汉族",
            "group_memberships-TOTAL_FORMS": "1",
            "group_memberships-INITIAL_FORMS": "0",
            "group_memberships-0-group": world.group_b.pk,
            "group_memberships-0-started_on": "2026-07-01",
        },
    )
    assert response.status_code == 302
    new = Member.objects.get(name="新党员")
    assert new.branch == world.branch
    assert new.group_memberships.get().group == world.group_b
    assert new.history.get().history_user == world.secretary.user


def test_the_secretary_cannot_add_or_delete_a_branch(world, secretary_client):
    assert secretary_client.get(reverse("admin:groups_branch_add")).status_code == 403
    delete = reverse("admin:groups_branch_delete", args=[world.branch.pk])
    assert secretary_client.get(delete).status_code == 403
    assert secretary_client.post(delete, {"post": "yes"}).status_code == 403
    assert Branch.objects.filter(pk=world.branch.pk).exists()


def test_the_branch_changelist_offers_no_add_button(world, secretary_client):
    response = secretary_client.get(reverse("admin:groups_branch_changelist"))
    assert response.status_code == 200
    assert reverse("admin:groups_branch_add") not in response.content.decode()
    assert [b.name for b in rows(response)] == ["一支部"]


# --- audit history ---------------------------------------------------------------------


def test_the_member_history_page_opens_for_the_secretary(world, secretary_client):
    url = reverse("admin:members_member_history", args=[world.member.pk])
    response = secretary_client.get(url)
    assert response.status_code == 200
    assert "普通党员" in response.content.decode()


def test_a_change_through_the_admin_records_who_made_it(world, secretary_client):
    change_url = reverse("admin:members_member_change", args=[world.member.pk])
    data = admin_form_data(secretary_client.get(change_url))
    assert data["name"] == "普通党员"
    data["name"] = "改名后的党员"

    response = secretary_client.post(change_url, data)

    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors,
        [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset],
    )
    world.member.refresh_from_db()
    assert world.member.name == "改名后的党员"
    record = world.member.history.latest()
    assert record.history_type == "~"
    assert record.name == "改名后的党员"
    assert record.history_user == world.secretary.user
    # The group membership shown in the inline is untouched.
    assert world.member.group_memberships.get().group == world.group_a

    history = secretary_client.get(reverse("admin:members_member_history", args=[world.member.pk]))
    assert history.status_code == 200
    html = history.content.decode()
    assert "改名后的党员" in html
    assert "书记" in html  # the author of the change, by name


# --- language --------------------------------------------------------------------------


def test_the_workbench_is_in_chinese(world, secretary_client):
    response = secretary_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "党员" in html
    assert "工作台" in html
    assert "党支部工作平台" in html
    assert "Party members" not in html
    assert "Site administration" not in html


def test_the_changelist_is_in_chinese(world, secretary_client):
    html = secretary_client.get(reverse("admin:members_member_changelist")).content.decode()
    assert '<html lang="zh-hans"' in html
    assert "<h1>党员</h1>" in html
    for header in ("姓名", "人员类别", "现所在党小组"):
        assert header in html


# --- the "one current leader per group" rule --------------------------------------------


def test_the_group_form_shows_members_and_leaders_read_only_with_the_way_to_the_group_page(
    world, secretary_client
):
    change_url = reverse("admin:groups_partygroup_change", args=[world.group_a.pk])
    response = secretary_client.get(change_url)

    inlines = {
        inline.formset.prefix: inline for inline in response.context["inline_admin_formsets"]
    }
    assert set(inlines) == {"leaderships", "memberships"}
    for inline in inlines.values():
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission
    html = response.content.decode()
    assert "通过“编入党员”和“任命组长”调整" in html
    assert f'href="{reverse("overview:group_detail", args=[world.group_a.pk])}"' in html


def test_the_group_form_writes_no_leader_or_member_row(world, secretary_client):
    """Rows written here would skip the services' rules: the form ignores them."""
    change_url = reverse("admin:groups_partygroup_change", args=[world.group_a.pk])
    data = admin_form_data(secretary_client.get(change_url))
    data.update(
        {
            "leaderships-TOTAL_FORMS": "1",
            "leaderships-INITIAL_FORMS": "0",
            "leaderships-0-role": GroupRole.DEPUTY,
            "leaderships-0-member": world.member.pk,
            "leaderships-0-started_on": "2026-09-01",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": world.leader_a.group_memberships.get().pk,
            "memberships-0-group": world.group_a.pk,
            "memberships-0-member": world.leader_a.pk,
            "memberships-0-started_on": "2020-01-01",
            "memberships-0-ended_on": "2026-09-01",
        }
    )

    response = secretary_client.post(change_url, data)

    assert response.status_code == 302  # the group itself is saved
    assert list(GroupLeadership.objects.filter(group=world.group_a)) == [
        GroupLeadership.objects.get(member=world.leader_a)
    ]
    assert world.leader_a.group_memberships.current().get().group == world.group_a
    assert GroupLeadership.objects.current().get(group=world.group_a).member == world.leader_a


def test_the_group_pages_action_appoints_and_the_group_form_shows_it(world, secretary_client):
    response = secretary_client.post(
        reverse("groups:group_leader_appoint", args=[world.group_a.pk]),
        {"member": world.member.pk, "role": GroupRole.LEADER, "started_on": "2026-09-01"},
    )
    assert response.status_code == 302

    change_url = reverse("admin:groups_partygroup_change", args=[world.group_a.pk])
    inlines = secretary_client.get(change_url).context["inline_admin_formsets"]
    (leaderships,) = [i for i in inlines if i.formset.prefix == "leaderships"]
    shown = {(form.instance.member, form.instance.ended_on) for form in leaderships.formset}
    assert shown == {(world.leader_a, datetime.date(2026, 9, 1)), (world.member, None)}


def test_the_leadership_and_membership_admins_show_rows_but_write_none(world, secretary_client):
    """Appointments and moves go through the group page's services, which end a leader's
    post when they leave the group; the workbench lists the rows read-only."""
    response = secretary_client.post(
        reverse("admin:groups_groupleadership_add"),
        {
            "group": world.group_a.pk,
            "role": GroupRole.LEADER,
            "member": world.member.pk,
            "started_on": "2026-09-01",
        },
    )
    assert response.status_code == 403
    assert GroupLeadership.objects.filter(group=world.group_a).count() == 1
    membership = world.leader_a.group_memberships.get()
    change = reverse("admin:groups_groupmembership_change", args=[membership.pk])
    response = secretary_client.post(change, {"ended_on": "2026-09-01"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert GroupLeadership.objects.current().filter(member=world.leader_a).exists()
    listing = secretary_client.get(reverse("admin:groups_groupleadership_changelist"))
    assert listing.status_code == 200
    assert "甲组长" in listing.content.decode()


def test_the_member_form_does_not_move_an_existing_member_to_another_group(world, secretary_client):
    change_url = reverse("admin:members_member_change", args=[world.member.pk])
    data = admin_form_data(secretary_client.get(change_url))
    data["group_memberships-TOTAL_FORMS"] = str(int(data["group_memberships-TOTAL_FORMS"]) + 1)
    index = int(data["group_memberships-TOTAL_FORMS"]) - 1
    data[f"group_memberships-{index}-group"] = world.group_b.pk
    data[f"group_memberships-{index}-started_on"] = "2026-09-01"

    response = secretary_client.post(change_url, data)

    assert response.status_code == 302  # the member saves; the extra row is not theirs to add
    assert [m.group for m in world.member.group_memberships.all()] == [world.group_a]


def test_a_second_current_secretary_in_the_term_inline_is_refused_in_chinese(
    world, secretary_client
):
    term = world.secretary.committee_posts.get().term
    change_url = reverse("admin:groups_committeeterm_change", args=[term.pk])
    data = admin_form_data(secretary_client.get(change_url))
    index = int(data["posts-TOTAL_FORMS"])
    data["posts-TOTAL_FORMS"] = str(index + 1)
    data[f"posts-{index}-role"] = "secretary"
    data[f"posts-{index}-member"] = world.leader_b.pk
    data[f"posts-{index}-started_on"] = "2026-09-01"

    response = secretary_client.post(change_url, data)

    assert response.status_code == 200
    assert ONE_SECRETARY_MESSAGE in response.content.decode()
    assert [p.member for p in term.posts.current()] == [world.secretary]


def test_the_model_refuses_a_second_current_leader_in_chinese(world):
    second = GroupLeadership(
        group=world.group_a,
        member=world.member,
        role=GroupRole.LEADER,
        started_on=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert ONE_LEADER_MESSAGE in error.value.messages


def test_a_deputy_beside_the_leader_is_accepted(world):
    deputy = GroupLeadership(
        group=world.group_a,
        member=world.member,
        role=GroupRole.DEPUTY,
        started_on=datetime.date(2026, 9, 1),
    )
    deputy.full_clean()  # raises if refused


# --- query budgets ---------------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_changelist_query_count_does_not_grow_with_rows(
    world, secretary_client, query_counter, name
):
    url = reverse(name)

    def grow():
        group = PartyGroupFactory(branch=world.branch)
        for _ in range(3):
            member_in_group(group)
        MemberFactory(branch=world.branch)
        # Rows in the other branch must not cost anything either.
        member_in_group(PartyGroup.objects.get(name="C组"))

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_secretary_edits_registry_fields_and_a_wrong_check_digit_is_named(
    world, secretary_client
):
    url = reverse("admin:members_member_change", args=[world.member.pk])
    data = admin_form_data(secretary_client.get(url))
    data["id_number"] = "11010519491231002X".replace("X", "1")  # check digit should be X
    data["birth_date"] = "1949-12-31"

    response = secretary_client.post(url, data)

    assert response.status_code == 200
    assert "公民身份号码最后一位应为 X，而不是 1" in response.content.decode()
    assert Member.objects.get(pk=world.member.pk).id_number == ""

    data["id_number"] = "11010519491231002x"
    response = secretary_client.post(url, data)
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).id_number == "11010519491231002X"


def test_status_fields_are_read_only_in_the_workbench(world, secretary_client):
    url = reverse("admin:members_member_change", args=[world.member.pk])
    form = secretary_client.get(url).context["adminform"].form
    assert "status" not in form.fields
    assert "exit_kind" not in form.fields
    assert "id_number" in form.fields
    assert "user" not in form.fields  # accounts are the site administrator's
