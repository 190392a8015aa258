"""The ledger pages at work: forms that default to today and keep what was typed, the
leader's choices limited to their group, the lists' filters, search, pagination and empty
state, the detail pages' rows, and deletion after confirmation."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    DutyPost,
    HardshipHelp,
    Pairing,
    PartnerKind,
    Pledge,
    PledgeKind,
    PostKind,
)
from tests.activities.test_ledgers_models import (
    activist_of,
    case_of,
    help_for,
    pairing_of,
    pledge_of,
    post_of,
)
from tests.factories import member_in_group

D = datetime.date


def list_of(client, name, branch, **query):
    response = client.get(reverse(f"activities:{name}", args=[branch.pk]), query)
    assert response.status_code == 200
    return response


# --- forms -------------------------------------------------------------------------------


def test_the_forms_start_on_today(secretary_client, world):
    today = timezone.localdate()
    for name, field in [
        ("pairing_create", "started_on"),
        ("hardship_create", "opened_on"),
        ("post_create", "started_on"),
    ]:
        form = secretary_client.get(reverse(f"activities:{name}", args=[world.branch.pk]))
        assert form.context["form"][field].value() == today, name
    pledge = secretary_client.get(reverse("activities:pledge_create", args=[world.branch.pk]))
    assert pledge.context["form"]["year"].value() == today.year


def test_the_secretary_records_a_pairing_with_a_pupil(secretary_client, world):
    response = secretary_client.post(
        reverse("activities:pairing_create", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "kind": PartnerKind.PUPIL,
            "partner_name": "李小明",
            "pupil_class": "三（2）班",
            "started_on": "2026-09-01",
            "aim": "数学计算能力提高",
        },
    )
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:pairing", args=[pairing.pk])
    assert (pairing.branch, pairing.partner, pairing.pupil_class) == (
        world.branch,
        "李小明",
        "三（2）班",
    )
    assert pairing.history.get().history_user == world.secretary.user


def test_a_leader_records_for_their_groups_members_only(leader_a_client, world):
    url = reverse("activities:pairing_create", args=[world.branch.pk])
    offered = set(leader_a_client.get(url).context["form"].fields["member"].queryset)
    member_b = world.group_b.memberships.first().member

    response = leader_a_client.post(
        url,
        {
            "member": member_b.pk,
            "kind": PartnerKind.YOUNG_TEACHER,
            "partner_name": "王老师",
            "started_on": "2026-09-01",
        },
    )

    assert offered == {world.secretary, world.leader_a, world.member}
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert not Pairing.objects.exists()


def test_a_refused_pairing_keeps_what_was_typed(secretary_client, world):
    activist = activist_of(world.branch, mentors=[world.leader_a])
    response = secretary_client.post(
        reverse("activities:pairing_create", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "kind": PartnerKind.ACTIVIST,
            "partner_member": activist.pk,
            "started_on": "2026-09-01",
            "aim": "帮助端正入党动机",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "普通党员未登记为积极分子的培养联系人" in page
    assert "帮助端正入党动机" in page
    assert not Pairing.objects.exists()


def test_the_activist_choices_are_the_branchs_activists(secretary_client, world):
    activist = activist_of(world.branch)
    form = secretary_client.get(reverse("activities:pairing_create", args=[world.branch.pk]))
    assert list(form.context["form"].fields["partner_member"].queryset) == [activist]


def test_a_pledge_starts_from_the_usual_promises_of_its_kind(secretary_client, world):
    url = reverse("activities:pledge_create", args=[world.branch.pk])
    form = secretary_client.get(url, {"kind": PledgeKind.FOUR_ONES}).context["form"]
    assert form["kind"].value() == PledgeKind.FOUR_ONES
    assert form["promises"].value().splitlines() == [
        "联系一个班级",
        "联系身边群众",
        "联系一名入党积极分子",
        "联系一名学习困难学生",
    ]
    default = secretary_client.get(url).context["form"]
    assert default["promises"].value().startswith("提一条合理建议")


def test_a_second_pledge_of_the_year_is_refused_on_the_form(leader_a_client, world):
    pledge_of(world.member, year=2026)
    response = leader_a_client.post(
        reverse("activities:pledge_create", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "year": "2026",
            "kind": PledgeKind.THREE_ONES,
            "promises": "另写的承诺",
        },
    )
    assert response.status_code == 200
    assert "该党员本年度已有这一类承诺。" in response.content.decode()
    assert "另写的承诺" in response.content.decode()
    assert Pledge.objects.count() == 1


def test_the_committee_reviews_a_pledge(secretary_client, world):
    pledge = pledge_of(world.member, year=2025)
    response = secretary_client.post(
        reverse("activities:pledge_review", args=[pledge.pk]),
        {"outcome": "done", "reviewed_on": "2026-01-10", "fulfilment": "三项均已完成"},
    )
    pledge.refresh_from_db()
    assert response.status_code == 302
    assert (pledge.outcome, pledge.reviewed_on, pledge.fulfilment) == (
        "done",
        D(2026, 1, 10),
        "三项均已完成",
    )
    detail = secretary_client.get(reverse("activities:pledge", args=[pledge.pk])).content.decode()
    assert "已履行，2026-01-10 评定" in detail


def test_a_leader_writes_the_fulfilment_but_cannot_review(leader_a_client, world):
    pledge = pledge_of(world.member)
    response = leader_a_client.post(
        reverse("activities:pledge_edit", args=[pledge.pk]),
        {
            "member": world.member.pk,
            "year": "2026",
            "kind": PledgeKind.THREE_ONES,
            "promises": pledge.promises,
            "fulfilment": "提出作业分层建议",
            "outcome": "done",  # not a field of this form
        },
    )
    pledge.refresh_from_db()
    assert response.status_code == 302
    assert (pledge.fulfilment, pledge.outcome) == ("提出作业分层建议", "")


def test_a_help_is_added_on_the_case_page(secretary_client, world):
    case = case_of(world.branch, person_name="王老师")
    url = reverse("activities:hardship", args=[case.pk])
    form = secretary_client.get(url).context["form"]
    assert form["givers"].value() == [world.secretary.pk]  # the secretary first
    assert form["given_on"].value() == timezone.localdate()

    secretary_client.post(
        url,
        {
            "given_on": "2026-03-12",
            "what": "送去慰问金",
            "amount": "1000.50",
            "givers": [world.secretary.pk, world.leader_a.pk],
        },
    )
    page = secretary_client.get(url).content.decode()

    assert HardshipHelp.objects.get().amount == Decimal("1000.50")
    assert "合计 1000.50 元" in page and "书记、甲组长" in page


def test_an_amount_below_the_fen_is_refused_on_the_page(secretary_client, world):
    case = case_of(world.branch, person_name="王老师")
    response = secretary_client.post(
        reverse("activities:hardship", args=[case.pk]),
        {
            "given_on": "2026-03-12",
            "what": "送去慰问金",
            "amount": "10.005",
            "givers": [world.secretary.pk],
        },
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert 'value="送去慰问金"' in response.content.decode()
    assert not HardshipHelp.objects.exists()


def test_a_giver_key_too_large_for_any_row_is_refused_on_the_page(secretary_client, world):
    """Found by tests/test_form_fuzz.py: SQLite raised OverflowError (a 500) on 10**30."""
    case = case_of(world.branch, person_name="王老师")
    response = secretary_client.post(
        reverse("activities:hardship", args=[case.pk]),
        {"given_on": "2026-03-12", "what": "送去慰问金", "amount": "10", "givers": [str(10**30)]},
    )
    assert response.status_code == 200
    assert "givers" in response.context["form"].errors
    assert not HardshipHelp.objects.exists()


def test_a_meeting_is_added_on_the_pairing_page_and_counted_in_the_list(leader_a_client, world):
    pairing = pairing_of(world.member, started_on=D(2026, 9, 1))
    url = reverse("activities:pairing", args=[pairing.pk])
    leader_a_client.post(url, {"held_on": "2026-09-20", "note": "辅导作业"})
    leader_a_client.post(url, {"held_on": "2026-10-20", "note": "家校沟通"})

    listing = list_of(leader_a_client, "pairing_list", world.branch, year="2026")

    assert [row.meeting_count for row in listing.context["page"]] == [2]
    assert "2 次活动" in listing.content.decode()


def test_deleting_asks_first(secretary_client, world):
    post = post_of(world.member)
    url = reverse("activities:post_delete", args=[post.pk])

    page = secretary_client.get(url)
    assert "删除普通党员的岗位“二楼东侧走廊”？" in page.content.decode()
    assert DutyPost.objects.exists()

    response = secretary_client.post(url)
    assert response["Location"] == reverse("activities:post_list", args=[world.branch.pk])
    assert not DutyPost.objects.exists()


def test_deleting_a_case_takes_its_helps(secretary_client, world):
    case = case_of(world.branch, member=world.member)
    help_for(case, givers=[world.secretary])
    secretary_client.post(reverse("activities:hardship_delete", args=[case.pk]))
    assert not HardshipHelp.objects.exists()


# --- lists -------------------------------------------------------------------------------


def test_the_list_shows_the_years_pairings_only(secretary_client, world):
    ended = pairing_of(world.member, started_on=D(2024, 9, 1), ended_on=D(2025, 6, 30))
    current = pairing_of(world.leader_a, started_on=D(2025, 9, 1))

    this_year = list_of(secretary_client, "pairing_list", world.branch, year="2026")
    last_year = list_of(secretary_client, "pairing_list", world.branch, year="2025")
    every_year = list_of(secretary_client, "pairing_list", world.branch, year="")

    assert list(this_year.context["page"]) == [current]
    assert set(last_year.context["page"]) == {ended, current}
    assert set(every_year.context["page"]) == {ended, current}


def test_the_list_defaults_to_this_year(secretary_client, world):
    today = timezone.localdate()
    pledge_of(world.member, year=today.year - 1)
    response = list_of(secretary_client, "pledge_list", world.branch)
    assert response.context["form"]["year"].value() == str(today.year)
    assert list(response.context["page"]) == []
    assert "该期间尚无记录。" in response.content.decode()
    assert "登记承诺" in response.content.decode()  # the empty state offers to record


def test_the_list_filters_by_group_kind_and_name(secretary_client, world):
    member_b = world.group_b.memberships.exclude(member=world.leader_b).first().member
    safety = post_of(world.member, kind=PostKind.SAFETY, place="一楼大厅")
    area = post_of(world.member, kind=PostKind.AREA, place="一年级组")
    in_b = post_of(member_b, kind=PostKind.SAFETY, place="操场")

    def shown(**query):
        return set(
            list_of(secretary_client, "post_list", world.branch, year="2026", **query).context[
                "page"
            ]
        )

    assert shown() == {safety, area, in_b}
    assert shown(group=world.group_b.pk) == {in_b}
    assert shown(kind=PostKind.AREA) == {area}
    assert shown(q="普通") == {safety, area}
    assert shown(q="操场") == {in_b}
    empty = list_of(secretary_client, "post_list", world.branch, year="2026", q="没有这个人")
    assert "没有符合筛选条件的记录。" in empty.content.decode()


def test_the_pairing_search_finds_the_partner(secretary_client, world):
    pupil = pairing_of(world.member, partner_name="李小明")
    activist = activist_of(world.branch, mentors=[world.leader_a], name="赵雨欣")
    mentored = pairing_of(world.leader_a, kind=PartnerKind.ACTIVIST, partner_member=activist)

    def found(words):
        response = list_of(secretary_client, "pairing_list", world.branch, year="2026", q=words)
        return set(response.context["page"])

    assert found("小明") == {pupil}
    assert found("雨欣") == {mentored}


def test_the_list_is_paged(secretary_client, world):
    for n in range(21):
        pairing_of(world.member, partner_name=f"学生{n}")
    first = list_of(secretary_client, "pairing_list", world.branch, year="2026")
    second = list_of(secretary_client, "pairing_list", world.branch, year="2026", page="2")
    assert (len(first.context["page"]), len(second.context["page"])) == (20, 1)
    assert "?year=2026&page=2" in first.content.decode()


def test_the_case_list_shows_the_help_count_and_money(secretary_client, world):
    case = case_of(world.branch, member=world.member)
    help_for(case, amount="300.00", givers=[world.secretary])
    help_for(case, amount="0.50", givers=[world.secretary])
    response = list_of(secretary_client, "hardship_list", world.branch, year="2026")
    (row,) = response.context["page"]
    assert (row.help_count, row.help_money) == (2, Decimal("300.50"))


def test_the_list_shows_the_members_current_group(secretary_client, world):
    newcomer = member_in_group(world.group_a, name="新党员")
    post_of(newcomer)
    response = list_of(secretary_client, "post_list", world.branch, year="2026")
    assert [row.group_name for row in response.context["page"]] == ["A组"]


@pytest.mark.parametrize("bad", ["abc", "1999"])
def test_a_bad_year_is_reported_not_a_500(secretary_client, world, bad):
    response = list_of(secretary_client, "pairing_list", world.branch, year=bad)
    assert response.context["form"].errors["year"]
