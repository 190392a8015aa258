"""党纪处分 and the rights they take away, the committee's eligibility and size, and the
ways of leaving the roll — each at its boundary day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import MeetingType
from activities.votes import quorum_of
from groups.models import CommitteeMembership, CommitteeRole, GroupLeadership
from groups.selectors import branch_overview, term_posts, term_warnings
from groups.services import committee_term_start
from members import services
from members.models import (
    ExitGround,
    ExitKind,
    Member,
    RecruitmentStep,
    Sanction,
    SanctionKind,
    Status,
)
from members.recruitment.services import recruitment_step_record
from tests.factories import member_in_group, recorded_meeting

D = datetime.date
FROM, TO = D(2026, 3, 1), D(2027, 2, 28)  # 留党察看一年: its first and last day


def sanction(world, member, kind=SanctionKind.PROBATION, ends_on=TO):
    return services.sanction_record(
        member=member,
        kind=kind,
        started_on=FROM,
        ends_on=ends_on,
        decision="支部大会决定，上级党委批准",
        acting_user=world.secretary.user,
    )


def refusal(action) -> list[str]:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.messages


@pytest.mark.parametrize(
    ("day", "votes"),
    [
        (FROM - datetime.timedelta(1), True),
        (FROM, False),
        (TO, False),
        (TO + datetime.timedelta(1), True),
    ],
)
def test_a_member_under_probation_attends_without_a_vote_from_its_first_to_its_last_day(
    world, day, votes
):
    sanction(world, world.member)
    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=day)
    row = meeting.attendances.get(member=world.member)  # still expected (应到)
    full_rows = meeting.attendances.filter(category="full").count()
    assert row.votes is votes
    assert quorum_of(list(meeting.attendances.all())).voting_expected == full_rows - (not votes)


def test_other_sanctions_change_no_vote(world):
    sanction(world, world.member, kind=SanctionKind.SERIOUS_WARNING, ends_on=None)
    meeting = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=FROM)
    assert meeting.attendances.get(member=world.member).votes is True


def test_probation_and_dismissal_end_the_members_posts_the_day_before(world):
    sanction(world, world.leader_a, kind=SanctionKind.DISMISSAL, ends_on=None)
    post = GroupLeadership.objects.get(member=world.leader_a)
    assert post.ended_on == FROM - datetime.timedelta(1)
    sanction(world, world.secretary)
    assert CommitteeMembership.objects.get(member=world.secretary).ended_on is not None


def test_a_warning_keeps_the_posts(world):
    sanction(world, world.leader_a, kind=SanctionKind.WARNING, ends_on=None)
    assert GroupLeadership.objects.get(member=world.leader_a).ended_on is None


def test_probation_lasts_at_most_two_years_to_the_day(world):
    sanction(world, world.member, ends_on=D(2028, 2, 29))  # 2026-03-01 + 2 years - 1 day
    assert (
        "2028年2月29日"
        in refusal(lambda: sanction(world, world.leader_b, ends_on=D(2028, 3, 1)))[0]
    )


def test_probation_needs_its_last_day(world):
    assert refusal(lambda: sanction(world, world.member, ends_on=None))


@pytest.mark.parametrize(
    ("elected_on", "refused"), [(FROM, True), (TO, True), (TO + datetime.timedelta(1), False)]
)
def test_a_member_under_probation_cannot_be_elected_until_it_ends(world, elected_on, refused):
    sanction(world, world.member)
    elect = lambda: committee_term_start(  # noqa: E731
        branch=world.branch,
        number=2,
        elected_on=elected_on,
        posts=[(CommitteeRole.SECRETARY, world.member)],
        acting_user=world.secretary.user,
    )
    if refused:
        assert "留党察看" in refusal(elect)[0]
    else:
        elect()


def test_a_probationary_member_cannot_be_elected_and_is_warned_about(world):
    probationary = member_in_group(world.group_b, name="预备党员", probationary=True)
    messages = refusal(
        lambda: committee_term_start(
            branch=world.branch,
            number=2,
            elected_on=D(2026, 9, 1),
            posts=[(CommitteeRole.SECRETARY, probationary)],
            acting_user=world.secretary.user,
        )
    )
    assert "第七条" in messages[0]
    term = world.branch.terms.get()
    CommitteeMembership.objects.create(
        term=term, member=probationary, role=CommitteeRole.MEMBER, started_on=term.elected_on
    )
    warnings = term_warnings(world.branch, term, term_posts(term), 9, timezone.localdate())
    expected = (
        "预备党员 不是正式党员：预备党员没有被选举权，不能担任支委（党章第七条）。请改选正式党员。"
    )
    assert [w.level for w in warnings if w.message == expected] == ["danger"]


@pytest.mark.parametrize(("today", "warned"), [(TO, True), (TO + datetime.timedelta(1), False)])
def test_a_post_held_under_probation_is_warned_about_while_it_runs(world, today, warned):
    """A post written past the services (the workbench of old) is still pointed out."""
    sanction(world, world.member)
    term = world.branch.terms.get()
    CommitteeMembership.objects.create(
        term=term, member=world.member, role=CommitteeRole.MEMBER, started_on=term.elected_on
    )
    warnings = term_warnings(world.branch, term, term_posts(term), 9, today)
    danger = [w.message for w in warnings if w.level == "danger"]
    expected = (
        f"普通党员 在{TO.year}年{TO.month}月{TO.day}日处于留党察看期间，没有被选举权"
        "（党章第四十一条）。请改选其他正式党员。"
    )
    assert danger == ([expected] if warned else [])


def test_the_committee_size_counts_people_not_posts(world):
    term = world.branch.terms.get()
    for role in (CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY):
        CommitteeMembership.objects.create(
            term=term, member=world.secretary, role=role, started_on=term.elected_on
        )
    posts = term_posts(term)
    assert len(posts) == 3
    warnings = term_warnings(world.branch, term, posts, 7, timezone.localdate())
    assert "正式党员 7 名，应设立 3 人以上的支部委员会；目前仅有 1 人担任支委。" in [
        w.message for w in warnings
    ]


def test_suspended_members_do_not_count_as_full_members(world):
    before = branch_overview(world.branch)["counts"]["full"]
    services.member_suspend(
        member=world.member, on=D(2026, 3, 1), reason="出国", acting_user=world.secretary.user
    )
    assert branch_overview(world.branch)["counts"]["full"] == before - 1


@pytest.mark.parametrize(
    ("ground", "kind", "allowed"),
    [
        (ExitGround.PERSUADED, ExitKind.RESIGNED, True),
        (ExitGround.PERSUADED, ExitKind.REMOVED, True),
        (ExitGround.PERSUADED, ExitKind.EXPELLED, False),
        (ExitGround.LAPSED, ExitKind.REMOVED, True),
        (ExitGround.LAPSED, ExitKind.RESIGNED, False),
    ],
)
def test_persuasion_and_lapsing_end_only_as_the_constitution_says(world, ground, kind, allowed):
    leave = lambda: services.member_exit(  # noqa: E731
        member=world.member,
        kind=kind,
        ground=ground,
        on=D(2026, 5, 1),
        reason="支部大会决定",
        acting_user=world.secretary.user,
    )
    if allowed:
        member = leave()
        assert (member.exit_ground, member.exit_kind, member.status) == (
            ground,
            kind,
            Status.EXITED,
        )
        assert member.history.filter(exit_ground=ground).exists()
    else:
        assert refusal(leave)


def test_a_death_leaves_the_roll_without_leaving_the_party(world):
    services.member_death_record(
        member=world.member, on=D(2026, 5, 1), reason="病故", acting_user=world.secretary.user
    )
    member = Member.objects.get(pk=world.member.pk)
    assert (member.status, member.exit_kind) == (Status.DECEASED, "")
    assert not Member.objects.on_roll().filter(pk=member.pk).exists()
    day_before = recorded_meeting(
        branch=world.branch, kind=MeetingType.GENERAL, held_on=D(2026, 4, 30)
    )
    day_of = recorded_meeting(branch=world.branch, kind=MeetingType.GENERAL, held_on=D(2026, 5, 1))
    assert day_before.attendances.filter(member=member).exists()
    assert not day_of.attendances.filter(member=member).exists()


def test_not_recognised_is_a_way_out(world):
    member = services.member_exit(
        member=world.member,
        kind=ExitKind.NOT_RECOGNISED,
        on=D(2026, 5, 1),
        reason="上级党委不予承认",
        acting_user=world.secretary.user,
    )
    assert member.exit_kind == ExitKind.NOT_RECOGNISED


def test_cancelling_probation_takes_the_member_off_the_probationary_list(world):
    probationary = member_in_group(world.group_b, name="预备党员", probationary=True)
    recorded = recruitment_step_record(
        member=probationary,
        step=RecruitmentStep.objects.get(code="probation_cancelled"),
        on=D(2026, 12, 1),
        reference="支部大会决议",
        acting_user=world.secretary.user,
        today=D(2027, 1, 1),
    )
    assert recorded.warnings == []  # it may come at any time of probation
    member = Member.objects.get(pk=probationary.pk)
    assert (member.status, member.exit_kind) == (Status.EXITED, ExitKind.PROBATION_CANCELLED)
    assert member.recruitment_records.filter(step__code="probation_cancelled").exists()
    assert not Member.objects.on_roll().filter(pk=member.pk).exists()


def test_a_full_member_cannot_have_probation_cancelled(world):
    assert refusal(
        lambda: services.member_exit(
            member=world.member,
            kind=ExitKind.PROBATION_CANCELLED,
            on=D(2026, 5, 1),
            reason="x",
            acting_user=world.secretary.user,
        )
    )


def test_a_suspended_member_does_not_make_the_committee_threshold(world):
    extra = member_in_group(world.group_b, name="第七名正式党员")
    assert branch_overview(world.branch)["committee_required"] is True  # 7 full members
    services.member_suspend(
        member=extra, on=D(2026, 3, 1), reason="出国", acting_user=world.secretary.user
    )
    assert branch_overview(world.branch)["committee_required"] is False  # 6 count


def test_more_than_seven_people_on_the_committee_is_pointed_out(world):
    term = world.branch.terms.get()
    people = [member_in_group(world.group_b, name=f"委员{n}") for n in range(7)]
    for person in people:
        CommitteeMembership.objects.create(
            term=term, member=person, role=CommitteeRole.MEMBER, started_on=term.elected_on
        )
    warnings = term_warnings(world.branch, term, term_posts(term), 13, timezone.localdate())
    assert "支部委员会有 8 人：一般不超过 7 人。" in [w.message for w in warnings]


def test_one_year_of_probation_extends_once_by_a_year(world):
    probation = sanction(world, world.member)
    services.sanction_probation_extend(
        sanction=probation, decision="延长一年", acting_user=world.secretary.user
    )
    probation.refresh_from_db()
    assert probation.ends_on == D(2028, 2, 29)
    assert probation.history.count() == 2
    assert refusal(
        lambda: services.sanction_probation_extend(
            sanction=probation, decision="再延长", acting_user=world.secretary.user
        )
    )


def test_the_admin_shows_a_members_sanctions_without_editing_them(world, secretary_client):
    sanction(world, world.member)
    response = secretary_client.get(reverse("admin:members_member_change", args=[world.member.pk]))
    formsets = response.context["inline_admin_formsets"]
    (sanctions,) = [f for f in formsets if f.opts.model is Sanction]
    assert not sanctions.has_change_permission and not sanctions.has_add_permission
    assert "支部大会决定，上级党委批准" in response.content.decode()
