"""The district pages (上级党委): an upper committee's viewers read all its branches side by
side; nobody else does, and no other district's branch shows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.compliance import compliance_grid, compliance_grids
from activities.models import MeetingRule, MeetingType, Period, SchoolTerm
from branchsite.dates import school_year_of
from groups.access import roles_for
from members.models import (
    Assessment,
    BallotCast,
    Category,
    DuesPayment,
    EvaluationRound,
    RoundKind,
    RoundState,
    Status,
)
from reports.district import selectors
from reports.models import DocumentKind, DocumentVersion, YearDocument
from tests.conftest import client_for
from tests.factories import (
    BranchFactory,
    BranchViewerFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    MemberFactory,
    PartyGroupFactory,
    UpperCommitteeFactory,
    UpperCommitteeViewerFactory,
    UserFactory,
    member_in_group,
    recorded_meeting,
)

pytestmark = pytest.mark.django_db

SECTIONS = ("overview", "compliance", "members", "recruitment", "dues", "evaluation", "summaries")
D = datetime.date


def district_with(branches: int, *, name="示范区教育工委", prefix="校"):
    """An upper committee with `branches` branches, each with two groups, a secretary and
    a few members, and a viewer account."""
    district = UpperCommitteeFactory(name=name)
    made = []
    for number in range(branches):
        branch = BranchFactory(
            name=f"{prefix}{number}党支部", school=f"{prefix}{number}学校", upper_committee=district
        )
        groups = [PartyGroupFactory(branch=branch, name=f"{prefix}{number}组{g}") for g in "甲乙"]
        secretary = member_in_group(groups[0], name=f"{prefix}{number}书记")
        CommitteeMembershipFactory(term=CommitteeTermFactory(branch=branch), member=secretary)
        for group in groups:
            member_in_group(group, name=f"{group.name}党员")
        made.append(branch)
    viewer = UserFactory(username=f"viewer-{district.code}")
    UpperCommitteeViewerFactory(upper_committee=district, user=viewer)
    return district, made, viewer


def pages(district) -> list[str]:
    return [reverse(f"district:{section}", args=[district.pk]) for section in SECTIONS]


# --- who may read -------------------------------------------------------------------------


def test_the_districts_viewer_reads_every_page_and_lands_on_the_district(db):
    district, branches, viewer = district_with(2)
    client = client_for(viewer)
    for url in pages(district):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert all(branch.name in body for branch in branches), url
    assert client.get("/")["Location"] == reverse("district:overview", args=[district.pk])


def test_a_districts_viewer_may_open_each_of_its_branches_but_change_nothing(db):
    district, branches, viewer = district_with(2)
    roles = roles_for(viewer)
    assert roles.district_ids == {district.pk}
    assert all(roles.can_view_branch(branch.pk) for branch in branches)
    assert not any(roles.can_manage_branch(branch.pk) for branch in branches)
    client = client_for(viewer)
    assert client.get(reverse("overview:branch_detail", args=[branches[1].pk])).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 403


def test_people_of_a_branch_are_refused_and_everyone_else_is_not_told_it_exists(db):
    district, branches, _ = district_with(1)
    other_district, _, other_viewer = district_with(1, name="另一区教育工委", prefix="外")
    secretary = branches[0].members.get(name="校0书记")
    secretary.user = UserFactory(username="district-secretary")
    secretary.save()
    branch_viewer = UserFactory(username="branch-viewer")
    BranchViewerFactory(branch=branches[0], user=branch_viewer)
    plain = member_in_group(branches[0].party_groups.first(), user=UserFactory(username="plain"))
    stranger = UserFactory(username="stranger")
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)

    expected = {
        secretary.user: 403,
        branch_viewer: 403,
        plain.user: 403,
        other_viewer: 404,
        stranger: 404,
        superuser: 200,
    }
    for url in pages(district):
        outcomes = {user: client_for(user).get(url).status_code for user in expected}
        assert outcomes == expected, url
    anonymous = Client().get(pages(district)[0])
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert other_district.pk != district.pk


def test_the_list_of_districts_is_for_their_viewers_and_the_administrator(db):
    district, _, viewer = district_with(1)
    other, _, _ = district_with(1, name="另一区教育工委", prefix="外")
    url = reverse("district:list")
    listed = client_for(viewer).get(url).content.decode()
    assert district.name in listed and other.name not in listed
    admin_list = client_for(UserFactory(username="root", is_superuser=True)).get(url)
    assert other.name in admin_list.content.decode()
    assert client_for(UserFactory(username="nobody")).get(url).status_code == 404


def test_no_branch_of_another_district_shows_on_any_page(db):
    district, _, viewer = district_with(2)
    district_with(2, name="另一区教育工委", prefix="外")
    client = client_for(viewer)
    for url in pages(district):
        body = client.get(url).content.decode()
        assert "外0党支部" not in body and "外1党支部" not in body, url


def test_only_the_site_administrator_edits_upper_committees_in_the_workbench(db):
    _, branches, _ = district_with(1)
    secretary = branches[0].members.get(name="校0书记")
    secretary.user = UserFactory(username="district-secretary")
    secretary.save()
    client = client_for(secretary.user)
    changelist = reverse("admin:groups_uppercommittee_changelist")
    assert client.get(changelist).status_code == 403
    branch_page = client.get(reverse("admin:groups_branch_change", args=[branches[0].pk]))
    assert branch_page.status_code == 200
    assert "upper_committee" not in branch_page.context["adminform"].form.fields
    root = client_for(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert root.get(changelist).status_code == 200


# --- what it reads ------------------------------------------------------------------------


def test_the_grids_of_a_district_are_the_branches_own_grids(db):
    """`compliance_grids` builds each branch's grid from shared queries; every cell must be
    what `compliance_grid` of that branch alone says, own rules and terms included."""
    _, branches, _ = district_with(3)
    today = timezone.localdate()
    school_year = school_year_of(today)
    first, second, third = branches
    start = D(school_year, 9, 1)
    for day in (start + datetime.timedelta(days=10), start + datetime.timedelta(days=40)):
        recorded_meeting(branch=first, kind=MeetingType.COMMITTEE, held_on=min(day, today))
    group = second.party_groups.first()
    recorded_meeting(branch=second, kind=MeetingType.GROUP, group=group, held_on=start)
    MeetingRule.objects.create(
        branch=second,
        kind=MeetingType.COMMITTEE,
        period=Period.QUARTER,
        times=1,
        effective_from=D(2018, 10, 28),
    )
    SchoolTerm.objects.create(
        branch=third,
        name="第一学期",
        starts_on=D(school_year, 9, 8),
        ends_on=D(school_year + 1, 1, 20),
    )

    together = compliance_grids(branches, school_year, today)

    def statuses(grid):
        return [
            (
                row.kind,
                row.group and row.group.pk,
                [(c.period.label, c.status, len(c.meetings)) for c in row.cells],
            )
            for row in grid.rows
        ]

    for branch in branches:
        alone = compliance_grid(branch, school_year, today)
        assert statuses(together[branch.pk]) == statuses(alone), branch.name
    assert statuses(together[first.pk]) != statuses(together[second.pk])


def test_the_district_grids_take_four_queries_for_any_number_of_branches(db):
    _, few, _ = district_with(2)
    _, many, _ = district_with(6, name="另一区教育工委", prefix="外")
    today = timezone.localdate()
    counts = []
    for branches in (few, many):
        with CaptureQueriesContext(connection) as queries:
            compliance_grids(branches, school_year_of(today), today)
        counts.append(len(queries))
    assert counts == [4, 4]


def test_members_and_recruitment_are_counted_by_category_and_status(db):
    district, branches, _ = district_with(2)
    first = branches[0]
    MemberFactory(branch=first, category=Category.PROBATIONARY, full_member_on=None)
    MemberFactory(branch=first, status=Status.SUSPENDED)
    MemberFactory(branch=first, status=Status.TRANSFERRED_OUT)
    MemberFactory(branch=first, category=Category.APPLICANT, joined_on=None, full_member_on=None)
    MemberFactory(branch=first, category=Category.ACTIVIST, joined_on=None, full_member_on=None)
    rows = {row.branch.pk: row for row in selectors.district_members(branches)}
    one, two = rows[first.pk], rows[branches[1].pk]
    # Three in the groups plus the suspended one are full members on the roll.
    assert (one.full, one.probationary, one.on_roll) == (4, 1, 5)
    assert (one.suspended, one.transferred_out) == (1, 1)
    assert one.stages == [1, 1, 0]
    assert (two.full, two.in_recruitment) == (3, 0)
    total = selectors.total_members(list(rows.values()))
    assert (total.on_roll, total.in_recruitment) == (8, 2)

    body = client_for(UserFactory(username="root", is_superuser=True)).get(
        reverse("district:recruitment", args=[district.pk])
    )
    assert body.context["total"].stages == [1, 1, 0]


def test_dues_evaluation_and_summaries_of_each_branch(db):
    district, branches, viewer = district_with(2)
    first, second = branches
    year = timezone.localdate().year
    payer = first.members.get(name="校0书记")
    for month in (1, 2):
        DuesPayment.objects.create(
            member=payer,
            branch=first,
            month=D(year, month, 1),
            amount=Decimal("12.50"),
            paid_on=D(year, month, 5),
        )
    DuesPayment.objects.create(
        member=payer,
        branch=first,
        month=D(year - 1, 12, 1),
        amount=Decimal("99"),
        paid_on=D(year - 1, 12, 5),
    )
    evaluation = EvaluationRound.objects.create(
        branch=first,
        year=year,
        kind=RoundKind.EVALUATION,
        opened_on=D(year, 1, 10),
        state=RoundState.OPEN,
    )
    for member in first.members.all():
        Assessment.objects.create(round=evaluation, member=member)
    BallotCast.objects.create(round=evaluation, voter=payer)
    summary = YearDocument.objects.create(branch=second, kind=DocumentKind.SUMMARY, year=year)
    DocumentVersion.objects.create(document=summary, number=1, title="总结", sections=[])

    dues = {
        row.branch.pk: row for row in selectors.district_dues(branches, year, timezone.localdate())
    }
    assert (dues[first.pk].collected, dues[first.pk].months_paid) == (25.0, 2)
    assert (dues[first.pk].paid_members, dues[first.pk].payers) == (1, 3)
    assert dues[second.pk].collected == 0
    rounds = {row.branch.pk: row for row in selectors.district_evaluation(branches, year)}
    assert (rounds[first.pk].voted, rounds[first.pk].taking_part) == (1, 3)
    assert rounds[second.pk].round is None
    summaries = {row.branch.pk: row for row in selectors.district_summaries(branches, year)}
    assert summaries[second.pk].versions == 1 and summaries[first.pk].document is None

    client = client_for(viewer)
    page = client.get(reverse("district:summaries", args=[district.pk]), {"year": year})
    assert reverse("reports:year_document", args=[summary.pk]) in page.content.decode()
    assert client.get(reverse("reports:year_document", args=[summary.pk])).status_code == 200
    dues_page = client.get(reverse("district:dues", args=[district.pk]), {"year": year})
    assert "25.00" in dues_page.content.decode()


def test_the_search_keeps_the_branches_that_match(db):
    district, _, viewer = district_with(3)
    response = client_for(viewer).get(reverse("district:members", args=[district.pk]), {"q": "校1"})
    assert [row.branch.name for row in response.context["rows"]] == ["校1党支部"]


def test_a_district_lists_fifty_branches_a_page(db):
    district, _, viewer = district_with(1)
    for number in range(55):
        BranchFactory(name=f"分{number:02d}党支部", upper_committee=district)
    client = client_for(viewer)
    first = client.get(reverse("district:members", args=[district.pk]))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("district:members", args=[district.pk]), {"page": 2})
    assert len(second.context["rows"]) == 6


@pytest.mark.parametrize("section", SECTIONS)
def test_each_page_costs_the_same_queries_for_two_branches_or_six(db, section):
    small, _, small_viewer = district_with(2)
    large, _, large_viewer = district_with(6, name="另一区教育工委", prefix="外")
    counts = []
    for district, viewer in ((small, small_viewer), (large, large_viewer)):
        client = client_for(viewer)
        url = reverse(f"district:{section}", args=[district.pk])
        client.get(url)  # the session and the roles are read once, as on any page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30
