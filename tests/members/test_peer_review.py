"""党员互评: the points the members raised of each other, recorded per member by the committee
or by a leader for their own group; read by the member on their page and by the committee
beside the tally; closed rounds and trust polls refuse it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.evaluation import services
from members.models import Assessment, Grade, RoundKind
from tests.conftest import assert_matrix
from tests.factories import UserFactory, member_in_group

OPENED = datetime.date(2026, 11, 20)
HELD = datetime.date(2026, 11, 25)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def evaluation(world, clerk):
    return services.round_open(branch=world.branch, year=2026, opened_on=OPENED, acting_user=clerk)


def assessment_of(evaluation, member) -> Assessment:
    return evaluation.assessments.get(member=member)


def test_the_peer_review_page_is_for_the_committee_and_the_leaders(personas, evaluation):
    assert_matrix(
        personas,
        "get",
        reverse("evaluation:peer_review", args=[evaluation.pk]),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )


def test_a_leader_records_their_group_and_cannot_reach_another(world, evaluation, leader_a_client):
    url = reverse("evaluation:peer_review", args=[evaluation.pk])
    ours = assessment_of(evaluation, world.member)
    theirs = assessment_of(evaluation, world.leader_b)
    # Asking for group B falls back to the leader's own group.
    page = leader_a_client.get(url, {"group": world.group_b.pk}).content.decode()
    assert world.member.name in page and world.leader_b.name not in page
    response = leader_a_client.post(
        f"{url}?group={world.group_b.pk}",
        {
            "reviewed_on": HELD.isoformat(),
            f"comments_{ours.pk}": "  工作认真 \n\n 建议多参加教研交流  ",
            f"comments_{theirs.pk}": "不该写进去",
        },
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.peer_comments == "工作认真\n建议多参加教研交流"
    assert ours.peer_reviewed_on == HELD
    assert theirs.peer_comments == "" and theirs.peer_reviewed_on is None
    assert ours.history.first().history_user == world.leader_a.user


def test_the_member_reads_the_points_on_their_page_and_the_committee_on_the_round(
    world, evaluation, clerk, member_client, secretary_client
):
    ours = assessment_of(evaluation, world.member)
    services.peer_reviews_save(
        evaluation=evaluation,
        comments={ours.pk: "乐于助人\n理论学习需加强"},
        reviewed_on=HELD,
        acting_user=clerk,
    )
    own = member_client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert "理论学习需加强" in own.content.decode()
    round_page = secretary_client.get(reverse("evaluation:round", args=[evaluation.pk]))
    assert "理论学习需加强" in round_page.content.decode()


def test_the_committee_may_record_everyone_a_page_at_a_time(world, evaluation, secretary_client):
    url = reverse("evaluation:peer_review", args=[evaluation.pk])
    page = secretary_client.get(url, {"group": "all"}).content.decode()
    assert world.member.name in page and world.leader_b.name in page
    page = secretary_client.get(url, {"group": world.group_b.pk}).content.decode()
    assert world.leader_b.name in page and world.member.name not in page


def test_a_bad_date_keeps_what_was_typed(world, evaluation, leader_a_client):
    url = reverse("evaluation:peer_review", args=[evaluation.pk])
    ours = assessment_of(evaluation, world.member)
    future = datetime.date.today() + datetime.timedelta(days=3)
    response = leader_a_client.post(
        url, {"reviewed_on": future.isoformat(), f"comments_{ours.pk}": "敢于担当"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "敢于担当" in page and "日期不能晚于今天" in page
    ours.refresh_from_db()
    assert ours.peer_comments == ""


def test_unchanged_points_keep_their_day_and_emptied_ones_are_cleared(world, evaluation, clerk):
    ours = assessment_of(evaluation, world.member)
    other = assessment_of(evaluation, world.leader_a)
    services.peer_reviews_save(
        evaluation=evaluation,
        comments={ours.pk: "一", other.pk: "二"},
        reviewed_on=HELD,
        acting_user=clerk,
    )
    later = HELD + datetime.timedelta(days=2)
    saved = services.peer_reviews_save(
        evaluation=evaluation,
        comments={ours.pk: "一", other.pk: ""},
        reviewed_on=later,
        acting_user=clerk,
    )
    assert [row.pk for row in saved] == [other.pk]
    ours.refresh_from_db()
    other.refresh_from_db()
    assert (ours.peer_comments, ours.peer_reviewed_on) == ("一", HELD)
    assert (other.peer_comments, other.peer_reviewed_on) == ("", None)


def test_closed_rounds_trust_polls_and_other_rounds_members_are_refused(world, evaluation, clerk):
    ours = assessment_of(evaluation, world.member)
    trust = services.round_open(
        branch=world.branch,
        year=2026,
        opened_on=OPENED,
        kind=RoundKind.TRUST,
        acting_user=clerk,
    )
    with pytest.raises(ValidationError, match="信任度测评没有党员互评"):
        services.peer_reviews_save(
            evaluation=trust, comments={}, reviewed_on=HELD, acting_user=clerk
        )
    with pytest.raises(ValidationError, match="只能记录参加本次评议的党员"):
        services.peer_reviews_save(
            evaluation=evaluation,
            comments={trust.assessments.first().pk: "串到别的评议"},
            reviewed_on=HELD,
            acting_user=clerk,
        )
    services.ballot_close(evaluation=evaluation, closed_on=HELD, acting_user=clerk)
    for assessment in evaluation.assessments.filter(graded=True):
        services.grade_set(
            assessment=assessment, grade=Grade.QUALIFIED, reason="会上评定", acting_user=clerk
        )
    services.round_close(evaluation=evaluation, closed_on=HELD, acting_user=clerk)
    with pytest.raises(ValidationError, match="已结束"):
        services.peer_reviews_save(
            evaluation=evaluation,
            comments={ours.pk: "太晚了"},
            reviewed_on=HELD,
            acting_user=clerk,
        )


def test_the_peer_review_page_costs_the_same_for_more_members(
    world, evaluation, secretary_client, query_counter
):
    url = reverse("evaluation:peer_review", args=[evaluation.pk])
    names = iter(range(100))

    def grow():
        member = member_in_group(world.group_a, name=f"新党员{next(names)}")
        Assessment.objects.create(round=evaluation, member=member, graded=True)

    query_counter.assert_constant(lambda: secretary_client.get(url), grow)
