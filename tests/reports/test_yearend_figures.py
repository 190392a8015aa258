"""The year's figures a summary states, checked against a branch whose year is counted by
hand here: the world's six members (all women born 1985, full members since 2011), plus a
young man admitted in June, a member who left the Party in May and one transferred out in
September; two meetings. What the records cannot say is None (【待补充】), never 0."""

import datetime

import pytest

from activities.models import Attendance, Presence
from members.models import Gender, Status
from members.models.transfers import Transfer, TransferDirection, TransferState
from reports.yearend.figures import year_figures
from tests.factories import MemberFactory, member_in_group, recorded_meeting

YEAR = 2026
YEAR_END = datetime.date(YEAR, 12, 31)


@pytest.fixture
def year(world):
    """The world's 2026 as the module docstring says; returns the people added."""
    young = member_in_group(
        world.group_b,
        name="新党员",
        probationary=True,  # joined 2026-06-01
        gender=Gender.MALE,
        birth_date=datetime.date(2000, 1, 1),
    )
    left = MemberFactory(
        branch=world.branch,
        name="出党者",
        status=Status.EXITED,
        exit_kind="resigned",
        status_since=datetime.date(YEAR, 5, 1),
    )
    moved = MemberFactory(
        branch=world.branch,
        name="调走者",
        status=Status.TRANSFERRED_OUT,
        status_since=datetime.date(YEAR, 9, 1),
    )
    Transfer.objects.create(
        member=moved,
        direction=TransferDirection.OUT,
        other_organisation="二中党支部",
        issued_on=datetime.date(YEAR, 8, 20),
        valid_until=datetime.date(YEAR, 9, 20),
        state=TransferState.ACCEPTED,
        completed_on=datetime.date(YEAR, 9, 1),
    )
    recorded_meeting(
        branch=world.branch,
        group=world.group_a,
        held_on=datetime.date(YEAR, 10, 15),
        absences={world.member: (Presence.EXCUSED, "外出培训")},
    )
    recorded_meeting(
        branch=world.branch,
        kind="lecture",
        held_on=datetime.date(YEAR, 11, 5),
        topic="学习党章",
        speaker="书记",
    )
    return {"young": young, "left": left, "moved": moved}


def values(world, **kwargs) -> dict[str, str | None]:
    figures = year_figures(world.branch, YEAR, today=YEAR_END, **kwargs)
    return {key: figure.value for key, figure in figures.values.items()}


def test_the_roll_at_the_years_end_by_category_gender_and_age(world, year):
    got = values(world)
    # Six women born 1985 (41 at the year's end) and the young man (26); the two who left
    # are no longer on the roll.
    assert got["members.total"] == "7"
    assert (got["members.full"], got["members.probationary"]) == ("6", "1")
    assert got["members.female"] == "6"
    assert got["members.retired"] == "0"
    bands = [got[f"members.age_{band}"] for band in ("0_35", "36_45", "46_55", "56_99")]
    assert bands == ["1", "6", "0", "0"]


def test_the_years_changes(world, year):
    got = values(world)
    assert got["changes.admitted"] == "1"
    assert got["changes.made_full"] == "0"
    assert (got["changes.moved_in"], got["changes.moved_out"]) == ("0", "1")
    assert got["changes.left"] == "1"  # left the Party; a transfer is not leaving


def test_the_committee_and_the_groups(world, year):
    got = values(world)
    assert got["committee.term"] == "1"
    assert got["committee.elected_on"] == "2025年6月1日"
    assert got["committee.secretary"] == "书记"
    assert got["groups.count"] == "2"
    assert got["groups.leaders"] == "A组（甲组长）、B组（乙组长）"


def test_the_members_by_group_table(world, year):
    table = year_figures(world.branch, YEAR, today=YEAR_END).tables["members_by_group"]
    assert table.rows == (("A组", "3"), ("B组", "4"))


def test_the_meetings_held_and_the_lectures(world, year):
    got = values(world)
    assert (got["meetings.group"], got["meetings.lecture"], got["meetings.general"]) == (
        "1",
        "1",
        "0",  # meetings were recorded this year: none of this kind is a real zero
    )
    assert got["meetings.lecture_topics"] == "《学习党章》（书记）"
    assert got["meetings.life_on"] is None


def test_the_attendance_rate_is_present_over_expected(world, year):
    rows = Attendance.objects.filter(meeting__branch=world.branch)
    present = rows.filter(presence=Presence.PRESENT).count()
    assert present < rows.count()  # the excused member
    assert values(world)["attendance.rate"] == str(round(100 * present / rows.count()))


def test_what_the_records_cannot_say_is_missing_not_zero(world, year):
    got = values(world)
    for key in (
        "dues.collected",
        "dues.members_paid",
        "evaluation.excellent",
        "evaluation.excellent_names",
        "work.visits",
        "work.volunteer_hours",
    ):
        assert got[key] is None, key


def test_a_year_without_meetings_leaves_their_counts_missing(world):
    got = values(world)
    assert got["meetings.general"] is None and got["meetings.group"] is None
    assert got["attendance.rate"] is None


def test_a_groups_figures_count_its_own_members(world, year):
    got = values(world, group=world.group_b)
    assert got["members.total"] == "4"
    assert got["members.probationary"] == "1"


def test_the_figures_read_in_a_fixed_number_of_queries(world, year, query_counter):
    added = iter(range(100))

    def grow():
        n = next(added)
        member_in_group(world.group_a, name=f"党员{n}", gender=Gender.MALE)
        recorded_meeting(
            branch=world.branch,
            group=world.group_b,
            held_on=datetime.date(YEAR, 3 + n, 10),
            topic=f"学习{n}",
        )
        recorded_meeting(
            branch=world.branch,
            kind="lecture",
            held_on=datetime.date(YEAR, 3 + n, 20),
            topic=f"党课{n}",
            speaker="书记",
        )

    query_counter.assert_constant(lambda: year_figures(world.branch, YEAR, today=YEAR_END), grow)
