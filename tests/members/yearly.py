"""A year of the two yearly duties for the world's branch (tests/conftest.py) or a branch
built like it (`branch_like_the_world`), recorded through the services: an evaluation round
whose ballot is closed and graded, and a year of dues with a change of base, arrears, a back
payment, a member who left and special dues. The selector and document tests share them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from members.dues import services as dues
from members.evaluation import services as evaluation_services
from members.models import DuesCategory, Grade, Member, Status
from tests.factories import BranchFactory, PartyGroupFactory, UserFactory, member_in_group

BALLOT_DAY = datetime.date(2025, 12, 10)
DUES_YEAR = 2025
BASIC_REASON = "全年多次无故缺席组织生活，经支委会研究评定为基本合格"


@dataclass
class SmallBranch:
    branch: object
    group_a: object
    group_b: object
    secretary: object
    leader_a: object
    member: object
    leader_b: object


def branch_like_the_world() -> SmallBranch:
    """The world's branch without accounts or posts: 一支部, A组 (书记, 甲组长, 普通党员) and
    B组 (乙组长, 乙组党员一, 乙组党员二)."""
    branch = BranchFactory(name="一支部", code="yi")
    group_a = PartyGroupFactory(branch=branch, name="A组")
    group_b = PartyGroupFactory(branch=branch, name="B组")
    people = [member_in_group(group_a, name=name) for name in ("书记", "甲组长", "普通党员")]
    leader_b = member_in_group(group_b, name="乙组长")
    member_in_group(group_b, name="乙组党员一")
    member_in_group(group_b, name="乙组党员二")
    return SmallBranch(branch, group_a, group_b, *people, leader_b)


def named(branch, name: str) -> Member:
    return Member.objects.get(branch=branch, name=name)


def counted_round(world, *, acting_user=None):
    """The 2025 round of the world's branch with a probationary member (周预备, in A组, no
    grade): everyone votes, everyone gives 甲组长 优秀 and everyone else 合格; the ballot is
    closed and the committee grades 甲组长 优秀, 普通党员 基本合格 (with its reason: it is not
    the ballot's grade) and the others 合格. The round stays open for grades (COUNTED)."""
    acting_user = acting_user or UserFactory(username="clerk")
    member_in_group(world.group_a, name="周预备", probationary=True)
    evaluation = evaluation_services.round_open(
        branch=world.branch, year=2025, opened_on=BALLOT_DAY, acting_user=acting_user
    )
    for assessment in evaluation.assessments.select_related("member"):
        voter = assessment.member
        grades = {
            member.pk: Grade.EXCELLENT if member.pk == world.leader_a.pk else Grade.QUALIFIED
            for member in evaluation_services.ballot_for(evaluation, voter)
        }
        evaluation_services.ballot_cast(evaluation=evaluation, voter=voter, grades=grades)
    evaluation_services.ballot_close(
        evaluation=evaluation, closed_on=BALLOT_DAY, acting_user=acting_user
    )
    for assessment in evaluation.assessments.filter(graded=True).select_related("member"):
        grade, reason = Grade.QUALIFIED, ""
        if assessment.member_id == world.leader_a.pk:
            grade = Grade.EXCELLENT
        elif assessment.member_id == world.member.pk:
            grade, reason = Grade.BASIC, BASIC_REASON
        evaluation_services.grade_set(
            assessment=assessment, grade=grade, reason=reason, acting_user=acting_user
        )
    evaluation.refresh_from_db()
    return evaluation


def months(year: int, first: int, last: int) -> list[datetime.date]:
    return [datetime.date(year, month, 1) for month in range(first, last + 1)]


def a_year_of_dues(world, *, acting_user=None) -> dict:
    """2025's dues of the world's branch, and what the tests expect of them:
    书记 6000 in service (90.00 a month), all 12 months;
    甲组长 3000 (15.00), 5000.01 from July (75.00), all 12: 540.00;
    普通党员 retired, 4000 (20.00), January to September: 3 months behind at the year's end;
    乙组长 without an income (0.20), all 12;
    乙组党员一 8000 (120.00), January to June by the year's end, July to December paid back
    on 10 January 2026 (July: exactly the 6 months back a back payment may reach): 12 months
    for the year, yet 6 behind at its end;
    乙组党员二 no base set; 调出党员 (transferred out in April) 5000 (50.00), January to March;
    special dues: 书记 200 and 甲组长 100 for 抗洪救灾, 普通党员 50 for 帮扶困难党员 in 2025,
    and 书记 80 in 2024 (another year)."""
    acting_user = acting_user or UserFactory(username="treasurer")
    b_one, b_two = named(world.branch, "乙组党员一"), named(world.branch, "乙组党员二")
    left = member_in_group(world.group_b, name="调出党员")

    def basis(member, category, base, month=1):
        dues.dues_basis_set(
            member=member,
            category=category,
            monthly_base=Decimal(base),
            starts_on=datetime.date(2025, month, 1),
            acting_user=acting_user,
        )

    def pay(member, first, last, paid_on=None):
        """Month by month on the 20th, or all together on `paid_on` (a back payment)."""
        if paid_on is not None:
            dues.dues_pay(
                member=member,
                months=months(2025, first, last),
                paid_on=paid_on,
                acting_user=acting_user,
            )
            return
        for month in months(2025, first, last):
            dues.dues_pay(
                member=member,
                months=[month],
                paid_on=month.replace(day=20),
                acting_user=acting_user,
            )

    basis(world.secretary, DuesCategory.IN_SERVICE, "6000")
    pay(world.secretary, 1, 12)
    basis(world.leader_a, DuesCategory.IN_SERVICE, "3000")
    basis(world.leader_a, DuesCategory.IN_SERVICE, "5000.01", month=7)
    pay(world.leader_a, 1, 12)
    basis(world.member, DuesCategory.RETIRED, "4000")
    pay(world.member, 1, 9)
    basis(world.leader_b, DuesCategory.NO_INCOME, "0")
    pay(world.leader_b, 1, 12)
    basis(b_one, DuesCategory.IN_SERVICE, "8000")
    pay(b_one, 1, 6, paid_on=datetime.date(2025, 6, 30))
    pay(b_one, 7, 12, paid_on=datetime.date(2026, 1, 10))
    basis(left, DuesCategory.IN_SERVICE, "5000")
    pay(left, 1, 3, paid_on=datetime.date(2025, 3, 31))
    Member.objects.filter(pk=left.pk).update(
        status=Status.TRANSFERRED_OUT, status_since=datetime.date(2025, 4, 15)
    )
    for member, amount, day, purpose in [
        (world.secretary, "200", datetime.date(2025, 8, 1), "抗洪救灾"),
        (world.leader_a, "100", datetime.date(2025, 8, 2), "抗洪救灾"),
        (world.member, "50", datetime.date(2025, 10, 1), "帮扶困难党员"),
        (world.secretary, "80", datetime.date(2024, 5, 12), "抗震救灾"),
    ]:
        dues.special_dues_record(
            member=member,
            amount=Decimal(amount),
            paid_on=day,
            purpose=purpose,
            acting_user=acting_user,
        )
    return {
        "totals": {
            "书记": Decimal("1080.00"),
            "甲组长": Decimal("540.00"),
            "普通党员": Decimal("180.00"),
            "乙组长": Decimal("2.40"),
            "乙组党员一": Decimal("1440.00"),
            "乙组党员二": Decimal("0.00"),
            "调出党员": Decimal("150.00"),
        },
        "months": {
            "书记": 12,
            "甲组长": 12,
            "普通党员": 9,
            "乙组长": 12,
            "乙组党员一": 12,
            "乙组党员二": 0,
            "调出党员": 3,
        },
        "collected": Decimal("3392.40"),
        "special_total": Decimal("350.00"),
        "b_two": b_two,
        "left": left,
    }
