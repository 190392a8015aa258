"""`manage.py generate_district` on a small scale: 3 branches, 1 school year."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.test import RequestFactory, override_settings

from activities.compliance import compliance_grid
from activities.models import Attendance, MakeUpStudy, Meeting, MeetingType, Presence
from activities.services import expected_attendees
from demo import district
from groups.access import current_committee_posts, get_district_for_user
from groups.models import (
    Branch,
    CommitteeRole,
    GroupLeadership,
    GroupMembership,
    UpperCommittee,
)
from members.models import (
    Assessment,
    BallotCast,
    Category,
    DuesPayment,
    EvaluationRound,
    GradeCount,
    Member,
    RecruitmentRecord,
    Status,
)

pytestmark = pytest.mark.django_db
SEED, BRANCHES, YEARS = 3, 3, 1
# A day in March: the school year so far holds December (组织生活会, 民主评议) and a winter
# holiday (no monthly meetings owed).
TODAY = datetime.date(2026, 3, 20)


def fast_hashing():
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def generate(**options):
    out = StringIO()
    call_command(
        "generate_district",
        branches=BRANCHES,
        years=YEARS,
        seed=SEED,
        today=TODAY,
        force=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The district, generated once for this module and rolled back after it."""
    with django_db_blocker.unblock(), fast_hashing(), transaction.atomic():
        output = generate()
        yield output
        transaction.set_rollback(True)


def branches():
    return Branch.objects.filter(code__startswith=f"s{SEED}-b").order_by("code")


def test_it_reports_progress_and_the_rows_of_each_table(generated):
    assert f"branches {BRANCHES}/{BRANCHES}" in generated
    assert "activities.Attendance" in generated
    assert "activities.HistoricalAttendance" in generated


def test_branches_have_their_groups_committee_and_about_fifty_members(generated):
    assert branches().count() == BRANCHES
    for branch in branches():
        assert branch.party_groups.count() == 4
        on_roll = branch.members.on_roll().count()
        assert 40 <= on_roll <= 56
        posts = current_committee_posts().filter(term__branch=branch)
        assert posts.count() == 5
        assert posts.filter(role=CommitteeRole.SECRETARY).count() == 1
        assert GroupLeadership.objects.current().filter(group__branch=branch).count() == 4
        # Everyone on the roll is in a group; those who left are not any more.
        current = GroupMembership.objects.current().filter(group__branch=branch)
        party_members = branch.members.filter(category__in=[Category.FULL, Category.PROBATIONARY])
        assert current.count() == party_members.filter(status=Status.ACTIVE).count()


def test_every_category_and_status_is_there(generated):
    members = Member.objects.filter(branch__in=branches())
    assert set(members.values_list("category", flat=True)) == set(Category.values)
    assert set(members.values_list("status", flat=True)) == set(Status.values)
    for branch in branches():
        assert branch.members.filter(category=Category.PROBATIONARY).count() >= 3
        probationary = branch.members.filter(category=Category.PROBATIONARY)
        # 预备期一年: nobody is left probationary past a year.
        assert not probationary.filter(joined_on__lt=TODAY - datetime.timedelta(days=365))


def test_the_recruits_pass_the_statutory_deadlines(generated):
    recruiting = branches().first()
    people = recruiting.members.in_recruitment()
    assert set(people.values_list("category", flat=True)) == {
        Category.APPLICANT,
        Category.ACTIVIST,
        Category.CANDIDATE,
    }
    records = RecruitmentRecord.objects.filter(member__branch=recruiting)
    assert records.count() >= 20
    assert not records.exclude(warnings="").exists()


def test_every_meeting_lists_those_the_service_expects(generated):
    meetings = Meeting.objects.filter(branch__in=branches()).order_by("pk")
    assert meetings.count() > 60
    for meeting in meetings:
        expected = {(m.pk, category) for m, category in expected_attendees(meeting=meeting)}
        listed = set(meeting.attendances.values_list("member_id", "category"))
        assert listed == expected, meeting
        assert expected


def test_every_meeting_type_is_held_and_monthly_ones_not_in_the_holidays(generated):
    branch = branches().first()
    kinds = Counter(branch.meetings.values_list("kind", flat=True))
    assert set(kinds) == set(MeetingType.values) - {MeetingType.OTHER}
    months = set(
        branch.meetings.filter(kind=MeetingType.COMMITTEE).values_list("held_on__month", flat=True)
    )
    assert {9, 10, 11, 12} <= months
    assert not {7, 8} & months
    assert kinds[MeetingType.GROUP] >= 4 * 5  # four groups, at least five months of term


def test_the_compliance_grid_finds_the_owed_meetings_held(generated):
    """The schedule follows the app's rules: only the few meetings left out on purpose
    (2 %) are missing from the grid."""
    for branch in branches():
        grid = compliance_grid(branch, 2025, TODAY)
        statuses = Counter(str(cell.status) for row in grid.rows for cell in row.cells)
        assert statuses["held"] >= 30
        assert statuses["missing"] <= 3, branch


def test_absences_have_a_reason_or_owe_make_up_study(generated):
    rows = Attendance.objects.filter(meeting__branch__in=branches())
    away = rows.exclude(presence=Presence.PRESENT)
    assert 0 < away.count() < rows.count() * 0.15
    assert not rows.filter(presence=Presence.EXCUSED, reason="").exists()
    assert MakeUpStudy.objects.filter(attendance__in=away).count() == away.count()
    assert MakeUpStudy.objects.filter(attendance__in=away, done_on__isnull=False).exists()


def test_rows_have_the_history_the_services_would_have_written(generated):
    attendance = Attendance.objects.filter(meeting__branch__in=branches())
    history = Attendance.history.filter(meeting__branch__in=branches())
    assert history.filter(history_type="+").count() == attendance.count()
    # Marked absent or excused after the list was made: one "~" row each.
    assert (
        history.filter(history_type="~").count()
        == attendance.exclude(presence=Presence.PRESENT).count()
    )
    assert not history.filter(history_type="+").exclude(presence=Presence.PRESENT).exists()

    meetings = Meeting.objects.filter(branch__in=branches())
    reviewed = meetings.exclude(reviewed_at=None)
    assert reviewed.exists()
    assert Meeting.history.filter(branch__in=branches(), history_type="~").count() == (
        reviewed.count()
    )
    first = Meeting.history.filter(branch__in=branches(), history_type="+")
    assert first.count() == meetings.count()
    assert not first.exclude(reviewed_at=None).exists()

    members = Member.objects.filter(branch__in=branches())
    assert Member.history.filter(branch__in=branches(), history_type="+").count() == (
        members.count()
    )
    for model in (GroupMembership, DuesPayment, Assessment, EvaluationRound):
        rows = model.objects.all()
        assert rows.exists(), model
        assert model.history.filter(history_type="+").count() == rows.count(), model
    transferred = members.get(branch=branches().first(), status=Status.TRANSFERRED_OUT)
    versions = list(transferred.history.order_by("history_date"))
    assert [v.status for v in versions] == [Status.ACTIVE, Status.TRANSFERRED_OUT]


def test_the_ballots_stay_anonymous_and_add_up(generated):
    assert not hasattr(GradeCount, "history")
    assert not hasattr(BallotCast, "history")
    rounds = EvaluationRound.objects.filter(branch__in=branches())
    assert rounds.count() == BRANCHES  # 2025's, closed in December
    for evaluation in rounds:
        voters = set(evaluation.casts.values_list("voter_id", flat=True))
        graded = evaluation.assessments.filter(graded=True)
        for assessment in graded[:5]:
            counted = GradeCount.objects.filter(
                round=evaluation, member=assessment.member
            ).aggregate(total=Sum("count"))["total"]
            assert counted == len(voters - {assessment.member_id})
        full = graded.count()
        excellent = graded.filter(final_grade="excellent").count()
        assert 0 < excellent <= full // 3


def test_the_accounts_are_the_documented_ones(generated):
    accounts = district.district_accounts(seed=SEED, branches=BRANCHES)
    users = get_user_model().objects
    assert len(accounts["viewers"]) == 1
    for number, branch_accounts in accounts["branches"].items():
        branch = Branch.objects.get(code=branch_accounts["code"])
        secretary = users.get(username=branch_accounts["secretary"])
        assert (
            current_committee_posts().get(term__branch=branch, role=CommitteeRole.SECRETARY).member
            == secretary.member
        ), number
        for username in branch_accounts["leaders"]:
            leader = users.get(username=username)
            assert GroupLeadership.objects.current().filter(
                member=leader.member, group__branch=branch
            )
        assert secretary.check_password(district.DEFAULT_PASSWORD)


def test_district_viewers_see_their_branches_through_the_access_helper(generated):
    (username,) = district.district_accounts(seed=SEED, branches=BRANCHES)["viewers"]
    viewer = get_user_model().objects.get(username=username)
    committee = UpperCommittee.objects.get(code=district.committee_code(SEED, 0))
    request = RequestFactory().get("/")
    request.user = viewer
    assert get_district_for_user(request, committee.pk) == committee
    assert committee.branches.count() == BRANCHES

    secretary = branches().first().members.get(user__username__endswith="-shuji").user
    request.user = secretary
    with pytest.raises(PermissionDenied):
        get_district_for_user(request, committee.pk)


def test_a_second_run_changes_nothing(generated):
    counts = (Meeting.objects.count(), Attendance.objects.count(), Member.objects.count())
    generate()
    assert (Meeting.objects.count(), Attendance.objects.count(), Member.objects.count()) == counts


def test_it_refuses_to_run_without_debug_unless_forced():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_district", branches=1, years=1, seed=99, stdout=StringIO())
    assert not UpperCommittee.objects.filter(code=district.committee_code(99, 0)).exists()


def fingerprint(seed: int):
    """What a district's branches hold, without database ids (sequences are not rolled
    back)."""
    prefix = f"s{seed}-b"
    members = list(
        Member.objects.filter(branch__code__startswith=prefix)
        .order_by("name", "id_number")
        .values_list("name", "id_number", "category", "status", "joined_on", "status_since")
    )
    meetings = list(
        Meeting.objects.filter(branch__code__startswith=prefix)
        .order_by("held_on", "kind", "topic", "group__name")
        .values_list("held_on", "kind", "topic", "group__name")
    )
    presence = sorted(
        Attendance.objects.filter(meeting__branch__code__startswith=prefix).values_list(
            "meeting__held_on", "meeting__kind", "member__id_number", "presence"
        )
    )
    return members, meetings, presence


def test_the_same_seed_gives_the_same_data():
    """Branch 2 (without recruits: the fast one) of another seed, generated twice from
    scratch, is the same; its school and people differ from the same branch of seed 3's."""
    seed, number = SEED + 1, 2
    prints = []
    for _ in range(2):
        with fast_hashing(), transaction.atomic():
            made = district.District(seed=seed, years=YEARS, today=TODAY, password="x")
            committee = made.upper_committees(BRANCHES)[0]
            names = district.school_names(seed, BRANCHES)
            district.BranchGenerator(made, number, committee, names[number - 1]).create()
            prints.append(fingerprint(seed))
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert len(prints[0][2]) > 500
    assert district.school_names(seed, BRANCHES) != district.school_names(SEED, BRANCHES)
