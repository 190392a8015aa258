"""The demo school's meetings (activities/demo.py, created by `manage.py seed_demo`): every
type in every group, realistic attendance and make-up study, reviews, a vote that passes,
and the required meetings left out on purpose showing as missing in the compliance grid."""

import datetime
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from activities.compliance import CellStatus, compliance_grid
from activities.models import Attendance, MakeUpStudy, Meeting, MeetingType, Presence
from activities.votes import motion_problems, motion_result, quorum_of
from branchsite.dates import school_year_of
from demo.meetings import meeting_gaps, seed_demo_meetings
from demo.meetings.calendar import school_terms
from demo.meetings.texts import EXCUSE_REASONS
from groups.models import Branch, GroupLeadership, GroupRole

pytestmark = pytest.mark.django_db
D = datetime.date


@dataclass
class Demo:
    branch: Branch
    output: str
    today: datetime.date


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo school, seeded once for this module and rolled back after it: seeding takes
    seconds, and each test runs in its own savepoint inside this transaction."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        out = StringIO()
        call_command("seed_demo", force=True, stdout=out)
        yield Demo(Branch.objects.get(code="fjyfx"), out.getvalue(), timezone.localdate())
        transaction.set_rollback(True)


def meetings(demo, **filters):
    return Meeting.objects.filter(branch=demo.branch, **filters)


def test_it_reports_the_number_of_meetings_it_created(demo):
    count = meetings(demo).count()
    assert count > 60
    assert str(count) in demo.output


def test_it_holds_every_meeting_type(demo):
    kinds = set(meetings(demo).values_list("kind", flat=True))
    assert kinds == set(MeetingType.values)


def test_it_runs_from_the_previous_school_year_to_yesterday(demo):
    first_day = D(school_year_of(demo.today) - 1, 9, 1)
    dates = meetings(demo).values_list("held_on", flat=True)
    assert min(dates) >= first_day
    assert min(dates) < first_day + datetime.timedelta(days=14)
    assert max(dates) < demo.today
    assert all(day.weekday() < 5 for day in dates)


def test_it_enters_the_school_terms_of_both_years(demo):
    year = school_year_of(demo.today)
    names = list(demo.branch.school_terms.order_by("starts_on").values_list("name", flat=True))
    assert names == [
        f"{year - 1}学年第一学期",
        f"{year - 1}学年第二学期",
        f"{year}学年第一学期",
        f"{year}学年第二学期",
    ]


def test_the_second_term_starts_about_two_weeks_after_the_spring_festival():
    first, second = school_terms(2025)
    assert first[1:] == (D(2025, 9, 1), D(2026, 1, 23))
    assert second[1:] == (D(2026, 3, 2), D(2026, 6, 30))  # 春节 2026-02-17
    assert school_terms(2024)[1][1] == D(2025, 2, 17)  # 春节 2025-01-29


def test_every_group_meets_most_months_led_by_its_leader(demo):
    leaders = {
        row.group_id: row.member_id
        for row in GroupLeadership.objects.current().filter(
            group__branch=demo.branch, role=GroupRole.LEADER
        )
    }
    assert len(leaders) == 4
    for group in demo.branch.party_groups.all():
        held = meetings(demo, kind=MeetingType.GROUP, group=group)
        assert held.count() >= 8, group.name
        assert set(held.values_list("host_id", flat=True)) == {leaders[group.pk]}, group.name


def test_every_record_has_the_four_essentials_and_its_own_minutes(demo):
    records = list(meetings(demo))
    assert all(m.place and m.topic and m.host_id and m.recorder_id for m in records)
    assert all(m.starts_at < m.ends_at for m in records)
    assert len({m.minutes for m in records}) == len(records)  # no two alike
    decided = [m for m in records if m.kind in (MeetingType.COMMITTEE, MeetingType.GENERAL)]
    assert all(m.resolutions for m in decided)


def test_the_secretary_gives_a_party_lecture(demo):
    speakers = set(meetings(demo, kind=MeetingType.LECTURE).values_list("speaker", flat=True))
    assert "沈卫东" in speakers
    assert len(speakers) >= 3


def test_about_nine_in_ten_attend_and_the_excused_give_reasons(demo):
    rows = Attendance.objects.filter(meeting__branch=demo.branch)
    total = rows.count()
    present = rows.filter(presence=Presence.PRESENT).count()
    excused = rows.filter(presence=Presence.EXCUSED)
    assert 0.85 <= present / total <= 0.95
    assert rows.filter(presence=Presence.ABSENT).exists()
    reasons = set(excused.values_list("reason", flat=True))
    assert len(reasons) >= 4
    assert reasons <= set(EXCUSE_REASONS)


def test_most_make_up_study_is_closed_and_only_the_latest_is_open(demo):
    owed = MakeUpStudy.objects.filter(attendance__meeting__branch=demo.branch)
    closed = owed.filter(done_on__isnull=False).select_related("attendance__meeting")
    still_open = owed.filter(done_on__isnull=True)
    assert (
        owed.count()
        == Attendance.objects.filter(meeting__branch=demo.branch)
        .exclude(presence=Presence.PRESENT)
        .count()
    )
    assert closed.count() >= 0.8 * owed.count()
    assert still_open.exists()
    for make_up in closed:
        assert make_up.note and make_up.closed_by_id
        assert make_up.attendance.meeting.held_on <= make_up.done_on < demo.today
    latest = meetings(demo).order_by("-held_on").first().held_on
    open_dates = still_open.values_list("attendance__meeting__held_on", flat=True)
    assert min(open_dates) >= latest - datetime.timedelta(days=21)


def test_the_secretary_reviewed_records_and_one_changed_after_review(demo):
    reviewed = meetings(demo, reviewed_at__isnull=False)
    assert reviewed.count() >= 20
    assert set(reviewed.values_list("reviewed_by__username", flat=True)) == {"shuji"}
    changed = meetings(demo, changed_after_review=True)
    assert changed.count() == 1
    assert "补记" in changed.get().minutes


def test_a_general_meeting_votes_on_motions_that_pass(demo):
    voted = meetings(demo, kind=MeetingType.GENERAL, motions__isnull=False).distinct()
    assert voted.exists()
    for meeting in voted:
        quorum = quorum_of(list(meeting.attendances.all()))
        for motion in meeting.motions.all():
            assert motion_problems(motion, quorum) == [], motion.title
            assert motion_result(motion, quorum).passed, motion.title


def test_the_meetings_left_out_are_not_held(demo):
    gaps = meeting_gaps(demo.today)
    assert len(gaps) >= 3
    groups = list(demo.branch.party_groups.order_by("sort_order"))
    for gap in gaps:
        group = groups[gap.group_index] if gap.group_index is not None else None
        held = meetings(demo, kind=gap.kind, group=group)
        assert not held.filter(held_on__range=(gap.starts_on, gap.ends_on)).exists(), gap
        assert held.exists(), gap  # held in other periods


def test_the_compliance_grid_shows_exactly_the_meetings_left_out(demo):
    groups = list(demo.branch.party_groups.order_by("sort_order"))
    year = school_year_of(demo.today)
    missing = set()
    for school_year in (year - 1, year):
        grid = compliance_grid(demo.branch, school_year, demo.today)
        for row in grid.rows:
            for cell in row.cells:
                if cell.status == CellStatus.MISSING:
                    missing.add((row.kind, row.group, cell.period.start, cell.period.end))

    expected = {
        (
            gap.kind,
            groups[gap.group_index] if gap.group_index is not None else None,
            gap.starts_on,
            gap.ends_on,
        )
        for gap in meeting_gaps(demo.today)
    }
    assert missing == expected


def test_a_gap_counts_only_once_its_period_is_over():
    september_gap = [gap for gap in meeting_gaps(D(2026, 11, 21)) if gap.starts_on.month == 9]
    assert len(september_gap) == 1
    assert not [gap for gap in meeting_gaps(D(2026, 9, 15)) if gap.starts_on.month == 9]


def test_running_it_again_changes_nothing(demo):
    count = meetings(demo).count()
    attendance = Attendance.objects.count()

    assert seed_demo_meetings(demo.branch, today=demo.today) == []
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)

    assert meetings(demo).count() == count
    assert Attendance.objects.count() == attendance
    assert demo.branch.school_terms.count() == 4
