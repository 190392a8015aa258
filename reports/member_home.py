"""A member's own page (我的首页): what they owe and what they have done this year — the
make-up study still open with what to do, the evaluation ballot when a round is open, their
attendance and the dues paid and due, their study hours and activities, and their latest
meetings with how they attended. It composes `members` and `activities`, so it lives here.

A fixed number of queries, whatever the member's history (tests/reports/test_member_home.py).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from activities.compliance import attendance_rate
from activities.models import ActivityParticipant, Attendance, Presence
from activities.selectors import open_make_ups
from activities.work.selectors import work_figures
from groups.access import roles_for
from members.dues.selectors import member_dues_card
from members.evaluation import selectors as evaluation_selectors
from members.models import Member

RECENT_MEETINGS = 8


@dataclass(frozen=True)
class Attended:
    """The member's attendance this calendar year."""

    expected: int
    present: int
    excused: int
    absent: int

    @property
    def percent(self) -> int | None:
        rate = attendance_rate(self.present, self.expected)
        return None if rate is None else round(100 * rate)


def attendance_of(member: Member, year: int) -> Attended:
    counts = Attendance.objects.filter(member=member, meeting__held_on__year=year).aggregate(
        expected=Count("pk"),
        present=Count("pk", filter=Q(presence=Presence.PRESENT)),
        excused=Count("pk", filter=Q(presence=Presence.EXCUSED)),
        absent=Count("pk", filter=Q(presence=Presence.ABSENT)),
    )
    return Attended(**counts)


def member_home_context(member: Member, today: datetime.date) -> dict:
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    study = next(
        (
            row
            for row in work_figures(member.branch, year_start, year_end, talks=False).study
            if row.member.pk == member.pk
        ),
        None,
    )
    activities = list(
        ActivityParticipant.objects.filter(member=member, activity__held_on__year=today.year)
        .select_related("activity")
        .order_by("-activity__held_on", "-pk")
    )
    meetings = list(
        Attendance.objects.filter(member=member)
        .select_related("meeting__group", "make_up")
        .order_by("-meeting__held_on", "-pk")[:RECENT_MEETINGS]
    )
    evaluations = evaluation_selectors.member_evaluations(member)
    return {
        "member": member,
        "branch": member.branch,
        "today": today,
        "make_ups": list(open_make_ups(member.branch, member=member)),
        "ballots": [item for item in evaluations if item.may_vote],
        "attended": attendance_of(member, today.year),
        "dues": member_dues_card(member, today=today),
        "study": study,
        "activities": activities,
        "meetings": meetings,
    }


@login_required
def member_home(request):
    member = roles_for(request.user).member
    if member is None:
        raise Http404
    context = member_home_context(member, timezone.localdate())
    return render(request, "reports/member_home.html", context)
