"""Transfers between two branches of this deployment (issue 15): the sending secretary
starts one, the receiving branch sees it waiting (转入待接收) and accepts it; the member
moves with their history, and the sending branch keeps reading what happened while the
member was theirs, without editing. On the real database, through the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance
from groups import services as group_services
from groups.models import CommitteeRole, GroupLeadership, GroupMembership, GroupRole
from members import services
from members.models import Member, Status, Transfer, TransferDirection, TransferState
from reports.yearend.figures import year_figures
from tests.conftest import assert_matrix, client_for
from tests.factories import (
    BranchFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    PartyGroupFactory,
    UserFactory,
    member_in_group,
    recorded_meeting,
)

TODAY = timezone.localdate()
LETTER_ON = TODAY - datetime.timedelta(days=20)
ACCEPTED_ON = TODAY - datetime.timedelta(days=10)


def detail_url(member):
    return reverse("members:member_detail", args=[member.pk])


def receive_url(transfer):
    return reverse("members:transfer_receive", args=[transfer.pk])


def action_url(member, action):
    return reverse("members:member_action", args=[member.pk, action])


def refusal(action) -> list[str]:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.messages


def start(world, member=None, *, to_branch=None, issued_on=LETTER_ON):
    return services.transfer_start(
        member=member or world.member,
        direction=TransferDirection.OUT,
        to_branch=to_branch or world.other_branch,
        letter_number="组转〔2026〕3号",
        issued_on=issued_on,
        acting_user=world.secretary.user,
    )


def receive(world, transfer, *, on=ACCEPTED_ON):
    return services.transfer_receive(transfer=transfer, on=on, acting_user=world.outsider.user)


@pytest.fixture
def third_client(db):
    """The secretary of a third branch, tied to neither side."""
    branch = BranchFactory(name="三支部", code="san")
    term = CommitteeTermFactory(branch=branch, number=1)
    secretary = member_in_group(
        PartyGroupFactory(branch=branch, name="D组"),
        name="三支部书记",
        user=UserFactory(username="third"),
    )
    CommitteeMembershipFactory(term=term, member=secretary, role=CommitteeRole.SECRETARY)
    return client_for(secretary.user)


@pytest.fixture
def receiving_member_client(world):
    """A plain member of the receiving branch: tied to it, without the role (403)."""
    group = world.other_branch.party_groups.get()
    plain = member_in_group(group, name="二支部党员", user=UserFactory(username="er-member"))
    return client_for(plain.user)


@pytest.fixture
def receiver_client(world):
    return client_for(world.outsider.user)  # the world's outsider is 二支部's secretary


# ---------------------------------------------------------------- the whole flow


def test_a_member_moves_between_two_branches_with_their_history(
    world, secretary_client, receiver_client, third_client
):
    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, held_on=LETTER_ON - datetime.timedelta(days=5)
    )
    attended = set(Attendance.objects.filter(member=world.member).values_list("pk", flat=True))
    assert attended, "the member was expected at the group's meeting"

    # The sending secretary starts it from the member's page.
    response = secretary_client.post(
        action_url(world.member, "transfer-out"),
        {"to_branch": world.other_branch.pk, "letter_number": "组转3号", "on": LETTER_ON},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=world.member)
    assert (transfer.from_branch, transfer.to_branch, transfer.other_organisation) == (
        world.branch,
        world.other_branch,
        "",
    )
    assert transfer.state == TransferState.PENDING
    assert transfer.history.latest().history_user == world.secretary.user
    # Until it is accepted the member is the sending branch's, and the receiving one
    # does not open their page.
    assert receiver_client.get(detail_url(world.member)).status_code == 404

    # The receiving secretary sees it waiting on the member list and accepts it.
    roster = receiver_client.get(reverse("members:member_list", args=[world.other_branch.pk]))
    content = roster.content.decode()
    assert "转入待接收" in content and "普通党员" in content
    assert receive_url(transfer) in content
    assert receiver_client.get(receive_url(transfer)).status_code == 200
    response = receiver_client.post(receive_url(transfer), {"on": ACCEPTED_ON})
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.member)

    member = Member.objects.get(pk=world.member.pk)
    assert member.branch == world.other_branch
    assert member.status == Status.ACTIVE  # still on a roll: the receiving one
    transfer.refresh_from_db()
    assert (transfer.state, transfer.completed_on) == (TransferState.ACCEPTED, ACCEPTED_ON)
    # Their group in the sending branch ended that day, its row kept; no group yet here.
    (old_group,) = GroupMembership.objects.filter(member=member)
    assert (old_group.group, old_group.ended_on) == (world.group_a, ACCEPTED_ON)
    # Their meetings are the same rows, not copies; the move is in the member's history.
    assert set(Attendance.objects.filter(member=member).values_list("pk", flat=True)) == attended
    assert meeting.branch_id == world.branch.pk  # the meeting stays the sending branch's
    latest = member.history.latest()
    assert latest.history_user == world.outsider.user
    assert latest.history_change_reason == "组织关系由一支部转入二支部"

    # The receiving branch reads and edits from now on.
    page = receiver_client.get(detail_url(member)).content.decode()
    assert reverse("members:member_edit", args=[member.pk]) in page
    assert receiver_client.get(reverse("members:member_edit", args=[member.pk])).status_code == 200

    # The sending branch reads, and cannot edit.
    page = secretary_client.get(detail_url(member))
    assert page.status_code == 200
    assert page.context["read_until"] == ACCEPTED_ON
    content = page.content.decode()
    assert 'id="read-until"' in content and "A组" in content
    assert reverse("members:member_edit", args=[member.pk]) not in content
    assert secretary_client.get(reverse("members:member_edit", args=[member.pk])).status_code == 403
    suspend = secretary_client.post(action_url(member, "suspend"), {"on": TODAY, "reason": "x"})
    assert suspend.status_code == 403
    assert Member.objects.get(pk=member.pk).status == Status.ACTIVE
    # …and the member is on its roster no more.
    roster = secretary_client.get(reverse("members:member_list", args=[world.branch.pk]))
    assert member not in roster.context["page"].object_list

    # A third branch is told nothing.
    assert third_client.get(detail_url(member)).status_code == 404
    assert third_client.get(receive_url(transfer)).status_code == 404


def test_the_sending_branch_reads_up_to_the_transfer_and_no_further(world, secretary_client):
    transfer = start(world)
    receive(world, transfer)
    group_c = world.other_branch.party_groups.get()
    group_services.group_member_place(
        group=group_c, member=Member.objects.get(pk=world.member.pk), started_on=TODAY,
        acting_user=world.outsider.user,
    )  # fmt: skip

    reading = secretary_client.get(detail_url(world.member))
    assert [m.group for m in reading.context["group_history"]] == [world.group_a]
    assert all(event.on <= ACCEPTED_ON for event in reading.context["timeline"])
    assert "C组" not in reading.content.decode()
    assert reading.context.get("dues") is None  # the ledger is the receiving branch's now

    full = client_for(world.outsider.user).get(detail_url(world.member))
    assert [m.group for m in full.context["group_history"]] == [group_c, world.group_a]
    assert full.context["read_until"] is None
    assert "一支部 → 二支部" in full.content.decode()


def test_the_posts_in_the_sending_branch_end_with_the_move(world):
    transfer = start(world, world.leader_a)
    receive(world, transfer)

    assert not GroupLeadership.objects.current().filter(member=world.leader_a).exists()
    ended = GroupLeadership.objects.get(member=world.leader_a, role=GroupRole.LEADER)
    assert ended.ended_on == ACCEPTED_ON


# ---------------------------------------------------------------- refusals


def test_a_member_cannot_be_transferred_to_their_own_branch(world, secretary_client):
    assert refusal(lambda: start(world, to_branch=world.branch)) == [
        "普通党员已是一支部的党员，请选择其他党支部。"
    ]
    # The page does not offer it, and a forged choice is refused in Chinese.
    response = secretary_client.post(
        action_url(world.member, "transfer-out"), {"to_branch": world.branch.pk, "on": LETTER_ON}
    )
    assert response.status_code == 200
    assert "接收党支部必须是本系统内的党支部。" in response.content.decode()
    assert not Transfer.objects.exists()


def test_the_transfer_out_form_wants_exactly_one_other_side(world, secretary_client):
    url = action_url(world.member, "transfer-out")
    neither = secretary_client.post(url, {"on": LETTER_ON})
    assert "请选择接收党支部，或填写系统外的党组织名称。" in neither.content.decode()
    both = secretary_client.post(
        url, {"to_branch": world.other_branch.pk, "other_organisation": "区委", "on": LETTER_ON}
    )
    assert "二者只能选其一" in both.content.decode()
    assert not Transfer.objects.exists()
    # An outside organisation still works as before.
    outside = secretary_client.post(
        url, {"other_organisation": "区教育局机关党委", "on": LETTER_ON}
    )
    assert outside.status_code == 302
    assert Transfer.objects.get().to_branch is None


def test_only_the_receiving_branchs_committee_may_accept(world):
    transfer = start(world)
    messages = refusal(
        lambda: services.transfer_receive(
            transfer=transfer, on=ACCEPTED_ON, acting_user=world.secretary.user
        )
    )
    assert messages == ["只有接收党支部二支部的支委会可以办理接收。"]
    # Nor through the outside transfers' acceptance, which the sender uses.
    assert refusal(
        lambda: services.transfer_accept(
            transfer=transfer, on=ACCEPTED_ON, acting_user=world.secretary.user
        )
    ) == ["只有接收党支部二支部的支委会可以办理接收。"]
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING
    assert Member.objects.get(pk=world.member.pk).branch == world.branch


def test_the_sender_may_cancel_but_not_accept(world, secretary_client, receiver_client):
    transfer = start(world)
    url = action_url(world.member, "transfer-complete")
    page = secretary_client.get(url).content.decode()
    assert "由二支部在其页面上办理接收" in page
    accepted = secretary_client.post(url, {"outcome": "accepted", "on": ACCEPTED_ON})
    assert accepted.status_code == 200  # not a choice here
    assert Transfer.objects.get().state == TransferState.PENDING

    cancelled = secretary_client.post(url, {"outcome": "cancelled", "on": ACCEPTED_ON})
    assert cancelled.status_code == 302
    assert Transfer.objects.get().state == TransferState.CANCELLED
    # The receiving branch's page says so instead of accepting it.
    response = receiver_client.post(receive_url(transfer), {"on": ACCEPTED_ON})
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).branch == world.branch
    roster = receiver_client.get(reverse("members:member_list", args=[world.other_branch.pk]))
    assert roster.context["awaiting"] == []


def test_a_transfer_is_accepted_only_once(world):
    transfer = start(world)
    receive(world, transfer)
    assert refusal(lambda: receive(world, Transfer.objects.get(pk=transfer.pk))) == [
        "这次组织关系转接已经办结。"
    ]
    # A stale copy (another tab) is refused too: the state is read again under the lock.
    assert refusal(lambda: receive(world, transfer)) == ["这次组织关系转接已经办结。"]


def test_a_member_who_left_the_sending_branch_meanwhile_is_not_received(world):
    transfer = start(world)
    services.member_exit(
        member=world.member, kind="resigned", on=LETTER_ON, reason="x",
        acting_user=world.secretary.user,
    )  # fmt: skip
    assert refusal(lambda: receive(world, transfer)) == ["普通党员已不在册。"]


def test_a_late_letter_is_accepted_only_when_confirmed(world, receiver_client):
    transfer = start(world, issued_on=TODAY - datetime.timedelta(days=200))
    response = receiver_client.post(receive_url(transfer), {"on": TODAY})
    assert response.status_code == 200
    assert "接收已超过有效期" in response.content.decode()
    assert Transfer.objects.get().state == TransferState.PENDING
    confirmed = receiver_client.post(receive_url(transfer), {"on": TODAY, "confirm_late": "on"})
    assert confirmed.status_code == 302
    assert Transfer.objects.get().state == TransferState.ACCEPTED


def test_the_schema_keeps_the_other_side_consistent(world):
    def insert(**fields):
        values = {
            "member": world.member,
            "direction": TransferDirection.OUT,
            "issued_on": LETTER_ON,
            "valid_until": TODAY,
            **fields,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Transfer.objects.create(**values)

    insert(other_organisation="区委", from_branch=world.branch, to_branch=world.other_branch)
    insert(other_organisation="")  # nobody named
    insert(from_branch=world.branch, to_branch=world.branch)  # to itself
    insert(to_branch=world.other_branch)  # no sender
    insert(direction=TransferDirection.IN, from_branch=world.other_branch, to_branch=world.branch)


# ---------------------------------------------------------------- permissions


def test_who_may_open_the_receiving_page(world, personas, receiving_member_client, third_client):
    transfer = start(world)
    # The sending branch completes nothing here: 404 to all of it, as to a third branch.
    expected = {
        "secretary": 404,
        "leader_a": 404,
        "leader_b": 404,
        "member": 404,
        "viewer": 404,
        "outsider": 200,  # 二支部's secretary: the receiving branch's
        "receiving_member": 403,
        "third": 404,
    }
    clients = {**personas, "receiving_member": receiving_member_client, "third": third_client}
    assert_matrix(clients, "get", receive_url(transfer), expected)
    # Refused POSTs change nothing.
    refused = {name: status for name, status in expected.items() if status != 200}
    assert_matrix({n: clients[n] for n in ["anonymous", *refused]}, "post", receive_url(transfer),
                  refused, data={"on": ACCEPTED_ON})  # fmt: skip
    assert Transfer.objects.get().state == TransferState.PENDING


def test_a_transfer_out_of_the_deployment_has_no_receiving_page(world, receiver_client):
    transfer = services.transfer_start(
        member=world.member,
        direction=TransferDirection.OUT,
        other_organisation="区教育局机关党委",
        issued_on=LETTER_ON,
        acting_user=world.secretary.user,
    )
    assert receiver_client.get(receive_url(transfer)).status_code == 404


def test_who_reads_and_who_edits_a_member_after_the_move(
    world, personas, receiving_member_client, third_client
):
    receive(world, start(world))
    clients = {**personas, "receiving_member": receiving_member_client, "third": third_client}
    readers = {
        "secretary": 200,  # the sending branch, read-only
        "viewer": 200,  # its viewer too
        "leader_a": 404,  # no longer their group's member
        "leader_b": 404,
        "member": 200,  # their own record
        "outsider": 200,  # the receiving secretary
        "receiving_member": 403,
        "third": 404,
    }
    assert_matrix(clients, "get", detail_url(world.member), readers)
    editors = {**readers, "secretary": 403, "viewer": 403, "member": 403}
    edit_url = reverse("members:member_edit", args=[world.member.pk])
    assert_matrix(clients, "get", edit_url, editors)
    assert_matrix(clients, "get", action_url(world.member, "transfer-out"), editors)


# ---------------------------------------------------------------- lists and figures


def test_the_waiting_list_costs_the_same_however_many_wait(world, receiver_client, query_counter):
    url = reverse("members:member_list", args=[world.other_branch.pk])

    def grow():
        start(world, member_in_group(world.group_b))

    start(world)
    query_counter.assert_constant(lambda: receiver_client.get(url), grow)
    assert len(receiver_client.get(url).context["awaiting"]) == 4


def test_the_waiting_list_is_read_only_for_viewers_and_absent_for_the_sender(world):
    transfer = start(world)
    viewer = UserFactory(username="er-viewer")
    world.other_branch.viewers.create(user=viewer)
    page = client_for(viewer).get(reverse("members:member_list", args=[world.other_branch.pk]))
    assert page.context["awaiting"] == [transfer]
    assert receive_url(transfer) not in page.content.decode()
    sender = client_for(world.secretary.user).get(
        reverse("members:member_list", args=[world.branch.pk])
    )
    assert sender.context["awaiting"] == []


def test_the_year_end_figures_count_the_move_on_both_sides(world):
    receive(world, start(world))
    year = ACCEPTED_ON.year

    def moved(branch):
        figures = year_figures(branch, year, today=datetime.date(year, 12, 31))
        return figures.values["changes.moved_in"].value, figures.values["changes.moved_out"].value

    assert moved(world.branch) == ("0", "1")
    assert moved(world.other_branch) == ("1", "0")


def test_the_receiving_overview_warns_of_an_expiring_letter(world, receiver_client):
    # Issued 85 days ago: the 90-day letter runs out within the to-do list's lead.
    start(world, issued_on=TODAY - datetime.timedelta(days=85))
    page = receiver_client.get(reverse("overview:branch_detail", args=[world.other_branch.pk]))
    assert "一支部 → 二支部" in page.content.decode()
