"""The member list (党员花名册): who may open it and whom they see, filters, tabs, pages,
masking and the query budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Category,
    ExitKind,
    Member,
    RecruitmentRecord,
    RecruitmentStep,
    Status,
)
from members.validators import id_check_character
from tests.factories import MemberFactory, member_in_group

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 200,
    "leader_b": 200,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}

GROUP_A = ["书记", "普通党员", "甲组长"]
GROUP_B = ["乙组党员一", "乙组党员二", "乙组长"]
EVERYONE = sorted(GROUP_A + GROUP_B)
LIMITED_NOTICE = "您看到的是您所带党小组的党员。"


def list_url(world):
    return reverse("members:member_list", args=[world.branch.pk])


def names(response) -> list[str]:
    return [member.name for member in response.context["page"]]


def with_check(first_17: str) -> str:
    return first_17 + id_check_character(first_17)


@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_it_admits_the_committee_viewers_and_group_leaders(world, personas, persona, status):
    url = list_url(world)
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("persona", ["secretary", "viewer"])
def test_the_committee_and_viewers_see_every_member_of_the_branch(world, personas, persona):
    response = personas[persona].get(list_url(world))

    assert sorted(names(response)) == EVERYONE
    html = response.content.decode()
    for name in EVERYONE:
        assert name in html
    assert "外支部书记" not in html
    assert "共 6 人" in html
    assert LIMITED_NOTICE not in html


def test_a_leader_sees_only_the_members_of_their_group_and_is_told_so(world, leader_a_client):
    response = leader_a_client.get(list_url(world))

    assert sorted(names(response)) == sorted(GROUP_A)
    html = response.content.decode()
    assert LIMITED_NOTICE in html
    assert "共 3 人" in html
    for name in GROUP_B:
        assert name not in html


def test_the_other_leader_sees_only_their_own_group(world, leader_b_client):
    response = leader_b_client.get(list_url(world))
    assert sorted(names(response)) == sorted(GROUP_B)
    assert LIMITED_NOTICE in response.content.decode()


def test_a_leader_cannot_widen_the_list_with_the_group_filter(world, leader_a_client):
    response = leader_a_client.get(list_url(world), {"group": world.group_b.pk})
    assert names(response) == []
    assert "乙组党员一" not in response.content.decode()


def test_a_leader_does_not_see_members_who_have_left_their_group(world, leader_a_client):
    moved = member_in_group(world.group_b, name="调走的党员")
    current = moved.group_memberships.get()
    current.started_on = datetime.date(2023, 9, 1)
    current.save()
    moved.group_memberships.create(
        group=world.group_a,
        started_on=datetime.date(2020, 9, 1),
        ended_on=datetime.date(2023, 9, 1),
    )

    assert sorted(names(leader_a_client.get(list_url(world)))) == sorted(GROUP_A)


def test_the_list_of_another_branch_is_not_found_for_the_secretary(world, secretary_client):
    url = reverse("members:member_list", args=[world.other_branch.pk])
    assert secretary_client.get(url).status_code == 404


def test_a_branch_that_does_not_exist_is_not_found(world, secretary_client):
    url = reverse("members:member_list", args=[999_999])
    assert secretary_client.get(url).status_code == 404


# ---------------------------------------------------------------- filters


def test_it_searches_by_part_of_a_name(world, secretary_client):
    response = secretary_client.get(list_url(world), {"q": "乙组党员"})
    assert names(response) == ["乙组党员一", "乙组党员二"]


def test_it_finds_a_member_by_their_full_identity_number(world, secretary_client):
    id_number = with_check("11010519491231002")  # ends in X
    Member.objects.filter(pk=world.leader_b.pk).update(
        id_number=id_number, birth_date=datetime.date(1949, 12, 31)
    )

    assert names(secretary_client.get(list_url(world), {"q": id_number})) == ["乙组长"]
    typed_lower = id_number.lower()
    assert names(secretary_client.get(list_url(world), {"q": typed_lower})) == ["乙组长"]
    # Part of a number finds nobody: the list is no way to guess numbers.
    assert names(secretary_client.get(list_url(world), {"q": id_number[:6]})) == []


def test_it_finds_a_member_by_an_identity_number_pasted_with_spaces(world, secretary_client):
    """The search reads a pasted number the way the registry stores it (see validators)."""
    id_number = with_check("11010519491231002")
    Member.objects.filter(pk=world.leader_b.pk).update(
        id_number=id_number, birth_date=datetime.date(1949, 12, 31)
    )
    pasted = f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"

    assert names(secretary_client.get(list_url(world), {"q": pasted})) == ["乙组长"]


def test_it_says_so_when_nobody_matches(world, secretary_client):
    response = secretary_client.get(list_url(world), {"q": "查无此人"})
    assert names(response) == []
    assert "没有符合筛选条件的党员。" in response.content.decode()


def test_it_filters_by_group(world, secretary_client):
    response = secretary_client.get(list_url(world), {"group": world.group_b.pk})
    assert names(response) == sorted(GROUP_B)


def test_it_filters_by_category(world, secretary_client):
    member_in_group(world.group_a, name="预备党员甲", probationary=True)

    probationary = secretary_client.get(list_url(world), {"category": Category.PROBATIONARY})
    full = secretary_client.get(list_url(world), {"category": Category.FULL})

    assert names(probationary) == ["预备党员甲"]
    assert sorted(names(full)) == EVERYONE


def test_applicants_and_activists_are_not_on_the_roster(world, secretary_client):
    for category in (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE):
        MemberFactory(
            branch=world.branch,
            name=f"发展中的{category.value}",
            category=category,
            joined_on=None,
            full_member_on=None,
        )
    assert sorted(names(secretary_client.get(list_url(world)))) == EVERYONE


@pytest.fixture
def statuses(world):
    """One member in each special status, beside the six ordinary ones."""
    return {
        "lost_contact": member_in_group(
            world.group_a,
            name="失联的",
            lost_contact=True,
            lost_contact_on=datetime.date(2025, 10, 1),
        ),
        "mobile": member_in_group(
            world.group_b, name="流动的", mobile=True, mobile_destination="新疆喀什"
        ),
        "suspended": MemberFactory(
            branch=world.branch,
            name="停止党籍的",
            status=Status.SUSPENDED,
            status_since=datetime.date(2026, 1, 1),
        ),
        "transferred_out": MemberFactory(
            branch=world.branch,
            name="转出的",
            status=Status.TRANSFERRED_OUT,
            status_since=datetime.date(2025, 9, 1),
        ),
        "exited": MemberFactory(
            branch=world.branch,
            name="出党的",
            status=Status.EXITED,
            exit_kind=ExitKind.REMOVED,
            status_since=datetime.date(2025, 9, 1),
        ),
    }


def test_the_roster_lists_members_on_the_roll_including_suspended_ones(
    world, secretary_client, statuses
):
    response = secretary_client.get(list_url(world))
    assert sorted(names(response)) == sorted([*EVERYONE, "失联的", "流动的", "停止党籍的"])
    assert "转出的" not in response.content.decode()
    assert "出党的" not in response.content.decode()


@pytest.mark.parametrize(
    "status, listed, badge",
    [
        ("lost_contact", "失联的", '<span class="badge text-bg-danger">失联党员</span>'),
        ("mobile", "流动的", '<span class="badge text-bg-info">流动</span>'),
        (Status.SUSPENDED, "停止党籍的", '<span class="badge text-bg-secondary">停止党籍</span>'),
        (Status.TRANSFERRED_OUT, "转出的", '<span class="badge text-bg-secondary">已转出</span>'),
        (Status.EXITED, "出党的", '<span class="badge text-bg-secondary">已出党</span>'),
    ],
)
def test_the_status_filter_shows_one_status_with_its_badge(
    world, secretary_client, statuses, status, listed, badge
):
    response = secretary_client.get(list_url(world), {"status": status})
    assert names(response) == [listed]
    html = response.content.decode()
    assert badge in html
    assert f'<option value="{status}" selected>' in html


def test_ordinary_members_carry_no_status_badge(world, secretary_client):
    html = secretary_client.get(list_url(world)).content.decode()
    assert '<span class="badge' not in html


# ---------------------------------------------------------------- tabs


def joined_this_month(group, name, joined_on):
    """A full member who joined on `joined_on` (full membership date not recorded)."""
    return member_in_group(group, name=name, joined_on=joined_on, full_member_on=None)


def test_the_birthdays_tab_lists_members_who_joined_in_this_month(world, secretary_client):
    today = timezone.localdate()
    other_month = today.month % 12 + 1
    # Move everyone in the world out of this month, then add members around it.
    Member.objects.filter(branch=world.branch).update(joined_on=datetime.date(2010, other_month, 1))
    joined_this_month(world.group_a, "十五日入党", today.replace(year=2015, day=15))
    joined_this_month(world.group_b, "一日入党", today.replace(year=2001, day=1))
    joined_this_month(world.group_b, "二十八日入党", today.replace(year=2020, day=28))
    joined_this_month(world.group_a, "下月入党", datetime.date(2015, other_month, 15))

    response = secretary_client.get(list_url(world), {"tab": "birthdays"})

    assert names(response) == ["一日入党", "十五日入党", "二十八日入党"]
    html = response.content.decode()
    assert '<a class="nav-link active" href="?tab=birthdays">本月政治生日</a>' in html
    assert "下月入党" not in html


def test_the_birthdays_tab_of_a_leader_keeps_to_their_group(world, leader_a_client):
    today = timezone.localdate()
    Member.objects.filter(branch=world.branch).update(
        joined_on=datetime.date(2010, today.month % 12 + 1, 1)
    )
    joined_this_month(world.group_a, "本组", today.replace(year=2015, day=15))
    joined_this_month(world.group_b, "别组", today.replace(year=2015, day=15))

    assert names(leader_a_client.get(list_url(world), {"tab": "birthdays"})) == ["本组"]


def test_the_probation_tab_lists_probationary_members_by_end_of_probation(world, secretary_client):
    # Names in the opposite order to their probation ends.
    member_in_group(
        world.group_a,
        name="丙",
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2026, 6, 1),
        full_member_on=None,
    )
    member_in_group(
        world.group_b,
        name="乙",
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2026, 3, 15),
        full_member_on=None,
    )
    member_in_group(
        world.group_a,
        name="甲",
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2025, 12, 1),
        full_member_on=None,
    )

    response = secretary_client.get(list_url(world), {"tab": "probation"})

    assert names(response) == ["甲", "乙", "丙"]
    assert sorted(["甲", "乙", "丙"]) != ["甲", "乙", "丙"]  # the order is not by name
    html = response.content.decode()
    assert "<th>预备期满</th>" in html
    ends = ["2026年12月1日", "2027年3月15日", "2027年6月1日"]
    positions = [html.index(f"<td>{end}</td>") for end in ends]
    assert positions == sorted(positions)


def test_an_unknown_tab_shows_the_roster(world, secretary_client):
    response = secretary_client.get(list_url(world), {"tab": "nonsense"})
    assert response.context["tab"] == ""
    assert sorted(names(response)) == EVERYONE


# ---------------------------------------------------------------- pages


def test_it_shows_fifty_members_a_page(world, secretary_client):
    for number in range(45):  # 51 with the six of the world
        MemberFactory(branch=world.branch, name=f"党员{number:02d}")

    first = secretary_client.get(list_url(world))
    second = secretary_client.get(list_url(world), {"page": 2})

    assert first.context["page"].paginator.count == 51
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 1
    assert "第 1 页，共 2 页" in first.content.decode()
    assert "第 2 页，共 2 页" in second.content.decode()
    assert set(names(first)).isdisjoint(names(second))


def test_page_links_keep_the_filters(world, secretary_client):
    for number in range(51):
        member_in_group(world.group_b, name=f"乙组新党员{number:02d}")

    response = secretary_client.get(list_url(world), {"group": world.group_b.pk})

    assert response.context["page"].paginator.count == 54
    assert f'href="?group={world.group_b.pk}&page=2"' in response.content.decode()


# ---------------------------------------------------------------- masking


def test_the_list_never_shows_an_identity_or_phone_number_in_full(world, secretary_client):
    id_number = with_check("31011519850308002")
    Member.objects.filter(pk=world.member.pk).update(id_number=id_number, phone="13912345678")
    Member.objects.filter(pk=world.leader_b.pk).update(phone="021-57123456")

    html = secretary_client.get(list_url(world)).content.decode()

    assert "13912345678" not in html
    assert "139****5678" in html
    assert "021-57123456" not in html
    assert "021****3456" in html
    assert id_number not in html
    assert id_number[6:14] not in html


# ---------------------------------------------------------------- query budget


def test_its_query_count_does_not_grow_with_the_members(world, secretary_client, query_counter):
    url = list_url(world)
    numbers = iter(range(100))

    def grow():
        number = next(numbers)
        member_in_group(world.group_a, name=f"新党员{number}", phone=f"139{number:08d}")
        member_in_group(world.group_b, name=f"预备党员{number}", probationary=True)

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


@pytest.mark.parametrize("tab", ["birthdays", "probation"])
def test_its_tabs_query_count_does_not_grow_with_the_members(
    world, leader_a_client, query_counter, tab
):
    url = list_url(world)
    today = timezone.localdate()
    numbers = iter(range(100))

    def grow():
        number = next(numbers)
        member_in_group(
            world.group_a,
            name=f"预备党员{number}",
            category=Category.PROBATIONARY,
            joined_on=datetime.date(2000 + number, today.month, 1 + number),
            full_member_on=None,
        )

    grow()  # the tab lists somebody before it is measured
    query_counter.assert_constant(lambda: leader_a_client.get(url, {"tab": tab}), grow)


def test_the_probation_tab_counts_an_extension_of_probation(world, secretary_client):
    extended = member_in_group(
        world.group_a, name="延期党员", probationary=True, joined_on=datetime.date(2026, 1, 10)
    )
    RecruitmentRecord.objects.create(
        member=extended,
        step=RecruitmentStep.objects.get(code="probation_extended"),
        done_on=datetime.date(2026, 12, 20),
        extension_months=6,
    )

    response = secretary_client.get(list_url(world), {"tab": "probation"})
    (row,) = [m for m in response.context["page"] if m.pk == extended.pk]
    assert row.probation_end == datetime.date(2027, 7, 10)
    assert "2027年7月10日" in response.content.decode()

    page = secretary_client.get(reverse("members:member_detail", args=[extended.pk]))
    assert "预备期至2027年7月10日" in page.content.decode()


@pytest.mark.parametrize(
    "persona, offered", [("secretary", True), ("leader_a", False), ("viewer", False)]
)
def test_only_the_committee_is_offered_the_roster_export(world, personas, persona, offered):
    response = personas[persona].get(list_url(world))
    assert response.context["can_export"] is offered
    assert (
        reverse("reports:roster_export", args=[world.branch.pk]) in response.content.decode()
    ) is offered


def test_a_long_roster_is_exported_in_the_background(world, secretary_client, monkeypatch):
    import members.views

    at_once = reverse("reports:roster_export", args=[world.branch.pk])
    background = reverse("reports:roster_export_job", args=[world.branch.pk])
    page = secretary_client.get(list_url(world)).content.decode()
    assert f'href="{at_once}?' in page
    assert background not in page
    monkeypatch.setattr(members.views, "DIRECT_EXPORT_MAX_ROWS", 5)  # the world has 6
    page = secretary_client.get(list_url(world)).content.decode()
    assert f'action="{background}?' in page
    assert at_once not in page
    # Filtered down to a group, the list is short again.
    page = secretary_client.get(list_url(world), {"group": world.group_a.pk}).content.decode()
    assert f'href="{at_once}?group={world.group_a.pk}' in page
    # A tab shows fewer, but the export is of the filters: still the background.
    page = secretary_client.get(list_url(world), {"tab": "probation"}).content.decode()
    assert f'action="{background}?' in page
    assert at_once not in page


def test_on_a_phone_each_member_is_a_card_with_the_number_masked(world, secretary_client):
    Member.objects.filter(pk=world.member.pk).update(phone="13912345678")
    html = secretary_client.get(list_url(world)).content.decode()
    cards = html[html.index('class="list-group d-sm-none mb-3 member-cards"') :]
    cards = cards[: cards.index('<div class="card d-none d-sm-block">')]
    assert world.member.name in cards and "139****5678" in cards
    assert 'id="roster-filters"' in html and 'data-bs-target="#roster-filters"' in html


def test_the_members_page_calls_the_number_with_a_tap_for_the_committee(world, personas):
    Member.objects.filter(pk=world.member.pk).update(phone="13912345678")
    url = reverse("members:member_detail", args=[world.member.pk])
    assert 'href="tel:13912345678"' in personas["secretary"].get(url).content.decode()
    assert "tel:" not in personas["leader_a"].get(url).content.decode()
