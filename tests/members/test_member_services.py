"""The registry's write services: exits, suspensions and transfers, and what each does to the
member's groups, posts, roll status and audit history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.models import GroupLeadership, GroupMembership
from groups.selectors import branch_overview
from members import services
from members.models import ExitKind, Member, Status, TransferDirection, TransferState

EXIT_ON = datetime.date(2026, 3, 15)
LETTER_ON = datetime.date(2026, 4, 1)
ACCEPTED_ON = datetime.date(2026, 4, 20)


def exit_member(world, member, *, on=EXIT_ON, kind=ExitKind.EXPELLED, reason="严重违纪"):
    return services.member_exit(
        member=member, kind=kind, on=on, reason=reason, acting_user=world.secretary.user
    )


def start_transfer(world, member, *, direction=TransferDirection.OUT, issued_on=LETTER_ON):
    return services.transfer_start(
        member=member,
        direction=direction,
        other_organisation="区教育局机关党委",
        letter_number="沪教组转〔2026〕12号",
        issued_on=issued_on,
        acting_user=world.secretary.user,
    )


def refusal(action) -> list[str]:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.messages


def on_roll(member) -> bool:
    return Member.objects.on_roll().filter(pk=member.pk).exists()


# ---------------------------------------------------------------- member_exit


def test_an_exit_records_how_when_and_why(world):
    exit_member(world, world.member)

    member = Member.objects.get(pk=world.member.pk)
    assert member.status == Status.EXITED
    assert member.exit_kind == ExitKind.EXPELLED
    assert member.status_since == EXIT_ON
    assert member.status_reason == "严重违纪"
    assert not on_roll(member)


def test_an_exit_ends_the_group_membership_on_the_exit_date_and_keeps_it_as_history(world):
    exit_member(world, world.member)

    rows = list(GroupMembership.objects.filter(member=world.member))
    assert [(row.group, row.started_on, row.ended_on) for row in rows] == [
        (world.group_a, datetime.date(2020, 9, 1), EXIT_ON)
    ]
    assert not GroupMembership.objects.current().filter(member=world.member).exists()


def test_an_exit_ends_a_group_leadership_on_the_exit_date(world):
    exit_member(world, world.leader_a)

    leadership = GroupLeadership.objects.get(member=world.leader_a)
    assert leadership.ended_on == EXIT_ON
    assert not GroupLeadership.objects.current().filter(group=world.group_a).exists()
    membership = GroupMembership.objects.get(member=world.leader_a)
    assert membership.ended_on == EXIT_ON


def test_an_exit_keeps_the_record_and_its_audit_history_with_the_acting_user(world):
    before = world.member.history.count()

    exit_member(world, world.member)

    assert Member.objects.filter(pk=world.member.pk).exists()
    history = list(world.member.history.order_by("history_date", "history_id"))
    assert len(history) == before + 1
    assert history[0].status == Status.ACTIVE
    latest = history[-1]
    assert (latest.status, latest.exit_kind, latest.history_user) == (
        Status.EXITED,
        ExitKind.EXPELLED,
        world.secretary.user,
    )
    ended = GroupMembership.history.filter(member_id=world.member.pk, ended_on=EXIT_ON).get()
    assert ended.history_user == world.secretary.user


def test_a_suspended_member_may_leave(world):
    services.member_suspend(
        member=world.member,
        on=datetime.date(2026, 1, 1),
        reason="失联超过六个月",
        acting_user=world.secretary.user,
    )
    exit_member(world, world.member, kind=ExitKind.REMOVED)
    assert Member.objects.get(pk=world.member.pk).status == Status.EXITED


def test_a_member_who_already_left_cannot_leave_again(world):
    exit_member(world, world.member)
    member = Member.objects.get(pk=world.member.pk)

    assert refusal(lambda: exit_member(world, member, on=datetime.date(2026, 5, 1))) == [
        "普通党员已不在册。"
    ]
    assert Member.objects.get(pk=member.pk).status_since == EXIT_ON


def test_a_member_transferred_out_cannot_leave(world):
    transfer = start_transfer(world, world.member)
    services.transfer_accept(transfer=transfer, on=ACCEPTED_ON, acting_user=world.secretary.user)
    member = Member.objects.get(pk=world.member.pk)

    assert refusal(lambda: exit_member(world, member)) == ["普通党员已不在册。"]
    assert Member.objects.get(pk=member.pk).status == Status.TRANSFERRED_OUT


def test_an_exit_needs_a_known_way_of_leaving(world):
    assert refusal(lambda: exit_member(world, world.member, kind="")) == ["请选择出党方式。"]
    assert Member.objects.get(pk=world.member.pk).status == Status.ACTIVE
    assert GroupMembership.objects.current().filter(member=world.member).exists()


def test_an_exited_committee_member_loses_the_committees_access(world, secretary_client):
    """Someone who has left the Party can no longer manage the branch's records."""
    url = reverse("members:member_list", args=[world.branch.pk])
    assert secretary_client.get(url).status_code == 200

    exit_member(world, world.secretary)

    assert secretary_client.get(url).status_code == 403


def test_the_exited_member_leaves_the_member_list(world, secretary_client):
    url = reverse("members:member_list", args=[world.branch.pk])
    exit_member(world, world.member)

    listed = [m.name for m in secretary_client.get(url).context["page"]]
    assert "普通党员" not in listed
    assert len(listed) == 5
    exited = secretary_client.get(url, {"status": Status.EXITED})
    assert [m.name for m in exited.context["page"]] == ["普通党员"]


def test_the_exited_member_leaves_the_group_page_and_its_counts(world, secretary_client):
    url = reverse("overview:group_detail", args=[world.group_a.pk])
    exit_member(world, world.member)

    response = secretary_client.get(url)

    current = [m.member.name for m in response.context["current_members"]]
    assert sorted(current) == sorted(["书记", "甲组长"])
    assert response.context["group"].member_count == 2
    assert [m.member.name for m in response.context["past_members"]] == ["普通党员"]
    counts = branch_overview(world.branch)["counts"]
    assert (counts["total"], counts["ungrouped"]) == (5, 0)


def test_the_exited_members_page_still_opens_for_the_secretary_with_the_status(
    world, secretary_client
):
    exit_member(world, world.member)

    response = secretary_client.get(reverse("members:member_detail", args=[world.member.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "已出党（开除党籍） · 2026年3月15日 · 严重违纪" in html
    assert "A组" in html  # the group history is kept


def test_the_former_leader_no_longer_opens_the_exited_members_page(world, leader_a_client):
    exit_member(world, world.member)
    url = reverse("members:member_detail", args=[world.member.pk])
    assert leader_a_client.get(url).status_code == 403


# ---------------------------------------------------------------- suspend and restore


def test_a_suspended_member_stays_on_the_roll_and_in_their_group(world):
    services.member_suspend(
        member=world.member,
        on=datetime.date(2026, 2, 1),
        reason="出国",
        acting_user=world.secretary.user,
    )

    member = Member.objects.get(pk=world.member.pk)
    assert (member.status, member.status_since, member.status_reason) == (
        Status.SUSPENDED,
        datetime.date(2026, 2, 1),
        "出国",
    )
    assert on_roll(member)
    assert GroupMembership.objects.current().get(member=member).group == world.group_a
    assert member.history.latest("history_date").history_user == world.secretary.user


def test_only_a_member_with_normal_status_can_be_suspended(world):
    def suspend(member):
        return services.member_suspend(
            member=member,
            on=datetime.date(2026, 2, 1),
            reason="出国",
            acting_user=world.secretary.user,
        )

    suspend(world.member)
    assert refusal(lambda: suspend(Member.objects.get(pk=world.member.pk))) == [
        "只有党籍状态正常的党员才能停止党籍；普通党员目前为“停止党籍”。"
    ]
    exit_member(world, world.leader_a)
    assert refusal(lambda: suspend(Member.objects.get(pk=world.leader_a.pk))) == [
        "只有党籍状态正常的党员才能停止党籍；甲组长目前为“已出党”。"
    ]


def test_a_restored_member_has_normal_status_again(world):
    services.member_suspend(
        member=world.member,
        on=datetime.date(2026, 2, 1),
        reason="出国",
        acting_user=world.secretary.user,
    )
    services.member_restore(
        member=Member.objects.get(pk=world.member.pk),
        on=datetime.date(2026, 8, 1),
        reason="回国",
        acting_user=world.secretary.user,
    )

    member = Member.objects.get(pk=world.member.pk)
    assert (member.status, member.status_since, member.status_reason) == (
        Status.ACTIVE,
        datetime.date(2026, 8, 1),
        "回国",
    )
    statuses = [r.status for r in member.history.order_by("history_date", "history_id")]
    assert statuses == [Status.ACTIVE, Status.SUSPENDED, Status.ACTIVE]


def test_only_a_suspended_member_can_be_restored(world):
    assert refusal(
        lambda: services.member_restore(
            member=world.member,
            on=datetime.date(2026, 8, 1),
            reason="",
            acting_user=world.secretary.user,
        )
    ) == ["普通党员未被停止党籍。"]
    assert Member.objects.get(pk=world.member.pk).status_since is None


# ---------------------------------------------------------------- transfers


def test_a_transfer_out_in_progress_keeps_the_member_on_the_roll_and_in_their_group(world):
    transfer = start_transfer(world, world.member)

    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING
    assert transfer.valid_until == LETTER_ON + datetime.timedelta(days=90)
    member = Member.objects.get(pk=world.member.pk)
    assert member.status == Status.ACTIVE
    assert on_roll(member)
    assert GroupMembership.objects.current().get(member=member).group == world.group_a
    assert transfer.history.get().history_user == world.secretary.user


def test_a_member_no_longer_on_the_roll_cannot_be_transferred_out(world):
    exit_member(world, world.member)
    member = Member.objects.get(pk=world.member.pk)
    assert refusal(lambda: start_transfer(world, member)) == ["普通党员已不在册。"]
    assert not member.transfers.exists()


def test_a_second_transfer_in_progress_is_refused(world):
    start_transfer(world, world.member)
    assert refusal(lambda: start_transfer(world, world.member)) == [
        "该党员已有正在办理的组织关系转接。"
    ]
    assert world.member.transfers.count() == 1


def test_an_accepted_transfer_out_takes_the_member_off_the_roll_and_out_of_their_group(world):
    transfer = start_transfer(world, world.leader_a)

    services.transfer_accept(transfer=transfer, on=ACCEPTED_ON, acting_user=world.secretary.user)

    transfer.refresh_from_db()
    assert (transfer.state, transfer.completed_on) == (TransferState.ACCEPTED, ACCEPTED_ON)
    member = Member.objects.get(pk=world.leader_a.pk)
    assert (member.status, member.status_since, member.status_reason) == (
        Status.TRANSFERRED_OUT,
        ACCEPTED_ON,
        "区教育局机关党委",
    )
    assert member.exit_kind == ""
    assert not on_roll(member)
    assert GroupMembership.objects.get(member=member).ended_on == ACCEPTED_ON
    assert GroupLeadership.objects.get(member=member).ended_on == ACCEPTED_ON
    assert member.history.latest("history_date").history_user == world.secretary.user


def test_a_cancelled_transfer_changes_nothing_for_the_member(world):
    transfer = start_transfer(world, world.leader_a)
    history_before = world.leader_a.history.count()

    services.transfer_cancel(
        transfer=transfer,
        on=ACCEPTED_ON,
        acting_user=world.secretary.user,
        note="介绍信过期",
    )

    transfer.refresh_from_db()
    assert (transfer.state, transfer.completed_on, transfer.note) == (
        TransferState.CANCELLED,
        ACCEPTED_ON,
        "介绍信过期",
    )
    member = Member.objects.get(pk=world.leader_a.pk)
    assert (member.status, member.status_since) == (Status.ACTIVE, None)
    assert on_roll(member)
    assert GroupMembership.objects.current().get(member=member).group == world.group_a
    assert GroupLeadership.objects.current().get(member=member).group == world.group_a
    assert member.history.count() == history_before


@pytest.mark.parametrize("first", ["accept", "cancel"])
@pytest.mark.parametrize("second", ["accept", "cancel"])
def test_a_transfer_cannot_be_completed_twice(world, first, second):
    actions = {"accept": services.transfer_accept, "cancel": services.transfer_cancel}
    transfer = start_transfer(world, world.member)
    actions[first](transfer=transfer, on=ACCEPTED_ON, acting_user=world.secretary.user)

    later = datetime.date(2026, 5, 1)
    assert refusal(
        lambda: actions[second](transfer=transfer, on=later, acting_user=world.secretary.user)
    ) == ["这次组织关系转接已经办结。"]
    transfer.refresh_from_db()
    assert transfer.completed_on == ACCEPTED_ON
    assert transfer.state == (
        TransferState.ACCEPTED if first == "accept" else TransferState.CANCELLED
    )


@pytest.mark.parametrize("action", ["accept", "cancel"])
def test_a_transfer_cannot_be_completed_before_its_letter_was_issued(world, action):
    complete = {"accept": services.transfer_accept, "cancel": services.transfer_cancel}[action]
    transfer = start_transfer(world, world.member)

    assert refusal(
        lambda: complete(
            transfer=transfer,
            on=LETTER_ON - datetime.timedelta(days=1),
            acting_user=world.secretary.user,
        )
    ) == ["办结日期不能早于介绍信开具日期。"]
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING
    assert Member.objects.get(pk=world.member.pk).status == Status.ACTIVE


def test_a_transfer_may_be_completed_on_the_day_the_letter_was_issued(world):
    transfer = start_transfer(world, world.member)
    services.transfer_accept(transfer=transfer, on=LETTER_ON, acting_user=world.secretary.user)
    assert Member.objects.get(pk=world.member.pk).status == Status.TRANSFERRED_OUT
