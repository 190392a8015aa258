"""Warnings of the branch overview and of each group (domain §1)."""

import datetime

import pytest

from groups import selectors
from groups.models import CommitteeRole, GroupRole
from members.models import Category
from tests.factories import (
    BranchFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    GroupMembershipFactory,
    MemberFactory,
    PartyGroupFactory,
)

pytestmark = pytest.mark.django_db

ELECTED = datetime.date(2025, 6, 1)
ENDS = datetime.date(2028, 6, 1)  # three years later, the default term length


def messages(overview) -> list[str]:
    return [w.message for w in overview["warnings"]]


def levels(overview) -> dict[str, str]:
    return {w.message: w.level for w in overview["warnings"]}


def with_members(branch, full: int, probationary: int = 0) -> list:
    members = [MemberFactory(branch=branch) for _ in range(full)]
    members += [MemberFactory(branch=branch, probationary=True) for _ in range(probationary)]
    return members


def with_term(branch, *, secretary=None, **fields):
    term = CommitteeTermFactory(branch=branch, number=1, elected_on=ELECTED, **fields)
    CommitteeMembershipFactory(
        term=term,
        member=secretary or MemberFactory(branch=branch),
        role=CommitteeRole.SECRETARY,
    )
    return term


def overview(branch, today=datetime.date(2026, 1, 15)):
    return selectors.branch_overview(branch, today=today)


# ---------------------------------------------------------------- committee threshold


def test_it_does_not_require_a_committee_for_six_full_and_three_probationary_members():
    branch = BranchFactory()
    members = with_members(branch, full=6, probationary=3)
    with_term(branch, secretary=members[0])

    result = overview(branch)

    assert result["counts"]["full"] == 6
    assert result["counts"]["probationary"] == 3
    assert result["committee_required"] is False
    assert not [m for m in messages(result) if "支部委员会" in m]


def test_it_requires_a_committee_for_seven_full_members():
    branch = BranchFactory()
    members = with_members(branch, full=7)
    with_term(branch, secretary=members[0])

    result = overview(branch)

    assert result["committee_required"] is True
    assert "正式党员 7 名，应设立 3 人以上的支部委员会；目前仅有 1 人担任支委。" in messages(result)


def test_it_is_satisfied_by_a_committee_of_three_for_seven_full_members():
    branch = BranchFactory()
    members = with_members(branch, full=7)
    term = with_term(branch, secretary=members[0])
    for role, member in [(CommitteeRole.ORGANISATION, members[1]), ("publicity", members[2])]:
        CommitteeMembershipFactory(term=term, member=member, role=role)

    assert not [m for m in messages(overview(branch)) if "支部委员会" in m]


def test_it_does_not_count_another_branch_members_towards_the_committee_threshold():
    branch = BranchFactory()
    members = with_members(branch, full=6)
    with_members(BranchFactory(), full=5)
    with_term(branch, secretary=members[0])

    result = overview(branch)

    assert result["counts"]["full"] == 6
    assert result["committee_required"] is False


# ---------------------------------------------------------------- term boundaries


def term_warnings_on(today, *, warning_days=None):
    branch = BranchFactory(**({"term_warning_days": warning_days} if warning_days else {}))
    members = with_members(branch, full=3)
    with_term(branch, secretary=members[0])
    return [w for w in overview(branch, today=today)["warnings"] if "换届" in w.message]


def test_it_warns_when_the_term_ends_in_exactly_the_warning_days():
    warnings = term_warnings_on(ENDS - datetime.timedelta(days=90))
    assert [(w.message, w.level) for w in warnings] == [
        ("第1届任期将于2028年6月1日届满，还有 90 天，请做好换届准备。", "warning")
    ]


def test_it_does_not_warn_one_day_before_the_warning_period():
    assert term_warnings_on(ENDS - datetime.timedelta(days=91)) == []


def test_it_uses_the_branch_own_warning_period():
    assert term_warnings_on(ENDS - datetime.timedelta(days=30), warning_days=30)
    assert term_warnings_on(ENDS - datetime.timedelta(days=31), warning_days=30) == []


def test_it_warns_on_the_last_day_of_the_term():
    (warning,) = term_warnings_on(ENDS)
    assert "还有 0 天" in warning.message
    assert warning.level == "warning"


def test_it_warns_of_danger_the_day_after_the_term_ended():
    (warning,) = term_warnings_on(ENDS + datetime.timedelta(days=1))
    assert warning.message == "第1届任期已于2028年6月1日届满，应及时换届。"
    assert warning.level == "danger"


def test_it_warns_when_no_term_has_been_recorded():
    branch = BranchFactory()
    with_members(branch, full=3)

    result = overview(branch)

    assert result["term"] is None
    assert "尚未录入支部委员会届次，请在工作台录入本届任期及支委分工。" in messages(result)


def test_it_warns_of_danger_when_the_current_term_has_no_secretary():
    branch = BranchFactory()
    with_members(branch, full=3)
    CommitteeTermFactory(branch=branch, number=1, elected_on=ELECTED)

    assert levels(overview(branch)).get("本届没有在任书记。") == "danger"


def test_it_judges_only_the_latest_term():
    branch = BranchFactory()
    members = with_members(branch, full=3)
    old = CommitteeTermFactory(branch=branch, number=1, elected_on=datetime.date(2019, 6, 1))
    CommitteeMembershipFactory(
        term=old,
        member=members[0],
        role=CommitteeRole.SECRETARY,
        ended_on=datetime.date(2022, 5, 31),
    )
    new = CommitteeTermFactory(branch=branch, number=2, elected_on=datetime.date(2022, 6, 1))
    CommitteeMembershipFactory(term=new, member=members[0], role=CommitteeRole.SECRETARY)

    result = overview(branch, today=datetime.date(2024, 1, 1))

    assert result["term"] == new
    assert not [m for m in messages(result) if "换届" in m]


# ---------------------------------------------------------------- secretary standing


def secretary_warnings(full_member_on, category=Category.FULL):
    branch = BranchFactory()
    with_members(branch, full=3)
    secretary = MemberFactory(
        branch=branch,
        name="新书记",
        category=category,
        joined_on=datetime.date(2023, 1, 1),
        full_member_on=full_member_on,
    )
    with_term(branch, secretary=secretary)
    return [w for w in overview(branch)["warnings"] if "党龄" in w.message]


def test_it_informs_when_the_secretary_had_less_than_a_year_of_full_membership():
    (warning,) = secretary_warnings(ELECTED - datetime.timedelta(days=364))
    assert warning.message == "书记新书记当选时党龄不足 1 年。"
    assert warning.level == "info"


def test_it_does_not_inform_when_the_secretary_had_exactly_a_year_of_full_membership():
    assert secretary_warnings(datetime.date(2024, 6, 1)) == []


def test_it_informs_when_the_secretary_is_still_probationary():
    assert len(secretary_warnings(None, category=Category.PROBATIONARY)) == 1


# ---------------------------------------------------------------- members and groups


def test_it_counts_an_ungrouped_member_once_despite_several_past_memberships():
    branch = BranchFactory()
    group_a = PartyGroupFactory(branch=branch)
    group_b = PartyGroupFactory(branch=branch)
    wanderer = MemberFactory(branch=branch)
    for group, started, ended in [
        (group_a, datetime.date(2018, 9, 1), datetime.date(2020, 9, 1)),
        (group_b, datetime.date(2020, 9, 1), datetime.date(2022, 9, 1)),
        (group_a, datetime.date(2022, 9, 1), datetime.date(2024, 9, 1)),
    ]:
        GroupMembershipFactory(group=group, member=wanderer, started_on=started, ended_on=ended)
    grouped = MemberFactory(branch=branch)
    GroupMembershipFactory(
        group=group_a,
        member=grouped,
        started_on=datetime.date(2018, 9, 1),
        ended_on=datetime.date(2020, 9, 1),
    )
    GroupMembershipFactory(group=group_b, member=grouped, started_on=datetime.date(2020, 9, 1))

    result = overview(branch)

    assert result["counts"]["ungrouped"] == 1
    assert "有 1 名党员未编入党小组。" in messages(result)


def test_it_counts_a_member_who_never_had_a_group_as_ungrouped():
    branch = BranchFactory()
    group = PartyGroupFactory(branch=branch)
    GroupMembershipFactory(group=group, member=MemberFactory(branch=branch))
    MemberFactory(branch=branch)
    MemberFactory(branch=branch)

    assert overview(branch)["counts"]["ungrouped"] == 2


def test_it_warns_of_danger_when_a_branch_has_fewer_than_three_full_members():
    branch = BranchFactory()
    members = with_members(branch, full=2, probationary=4)
    with_term(branch, secretary=members[0])

    assert (
        levels(overview(branch)).get("正式党员仅 2 名：成立党支部至少需要 3 名正式党员。")
        == "danger"
    )


def test_it_does_not_warn_about_branch_size_with_three_full_members():
    branch = BranchFactory()
    members = with_members(branch, full=3)
    with_term(branch, secretary=members[0])

    assert not [m for m in messages(overview(branch)) if "成立党支部" in m]


def test_it_gives_no_warning_to_a_well_run_branch():
    branch = BranchFactory()
    group = PartyGroupFactory(branch=branch)
    members = with_members(branch, full=3)
    for member in members:
        GroupMembershipFactory(group=group, member=member)
    GroupLeadershipFactory(group=group, member=members[1])
    with_term(branch, secretary=members[0])

    result = overview(branch)

    assert result["warnings"] == []
    assert result["group_warning_count"] == 0


def group_with_counts(group):
    return selectors.groups_with_counts(group.branch).get(pk=group.pk)


def group_messages(group) -> list[str]:
    return [w.message for w in selectors.group_warnings(group_with_counts(group))]


def test_it_warns_about_a_group_of_two_without_a_leader():
    group = PartyGroupFactory()
    for _ in range(2):
        GroupMembershipFactory(group=group)

    assert group_messages(group) == [
        "仅有 2 人：党小组至少应有 3 人。",
        "尚未指定组长。",
    ]


def test_it_warns_about_a_group_of_probationary_members_only():
    group = PartyGroupFactory()
    members = [MemberFactory(branch=group.branch, probationary=True) for _ in range(3)]
    for member in members:
        GroupMembershipFactory(group=group, member=member)
    GroupLeadershipFactory(group=group, member=members[0])

    assert group_messages(group) == ["没有正式党员：党小组至少应有 1 名正式党员。"]


def test_it_counts_only_current_members_and_leaders_of_a_group():
    group = PartyGroupFactory()
    members = [GroupMembershipFactory(group=group).member for _ in range(3)]
    for _ in range(2):
        GroupMembershipFactory(
            group=group, started_on=datetime.date(2018, 9, 1), ended_on=datetime.date(2019, 9, 1)
        )
    GroupLeadershipFactory(group=group, member=members[0], ended_on=datetime.date(2024, 8, 31))
    GroupLeadershipFactory(group=group, member=members[1], role=GroupRole.DEPUTY)

    counted = group_with_counts(group)

    assert (counted.member_count, counted.full_count, counted.probationary_count) == (3, 3, 0)
    assert group_messages(group) == ["尚未指定组长。"]


def test_it_gives_no_warning_to_a_group_of_three_with_a_leader():
    group = PartyGroupFactory()
    members = [MemberFactory(branch=group.branch, probationary=True) for _ in range(2)]
    members.append(MemberFactory(branch=group.branch))
    for member in members:
        GroupMembershipFactory(group=group, member=member)
    GroupLeadershipFactory(group=group, member=members[2])

    assert group_messages(group) == []


def test_it_puts_each_group_warnings_on_the_overview():
    branch = BranchFactory()
    members = with_members(branch, full=3)
    with_term(branch, secretary=members[0])
    PartyGroupFactory(branch=branch, name="空小组")

    result = overview(branch)

    (group,) = result["groups"]
    assert [w.message for w in group.warnings] == [
        "仅有 0 人：党小组至少应有 3 人。",
        "没有正式党员：党小组至少应有 1 名正式党员。",
        "尚未指定组长。",
    ]
    assert result["group_warning_count"] == 3


# ---------------------------------------------------------------- thresholds are the branch's


def test_a_branch_that_needs_four_full_members_is_warned_at_three_and_not_at_four():
    branch = BranchFactory(min_full_members_for_branch=4)
    members = with_members(branch, full=3)
    with_term(branch, secretary=members[0])

    assert "正式党员仅 3 名：成立党支部至少需要 4 名正式党员。" in messages(overview(branch))

    with_members(branch, full=1)
    assert not [m for m in messages(overview(branch)) if "成立党支部" in m]


def test_a_branch_that_allows_two_full_members_is_not_warned_at_two():
    branch = BranchFactory(min_full_members_for_branch=2)
    members = with_members(branch, full=2)
    with_term(branch, secretary=members[0])

    assert not [m for m in messages(overview(branch)) if "成立党支部" in m]


def test_a_committee_is_required_from_the_branchs_own_threshold():
    branch = BranchFactory(min_full_members_for_committee=5)
    members = with_members(branch, full=4)
    with_term(branch, secretary=members[0])
    assert overview(branch)["committee_required"] is False

    with_members(branch, full=1)
    result = overview(branch)
    assert (result["committee_required"], result["committee_threshold"]) == (True, 5)
    assert "正式党员 5 名，应设立 3 人以上的支部委员会；目前仅有 1 人担任支委。" in messages(result)


def test_a_committee_is_not_required_at_seven_when_the_branch_set_eight():
    branch = BranchFactory(min_full_members_for_committee=8)
    members = with_members(branch, full=7)
    with_term(branch, secretary=members[0])

    result = overview(branch)
    assert (result["committee_required"], result["committee_threshold"]) == (False, 8)
    assert not [m for m in messages(result) if "支部委员会" in m]


def test_a_branch_larger_than_its_normal_size_is_told_so_and_not_at_that_size():
    branch = BranchFactory(normal_max_branch_size=10)
    members = with_members(branch, full=10)
    with_term(branch, secretary=members[0])
    assert not [m for m in messages(overview(branch)) if "一般不超过" in m]

    with_members(branch, full=1)
    result = overview(branch)
    message = "党员 11 名：党支部人数一般不超过 10 名，可考虑分设。"
    assert levels(result).get(message) == "info"


def test_a_group_is_measured_against_the_branchs_minimum_size():
    strict = BranchFactory(min_group_size=4)
    group = PartyGroupFactory(branch=strict)
    members = [MemberFactory(branch=strict) for _ in range(3)]
    for member in members:
        GroupMembershipFactory(group=group, member=member)
    GroupLeadershipFactory(group=group, member=members[0])
    assert group_messages(group) == ["仅有 3 人：党小组至少应有 4 人。"]

    lenient = BranchFactory(min_group_size=2)
    group = PartyGroupFactory(branch=lenient)
    members = [MemberFactory(branch=lenient) for _ in range(2)]
    for member in members:
        GroupMembershipFactory(group=group, member=member)
    GroupLeadershipFactory(group=group, member=members[0])
    assert group_messages(group) == []


def test_group_warnings_read_the_loaded_branch_without_a_query(django_assert_num_queries):
    branch = BranchFactory(min_group_size=4)
    PartyGroupFactory(branch=branch)
    (group,) = selectors.groups_with_counts(branch)
    with django_assert_num_queries(0):
        warnings = selectors.group_warnings(group, branch)
    assert warnings[0].message == "仅有 0 人：党小组至少应有 4 人。"


def test_a_secretary_is_measured_against_the_branchs_years_of_standing():
    branch = BranchFactory(min_secretary_standing_years=2)
    with_members(branch, full=3)
    secretary = MemberFactory(
        branch=branch,
        name="新书记",
        joined_on=datetime.date(2022, 1, 1),
        full_member_on=datetime.date(2024, 6, 1),  # exactly one year when elected
    )
    with_term(branch, secretary=secretary)
    (warning,) = [w for w in overview(branch)["warnings"] if "党龄" in w.message]
    assert warning.message == "书记新书记当选时党龄不足 2 年。"

    secretary.full_member_on = datetime.date(2023, 6, 1)  # exactly two years
    secretary.save()
    assert not [w for w in overview(branch)["warnings"] if "党龄" in w.message]
