"""Who came to the meetings (activities/compliance/attendance.py): each member's and each
group's counts and rate, the members who stand out by the branch's own flags, and the one
attendance rate the meeting counts and the ledger use too."""

import datetime

import pytest

from activities.compliance import attendance_rate, attendance_rates
from activities.models import Presence
from activities.selectors import attendance_summary
from members.models import Category
from tests.factories import GroupMembershipFactory, member_in_group, recorded_meeting

D = datetime.date


@pytest.fixture
def absences(world):
    """A group A meeting and a general meeting that 普通党员 missed without leave, one after
    the other, then a group A meeting they came to. 乙组长 was excused once."""
    member, leader_b = world.member, world.leader_b
    recorded_meeting(
        branch=world.branch,
        kind="group",
        group=world.group_a,
        held_on=D(2025, 10, 10),
        absences={member: (Presence.ABSENT, "")},
    )
    recorded_meeting(
        branch=world.branch,
        kind="general",
        held_on=D(2025, 12, 10),
        absences={member: (Presence.ABSENT, ""), leader_b: (Presence.EXCUSED, "出差")},
    )
    recorded_meeting(
        branch=world.branch, kind="group", group=world.group_a, held_on=D(2025, 12, 20)
    )


def by_name(report):
    return {row.name: row for row in report.members}


def group_a_meetings(world, presences):
    """Group A meetings on the 10th of successive months from September 2025, 普通党员's
    presence at each as given."""
    for index, presence in enumerate(presences):
        day = D(2025 + (8 + index) // 12, (8 + index) % 12 + 1, 10)
        reason = "病假" if presence == Presence.EXCUSED else ""
        absences = {} if presence == Presence.PRESENT else {world.member: (presence, reason)}
        recorded_meeting(
            branch=world.branch, kind="group", group=world.group_a, held_on=day, absences=absences
        )


def member_row(world):
    report = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))
    return by_name(report)["普通党员"]


def test_attendance_rates_count_each_members_expected_present_excused_and_absent(world, absences):
    report = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))

    rows = by_name(report)
    member = rows["普通党员"]
    assert (member.expected, member.present, member.excused, member.absent) == (3, 1, 0, 2)
    assert member.percent == 33
    leader_b = rows["乙组长"]
    assert (leader_b.expected, leader_b.present, leader_b.excused) == (1, 0, 1)
    assert rows["甲组长"].percent == 100


def test_two_absences_in_a_row_stand_out(world, absences):
    rows = by_name(attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31)))

    assert rows["普通党员"].absent_in_a_row
    assert rows["普通党员"].repeatedly_absent
    assert not rows["普通党员"].low_rate  # three meetings are too few for a rate to count
    assert not rows["乙组长"].repeatedly_absent
    assert not rows["甲组长"].repeatedly_absent


def test_absences_with_a_meeting_attended_between_them_are_not_in_a_row(world):
    P, A = Presence.PRESENT, Presence.ABSENT
    group_a_meetings(world, [A, P, A, P, P, P, P, P, P, P])

    member = member_row(world)

    assert (member.absent, member.percent) == (2, 80)
    assert not member.absent_in_a_row
    assert not member.repeatedly_absent  # 80% is not below 80%


def test_leave_between_two_absences_breaks_the_run(world):
    P, A, E = Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED
    group_a_meetings(world, [A, E, A, P])

    member = member_row(world)

    assert (member.absent, member.excused, member.longest_run) == (2, 1, 1)
    assert not member.repeatedly_absent


def test_often_away_even_with_leave_stands_out_once_there_are_enough_meetings(world):
    P, E = Presence.PRESENT, Presence.EXCUSED
    group_a_meetings(world, [E, P, E, P])
    assert not member_row(world).repeatedly_absent  # four meetings: too few to judge a rate

    group_a_meetings(world, [])
    recorded_meeting(branch=world.branch, kind="group", group=world.group_a, held_on=D(2026, 1, 10))
    member = member_row(world)
    assert (member.expected, member.percent) == (5, 60)
    assert member.low_rate and member.repeatedly_absent
    assert not member.absent_in_a_row


def test_attendance_rates_add_up_per_group_and_for_the_branch(world, absences):
    report = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))

    groups = {row.group.name: row for row in report.groups}
    # A: 3 members × (2 group meetings + 1 general) = 9 expected; 普通党员 absent twice.
    assert (groups["A组"].expected, groups["A组"].present, groups["A组"].absent) == (9, 7, 2)
    assert (groups["B组"].expected, groups["B组"].present, groups["B组"].excused) == (3, 2, 1)
    assert (report.total.expected, report.total.present) == (12, 9)


def test_attendance_rates_cover_only_the_meetings_in_the_range(world, absences):
    report = attendance_rates(world.branch, D(2025, 12, 15), D(2025, 12, 31))

    member = by_name(report)["普通党员"]
    assert (member.expected, member.absent, member.repeatedly_absent) == (1, 0, False)


def test_a_members_meetings_count_for_the_group_they_were_in_on_the_day(world):
    mover = member_in_group(world.group_b, name="调动党员")
    membership = mover.group_memberships.get()
    membership.ended_on = D(2025, 11, 1)
    membership.save()
    GroupMembershipFactory(group=world.group_a, member=mover, started_on=D(2025, 11, 1))
    recorded_meeting(
        branch=world.branch,
        kind="group",
        group=world.group_b,
        held_on=D(2025, 10, 10),
        absences={mover: (Presence.ABSENT, "")},
    )
    recorded_meeting(
        branch=world.branch, kind="group", group=world.group_a, held_on=D(2025, 11, 20)
    )

    whole = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))
    for_a = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31), groups=[world.group_a])

    assert (by_name(whole)["调动党员"].expected, by_name(whole)["调动党员"].absent) == (2, 1)
    assert (by_name(for_a)["调动党员"].expected, by_name(for_a)["调动党员"].absent) == (1, 0)
    assert "乙组长" not in by_name(for_a)
    assert [row.group for row in for_a.groups] == [world.group_a]


def test_members_on_the_roll_expected_nowhere_are_listed_without_a_rate(world):
    report = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))

    assert by_name(report)["普通党员"].expected == 0
    assert by_name(report)["普通党员"].rate is None
    assert "外支部书记" not in by_name(report)


def test_attendance_rates_read_in_a_fixed_number_of_queries(world, query_counter):
    days = iter(D(2025, 9, 5) + datetime.timedelta(days=9 * n) for n in range(30))

    def grow():
        recorded_meeting(
            branch=world.branch,
            kind="general",
            held_on=next(days),
            absences={world.member: (Presence.ABSENT, "")},
        )

    query_counter.assert_constant(
        lambda: attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31)), grow
    )
    query_counter.assert_constant(
        lambda: attendance_rates(
            world.branch, D(2025, 9, 1), D(2026, 8, 31), groups=[world.group_a]
        ),
        grow,
    )


# The flags are the branch's settings ------------------------------------------------------------

P, A, E = Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED


def with_flags(world, **values):
    for name, value in values.items():
        setattr(world.branch, name, value)
    world.branch.save()


def test_a_branch_that_counts_three_absences_in_a_row_does_not_flag_two(world):
    group_a_meetings(world, [A, A, P])
    assert member_row(world).absent_in_a_row  # two in a row, the default

    with_flags(world, absences_in_a_row=3)

    member = member_row(world)
    assert member.longest_run == 2
    assert not member.absent_in_a_row
    assert not member.repeatedly_absent


def test_a_branch_that_counts_three_absences_in_a_row_flags_three(world):
    with_flags(world, absences_in_a_row=3)
    group_a_meetings(world, [P, A, A, A])

    member = member_row(world)
    assert member.absent_in_a_row and member.repeatedly_absent


def test_a_branch_with_a_higher_low_rate_flags_eighty_percent(world):
    group_a_meetings(world, [P, P, P, P, E])
    assert not member_row(world).low_rate  # 80% is not below the default 80%

    with_flags(world, low_attendance_rate_percent=90)

    member = member_row(world)
    assert (member.expected, member.percent) == (5, 80)
    assert member.low_rate and member.repeatedly_absent


def test_a_branch_with_a_lower_low_rate_does_not_flag_sixty_percent(world):
    group_a_meetings(world, [E, P, E, P, P])
    assert member_row(world).low_rate  # 60% is below the default 80%

    with_flags(world, low_attendance_rate_percent=60)
    assert not member_row(world).low_rate  # 60% is not below 60%

    with_flags(world, low_attendance_rate_percent=61)
    assert member_row(world).low_rate


def test_a_branch_that_judges_rates_from_four_meetings_flags_a_low_rate_over_four(world):
    group_a_meetings(world, [E, P, E, P])
    assert not member_row(world).low_rate  # four meetings: too few by default

    with_flags(world, min_meetings_for_rate=4)

    member = member_row(world)
    assert (member.expected, member.percent) == (4, 50)
    assert member.low_rate


def test_the_report_carries_the_branchs_flags(world):
    with_flags(world, absences_in_a_row=3, low_attendance_rate_percent=90, min_meetings_for_rate=4)

    flags = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31)).flags

    assert (flags.absences_in_a_row, flags.low_rate_percent, flags.min_meetings_for_rate) == (
        3,
        90,
        4,
    )


# One attendance rate ----------------------------------------------------------------------------


def test_the_rate_is_the_share_of_those_expected_who_were_present():
    assert attendance_rate(3, 4) == 0.75
    assert attendance_rate(0, 3) == 0
    assert attendance_rate(0, 0) is None


def test_a_meetings_counts_and_the_rates_give_the_same_rate(world, absences):
    report = attendance_rates(world.branch, D(2025, 9, 1), D(2026, 8, 31))
    general = world.branch.meetings.get(kind="general")
    probationer = general.attendances.filter(presence=P).order_by("pk").first()
    probationer.category = Category.PROBATIONARY
    probationer.save()
    summary = attendance_summary(list(general.attendances.all()))

    # Leave is not presence, and 正式 and 预备党员 count alike.
    assert (summary.expected, summary.present, summary.excused) == (6, 4, 1)
    assert (summary.probationary_expected, summary.probationary_present) == (1, 1)
    assert summary.rate == attendance_rate(4, 6)
    assert report.total.rate == attendance_rate(9, 12) == 0.75
