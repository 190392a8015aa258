"""What the district pages read: every branch of an upper committee side by side.

Each figure is read for all the district's branches at once, grouped by branch in the
database, so a page costs the same few queries for three branches or three hundred. The
figures are the branch pages' own: the compliance grid is the branch's grid
(`compliance_grids` builds them all from four queries), the members are counted by the
registry's categories and statuses, the dues by the ledger's payments.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext

from activities.compliance import (
    CellStatus,
    ComplianceGrid,
    MissingItem,
    compliance_grids,
    missed_in,
    missing_in,
)
from activities.models import MeetingType
from groups.access import current_committee_posts
from groups.models import Branch, CommitteeRole, UpperCommittee
from members.dues.ledger import recent_dues
from members.models import (
    ON_ROLL_STATUSES,
    PARTY_MEMBER_CATEGORIES,
    Category,
    DuesPayment,
    EvaluationRound,
    Member,
    RoundKind,
    RoundState,
    Status,
)
from reports import charts
from reports.models import DocumentKind, YearDocument
from reports.yearend.blocks import Chart, Table

RECRUITMENT_STAGES = (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE)


def district_branches(district: UpperCommittee, query: str = "") -> list[Branch]:
    """The district's branches by name; `query` keeps those whose name or school has it."""
    branches = Branch.objects.filter(upper_committee=district)
    if query:
        branches = branches.filter(Q(name__icontains=query) | Q(school__icontains=query))
    return list(branches.order_by("name", "pk"))


def secretaries(branches) -> dict[int, str]:
    """branch id → the name of its secretary now (1 query)."""
    posts = (
        current_committee_posts()
        .filter(term__branch__in=branches, role=CommitteeRole.SECRETARY)
        .values_list("term__branch", "member__name")
    )
    return dict(posts)


# ------------------------------------------------------------------ 三会一课


@dataclass
class BranchCompliance:
    branch: Branch
    grid: ComplianceGrid
    due: list[MissingItem]  # still owed in the periods running today
    missed: list[MissingItem]  # periods of the school year over without them
    held: int  # meetings held of those required in periods due so far
    required: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.held / self.required, 1) if self.required else None


def _held_and_required(grid: ComplianceGrid) -> tuple[int, int]:
    held = required = 0
    for row in grid.rows:
        for cell in row.cells:
            if cell.status in (CellStatus.HELD, CellStatus.MISSING):
                required += cell.times
                held += min(len(cell.meetings), cell.times)
    return held, required


def district_compliance(
    branches: list[Branch], school_year: int, today: datetime.date
) -> list[BranchCompliance]:
    """Each branch's 三会一课 of the school year, most missed first (4 queries)."""
    grids = compliance_grids(branches, school_year, today)
    rows = []
    for branch in branches:
        grid = grids[branch.pk]
        held, required = _held_and_required(grid)
        rows.append(
            BranchCompliance(
                branch=branch,
                grid=grid,
                due=missing_in(grid, today),
                missed=missed_in(grid),
                held=held,
                required=required,
            )
        )
    rows.sort(key=lambda row: (-len(row.missed), row.rate or 0, row.branch.name))
    return rows


def compliance_chart(rows: list[BranchCompliance]) -> Chart | None:
    """The district's meetings held against required, by meeting type."""
    held, required = Counter(), Counter()
    for row in rows:
        for grid_row in row.grid.rows:
            for cell in grid_row.cells:
                if cell.status in (CellStatus.HELD, CellStatus.MISSING):
                    required[grid_row.kind] += cell.times
                    held[grid_row.kind] += min(len(cell.meetings), cell.times)
    kinds = [kind for kind in MeetingType.values if required[kind]]
    if not kinds:
        return None
    labels = [str(MeetingType(kind).label) for kind in kinds]
    caption = gettext("Meetings held against required, all branches")
    return Chart(
        caption=caption,
        svg=charts.paired_bars(
            title=caption,
            labels=labels,
            held=[held[kind] for kind in kinds],
            required=[required[kind] for kind in kinds],
        ),
        data=Table(
            caption=caption,
            header=(gettext("Meeting type"), gettext("Held"), gettext("Required")),
            rows=tuple(
                (label, str(held[kind]), str(required[kind]))
                for label, kind in zip(labels, kinds, strict=True)
            ),
            numeric=(False, True, True),
        ),
    )


# ------------------------------------------------------------------ members and recruitment


@dataclass
class BranchMembers:
    branch: Branch
    counts: Counter = field(default_factory=Counter)  # (category, status) → people

    def of(self, category=None, status=None) -> int:
        return sum(
            n
            for (c, s), n in self.counts.items()
            if (category is None or c == category) and (status is None or s == status)
        )

    @property
    def full(self) -> int:
        return sum(self.counts[(Category.FULL, status)] for status in ON_ROLL_STATUSES)

    @property
    def probationary(self) -> int:
        return sum(self.counts[(Category.PROBATIONARY, status)] for status in ON_ROLL_STATUSES)

    @property
    def on_roll(self) -> int:
        return self.full + self.probationary

    @property
    def suspended(self) -> int:
        return sum(
            self.counts[(category, Status.SUSPENDED)] for category in PARTY_MEMBER_CATEGORIES
        )

    @property
    def transferred_out(self) -> int:
        return self.of(status=Status.TRANSFERRED_OUT)

    @property
    def left(self) -> int:
        return self.of(status=Status.EXITED) + self.of(status=Status.DECEASED)

    def stage(self, category) -> int:
        return self.counts[(category, Status.ACTIVE)]

    @property
    def stages(self) -> list[int]:
        return [self.stage(category) for category in RECRUITMENT_STAGES]

    @property
    def in_recruitment(self) -> int:
        return sum(self.stages)


def district_members(branches: list[Branch]) -> list[BranchMembers]:
    """Each branch's people by category and status (1 query)."""
    rows = {branch.pk: BranchMembers(branch) for branch in branches}
    counted = (
        Member.objects.filter(branch__in=branches)
        .values_list("branch", "category", "status")
        .annotate(people=Count("pk"))
        .order_by()
    )
    for branch_id, category, status, people in counted:
        rows[branch_id].counts[(category, status)] += people
    return list(rows.values())


def total_members(rows: list[BranchMembers]) -> BranchMembers:
    total = BranchMembers(branch=None)
    for row in rows:
        total.counts.update(row.counts)
    return total


def recruitment_chart(total: BranchMembers) -> Chart:
    stages = [(str(Category(c).label), total.stage(c)) for c in RECRUITMENT_STAGES]
    stages.append((str(Category.PROBATIONARY.label), total.probationary))
    caption = gettext("People at each stage of recruitment, all branches")
    return Chart(
        caption=caption,
        svg=charts.funnel(title=caption, stages=stages),
        data=Table(
            caption=caption,
            header=(gettext("Stage"), gettext("People")),
            rows=tuple((label, str(value)) for label, value in stages),
            numeric=(False, True),
        ),
    )


# ------------------------------------------------------------------ dues


@dataclass
class BranchDuesYear:
    branch: Branch
    payers: int = 0  # Party members in good standing, who pay
    paid_members: int = 0  # of the members today, those with a payment for the year
    months_paid: int = 0  # monthly payments recorded for the year
    collected: float = 0.0  # yuan, for the months of the year
    behind: int = 0  # members at least 3 months behind today, as on the branch's page
    serious: int = 0  # of them, 6 months without a recorded reason


def district_dues(branches: list[Branch], year: int, today: datetime.date) -> list[BranchDuesYear]:
    """Each branch's party dues of `year`, what was paid for its months, and who is behind
    today (7 queries)."""
    rows = {branch.pk: BranchDuesYear(branch) for branch in branches}
    # The members the dues pages list (`dues_members`): Party members in good standing.
    payers = Member.objects.filter(branch__in=branches, status=Status.ACTIVE).on_roll()
    for dues in recent_dues(payers.only("pk", "branch", "joined_on"), today=today).members:
        row = rows[dues.member.branch_id]
        row.payers += 1
        row.behind += dues.stands_out
        row.serious += dues.serious
    paid = (
        DuesPayment.objects.filter(branch__in=branches, month__year=year)
        .values_list("branch")
        .annotate(people=Count("member", distinct=True), months=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for branch_id, people, months, total in paid:
        row = rows[branch_id]
        row.paid_members, row.months_paid, row.collected = people, months, float(total or 0)
    return list(rows.values())


def dues_chart(rows: list[BranchDuesYear], year: int) -> Chart | None:
    """Dues collected for each month of `year` across the district (1 query)."""
    if not rows:
        return None
    totals = dict(
        DuesPayment.objects.filter(branch__in=[row.branch for row in rows], month__year=year)
        .values_list("month__month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    if not totals:
        return None
    months = list(range(1, max(totals) + 1))
    categories = [f"{month}月" for month in months]
    caption = gettext("Party dues collected for each month, all branches (yuan)")
    return Chart(
        caption=caption,
        svg=charts.grouped_bars(
            title=caption,
            categories=categories,
            series=[(gettext("Collected"), [float(totals.get(m, 0)) for m in months])],
            value_labels=False,
        ),
        data=Table(
            caption=caption,
            header=(gettext("Month"), gettext("Collected")),
            rows=tuple(
                (label, f"{totals.get(month, 0):.2f}")
                for label, month in zip(categories, months, strict=True)
            ),
            numeric=(False, True),
        ),
    )


# ------------------------------------------------------------------ evaluation


@dataclass
class BranchEvaluation:
    branch: Branch
    round: EvaluationRound | None = None
    taking_part: int = 0
    voted: int = 0
    excellent: int = 0
    graded: int = 0

    @property
    def state_label(self) -> str:
        if self.round is None:
            return gettext("Not opened")
        return str(RoundState(self.round.state).label)


def district_evaluation(branches: list[Branch], year: int) -> list[BranchEvaluation]:
    """Each branch's 民主评议党员 of `year`: whether it is open, counted or closed, and
    how many have voted (1 query)."""
    rows = {branch.pk: BranchEvaluation(branch) for branch in branches}
    rounds = (
        EvaluationRound.objects.filter(branch__in=branches, year=year, kind=RoundKind.EVALUATION)
        .annotate(
            taking_part=Count("assessments", distinct=True),
            voted=Count("casts", distinct=True),
            excellent=Count(
                "assessments", filter=Q(assessments__final_grade="excellent"), distinct=True
            ),
        )
        .order_by("opened_on", "pk")
    )
    for evaluation in rounds:
        row = rows[evaluation.branch_id]
        row.round = evaluation
        row.taking_part = evaluation.taking_part
        row.voted = evaluation.voted
        row.excellent = evaluation.excellent
    return list(rows.values())


# ------------------------------------------------------------------ year-end summaries


@dataclass
class BranchSummary:
    branch: Branch
    document: YearDocument | None = None
    versions: int = 0
    saved_at: datetime.datetime | None = None


def district_summaries(branches: list[Branch], year: int) -> list[BranchSummary]:
    """Each branch's own summary of `year`: written or not, and when last saved (1 query)."""
    rows = {branch.pk: BranchSummary(branch) for branch in branches}
    documents = YearDocument.objects.filter(
        branch__in=branches, year=year, kind=DocumentKind.SUMMARY, group=None
    ).annotate(version_count=Count("versions"), last_saved=Max("versions__saved_at"))
    for document in documents:
        row = rows[document.branch_id]
        row.document = document
        row.versions = document.version_count
        row.saved_at = document.last_saved
    return list(rows.values())


def group_by_missed(rows: list[BranchCompliance]) -> dict[str, int]:
    """How many branches missed nothing, one or two periods, or more (the headline)."""
    bands = defaultdict(int)
    for row in rows:
        missed = len(row.missed)
        bands["none" if missed == 0 else "few" if missed <= 2 else "many"] += 1
    return dict(bands)
