"""Seed 001, a school branch's real 2023 summary, as records: its figures are copied here
(the project does not read `../shared`), and `enter_*` enters them through the services a
branch uses, as a branch would, in several records each.

What the seed states and the records hold:
- 23 Party members, 22 full and 1 probationary; 14 teachers have applied to join (入党申请书);
- 40 people in hardship visited, 118 problems solved, money and goods worth 5191 元;
- 132 home visits: 50 to pupils who struggle (学困), 32 to families in hardship, 50 to
  pupils off sick;
- Party-member teachers gave 162 lessons (观摩课、评优课 at every level) and observed or
  reviewed 338.

What the app cannot represent as the seed words it: the seed counts 观摩课 and 评优课
together without a split by level (the records give each a level; the split here is ours),
and it names no month for most of the work (the records need a day; ours fall in May).
"""

import datetime
from decimal import Decimal

from activities.models import (
    Activity,
    ActivityKind,
    HomeVisitReason,
    LessonKind,
    LessonLevel,
    LessonRole,
    VisitedKind,
)
from activities.work.services import activity_save
from members.models import Category
from tests.factories import MemberFactory, member_in_group

YEAR = 2023
DAY = datetime.date(YEAR, 5, 10)

MEMBERS = 23
FULL_MEMBERS = 22
PROBATIONARY = 1
APPLICANTS = 14
PEOPLE_VISITED = 40
PROBLEMS_SOLVED = 118
RELIEF_YUAN = Decimal("5191.00")
HOME_VISITS = {"学困": 50, "家庭困难": 32, "因病": 50}
LESSONS_GIVEN = 162
LESSONS_OBSERVED_OR_REVIEWED = 338


def record(branch, kind, *, clerk, participants=(), held_on=DAY, title="活动", **fields):
    return activity_save(
        activity=Activity(branch=branch, kind=kind, held_on=held_on, title=title, **fields),
        participants=dict.fromkeys(participants),
        acting_user=clerk,
    )


def enter_work(world, clerk, *, held_on: datetime.date = DAY) -> None:
    """The seed's visits, home visits and lessons on `held_on`: several records for each
    figure."""
    reasons = {reason.name: reason for reason in HomeVisitReason.objects.filter(branch=None)}
    visits = [(15, 40, "2191.00"), (10, 38, "1500.00"), (15, 40, "1500.00")]
    for people, problems, amount in visits:
        record(
            world.branch,
            ActivityKind.VISIT,
            clerk=clerk,
            held_on=held_on,
            visited_kind=VisitedKind.TEACHER,
            number=people,
            problems_solved=problems,
            amount=Decimal(amount),
        )
    for reason, numbers in (("学困", (30, 20)), ("家庭困难", (32,)), ("因病", (25, 25))):
        for number in numbers:
            record(
                world.branch,
                ActivityKind.HOME_VISIT,
                clerk=clerk,
                held_on=held_on,
                group=world.group_a,
                home_visit_reason=reasons[reason],
                number=number,
            )
    given = {
        LessonLevel.SUBJECT: 80,
        LessonLevel.SCHOOL: 50,
        LessonLevel.DISTRICT: 30,
        LessonLevel.CITY: 2,
    }
    for level, number in given.items():
        record(
            world.branch,
            ActivityKind.LESSON,
            clerk=clerk,
            held_on=held_on,
            group=world.group_b,
            lesson_kind=LessonKind.CONTEST,
            lesson_level=level,
            lesson_role=LessonRole.GIVEN,
            number=number,
        )
    for role, number in ((LessonRole.OBSERVED, 200), (LessonRole.REVIEWED, 138)):
        record(
            world.branch,
            ActivityKind.LESSON,
            clerk=clerk,
            held_on=held_on,
            lesson_kind=LessonKind.OBSERVATION,
            lesson_level=LessonLevel.SCHOOL,
            lesson_role=role,
            number=number,
        )


def enter_roll(world) -> None:
    """The world's six full members become the seed's 23 (one probationary since June),
    and its 14 applicants."""
    groups = (world.group_a, world.group_b)
    on_roll = 6  # the world's
    for n in range(FULL_MEMBERS - on_roll):
        member_in_group(groups[n % 2], name=f"党员{n + 1:02d}")
    member_in_group(
        world.group_b,
        name="预备党员",
        category=Category.PROBATIONARY,
        joined_on=datetime.date(YEAR, 6, 1),
        full_member_on=None,
    )
    for n in range(APPLICANTS):
        MemberFactory(
            branch=world.branch,
            name=f"申请人{n + 1:02d}",
            category=Category.APPLICANT,
            joined_on=None,
            full_member_on=None,
        )
