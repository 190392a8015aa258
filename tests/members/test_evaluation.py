"""民主评议党员 through the services: who takes part and who is graded, the anonymous ballot
(one vote each, nothing to pair a voter with a grade, the tally hidden until the ballot
closes), the cap on 优秀 at exactly one third, reasons, and a closed round."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from members.evaluation import services
from members.models import (
    Assessment,
    BallotCast,
    Grade,
    GradeCount,
    Member,
    RoundState,
    Sanction,
    SanctionKind,
    Status,
)
from tests.factories import MemberFactory, UserFactory, member_in_group

DAY = datetime.date(2026, 12, 10)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def people(world):
    """The world's six full members and three more; a probationary member, one under
    留党察看 and one suspended."""
    for n in range(3):
        member_in_group(world.group_b, name=f"乙组党员{n + 3}")
    probationary = member_in_group(world.group_a, name="预备党员", probationary=True)
    sanctioned = member_in_group(world.group_a, name="受处分党员")
    Sanction.objects.create(
        member=sanctioned,
        kind=SanctionKind.PROBATION,
        started_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2027, 6, 1),
        decision="党委决定",
    )
    suspended = MemberFactory(branch=world.branch, name="停止党籍者", status=Status.SUSPENDED)
    full = list(
        Member.objects.filter(branch=world.branch, category="full", status=Status.ACTIVE)
        .exclude(pk=sanctioned.pk)
        .order_by("name")
    )
    assert len(full) == 9
    return {
        "full": full,
        "probationary": probationary,
        "sanctioned": sanctioned,
        "suspended": suspended,
    }


@pytest.fixture
def evaluation(world, people, clerk):
    return services.round_open(branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk)


def everyone_qualified(evaluation, voter, **special):
    grades = {member.pk: Grade.QUALIFIED for member in services.ballot_for(evaluation, voter)}
    grades.update({member.pk: grade for member, grade in special.get("special", {}).items()})
    return grades


def vote(evaluation, voter, special=None):
    services.ballot_cast(
        evaluation=evaluation,
        voter=voter,
        grades=everyone_qualified(evaluation, voter, special=special or {}),
    )


def test_full_members_are_graded_probationary_ones_take_part_without_a_grade(evaluation, people):
    rows = {row.member_id: row for row in Assessment.objects.filter(round=evaluation)}
    assert all(rows[member.pk].graded for member in people["full"])
    assert rows[people["probationary"].pk].graded is False
    assert rows[people["sanctioned"].pk].graded is False  # under 留党察看 on the day
    assert people["suspended"].pk not in rows  # 停止党籍: not in the round
    # Counters for the 9 graded members, 4 grades each, created before any vote.
    assert GradeCount.objects.filter(round=evaluation).count() == 36
    assert set(GradeCount.objects.values_list("count", flat=True)) == {0}


def test_a_voter_grades_everyone_graded_but_themself_once(evaluation, people):
    voter = people["probationary"]  # a probationary member votes
    assert len(services.ballot_for(evaluation, voter)) == 9
    assert len(services.ballot_for(evaluation, people["full"][0])) == 8
    with pytest.raises(ValidationError):
        services.ballot_cast(
            evaluation=evaluation,
            voter=voter,
            grades=dict(list(everyone_qualified(evaluation, voter).items())[:-1]),
        )
    vote(evaluation, voter)
    with pytest.raises(ValidationError, match="已经"):
        vote(evaluation, voter)
    assert BallotCast.objects.filter(round=evaluation).count() == 1
    assert sum(GradeCount.objects.values_list("count", flat=True)) == 9


def test_a_member_outside_the_round_cannot_vote(evaluation, people, world):
    with pytest.raises(ValidationError):
        vote(evaluation, people["suspended"])
    with pytest.raises(ValidationError):
        vote(evaluation, world.outsider)


def test_the_tally_is_hidden_until_the_ballot_closes(evaluation, people, clerk):
    graded = people["full"]
    vote(evaluation, graded[0], {graded[1]: Grade.EXCELLENT})
    vote(evaluation, graded[2], {graded[1]: Grade.EXCELLENT})
    with pytest.raises(ValidationError):
        services.tally(evaluation)
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    counts = services.tally(evaluation)
    assert counts[graded[1].pk] == {
        Grade.EXCELLENT: 2,
        Grade.QUALIFIED: 0,
        Grade.BASIC: 0,
        Grade.UNQUALIFIED: 0,
    }
    assert counts[graded[0].pk][Grade.QUALIFIED] == 1
    with pytest.raises(ValidationError):
        vote(evaluation, graded[3])


def closed_ballot(evaluation, people, clerk):
    for voter in people["full"]:
        vote(evaluation, voter)
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    return {row.member_id: row for row in Assessment.objects.filter(round=evaluation)}


def test_excellent_is_capped_at_exactly_one_third_of_the_graded(evaluation, people, clerk):
    rows = closed_ballot(evaluation, people, clerk)
    assert services.excellent_cap(evaluation) == 3  # 9 graded full members
    for member in people["full"][:3]:
        services.grade_set(
            assessment=rows[member.pk], grade=Grade.EXCELLENT, reason="群众公认", acting_user=clerk
        )
    with pytest.raises(ValidationError) as raised:
        services.grade_set(
            assessment=rows[people["full"][3].pk],
            grade=Grade.EXCELLENT,
            reason="群众公认",
            acting_user=clerk,
        )
    assert "3" in " ".join(raised.value.messages)
    # Moving one of the three to 合格 frees the place.
    services.grade_set(
        assessment=rows[people["full"][0].pk], grade=Grade.QUALIFIED, reason="", acting_user=clerk
    )
    services.grade_set(
        assessment=rows[people["full"][3].pk],
        grade=Grade.EXCELLENT,
        reason="群众公认",
        acting_user=clerk,
    )


def test_a_grade_other_than_the_ballots_needs_a_reason(evaluation, people, clerk):
    rows = closed_ballot(evaluation, people, clerk)
    member = people["full"][0]
    with pytest.raises(ValidationError):
        services.grade_set(
            assessment=rows[member.pk], grade=Grade.BASIC, reason=" ", acting_user=clerk
        )
    services.grade_set(
        assessment=rows[member.pk], grade=Grade.QUALIFIED, reason="", acting_user=clerk
    )
    services.grade_set(
        assessment=rows[member.pk],
        grade=Grade.BASIC,
        reason="多次无故缺席组织生活",
        acting_user=clerk,
    )
    assert Assessment.objects.get(pk=rows[member.pk].pk).history.first().history_user == clerk


def test_a_probationary_member_gets_no_grade_and_the_round_closes_when_all_graded(
    evaluation, people, clerk
):
    rows = closed_ballot(evaluation, people, clerk)
    with pytest.raises(ValidationError):
        services.grade_set(
            assessment=rows[people["probationary"].pk],
            grade=Grade.QUALIFIED,
            reason="",
            acting_user=clerk,
        )
    with pytest.raises(ValidationError):
        services.round_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    for member in people["full"]:
        services.grade_set(
            assessment=rows[member.pk], grade=Grade.QUALIFIED, reason="", acting_user=clerk
        )
    services.round_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    evaluation.refresh_from_db()
    assert evaluation.state == RoundState.CLOSED
    with pytest.raises(ValidationError):
        services.grade_set(
            assessment=rows[people["full"][0].pk],
            grade=Grade.BASIC,
            reason="改判",
            acting_user=clerk,
        )


# ---------------------------------------------------------------- anonymity, over every table


def foreign_keys_to(table: str, targets: set[str]) -> list[int]:
    """The positions of the columns of `table` that reference one of `targets`."""
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
        columns = [
            column.name for column in connection.introspection.get_table_description(cursor, table)
        ]
    return [
        columns.index(column) for column, (_field, target) in relations.items() if target in targets
    ]


def test_no_table_pairs_a_voter_with_the_grade_they_gave(evaluation, people, clerk, caplog):
    graded = people["full"]
    lone_voter, target = graded[0], graded[1]
    counters_before = set(GradeCount.objects.values_list("pk", flat=True))
    caplog.set_level(logging.DEBUG)
    # Only the lone voter gives 不合格, and only to the target.
    vote(evaluation, lone_voter, {target: Grade.UNQUALIFIED})
    for voter in graded[2:5]:
        vote(evaluation, voter, {target: Grade.EXCELLENT})
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    assert caplog.records == []  # casting a vote logs nothing
    # Votes created no row of their own: the counters are those made when the round opened.
    assert set(GradeCount.objects.values_list("pk", flat=True)) == counters_before
    assert not hasattr(GradeCount, "history") and not hasattr(BallotCast, "history")

    member_table = Member._meta.db_table
    user_table = lone_voter.user._meta.db_table if lone_voter.user else "auth_user"
    voter_refs = {(member_table, lone_voter.pk)}
    if lone_voter.user_id:
        voter_refs.add((user_table, lone_voter.user_id))
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        description = connection.introspection.get_table_description(
            cursor, GradeCount._meta.db_table
        )
    count_column = [column.name for column in description].index("count")
    checked = 0
    for table in tables:
        member_columns = foreign_keys_to(table, {member_table})
        user_columns = foreign_keys_to(table, {user_table})
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchall()
        for row in rows:
            if Grade.UNQUALIFIED not in row:
                continue
            if table == GradeCount._meta.db_table and row[count_column] == 0:
                continue  # a counter of nobody's vote (every member has one per grade)
            checked += 1
            refs = {(member_table, row[i]) for i in member_columns}
            refs |= {(user_table, row[i]) for i in user_columns}
            assert not refs & voter_refs, f"{table} pairs the voter with the grade: {row}"
            # The only row with the grade is the target's counter.
            assert (member_table, target.pk) in refs
    assert checked == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_after_the_ballot_closes_no_counter_keeps_the_transaction_of_a_vote(
    evaluation, people, clerk
):
    graded = people["full"]
    vote(evaluation, graded[0], {graded[1]: Grade.UNQUALIFIED})
    vote(evaluation, graded[2])
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT xmin::text) FROM members_gradecount WHERE round_id = %s",
            [evaluation.pk],
        )
        assert cursor.fetchone()[0] == 1


def test_a_vote_in_a_large_branch_is_counted(world, clerk):
    # One condition a counter once made SQLite refuse the UPDATE beyond ~1,000 members.
    Member.objects.bulk_create(
        MemberFactory.build(branch=world.branch, name=f"党员{n:04d}") for n in range(1100)
    )
    evaluation = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk
    )
    voter = world.member
    ballot = services.ballot_for(evaluation, voter)
    assert len(ballot) == 1105
    services.ballot_cast(
        evaluation=evaluation,
        voter=voter,
        grades={member.pk: Grade.QUALIFIED for member in ballot},
    )
    assert (
        GradeCount.objects.filter(round=evaluation, grade=Grade.QUALIFIED, count=1).count() == 1105
    )


def test_a_trust_poll_rates_the_committee_as_percentages_with_no_grades(world, people, clerk):
    from members.evaluation.selectors import round_progress
    from members.models import RoundKind, TrustGrade

    poll = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk, kind=RoundKind.TRUST
    )
    # The world's committee is its secretary; everyone else votes.
    rated = [row.member for row in Assessment.objects.filter(round=poll, graded=True)]
    assert rated == [world.secretary]
    assert set(GradeCount.objects.filter(round=poll).values_list("grade", flat=True)) == set(
        TrustGrade.values
    )
    # An evaluation round may run beside it.
    services.round_open(branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk)
    choices = [TrustGrade.TRUSTED] * 7 + [TrustGrade.MOSTLY] * 2 + [TrustGrade.NOT_TRUSTED]
    voters = [m for m in people["full"] if m != world.secretary] + [people["probationary"]]
    for voter, choice in zip(voters, choices, strict=False):
        services.ballot_cast(evaluation=poll, voter=voter, grades={world.secretary.pk: choice})
    with pytest.raises(ValidationError):  # a member-evaluation grade is not on this ballot
        services.ballot_cast(
            evaluation=poll, voter=people["full"][0], grades={world.secretary.pk: Grade.EXCELLENT}
        )
    services.ballot_close(evaluation=poll, closed_on=DAY, acting_user=clerk)
    (row,) = [r for r in round_progress(poll).rows if r.assessment.graded]
    assert row.trust_percent == (77.8, 100.0)  # 7 of 9, and 9 of 9 with 基本信任
    with pytest.raises(ValidationError):
        services.grade_set(
            assessment=row.assessment, grade=Grade.QUALIFIED, reason="", acting_user=clerk
        )
    services.round_close(evaluation=poll, closed_on=DAY, acting_user=clerk)
    poll.refresh_from_db()
    assert poll.state == RoundState.CLOSED


def test_in_a_large_branch_members_grade_within_their_own_group(world, people, clerk):
    from groups.services import group_member_place

    grouped = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk, within_groups=True
    )
    ballot = {member.name for member in services.ballot_for(grouped, world.member)}
    # A组: 书记, 甲组长, 普通党员 (the voter), and the two placed there by the fixture; 乙组's
    # members are not on it.
    assert world.secretary.name in ballot and world.leader_b.name not in ballot
    assert world.member.name not in ballot
    # A member who moved from A to B grades B's members, not A's.
    group_member_place(
        group=world.group_b, member=world.leader_a, started_on=DAY, acting_user=clerk
    )
    moved = {member.name for member in services.ballot_for(grouped, world.leader_a)}
    assert world.leader_b.name in moved and world.secretary.name not in moved
