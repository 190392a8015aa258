"""Transfer letters (介绍信) expire: a pending transfer warns before its letter's validity ends
(the branch's setting, 90 days by default) on the member page and the branch overview, and
accepting a letter past its validity must be confirmed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branchsite.dates import add_months
from members.models import Transfer, TransferDirection, TransferState
from members.selectors import pending_transfer_warnings, transfer_acceptance_warnings

ONE_DAY = datetime.timedelta(days=1)


def letter(member, valid_until, state=TransferState.PENDING, direction=TransferDirection.OUT):
    completed = {} if state == TransferState.PENDING else {"completed_on": valid_until}
    return Transfer.objects.create(
        member=member,
        direction=direction,
        other_organisation="实验中学党支部",
        issued_on=valid_until - datetime.timedelta(days=90),
        valid_until=valid_until,
        state=state,
        **completed,
    )


@pytest.fixture
def today():
    return timezone.localdate()


def levels(member, today):
    return [w.level for w in pending_transfer_warnings(member.transfers.all(), today)]


def test_a_letter_valid_beyond_the_reminder_lead_gives_no_warning(world, today):
    letter(world.member, add_months(today, 1) + ONE_DAY)
    assert levels(world.member, today) == []


def test_a_letter_ending_within_the_reminder_lead_warns(world, today):
    transfer = letter(world.member, add_months(today, 1))
    (warning,) = pending_transfer_warnings([transfer], today)
    assert warning.level == "warning"
    assert world.member.name in warning.message and "实验中学党支部" in warning.message


def test_a_letter_is_still_valid_on_its_last_day_and_expired_the_day_after(world, today):
    transfer = letter(world.member, today)
    assert [w.level for w in pending_transfer_warnings([transfer], today)] == ["warning"]
    (expired,) = pending_transfer_warnings([transfer], today + ONE_DAY)
    assert expired.level == "danger" and "过期" in expired.message


def test_completed_transfers_give_no_warning(world, today):
    letter(world.member, today - ONE_DAY, state=TransferState.CANCELLED)
    assert levels(world.member, today) == []


def test_the_member_page_shows_the_warning(world, secretary_client, today):
    letter(world.member, today + ONE_DAY)
    response = secretary_client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert len(response.context["transfer_warnings"]) == 1
    assert "有效期至" in response.content.decode()


def test_the_branch_overview_lists_the_warning_of_a_transfer_in_and_out(
    world, secretary_client, today
):
    letter(world.member, today - ONE_DAY)
    letter(world.leader_b, today + ONE_DAY, direction=TransferDirection.IN)
    response = secretary_client.get(reverse("overview:branch_detail", args=[world.branch.pk]))
    messages = [w.message for w in response.context["warnings"]]
    assert any(world.member.name in m and "过期" in m for m in messages)
    assert any(world.leader_b.name in m and "有效期至" in m for m in messages)


def test_accepting_on_the_last_valid_day_needs_no_confirmation(world, today):
    transfer = letter(world.member, today)
    assert transfer_acceptance_warnings(transfer, today) == []
    assert len(transfer_acceptance_warnings(transfer, today + ONE_DAY)) == 1


def test_accepting_a_letter_past_its_validity_must_be_confirmed(world, secretary_client, today):
    transfer = letter(world.member, today - ONE_DAY)
    url = reverse("members:member_action", args=[world.member.pk, "transfer-complete"])
    data = {"outcome": "accepted", "on": today.isoformat()}

    first = secretary_client.post(url, data)
    assert "已超过有效期" in first.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING

    second = secretary_client.post(url, {**data, "confirm_late": "on"})
    assert second.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.state, transfer.completed_on) == (TransferState.ACCEPTED, today)


def test_cancelling_an_expired_letter_needs_no_confirmation(world, secretary_client, today):
    transfer = letter(world.member, today - ONE_DAY)
    url = reverse("members:member_action", args=[world.member.pk, "transfer-complete"])
    response = secretary_client.post(url, {"outcome": "cancelled", "on": today.isoformat()})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == TransferState.CANCELLED
