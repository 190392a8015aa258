"""The demo school's two yearly duties every member takes part in, written through the
services: last year's 民主评议党员 closed (self-assessments, the peer review's points, almost
everyone voted, grades within the cap, one 基本合格 with its improvement plan, 优秀 for the two
leaders the general meeting recommended), this year's round open with some ballots in; and
twelve months of dues with realistic bases, two members behind (3 and 6 months), a back
payment and a collection of 特殊党费."""

import datetime
import random
from decimal import Decimal

from branchsite.dates import add_months
from groups.models import Branch
from members.dues import services as dues
from members.dues.ledger import first_of
from members.evaluation import services as evaluation
from members.models import Assessment, DuesCategory, Employment, Grade, Member

# The leaders the demo's general meetings recommend as 优秀党员 (demo/meetings/generator.py).
RECOMMENDED = ["韩美华", "叶秀华"]
# Graded 基本合格 last year, with an improvement plan.
BASIC = "谢磊"
# Ballots not cast last year; this year's round has only these voters so far.
DID_NOT_VOTE = ["唐慧", "许晨"]
VOTED_THIS_YEAR = ["沈卫东", "顾丽萍", "韩美华", "周敏", "张丽", "叶秀华", "吕园园", "陈刚"]
# Dues: the last three, and the last six, months unpaid; two months paid late together.
THREE_BEHIND, SIX_BEHIND, PAID_LATE = "林涛", "郑雯", "王秀英"

SELF_ASSESSMENTS = [
    "本年度坚持参加支部“三会一课”，认真学习党的创新理论。在教学中落实立德树人，"
    "所带班级学风良好。不足是理论学习不够系统，今后将制定个人学习计划。",
    "能对照合格党员标准严格要求自己，积极参与教研活动和青年教师带教。"
    "存在联系群众不够经常的问题，今后多与同事谈心交流。",
    "认真履行岗位职责，按时交纳党费，参加志愿服务。今后在课堂教学改革上继续下功夫。",
]
# What the groups' members said of each other at the 党员互评 (a few points each).
PEER_COMMENTS = [
    "工作踏实肯干，带教青年教师耐心细致\n建议在理论学习上多作交流分享",
    "关心同事，乐于助人\n希望在课堂教学改革中发挥更大作用",
    "教学成绩突出，积极参加志愿服务\n有时工作方法较急，可多听取群众意见",
]
BASIC_PEER_COMMENT = "业务能力较强\n本年度多次缺席组织生活，希望今后按时参加，主动汇报思想"


def seed_demo_evaluations(branch: Branch, *, today: datetime.date) -> None:
    members = {member.name: member for member in Member.objects.filter(branch=branch)}
    last_year = today.year - 1
    closed = evaluation.round_open(
        branch=branch,
        year=last_year,
        opened_on=datetime.date(last_year, 12, 1),
        acting_user=None,
    )
    evaluation.round_steps_save(
        evaluation=closed,
        acting_user=None,
        study_from=datetime.date(last_year, 11, 10),
        self_assessment_due=datetime.date(last_year, 12, 5),
        peer_review_on=datetime.date(last_year, 12, 7),
    )
    assessments = list(Assessment.objects.filter(round=closed).select_related("member"))
    for n, assessment in enumerate(assessments):
        if assessment.member.name in DID_NOT_VOTE:
            continue
        evaluation.self_assessment_save(
            assessment=assessment,
            text=SELF_ASSESSMENTS[n % len(SELF_ASSESSMENTS)],
            written_on=datetime.date(last_year, 12, 4),
            acting_user=assessment.member.user,
        )
        if assessment.member.name in RECOMMENDED:
            evaluation.excellent_recommend(
                assessment=assessment, recommended=True, acting_user=None
            )
    evaluation.peer_reviews_save(
        evaluation=closed,
        comments={
            assessment.pk: BASIC_PEER_COMMENT
            if assessment.member.name == BASIC
            else PEER_COMMENTS[n % len(PEER_COMMENTS)]
            for n, assessment in enumerate(assessments)
        },
        reviewed_on=datetime.date(last_year, 12, 7),
        acting_user=None,
    )
    chance = random.Random(last_year)
    for assessment in assessments:
        voter = assessment.member
        if voter.name in DID_NOT_VOTE:
            continue
        grades = {}
        for member in evaluation.ballot_for(closed, voter):
            if member.name in RECOMMENDED:
                grades[member.pk] = Grade.EXCELLENT if chance.random() < 0.8 else Grade.QUALIFIED
            elif member.name == BASIC:
                grades[member.pk] = Grade.BASIC if chance.random() < 0.6 else Grade.QUALIFIED
            else:
                grades[member.pk] = Grade.EXCELLENT if chance.random() < 0.08 else Grade.QUALIFIED
        evaluation.ballot_cast(evaluation=closed, voter=voter, grades=grades)
    evaluation.ballot_close(
        evaluation=closed, closed_on=datetime.date(last_year, 12, 14), acting_user=None
    )
    for assessment in Assessment.objects.filter(round=closed, graded=True).select_related("member"):
        name = assessment.member.name
        grade = (
            Grade.EXCELLENT
            if name in RECOMMENDED
            else Grade.BASIC
            if name == BASIC
            else Grade.QUALIFIED
        )
        evaluation.grade_set(
            assessment=assessment,
            grade=grade,
            reason={
                Grade.EXCELLENT: "党小组推荐，党员大会通过",
                Grade.BASIC: "本年度多次无故缺席组织生活，经支委会研究评定",
            }.get(grade, ""),
            acting_user=None,
        )
        if grade == Grade.BASIC:
            evaluation.follow_up_set(
                assessment=assessment,
                plan="参加支部组织的专题学习，每月向党小组长汇报思想和工作情况；按时参加组织生活。",
                due=datetime.date(today.year, 6, 30),
                done_on=None,
                acting_user=None,
            )
    evaluation.round_close(
        evaluation=closed, closed_on=datetime.date(last_year, 12, 20), acting_user=None
    )
    evaluation.round_steps_save(
        evaluation=closed,
        acting_user=None,
        notified_on=datetime.date(last_year, 12, 22),
        reported_on=datetime.date(last_year, 12, 25),
    )

    # This year's round, open, with some ballots in.
    current = evaluation.round_open(
        branch=branch,
        year=today.year,
        opened_on=today - datetime.timedelta(days=3),
        acting_user=None,
    )
    for name in VOTED_THIS_YEAR:
        voter = members[name]
        evaluation.ballot_cast(
            evaluation=current,
            voter=voter,
            grades={m.pk: Grade.QUALIFIED for m in evaluation.ballot_for(current, voter)},
        )


def monthly_base(member: Member, n: int) -> tuple[str, Decimal]:
    if member.employment == Employment.RETIRED:
        return DuesCategory.RETIRED, Decimal(4200 + 350 * (n % 6))
    # Teachers' fixed pay after tax: 4,800 to 11,600 元.
    return DuesCategory.IN_SERVICE, Decimal(4800 + 425 * (n % 17))


def seed_demo_dues(branch: Branch, *, today: datetime.date) -> None:
    members = list(Member.objects.on_roll().filter(branch=branch).order_by("name", "pk"))
    first = add_months(first_of(today), -12)
    for n, member in enumerate(members):
        category, base = monthly_base(member, n)
        dues.dues_basis_set(
            member=member,
            category=category,
            monthly_base=base,
            starts_on=first,
            acting_user=None,
            note="按上年度工资核定",
        )
    by_name = {member.name: member for member in members}
    last = add_months(first_of(today), -1)
    month = first
    while month <= last:
        behind = {
            by_name[THREE_BEHIND].pk: month >= add_months(last, -2),
            by_name[SIX_BEHIND].pk: month >= add_months(last, -5),
            by_name[PAID_LATE].pk: month in (add_months(last, -4), add_months(last, -3)),
        }
        dues.dues_collect(
            members=members,
            month=month,
            paid_on=min(month.replace(day=10), today),
            acting_user=None,
            not_paid=[pk for pk, unpaid in behind.items() if unpaid],
            by_proxy=[by_name["许晨"].pk] if "许晨" in by_name else [],
        )
        month = add_months(month, 1)
    # The two months 王秀英 missed, paid together later (补交).
    late = by_name[PAID_LATE]
    dues.dues_pay(
        member=late,
        months=[add_months(last, -4), add_months(last, -3)],
        paid_on=min(add_months(last, -1).replace(day=12), today),
        acting_user=None,
        note="病假期间，返校后补交",
    )
    # 特殊党费 for disaster relief, from ten members.
    relief_day = min(add_months(first_of(today), -5).replace(day=18), today)
    for member in members[:10]:
        dues.special_dues_record(
            member=member,
            amount=Decimal("200"),
            paid_on=relief_day,
            purpose="支援受灾地区抗洪救灾",
            acting_user=None,
        )
