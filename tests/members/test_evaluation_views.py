"""The evaluation pages: who may open what, a ballot cast from a phone page with its
confirmation, a second ballot refused, the tally only after the ballot closes, the final
grades set on the page, the anonymity check over every table after voting through the pages,
and query budgets that do not grow with the members."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from members.evaluation import services
from members.models import Assessment, BallotCast, Grade, GradeCount, Member
from tests.conftest import assert_matrix, client_for
from tests.factories import UserFactory, member_in_group

DAY = datetime.date(2026, 12, 10)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def evaluation(world, clerk):
    return services.round_open(branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk)


def ballot_data(evaluation, voter, grade=Grade.QUALIFIED, **extra):
    data = {f"grade_{m.pk}": grade for m in services.ballot_for(evaluation, voter)}
    return data | extra


def test_the_round_pages_are_for_the_committee_viewers_and_leaders(personas, world, evaluation):
    assert_matrix(
        personas,
        "get",
        reverse("evaluation:round_list", args=[world.branch.pk]),
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 200,
            "outsider": 404,
        },
    )
    assert_matrix(
        personas,
        "get",
        reverse("evaluation:round", args=[evaluation.pk]),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 200,
            "outsider": 404,
        },
    )


def test_every_member_of_the_round_has_a_ballot_outsiders_none(personas, evaluation):
    assert_matrix(
        personas,
        "get",
        reverse("evaluation:ballot", args=[evaluation.pk]),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 200,
            "viewer": 403,
            "outsider": 404,
        },
    )


@pytest.mark.parametrize("name", ["ballot_close", "round_close"])
def test_closing_is_for_the_committee(personas, evaluation, name):
    url = reverse(f"evaluation:{name}", args=[evaluation.pk])
    forbidden = {
        "leader_a": 403,
        "leader_b": 403,
        "member": 403,
        "viewer": 403,
        "outsider": 404,
    }
    assert_matrix({n: personas[n] for n in forbidden}, "post", url, forbidden)
    assert evaluation.casts.count() == 0
    evaluation.refresh_from_db()
    assert evaluation.state == "open"


def test_opening_a_round_is_for_the_committee(personas, world):
    url = reverse("evaluation:round_list", args=[world.branch.pk])
    response = personas["viewer"].post(url, {"year": 2026, "opened_on": "2026-12-01"})
    assert response.status_code == 403
    response = personas["secretary"].post(url, {"year": 2026, "opened_on": "2026-12-01"})
    assert response.status_code == 302
    assert world.branch.evaluation_rounds.count() == 1


def test_a_member_votes_from_the_ballot_page_after_confirming(world, evaluation, member_client):
    url = reverse("evaluation:ballot", args=[evaluation.pk])
    page = member_client.get(url).content.decode()
    assert "基本合格" in page and world.secretary.name in page
    # An incomplete ballot keeps what was chosen and says what is missing.
    data = ballot_data(evaluation, world.member)
    first = next(iter(data))
    partial = {k: v for k, v in data.items() if k != first}
    response = member_client.post(url, partial)
    assert response.status_code == 200 and not BallotCast.objects.exists()
    assert "请为该党员选择等次" in response.content.decode()
    # Complete: a confirmation first, nothing counted yet.
    response = member_client.post(url, data)
    assert "提交" in response.content.decode() and not BallotCast.objects.exists()
    response = member_client.post(url, data | {"confirmed": "1"})
    assert response.status_code == 302
    assert BallotCast.objects.filter(voter=world.member).exists()
    page = member_client.get(url).content.decode()
    assert "已提交" in page
    # A second ballot is not counted.
    member_client.post(url, data | {"confirmed": "1"})
    assert BallotCast.objects.count() == 1
    assert sum(GradeCount.objects.values_list("count", flat=True)) == len(data)


def test_a_leader_sees_who_has_voted_in_their_group_and_no_tally(
    world, evaluation, leader_a_client, secretary_client, clerk
):
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    page = leader_a_client.get(reverse("evaluation:round", args=[evaluation.pk])).content.decode()
    assert world.member.name in page and world.leader_b.name not in page
    assert "基本合格" not in page  # no tally columns for a leader
    page = secretary_client.get(reverse("evaluation:round", args=[evaluation.pk])).content.decode()
    assert "基本合格" in page and world.leader_b.name in page


def test_the_committee_sets_grades_on_the_page_and_the_cap_is_told(
    world, evaluation, secretary_client, clerk
):
    for member in Member.objects.filter(branch=world.branch):
        services.ballot_cast(
            evaluation=evaluation,
            voter=member,
            grades={m.pk: Grade.QUALIFIED for m in services.ballot_for(evaluation, member)},
        )
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    rows = list(Assessment.objects.filter(round=evaluation, graded=True))
    # 6 graded: at most 2 优秀.
    for row in rows[:3]:
        secretary_client.post(
            reverse("evaluation:grade", args=[row.pk]), {"grade": "excellent", "reason": "公认"}
        )
    assert Assessment.objects.filter(round=evaluation, final_grade="excellent").count() == 2
    page = secretary_client.get(reverse("evaluation:round", args=[evaluation.pk])).content.decode()
    assert "最多 2 人" in page


def test_no_table_pairs_a_voter_with_a_grade_after_voting_through_the_pages(
    world, evaluation, clerk
):
    voter, target = world.member, world.leader_b
    client = client_for(voter.user)
    url = reverse("evaluation:ballot", args=[evaluation.pk])
    data = ballot_data(evaluation, voter) | {f"grade_{target.pk}": Grade.UNQUALIFIED}
    client.post(url, data | {"confirmed": "1"})
    for other in (world.secretary, world.leader_a):
        client_for(other.user).post(url, ballot_data(evaluation, other) | {"confirmed": "1"})
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    assert BallotCast.objects.count() == 3

    member_table, user_table = Member._meta.db_table, voter.user._meta.db_table
    voter_refs = {(member_table, voter.pk), (user_table, voter.user_id)}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    given = 0
    for table in tables:
        with connection.cursor() as cursor:
            relations = connection.introspection.get_relations(cursor, table)
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchall()
        refs_at = [
            (columns.index(column), target_table)
            for column, (_field, target_table) in relations.items()
            if target_table in (member_table, user_table)
        ]
        for row in rows:
            if Grade.UNQUALIFIED not in row:
                continue
            if table == GradeCount._meta.db_table and row[columns.index("count")] == 0:
                continue
            given += 1
            refs = {(target_table, row[i]) for i, target_table in refs_at}
            assert not refs & voter_refs, f"{table} pairs the voter with the grade: {row}"
    assert given == 1  # the target's counter, and nothing else


def test_the_round_page_costs_the_same_for_more_members(
    world, clerk, secretary_client, query_counter
):
    names = iter(range(100))

    def grow():
        member_in_group(world.group_b, name=f"新党员{next(names)}")

    grow()
    evaluation = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk
    )
    services.ballot_close(evaluation=evaluation, closed_on=DAY, acting_user=clerk)
    url = reverse("evaluation:round", args=[evaluation.pk])

    def grow_round():
        member = member_in_group(world.group_b, name=f"新党员{next(names)}")
        services_assessment = Assessment(round=evaluation, member=member, graded=True)
        services_assessment.save()
        GradeCount.objects.bulk_create(
            GradeCount(round=evaluation, member=member, grade=g) for g in Grade.values
        )

    query_counter.assert_constant(lambda: secretary_client.get(url), grow_round)


def test_a_member_is_asked_to_vote_on_their_own_page_until_they_have(
    world, evaluation, member_client
):
    page_url = reverse("members:member_detail", args=[world.member.pk])
    assert (
        reverse("evaluation:ballot", args=[evaluation.pk])
        in member_client.get(page_url).content.decode()
    )
    member_client.post(
        reverse("evaluation:ballot", args=[evaluation.pk]),
        ballot_data(evaluation, world.member) | {"confirmed": "1"},
    )
    assert (
        reverse("evaluation:ballot", args=[evaluation.pk])
        not in member_client.get(page_url).content.decode()
    )


def test_staff_ballots_are_entered_as_totals_and_shown_apart(world, clerk, secretary_client):
    staffed = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk, staff_rate=True
    )
    url = reverse("evaluation:staff", args=[staffed.pk])
    graded = [row.member for row in staffed.assessments.filter(graded=True)]
    data = {"ballots": 12} | {f"qualified_{m.pk}": 10 for m in graded}
    data[f"excellent_{graded[0].pk}"] = 3  # 13 grades from 12 ballots: refused, kept
    response = secretary_client.post(url, data)
    assert response.status_code == 200 and 'value="13"' not in response.content.decode()
    assert 'value="3"' in response.content.decode()
    assert not staffed.staff_counts.exists()
    data[f"excellent_{graded[0].pk}"] = 2
    assert secretary_client.post(url, data).status_code == 302
    staffed.refresh_from_db()
    assert staffed.staff_ballots == 12
    assert staffed.staff_counts.get(member=graded[0], grade=Grade.EXCELLENT).count == 2
    # Counted apart: the members' ballot counters are untouched.
    assert sum(GradeCount.objects.filter(round=staffed).values_list("count", flat=True)) == 0
    services.ballot_close(evaluation=staffed, closed_on=DAY, acting_user=clerk)
    page = secretary_client.get(reverse("evaluation:round", args=[staffed.pk])).content.decode()
    assert "12 张群众测评票" in page


def test_staff_ballots_are_for_the_committee(personas, world, clerk):
    staffed = services.round_open(
        branch=world.branch, year=2026, opened_on=DAY, acting_user=clerk, staff_rate=True
    )
    assert_matrix(
        personas,
        "get",
        reverse("evaluation:staff", args=[staffed.pk]),
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )


def test_a_trust_poll_is_voted_and_read_as_percentages_on_the_pages(
    world, clerk, member_client, secretary_client
):
    from members.models import RoundKind

    response = secretary_client.post(
        reverse("evaluation:round_list", args=[world.branch.pk]),
        {"kind": RoundKind.TRUST, "year": 2026, "opened_on": "2026-12-01"},
    )
    poll = world.branch.evaluation_rounds.get(kind=RoundKind.TRUST)
    assert response.status_code == 302
    url = reverse("evaluation:ballot", args=[poll.pk])
    page = member_client.get(url).content.decode()
    assert "基本信任" in page and "优秀" not in page
    member_client.post(url, {f"grade_{world.secretary.pk}": "trusted", "confirmed": "1"})
    services.ballot_close(evaluation=poll, closed_on=DAY, acting_user=clerk)
    page = secretary_client.get(reverse("evaluation:round", args=[poll.pk])).content.decode()
    assert "信任 100.0%" in page and "信任度测评" in page
