"""The secretary's registry actions on a member: transfers, suspension, exit."""

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import GroupLeadership, GroupMembership
from members import services as member_services
from members.models import (
    ExitGround,
    ExitKind,
    Member,
    SanctionKind,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)
from tests.conftest import signs_in
from tests.factories import PASSWORD, member_in_group

EXPECTED = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 403,
    "outsider": 404,
}


def action_url(member, action):
    return reverse("members:member_action", args=[member.pk, action])


@pytest.mark.parametrize("action", ["transfer-out", "suspend", "exit", "death", "sanction"])
@pytest.mark.parametrize("persona, status", EXPECTED.items())
def test_only_the_committee_may_open_a_member_action(world, personas, action, persona, status):
    response = personas[persona].get(action_url(world.member, action))
    assert response.status_code == status


def test_an_unknown_action_is_not_found(world, secretary_client):
    assert secretary_client.get(action_url(world.member, "promote")).status_code == 404


def test_the_member_page_offers_the_actions_to_the_committee_only(
    world, secretary_client, viewer_client
):
    url = reverse("members:member_detail", args=[world.member.pk])
    assert action_url(world.member, "exit") in secretary_client.get(url).content.decode()
    assert action_url(world.member, "exit") not in viewer_client.get(url).content.decode()


def test_a_death_takes_the_member_off_the_roll_and_out_of_their_group(world, secretary_client):
    response = secretary_client.post(
        action_url(world.leader_a, "death"), {"on": "2026-10-01", "reason": "病故"}
    )

    assert response.status_code == 302
    leader = Member.objects.get(pk=world.leader_a.pk)
    # 死亡 leaves the roll but is not a way of leaving the Party (出党).
    assert (leader.status, leader.exit_kind) == (Status.DECEASED, "")
    assert not Member.objects.on_roll().filter(pk=leader.pk).exists()
    assert not GroupMembership.objects.current().filter(member=leader).exists()
    assert not GroupLeadership.objects.current().filter(member=leader).exists()
    assert leader.history.latest().history_user == world.secretary.user
    page = secretary_client.get(reverse("members:member_detail", args=[leader.pk]))
    content = page.content.decode()
    assert "死亡" in content and "已出党" not in content


def test_an_exit_records_the_procedure_and_its_outcome(world, secretary_client):
    response = secretary_client.post(
        action_url(world.member, "exit"),
        {"kind": ExitKind.REMOVED, "ground": ExitGround.LAPSED, "on": "2026-10-01", "reason": "x"},
    )

    assert response.status_code == 302
    member = Member.objects.get(pk=world.member.pk)
    assert (member.status, member.exit_ground, member.exit_kind) == (
        Status.EXITED,
        ExitGround.LAPSED,
        ExitKind.REMOVED,
    )
    page = secretary_client.get(reverse("members:member_detail", args=[member.pk]))
    assert "自行脱党 → 除名" in page.content.decode()


def test_a_sanction_is_recorded_and_shown_on_the_member_page(world, secretary_client):
    today = timezone.localdate()
    response = secretary_client.post(
        action_url(world.member, "sanction"),
        {
            "kind": SanctionKind.PROBATION,
            "on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=365)).isoformat(),
            "reason": "支部大会决定",
        },
    )

    assert response.status_code == 302
    sanction = world.member.sanctions.get()
    assert sanction.history.latest().history_user == world.secretary.user
    page = secretary_client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert page.content.decode().count("留党察看") >= 2  # the badge and the list


def test_an_exit_without_a_reason_keeps_what_was_typed(world, secretary_client):
    response = secretary_client.post(
        action_url(world.member, "exit"), {"kind": ExitKind.RESIGNED, "on": "2026-10-01"}
    )
    assert response.status_code == 200
    assert response.context["form"]["on"].value() == "2026-10-01"
    assert Member.objects.get(pk=world.member.pk).status == Status.ACTIVE


def test_a_transfer_out_keeps_the_member_on_the_roll_until_accepted(world, secretary_client):
    secretary_client.post(
        action_url(world.member, "transfer-out"),
        {
            "other_organisation": "实验中学党支部",
            "letter_number": "转〔2026〕3号",
            "on": "2026-11-02",
        },
    )
    transfer = Transfer.objects.get(member=world.member)
    assert transfer.state == TransferState.PENDING
    assert transfer.valid_until == datetime.date(2026, 11, 2) + datetime.timedelta(days=90)
    assert Member.objects.on_roll().filter(pk=world.member.pk).exists()

    secretary_client.post(
        action_url(world.member, "transfer-complete"), {"outcome": "accepted", "on": "2026-11-20"}
    )

    member = Member.objects.get(pk=world.member.pk)
    assert member.status == Status.TRANSFERRED_OUT
    assert not GroupMembership.objects.current().filter(member=member).exists()


def test_completing_a_transfer_before_its_letter_is_refused_in_chinese(world, secretary_client):
    secretary_client.post(
        action_url(world.member, "transfer-out"),
        {"other_organisation": "实验中学党支部", "on": "2026-11-02"},
    )
    response = secretary_client.post(
        action_url(world.member, "transfer-complete"), {"outcome": "accepted", "on": "2026-11-01"}
    )
    assert "办结日期不能早于介绍信开具日期" in response.content.decode()
    assert Transfer.objects.get(member=world.member).state == TransferState.PENDING


def _transferred_out(member):
    Member.objects.filter(pk=member.pk).update(status=Status.TRANSFERRED_OUT)
    return member


def _suspended(member):
    Member.objects.filter(pk=member.pk).update(status=Status.SUSPENDED)
    return member


def _without_account(member):
    Member.objects.filter(pk=member.pk).update(user=None)
    return member


def _with_pending_transfer(member):
    member_services.transfer_start(
        member=member,
        direction=TransferDirection.OUT,
        other_organisation="实验中学党支部",
        issued_on=datetime.date(2026, 11, 2),
        acting_user=None,
    )
    return member


@pytest.mark.parametrize(
    "action, prepare, reason",
    [
        ("restore", lambda m: m, "普通党员未被停止党籍"),
        ("suspend", _suspended, "只有党籍状态正常的党员才能停止党籍；普通党员目前为“停止党籍”"),
        ("exit", _transferred_out, "普通党员已不在册（已转出）"),
        ("sanction", _transferred_out, "普通党员已不在册（已转出）"),
        ("transfer-out", _transferred_out, "普通党员已不在册（已转出）"),
        ("transfer-out", _with_pending_transfer, "普通党员已有正在办理的组织关系转接，请先办结"),
        ("transfer-complete", lambda m: m, "普通党员没有正在办理的组织关系转接"),
        ("account", lambda m: m, "普通党员已有登录账号"),
        (
            "account",
            lambda m: _suspended(_without_account(m)),
            "只有党籍状态正常的党员才能开通登录账号；普通党员目前为“停止党籍”",
        ),
        ("password", _without_account, "普通党员还没有登录账号"),
    ],
)
def test_an_action_that_does_not_apply_says_why_on_the_member_page(
    world, secretary_client, action, prepare, reason
):
    member = prepare(world.member)

    response = secretary_client.get(action_url(member, action), follow=True)

    assert response.redirect_chain == [(reverse("members:member_detail", args=[member.pk]), 302)]
    assert reason in response.content.decode()


def test_the_secretary_creates_an_account_and_the_new_leader_logs_in_to_their_group(
    world, secretary_client
):
    newcomer = member_in_group(world.group_b, name="新组长")
    response = secretary_client.post(
        action_url(newcomer, "account"),
        {"username": "xinzuzhang", "password": "Qiyue-1921-hongchuan"},
    )
    assert response.status_code == 302
    group_services.group_leader_appoint(
        group=world.group_b,
        member=newcomer,
        started_on=datetime.date(2026, 11, 1),
        acting_user=world.secretary.user,
    )

    client = Client()
    assert signs_in(client, "xinzuzhang", "Qiyue-1921-hongchuan")
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == reverse(
        "overview:group_detail", args=[world.group_b.pk]
    )
    assert Member.objects.get(pk=newcomer.pk).history.latest().history_user == world.secretary.user


def test_a_taken_account_name_or_weak_password_is_refused_and_the_form_kept(
    world, secretary_client
):
    newcomer = member_in_group(world.group_b, name="新党员")
    response = secretary_client.post(
        action_url(newcomer, "account"), {"username": "LEADER_A", "password": "Qiyue-1921-x"}
    )
    assert "账号名 LEADER_A 已被使用" in response.content.decode()
    response = secretary_client.post(
        action_url(newcomer, "account"), {"username": "xindangyuan", "password": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"]["username"].value() == "xindangyuan"
    assert Member.objects.get(pk=newcomer.pk).user is None


def test_the_secretary_resets_a_members_password(world, secretary_client):
    response = secretary_client.post(
        action_url(world.member, "password"), {"password": "Xin-mima-2026-11"}
    )
    assert response.status_code == 302
    assert signs_in(Client(), "member", "Xin-mima-2026-11")


def test_the_secretary_cannot_reset_their_own_or_a_staff_password_here(world, secretary_client):
    response = secretary_client.post(
        action_url(world.secretary, "password"), {"password": "Xin-mima-2026-11"}
    )
    assert "由本人或系统管理员修改" in response.content.decode()
    world.leader_b.user.is_staff = True
    world.leader_b.user.save()
    response = secretary_client.get(action_url(world.leader_b, "password"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "members:member_detail", args=[world.leader_b.pk]
    )
    assert "由本人或系统管理员修改" in response.content.decode()
    assert signs_in(Client(), "leader_b", PASSWORD)


@pytest.mark.parametrize("persona", ["leader_a", "member", "viewer"])
def test_only_the_committee_resets_passwords(world, personas, persona):
    response = personas[persona].post(
        action_url(world.member, "password"), {"password": "Xin-mima-2026-11"}
    )
    assert response.status_code == 403
    assert not signs_in(Client(), "member", "Xin-mima-2026-11")


@pytest.mark.parametrize("action", ["suspend", "exit", "transfer-out"])
def test_the_date_field_opens_with_today_in_a_form_the_date_picker_shows(
    world, secretary_client, action
):
    # The browser's date picker shows only ISO dates; "2026/11/21" would appear blank.
    html = secretary_client.get(action_url(world.member, action)).content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="on" value="{today}"' in html


def test_the_group_forms_open_with_today_in_iso_form(world, secretary_client):
    html = secretary_client.get(
        reverse("groups:group_leader_appoint", args=[world.group_a.pk])
    ).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


def every_stored_value() -> list[str]:
    """Every value of every history row and workbench log entry, as text."""
    values = []
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or model is LogEntry:
            for row in model.objects.values_list():
                values.extend(str(value) for value in row)
    return values


def test_a_password_reset_is_in_the_members_history_with_who_did_it(world, secretary_client):
    before = world.member.history.count()

    secretary_client.post(action_url(world.member, "password"), {"password": "Xin-mima-2026-11"})

    assert world.member.history.count() == before + 1
    record = world.member.history.latest()
    assert (record.history_type, record.history_change_reason) == ("~", "重置密码")
    assert record.history_user == world.secretary.user
    history = secretary_client.get(reverse("admin:members_member_history", args=[world.member.pk]))
    assert "重置密码" in history.content.decode()


def test_creating_an_account_is_in_the_members_history_with_who_did_it(world, secretary_client):
    newcomer = member_in_group(world.group_b, name="新党员")
    secretary_client.post(
        action_url(newcomer, "account"),
        {"username": "xindangyuan", "password": "Qiyue-1921-hongchuan"},
    )
    record = Member.objects.get(pk=newcomer.pk).history.latest()
    assert record.history_change_reason == "开通登录账号"
    assert record.history_user == world.secretary.user
    assert record.user.username == "xindangyuan"


def test_the_password_and_its_hash_are_kept_only_on_the_account(world, secretary_client):
    newcomer = member_in_group(world.group_b, name="新党员")
    secretary_client.post(
        action_url(newcomer, "account"),
        {"username": "xindangyuan", "password": "Qiyue-1921-hongchuan"},
    )
    secretary_client.post(action_url(world.member, "password"), {"password": "Xin-mima-2026-11"})

    stored = " ".join(every_stored_value())
    for user in (Member.objects.get(pk=newcomer.pk).user, world.member.user):
        user.refresh_from_db()
        assert user.password not in stored
    assert "Qiyue-1921-hongchuan" not in stored
    assert "Xin-mima-2026-11" not in stored
