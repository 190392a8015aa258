"""What the meeting pages offer each persona: the flags decided by activities.access."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Presence
from tests.factories import recorded_meeting

#            persona: (record, export the ledger, close make-up study, review)
OFFERED = {
    "secretary": (True, True, True, True),
    "leader_a": (True, True, True, False),
    "leader_b": (True, True, True, False),
    "member": (False, False, False, False),
    "viewer": (False, True, False, False),
}


@pytest.fixture
def meeting(world):
    return recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(2026, 10, 15),
        absences={world.member: (Presence.EXCUSED, "外出培训")},
        acting_user=world.leader_a.user,
    )


@pytest.mark.parametrize("persona", OFFERED)
def test_each_persona_is_offered_what_they_may_do(personas, world, meeting, persona):
    record, export, close, review = OFFERED[persona]
    client = personas[persona]

    listing = client.get(reverse("activities:meeting_list", args=[world.branch.pk])).context
    make_ups = client.get(reverse("activities:make_up_list", args=[world.branch.pk])).context

    assert (listing["can_record"], listing["can_export"]) == (record, export)
    assert make_ups["can_close"] is close
    if persona != "leader_b":  # leader_b may not open group A's meeting at all
        page = client.get(reverse("activities:meeting", args=[meeting.pk])).context
        assert page["can_review"] is review
