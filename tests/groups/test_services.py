"""The organisation's write services: moves between groups, appointments, elections."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from groups import services
from groups.models import (
    CommitteeMembership,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
)
from members.models import Category
from tests.factories import (
    BranchFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    GroupMembershipFactory,
    MemberFactory,
    PartyGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2020, 9, 1)  # GroupMembershipFactory's start date
MOVE = datetime.date(2024, 9, 1)


@pytest.fixture
def branch():
    return BranchFactory()


@pytest.fixture
def group_a(branch):
    return PartyGroupFactory(branch=branch, name="A组")


@pytest.fixture
def group_b(branch):
    return PartyGroupFactory(branch=branch, name="B组")


@pytest.fixture
def acting_user():
    return UserFactory(username="secretary")


def in_group(group, **fields):
    return GroupMembershipFactory(group=group, **fields).member


def current_group(member):
    return GroupMembership.objects.current().get(member=member).group


# ---------------------------------------------------------------- group_member_place


def test_it_moves_a_member_ending_the_old_membership_on_the_move_date(
    group_a, group_b, acting_user
):
    member = in_group(group_a)

    new = services.group_member_place(
        group=group_b, member=member, started_on=MOVE, acting_user=acting_user
    )

    old = GroupMembership.objects.get(group=group_a, member=member)
    assert old.started_on == JOINED
    assert old.ended_on == MOVE
    new.refresh_from_db()
    assert (new.group, new.started_on, new.ended_on) == (group_b, MOVE, None)
    assert current_group(member) == group_b
    assert GroupMembership.objects.filter(member=member).count() == 2


def test_it_places_a_member_without_a_group(group_a, acting_user):
    member = MemberFactory(branch=group_a.branch)

    services.group_member_place(
        group=group_a, member=member, started_on=MOVE, acting_user=acting_user
    )

    assert current_group(member) == group_a
    assert GroupMembership.objects.get(member=member).started_on == MOVE


def test_it_leaves_a_member_already_in_the_group_untouched(group_a, acting_user):
    member = in_group(group_a)

    services.group_member_place(
        group=group_a, member=member, started_on=MOVE, acting_user=acting_user
    )

    membership = GroupMembership.objects.get(member=member)
    assert (membership.started_on, membership.ended_on) == (JOINED, None)


def test_it_ends_the_leadership_of_a_leader_who_moves_out(group_a, group_b, acting_user):
    leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=leader, role=GroupRole.LEADER)

    services.group_member_place(
        group=group_b, member=leader, started_on=MOVE, acting_user=acting_user
    )

    leadership = GroupLeadership.objects.get(group=group_a, member=leader)
    assert leadership.ended_on == MOVE
    assert not GroupLeadership.objects.current().filter(group=group_a).exists()


def test_it_keeps_the_leadership_of_other_members_when_someone_moves_out(
    group_a, group_b, acting_user
):
    leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=leader, role=GroupRole.LEADER)
    member = in_group(group_a)

    services.group_member_place(
        group=group_b, member=member, started_on=MOVE, acting_user=acting_user
    )

    assert GroupLeadership.objects.current().get(group=group_a).member == leader


def test_it_refuses_a_move_dated_before_the_current_membership_started(
    group_a, group_b, acting_user
):
    member = in_group(group_a, member__name="王老师")

    with pytest.raises(ValidationError) as error:
        services.group_member_place(
            group=group_b,
            member=member,
            started_on=JOINED - datetime.timedelta(days=1),
            acting_user=acting_user,
        )

    assert "王老师" in error.value.messages[0]
    assert "调整日期不能早于" in error.value.messages[0]
    assert current_group(member) == group_a
    assert GroupMembership.objects.get(member=member).ended_on is None


def test_it_accepts_a_move_dated_on_the_day_the_current_membership_started(
    group_a, group_b, acting_user
):
    member = in_group(group_a)

    services.group_member_place(
        group=group_b, member=member, started_on=JOINED, acting_user=acting_user
    )

    assert current_group(member) == group_b


def test_it_refuses_to_place_a_member_of_another_branch(group_a, acting_user):
    stranger = MemberFactory(name="外校党员", branch=BranchFactory(name="二支部"))

    with pytest.raises(ValidationError) as error:
        services.group_member_place(
            group=group_a, member=stranger, started_on=MOVE, acting_user=acting_user
        )

    assert "外校党员不是" in error.value.messages[0]
    assert not GroupMembership.objects.filter(member=stranger).exists()


def test_the_placement_check_says_why_for_each_member_in_one_query(
    group_a, django_assert_num_queries
):
    on_roll = MemberFactory(name="在册党员", branch=group_a.branch)
    applicant = MemberFactory(
        name="申请人",
        branch=group_a.branch,
        category=Category.APPLICANT,
        joined_on=None,
        full_member_on=None,
    )
    stranger = MemberFactory(name="外校党员", branch=BranchFactory(name="二支部"))

    with django_assert_num_queries(1):
        problems = services.group_member_place_check(
            [(group_a, on_roll), (group_a, applicant), (group_a, stranger)]
        )

    assert problems[0] is None
    assert "申请人不是在册党员" in problems[1].messages[0]
    assert "外校党员不是" in problems[2].messages[0]


# ---------------------------------------------------------------- group_leader_appoint


def test_it_ends_the_previous_leader_when_appointing_a_new_one(group_a, acting_user):
    old_leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=old_leader, role=GroupRole.LEADER)
    new_leader = in_group(group_a)

    services.group_leader_appoint(
        group=group_a, member=new_leader, started_on=MOVE, acting_user=acting_user
    )

    previous = GroupLeadership.objects.get(group=group_a, member=old_leader)
    assert previous.ended_on == MOVE
    current = GroupLeadership.objects.current().get(group=group_a, role=GroupRole.LEADER)
    assert (current.member, current.started_on) == (new_leader, MOVE)


def test_it_promotes_a_deputy_who_gives_up_the_deputy_post(group_a, acting_user):
    old_leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=old_leader, role=GroupRole.LEADER)
    deputy = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=deputy, role=GroupRole.DEPUTY)

    services.group_leader_appoint(
        group=group_a, member=deputy, started_on=MOVE, acting_user=acting_user
    )

    current = GroupLeadership.objects.current().filter(group=group_a)
    assert [(x.member, x.role) for x in current] == [(deputy, GroupRole.LEADER)]
    deputy_post = GroupLeadership.objects.get(group=group_a, member=deputy, role=GroupRole.DEPUTY)
    assert deputy_post.ended_on == MOVE


def test_it_appoints_a_deputy_without_touching_the_leader(group_a, acting_user):
    leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=leader, role=GroupRole.LEADER)
    deputy = in_group(group_a)

    services.group_leader_appoint(
        group=group_a,
        member=deputy,
        role=GroupRole.DEPUTY,
        started_on=MOVE,
        acting_user=acting_user,
    )

    current = {x.role: x.member for x in GroupLeadership.objects.current().filter(group=group_a)}
    assert current == {GroupRole.LEADER: leader, GroupRole.DEPUTY: deputy}


def test_it_leaves_the_current_leader_in_place_when_reappointed(group_a, acting_user):
    leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=leader, role=GroupRole.LEADER)

    services.group_leader_appoint(
        group=group_a, member=leader, started_on=MOVE, acting_user=acting_user
    )

    leadership = GroupLeadership.objects.get(group=group_a)
    assert (leadership.started_on, leadership.ended_on) == (JOINED, None)


def test_it_refuses_an_appointment_dated_before_the_current_leader_started(group_a, acting_user):
    old_leader = in_group(group_a, member__name="老组长")
    GroupLeadershipFactory(group=group_a, member=old_leader, started_on=MOVE)
    new_leader = in_group(group_a)

    with pytest.raises(ValidationError) as error:
        services.group_leader_appoint(
            group=group_a,
            member=new_leader,
            started_on=MOVE - datetime.timedelta(days=1),
            acting_user=acting_user,
        )

    assert "老组长自2024年9月1日起担任该职务" in error.value.messages[0]
    current = GroupLeadership.objects.current().get(group=group_a)
    assert (current.member, current.ended_on) == (old_leader, None)
    assert not GroupLeadership.objects.filter(member=new_leader).exists()


def test_it_refuses_to_appoint_someone_not_in_the_group(group_a, group_b, acting_user):
    old_leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=old_leader, role=GroupRole.LEADER)
    outsider = in_group(group_b, member__name="乙组党员")

    with pytest.raises(ValidationError) as error:
        services.group_leader_appoint(
            group=group_a, member=outsider, started_on=MOVE, acting_user=acting_user
        )

    assert "乙组党员不在A组" in error.value.messages[0]
    assert GroupLeadership.objects.current().get(group=group_a).member == old_leader
    assert not GroupLeadership.objects.filter(member=outsider).exists()


def test_it_refuses_to_appoint_someone_who_has_left_the_group(group_a, group_b, acting_user):
    former = in_group(group_a)
    services.group_member_place(
        group=group_b, member=former, started_on=MOVE, acting_user=acting_user
    )

    with pytest.raises(ValidationError):
        services.group_leader_appoint(
            group=group_a,
            member=former,
            started_on=MOVE + datetime.timedelta(days=1),
            acting_user=acting_user,
        )

    assert not GroupLeadership.objects.filter(member=former).exists()


# ---------------------------------------------------------------- committee_term_start


def test_it_ends_the_previous_term_posts_the_day_before_the_election(branch, acting_user):
    old_term = CommitteeTermFactory(branch=branch, number=1, elected_on=datetime.date(2022, 6, 1))
    old_secretary = CommitteeMembershipFactory(term=old_term, role=CommitteeRole.SECRETARY)
    old_organiser = CommitteeMembershipFactory(term=old_term, role=CommitteeRole.ORGANISATION)
    new_secretary = MemberFactory(branch=branch)
    elected_on = datetime.date(2025, 6, 1)

    term = services.committee_term_start(
        branch=branch,
        number=2,
        elected_on=elected_on,
        posts=[
            (CommitteeRole.SECRETARY, new_secretary),
            (CommitteeRole.ORGANISATION, old_organiser.member),
        ],
        acting_user=acting_user,
    )

    for post in (old_secretary, old_organiser):
        post.refresh_from_db()
        assert post.ended_on == datetime.date(2025, 5, 31)
    current = CommitteeMembership.objects.current().filter(term__branch=branch)
    assert {(p.term, p.role, p.member, p.started_on) for p in current} == {
        (term, CommitteeRole.SECRETARY, new_secretary, elected_on),
        (term, CommitteeRole.ORGANISATION, old_organiser.member, elected_on),
    }
    assert term.ends_on == datetime.date(2028, 6, 1)


def test_it_leaves_other_branches_posts_alone_at_an_election(branch, acting_user):
    other_post = CommitteeMembershipFactory(role=CommitteeRole.SECRETARY)

    services.committee_term_start(
        branch=branch,
        number=1,
        elected_on=datetime.date(2025, 6, 1),
        posts=[(CommitteeRole.SECRETARY, MemberFactory(branch=branch))],
        acting_user=acting_user,
    )

    other_post.refresh_from_db()
    assert other_post.ended_on is None


def test_it_refuses_an_election_of_a_member_of_another_branch_and_changes_nothing(
    branch, acting_user
):
    old_term = CommitteeTermFactory(branch=branch, number=1, elected_on=datetime.date(2022, 6, 1))
    old_post = CommitteeMembershipFactory(term=old_term, role=CommitteeRole.SECRETARY)
    stranger = MemberFactory(name="外校党员")

    with pytest.raises(ValidationError) as error:
        services.committee_term_start(
            branch=branch,
            number=2,
            elected_on=datetime.date(2025, 6, 1),
            posts=[(CommitteeRole.SECRETARY, stranger)],
            acting_user=acting_user,
        )

    assert "外校党员不是" in error.value.messages[0]
    old_post.refresh_from_db()
    assert old_post.ended_on is None
    assert not CommitteeTerm.objects.filter(branch=branch, number=2).exists()


# ---------------------------------------------------------------- audit history


def _history_ids(*models):
    return {model: set(model.history.values_list("history_id", flat=True)) for model in models}


def assert_new_history_by(before: dict, user) -> None:
    """Every history row written since `before` names `user`, and there is at least one."""
    new_rows = [
        row
        for model, ids in before.items()
        for row in model.history.exclude(history_id__in=ids).select_related("history_user")
    ]
    assert new_rows
    assert {row.history_user for row in new_rows} == {user}


def test_it_records_the_acting_user_when_moving_a_member(group_a, group_b, acting_user):
    leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=leader, role=GroupRole.LEADER)
    before = _history_ids(GroupMembership, GroupLeadership)

    services.group_member_place(
        group=group_b, member=leader, started_on=MOVE, acting_user=acting_user
    )

    assert GroupMembership.history.latest().history_user == acting_user
    assert GroupLeadership.history.latest().history_user == acting_user
    assert_new_history_by(before, acting_user)


def test_it_records_the_acting_user_when_appointing_a_leader(group_a, acting_user):
    old_leader = in_group(group_a)
    GroupLeadershipFactory(group=group_a, member=old_leader, role=GroupRole.LEADER)
    new_leader = in_group(group_a)
    before = _history_ids(GroupLeadership)

    services.group_leader_appoint(
        group=group_a, member=new_leader, started_on=MOVE, acting_user=acting_user
    )

    assert GroupLeadership.history.latest().history_user == acting_user
    assert_new_history_by(before, acting_user)
    ended = GroupLeadership.history.filter(member=old_leader).latest()
    assert (ended.ended_on, ended.history_user) == (MOVE, acting_user)


def test_it_records_the_acting_user_when_starting_a_term(branch, acting_user):
    old_term = CommitteeTermFactory(branch=branch, number=1, elected_on=datetime.date(2022, 6, 1))
    CommitteeMembershipFactory(term=old_term, role=CommitteeRole.SECRETARY)
    before = _history_ids(CommitteeTerm, CommitteeMembership)

    services.committee_term_start(
        branch=branch,
        number=2,
        elected_on=datetime.date(2025, 6, 1),
        posts=[(CommitteeRole.SECRETARY, MemberFactory(branch=branch))],
        acting_user=acting_user,
    )

    assert CommitteeTerm.history.latest().history_user == acting_user
    assert CommitteeMembership.history.latest().history_user == acting_user
    assert_new_history_by(before, acting_user)
