"""The dues pages: the branch's year (a cell a month, the arrears marked, the members without
a base), the month's collection from a phone (the exceptions ticked, all or nothing), a
member's base, back payments and special dues, who may open each, and a query budget for the
year page that does not grow with members."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branchsite.dates import add_months
from members.dues import services
from members.dues.ledger import first_of
from members.models import (
    DuesArrearsReason,
    DuesBasis,
    DuesCategory,
    DuesPayment,
    DuesReduction,
    ReductionApproval,
    SpecialDues,
    Status,
)
from tests.conftest import assert_matrix, client_for
from tests.factories import BranchViewerFactory, UserFactory, member_in_group

SIX_MONTHS_FLAG = "连续6个月未交纳党费（无正当理由按自行脱党处理，由支委会研究）"


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


def this_month(offset: int = 0) -> datetime.date:
    return add_months(first_of(timezone.localdate()), offset)


def set_base(member, clerk, *, base="6000", starts=-12):
    services.dues_basis_set(
        member=member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal(base),
        starts_on=this_month(starts),
        acting_user=clerk,
    )


def pay(member, clerk, *offsets):
    """Each past month paid in its own month; this month and those ahead today, with the
    branch's consent."""
    for offset in offsets:
        month = this_month(offset)
        services.dues_pay(
            member=member,
            months=[month],
            paid_on=month if offset < 0 else timezone.localdate(),
            with_consent=offset > 0,
            acting_user=clerk,
        )


def dues_url(world, **query):
    url = reverse("dues:branch", args=[world.branch.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def row_of(response, member):
    return next(row for row in response.context["ledger"].rows if row.member.pk == member.pk)


# The branch's year.


def test_the_dues_page_is_for_the_committee_viewers_and_leaders(personas, world):
    assert_matrix(
        personas,
        "get",
        dues_url(world),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 200,
            "outsider": 404,
        },
    )


def test_a_leader_sees_only_the_members_of_their_groups(world, leader_a_client):
    names = {row.member.name for row in leader_a_client.get(dues_url(world)).context["ledger"].rows}
    assert names == {"书记", "甲组长", "普通党员"}
    # Asking for another group's members falls back to their own.
    response = leader_a_client.get(dues_url(world, group=world.group_b.pk))
    assert {row.member.name for row in response.context["ledger"].rows} == names


def test_the_committee_filters_by_group(world, secretary_client):
    response = secretary_client.get(dues_url(world, group=world.group_b.pk))
    assert {row.member.name for row in response.context["ledger"].rows} == {
        "乙组长",
        "乙组党员一",
        "乙组党员二",
    }


def test_each_month_is_paid_unpaid_open_or_not_due(world, secretary_client, clerk):
    set_base(world.member, clerk, starts=-7)
    pay(world.member, clerk, -7, -6, -5)
    for offset, state in [(-8, "not_due"), (-7, "paid"), (-4, "unpaid"), (-1, "unpaid")]:
        month = this_month(offset)
        response = secretary_client.get(dues_url(world, year=month.year))
        assert row_of(response, world.member).cells[month.month - 1].state == state, offset
    response = secretary_client.get(dues_url(world))
    row = row_of(response, world.member)
    current = this_month()
    assert row.cells[current.month - 1].state == "open"  # not late until the month is over
    assert row.amount == Decimal("90.00")  # 1.5 % of 6000
    assert row.dues.months_behind == 4
    page = response.content.decode()
    assert f'class="table-warning" data-member="{world.member.pk}"' in page
    assert SIX_MONTHS_FLAG not in page


def test_the_total_paid_counts_the_months_of_the_year_shown(world, secretary_client, clerk):
    set_base(world.member, clerk, starts=-14)
    pay(world.member, clerk, *range(-14, 0))
    year = this_month(-1).year
    response = secretary_client.get(dues_url(world, year=year))
    row = row_of(response, world.member)
    paid_months = sum(1 for offset in range(-14, 0) if this_month(offset).year == year)
    assert row.paid_total == Decimal("90.00") * paid_months
    assert row.dues.months_behind == 0


def test_members_six_months_behind_are_flagged_for_the_committee_never_removed(
    world, secretary_client, clerk
):
    set_base(world.member, clerk, starts=-8)
    response = secretary_client.get(dues_url(world))
    assert row_of(response, world.member).dues.serious
    page = response.content.decode()
    assert SIX_MONTHS_FLAG in page
    assert f'class="table-danger" data-member="{world.member.pk}"' in page
    world.member.refresh_from_db()
    assert world.member.status == Status.ACTIVE


def test_members_without_a_base_are_listed_with_a_link_for_the_committee(
    world, secretary_client, viewer_client, clerk
):
    for member in world.branch.members.exclude(pk=world.member.pk):
        set_base(member, clerk)
    link = reverse("dues:basis", args=[world.member.pk])
    response = secretary_client.get(dues_url(world))
    assert [m.pk for m in response.context["ledger"].without_basis] == [world.member.pk]
    assert link in response.content.decode()
    page = viewer_client.get(dues_url(world)).content.decode()
    assert world.member.name in page and link not in page


def test_suspended_members_are_not_listed(world, secretary_client):
    world.member.status = Status.SUSPENDED
    world.member.save()
    names = {
        row.member.name for row in secretary_client.get(dues_url(world)).context["ledger"].rows
    }
    assert "普通党员" not in names and "书记" in names


def test_the_dues_page_costs_the_same_queries_for_more_members(
    world, secretary_client, clerk, query_counter
):
    def grow():
        member = member_in_group(world.group_a)
        set_base(member, clerk, starts=-5)
        pay(member, clerk, -5, -4)
        member_in_group(world.group_b)  # without a base

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(dues_url(world)), grow)


# The month's collection.


def collect_url(world, **query):
    url = reverse("dues:collect", args=[world.branch.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def based(world, clerk):
    for member in world.branch.members.all():
        set_base(member, clerk, starts=-3)
    return world


def test_the_collection_is_for_the_committee_and_leaders(personas, based):
    assert_matrix(
        personas,
        "get",
        collect_url(based),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )


def test_a_viewer_who_also_leads_a_group_collects_for_that_group(based, leader_a_client):
    BranchViewerFactory(branch=based.branch, user=based.leader_a.user)
    response = leader_a_client.get(collect_url(based))
    assert response.status_code == 200
    assert {row.member.name for row in response.context["collection"].rows} == {
        "书记",
        "甲组长",
        "普通党员",
    }


def test_viewers_and_members_cannot_post_a_collection(personas, based):
    data = {"month": f"{this_month(-1):%Y-%m}", "paid_on": timezone.localdate().isoformat()}
    forbidden = {"member": 403, "viewer": 403, "outsider": 404}
    assert_matrix({n: personas[n] for n in forbidden}, "post", collect_url(based), forbidden, data)
    assert not DuesPayment.objects.exists()


def test_a_leader_collects_their_group_ticking_only_the_exceptions(based, leader_a_client):
    world = based
    month = this_month(-1)
    listed = leader_a_client.get(collect_url(world, month=f"{month:%Y-%m}")).context["collection"]
    assert {row.member.name for row in listed.rows} == {"书记", "甲组长", "普通党员"}
    assert {row.amount for row in listed.rows} == {Decimal("90.00")}
    response = leader_a_client.post(
        collect_url(world),
        {
            "month": f"{month:%Y-%m}",
            "paid_on": timezone.localdate().isoformat(),
            "not_paid": [world.member.pk],
            "by_proxy": [world.leader_a.pk],
        },
    )
    assert response.status_code == 302
    paid = dict(DuesPayment.objects.values_list("member__name", "by_proxy"))
    assert paid == {"书记": False, "甲组长": True}
    assert DuesPayment.objects.get(member=world.secretary).month == month
    # Those who paid leave the list; the one who did not stays.
    listed = leader_a_client.get(collect_url(world, month=f"{month:%Y-%m}")).context["collection"]
    assert [row.member.name for row in listed.rows] == ["普通党员"]


def test_a_leader_cannot_collect_another_groups_dues(based, leader_a_client):
    response = leader_a_client.post(
        collect_url(based),
        {
            "month": f"{this_month(-1):%Y-%m}",
            "paid_on": timezone.localdate().isoformat(),
            "group": based.group_b.pk,
        },
    )
    # Refused, not replaced by their own group's collection.
    assert response.status_code == 200
    assert "未保存任何记录" in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_a_collection_without_its_month_is_refused(based, secretary_client):
    response = secretary_client.post(
        collect_url(based), {"month": "", "paid_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert not DuesPayment.objects.exists()


def test_a_member_without_a_base_stops_the_collection_and_the_ticks_are_kept(
    world, secretary_client, clerk
):
    for member in world.branch.members.exclude(pk=world.member.pk):
        set_base(member, clerk, starts=-3)
    data = {
        "month": f"{this_month(-1):%Y-%m}",
        "paid_on": timezone.localdate().isoformat(),
        "group": world.group_a.pk,
        "by_proxy": [world.leader_a.pk],
    }
    response = secretary_client.post(collect_url(world), data)
    assert response.status_code == 200
    assert not DuesPayment.objects.exists()
    page = response.content.decode()
    assert "普通党员 没有" in page and "请先核定基数" in page
    assert f'name="by_proxy" value="{world.leader_a.pk}" id="by_proxy_{world.leader_a.pk}" ' in page
    checked = f'id="by_proxy_{world.leader_a.pk}" autocomplete="off" checked'
    assert checked in page
    # Ticking them as not paid lets the others' collection through.
    response = secretary_client.post(collect_url(world), data | {"not_paid": [world.member.pk]})
    assert response.status_code == 302
    assert DuesPayment.objects.count() == 2


def test_a_collection_dated_in_the_future_is_refused_with_the_reason(based, secretary_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = secretary_client.post(
        collect_url(based), {"month": f"{this_month():%Y-%m}", "paid_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert "日期不能晚于今天" in response.content.decode()
    assert not DuesPayment.objects.exists()


# A member's dues.


@pytest.mark.parametrize("name", ["basis", "pay", "special", "reduction", "arrears_reason"])
def test_a_members_dues_are_set_by_the_committee(personas, world, clerk, name):
    set_base(world.member, clerk)
    assert_matrix(
        personas,
        "get",
        reverse(f"dues:{name}", args=[world.member.pk]),
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )


def test_the_committee_sets_a_base_from_a_month(world, secretary_client):
    url = reverse("dues:basis", args=[world.member.pk])
    month = this_month(-2)
    response = secretary_client.post(
        url,
        {
            "category": DuesCategory.RETIRED,
            "monthly_base": "5000.01",
            "starts_on": f"{month:%Y-%m}",
            "note": "退休金",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("members:member_detail", args=[world.member.pk]) + "#dues"
    )
    basis = DuesBasis.objects.get(member=world.member)
    assert (basis.category, basis.monthly_base, basis.starts_on) == (
        DuesCategory.RETIRED,
        Decimal("5000.01"),
        month,
    )
    assert basis.history.first().history_user == world.secretary.user


def test_a_wrong_base_is_refused_and_the_input_kept(world, secretary_client):
    response = secretary_client.post(
        reverse("dues:basis", args=[world.member.pk]),
        {"category": DuesCategory.IN_SERVICE, "monthly_base": "-5", "starts_on": "2026-01"},
    )
    assert response.status_code == 200
    assert "monthly_base" in response.context["form"].errors
    page = response.content.decode()
    assert 'value="-5"' in page and 'value="2026-01"' in page
    assert not DuesBasis.objects.exists()


def test_paying_without_a_base_asks_for_the_base_first(world, secretary_client):
    response = secretary_client.get(reverse("dues:pay", args=[world.member.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("dues:basis", args=[world.member.pk])


def test_a_back_payment_and_a_quarter_ahead_but_no_further(world, secretary_client, clerk):
    set_base(world.member, clerk, starts=-4)
    url = reverse("dues:pay", args=[world.member.pk])
    form = secretary_client.get(url).context["form"]
    offered = [value for value, _label in form.fields["months"].choices]
    assert offered == [this_month(offset).isoformat() for offset in range(-4, 3)]
    chosen = [this_month(offset).isoformat() for offset in (-2, -1, 0, 1, 2)]
    response = secretary_client.post(
        url,
        {
            "months": chosen,
            "paid_on": timezone.localdate().isoformat(),
            "by_proxy": "on",
            "with_consent": "on",
        },
    )
    assert response.status_code == 302
    payments = DuesPayment.objects.filter(member=world.member)
    assert sorted(p.month.isoformat() for p in payments) == chosen
    assert all(p.by_proxy and p.amount == Decimal("90.00") for p in payments)
    assert {p.month for p in payments if p.paid_ahead_with_consent} == {
        this_month(1),
        this_month(2),
    }
    # A month beyond the quarter is not offered, so it cannot be posted.
    response = secretary_client.post(
        url, {"months": [this_month(3).isoformat()], "paid_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200 and response.context["form"].errors["months"]


def test_special_dues_are_recorded_apart_from_the_regular_dues(world, secretary_client):
    response = secretary_client.post(
        reverse("dues:special", args=[world.member.pk]),
        {"amount": "200", "paid_on": timezone.localdate().isoformat(), "purpose": "抗洪救灾"},
    )
    assert response.status_code == 302
    assert SpecialDues.objects.get(member=world.member).purpose == "抗洪救灾"
    assert not DuesPayment.objects.exists()


def test_special_dues_without_a_purpose_keep_the_amount(world, secretary_client):
    response = secretary_client.post(
        reverse("dues:special", args=[world.member.pk]),
        {"amount": "200", "paid_on": timezone.localdate().isoformat(), "purpose": "  "},
    )
    assert response.status_code == 200
    assert 'value="200"' in response.content.decode()
    assert not SpecialDues.objects.exists()


def test_the_member_page_shows_their_dues_and_the_links_to_the_committee_only(
    world, member_client, secretary_client, clerk
):
    set_base(world.member, clerk, starts=-2)
    pay(world.member, clerk, -2)
    services.special_dues_record(
        member=world.member,
        amount=Decimal("100"),
        paid_on=timezone.localdate(),
        purpose="抗震救灾",
        acting_user=clerk,
    )
    url = reverse("members:member_detail", args=[world.member.pk])
    own = member_client.get(url)
    card = own.context["dues"]
    assert (card.basis.monthly_base, card.amount) == (Decimal("6000.00"), Decimal("90.00"))
    assert list(card.dues.unpaid_months) == [this_month(-1)]
    page = own.content.decode()
    assert "抗震救灾" in page and 'id="dues"' in page
    assert reverse("dues:pay", args=[world.member.pk]) not in page
    page = secretary_client.get(url).content.decode()
    for name in ("basis", "pay", "special"):
        assert reverse(f"dues:{name}", args=[world.member.pk]) in page


# The overview's warning line.


def test_the_branch_and_group_pages_warn_of_members_three_months_behind(
    world, secretary_client, leader_b_client, clerk
):
    for member in world.branch.members.all():
        set_base(member, clerk, starts=-4)
        if member.pk != world.member.pk:
            pay(member, clerk, -4, -3, -2, -1)
    page = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    (line,) = [todo for todo in page.context["todo"] if todo.key == "dues"]
    # The secretary's 待办 has the line (the warning would say it twice).
    assert (line.label, line.count, line.url) == ("欠交党费 3 个月以上", 1, dues_url(world))
    page = page.content.decode()
    assert f'href="{dues_url(world)}"' in page
    assert "1 名党员欠交党费3个月以上" not in page
    viewer = client_for(world.viewer_user)
    viewer_page = viewer.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    assert "1 名党员欠交党费3个月以上" in viewer_page.content.decode()
    group_a = reverse("overview:group_detail", args=[world.group_a.pk])
    assert "1 名党员欠交党费3个月以上" in secretary_client.get(group_a).content.decode()
    group_b = reverse("overview:group_detail", args=[world.group_b.pk])
    assert "欠交党费" not in leader_b_client.get(group_b).content.decode()


def test_the_overview_costs_the_same_queries_with_more_members_paying_dues(
    world, secretary_client, clerk, query_counter
):
    url = reverse("overview:branch_detail", args=[world.branch.pk])

    def grow():
        member = member_in_group(world.group_a)
        set_base(member, clerk, starts=-6)
        pay(member, clerk, -6)

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


# The category "other", paying ahead with consent, back payments.


def test_the_committee_sets_the_category_other_with_the_amount_the_branch_set(
    world, secretary_client
):
    url = reverse("dues:basis", args=[world.member.pk])
    data = {
        "category": DuesCategory.OTHER,
        "monthly_base": "0",
        "starts_on": f"{this_month(-2):%Y-%m}",
    }

    refused = secretary_client.post(url, data)
    assert refused.status_code == 200
    assert "fixed_amount" in refused.context["form"].errors
    assert '<option value="other" selected>' in refused.content.decode()
    assert not DuesBasis.objects.exists()

    assert secretary_client.post(url, data | {"fixed_amount": "0.50"}).status_code == 302
    basis = DuesBasis.objects.get(member=world.member)
    assert (basis.category, basis.fixed_amount) == (DuesCategory.OTHER, Decimal("0.50"))
    page = secretary_client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert "支部核定每月 0.50 元" in page.content.decode()


def test_months_ahead_without_the_branchs_consent_are_refused_and_the_choice_kept(
    world, secretary_client, clerk
):
    set_base(world.member, clerk, starts=-1)
    chosen = [this_month(0).isoformat(), this_month(1).isoformat()]

    response = secretary_client.post(
        reverse("dues:pay", args=[world.member.pk]),
        {"months": chosen, "paid_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "预交须经党支部同意" in page
    assert response.context["form"]["months"].value() == chosen
    assert not DuesPayment.objects.exists()


def test_a_back_payment_beyond_six_months_is_refused_until_a_reason_is_recorded(
    world, secretary_client, clerk
):
    set_base(world.member, clerk, starts=-8)
    url = reverse("dues:pay", args=[world.member.pk])
    data = {"months": [this_month(-7).isoformat()], "paid_on": timezone.localdate().isoformat()}

    refused = secretary_client.post(url, data)
    assert refused.status_code == 200
    assert "补交党费的时间一般不得超过6个月" in refused.content.decode()
    assert not DuesPayment.objects.exists()

    services.dues_arrears_reason_record(
        member=world.member, starts_on=this_month(-8), reason="长期病休", acting_user=clerk
    )
    assert secretary_client.post(url, data).status_code == 302
    assert DuesPayment.objects.get(member=world.member).month == this_month(-7)


# Reductions (少交、免交).


def reduction_data(**fields) -> dict:
    return {
        "starts_on": f"{this_month(-2):%Y-%m}",
        "ends_on": "",
        "monthly_amount": "0",
        "reason": "家属重病，生活困难",
        "approved_by": ReductionApproval.UPPER_COMMITTEE,
        "approval_reference": "区教育党工委〔2026〕12号",
        "approved_on": timezone.localdate().isoformat(),
    } | fields


def test_only_the_committee_posts_a_reduction_or_a_reason(personas, world, clerk):
    set_base(world.member, clerk)
    forbidden = {"leader_a": 403, "member": 403, "viewer": 403, "outsider": 404}
    for name, data in [
        ("reduction", reduction_data()),
        ("arrears_reason", {"starts_on": f"{this_month(-2):%Y-%m}", "reason": "出国"}),
    ]:
        url = reverse(f"dues:{name}", args=[world.member.pk])
        assert_matrix({n: personas[n] for n in forbidden}, "post", url, forbidden, data)
    assert not DuesReduction.objects.exists() and not DuesArrearsReason.objects.exists()


def test_the_committee_waives_a_members_dues_and_the_months_need_no_payment(
    world, secretary_client, member_client, clerk
):
    set_base(world.member, clerk, starts=-4)

    response = secretary_client.post(
        reverse("dues:reduction", args=[world.member.pk]), reduction_data()
    )

    assert response.status_code == 302
    reduction = DuesReduction.objects.get(member=world.member)
    assert (reduction.starts_on, reduction.monthly_amount) == (this_month(-2), Decimal("0.00"))
    assert reduction.history.first().history_user == world.secretary.user
    row = row_of(secretary_client.get(dues_url(world)), world.member)
    assert row.dues.unpaid_months == [this_month(-4), this_month(-3)]
    own = member_client.get(reverse("members:member_detail", args=[world.member.pk]))
    page = own.content.decode()
    assert "本月免交党费。" in page and "家属重病，生活困难" in page


def test_a_refused_reduction_keeps_what_was_typed(world, secretary_client, clerk):
    set_base(world.member, clerk)

    response = secretary_client.post(
        reverse("dues:reduction", args=[world.member.pk]),
        reduction_data(approved_by=ReductionApproval.BRANCH, reason="退休金微薄"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "不是离退休党员" in page and "退休金微薄" in page
    assert not DuesReduction.objects.exists()


def test_the_committee_ends_a_reduction(personas, world, secretary_client, clerk):
    set_base(world.member, clerk, starts=-4)
    reduction = services.dues_reduction_record(
        member=world.member,
        starts_on=this_month(-3),
        ends_on=None,
        monthly_amount=Decimal("5"),
        reason="生活困难",
        approved_by=ReductionApproval.UPPER_COMMITTEE,
        approval_reference="批复",
        approved_on=timezone.localdate(),
        acting_user=clerk,
    )
    url = reverse("dues:reduction_edit", args=[reduction.pk])
    assert_matrix(
        personas,
        "get",
        url,
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )
    form = secretary_client.get(url).context["form"]
    assert form["reason"].value() == "生活困难"

    response = secretary_client.post(
        url,
        reduction_data(
            starts_on=f"{this_month(-3):%Y-%m}",
            ends_on=f"{this_month(-2):%Y-%m}",
            monthly_amount="5",
            reason="生活困难",
        ),
    )

    assert response.status_code == 302
    reduction.refresh_from_db()
    assert reduction.ends_on == this_month(-2)
    assert DuesReduction.objects.count() == 1


# Reasons for arrears.


def test_a_recorded_reason_lifts_the_six_month_flag_and_shows_with_the_warning(
    world, secretary_client, leader_a_client, clerk
):
    set_base(world.member, clerk, starts=-8)
    url = reverse("dues:arrears_reason", args=[world.member.pk])
    assert secretary_client.get(url).context["form"]["starts_on"].value() == this_month(-8)

    response = secretary_client.post(
        url, {"starts_on": f"{this_month(-8):%Y-%m}", "reason": "出国（境）学习", "note": ""}
    )

    assert response.status_code == 302
    assert DuesArrearsReason.objects.get(member=world.member).reason == "出国（境）学习"
    response = secretary_client.get(dues_url(world))
    row = row_of(response, world.member)
    assert (row.dues.stands_out, row.dues.serious) == (True, False)
    page = response.content.decode()
    assert SIX_MONTHS_FLAG not in page
    assert f'class="table-warning" data-member="{world.member.pk}"' in page
    assert "支委会登记的原因" in page and "出国（境）学习" in page
    # A leader sees that there is a reason, not what it is.
    page = leader_a_client.get(dues_url(world)).content.decode()
    assert "支委会已登记欠交原因。" in page and "出国（境）学习" not in page
    page = leader_a_client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert "出国（境）学习" not in page.content.decode()


def test_the_dues_page_costs_the_same_queries_with_reductions_and_reasons(
    world, secretary_client, clerk, query_counter
):
    def grow():
        member = member_in_group(world.group_a)
        set_base(member, clerk, starts=-9)
        services.dues_arrears_reason_record(
            member=member, starts_on=this_month(-9), reason="患病", acting_user=clerk
        )
        services.dues_reduction_record(
            member=member,
            starts_on=this_month(-2),
            ends_on=None,
            monthly_amount=Decimal("1"),
            reason="生活困难",
            approved_by=ReductionApproval.UPPER_COMMITTEE,
            approval_reference="批复",
            approved_on=timezone.localdate(),
            acting_user=clerk,
        )

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(dues_url(world)), grow)
