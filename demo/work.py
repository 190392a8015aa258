"""The demo school's other work for last year and this year so far, written through the
services and shaped like seed 001's figures at the demo's scale (33 members, four groups):
visits and relief with problems solved and money given, home visits for the school's three
reasons, lessons given at every level and lessons the cadres observed or reviewed, the
护学岗 volunteer rota, a 一日捐 donation, two joint-building events with the community, the
monthly study with its class hours (two members fall below the yearly 32), and the
secretary's talks. Every kind is present in both years."""

import datetime
import random
from decimal import Decimal

from activities.models import (
    Activity,
    ActivityKind,
    HomeVisitReason,
    LessonKind,
    LessonLevel,
    LessonRole,
    StudyForm,
    VisitedKind,
)
from activities.work.services import activity_save
from groups.models import Branch, GroupMembership

# Members who miss most of the study: below the yearly class hours.
SHORT_OF_STUDY = ["林涛", "许晨"]
CADRES = ["沈卫东", "顾丽萍", "曹阳"]
# Months of school (no July or August).
SCHOOL_MONTHS = [1, 2, 3, 4, 5, 6, 9, 10, 11, 12]

STUDY_TOPICS = [
    "学习党的二十届三中全会精神",
    "学习《中国共产党纪律处分条例》",
    "学习习近平总书记关于教育的重要论述",
    "学习《中国共产党章程》",
    "学习全国教育大会精神",
    "师德师风专题学习",
    "学习《中国共产党支部工作条例（试行）》",
    "观看警示教育片",
    "学习新时代教师职业行为十项准则",
    "学习党史学习教育相关材料",
]
VISITS = [
    # (month, title, whom, kind, people, problems, amount, goods)
    (1, "春节走访慰问退休教职工", "退休教职工", VisitedKind.RETIRED, 6, 8, "1200", "慰问品"),
    (1, "走访慰问困难党员", "困难党员", VisitedKind.MEMBER, 2, 5, "800", ""),
    (3, "慰问生病住院教师", "生病教师", VisitedKind.TEACHER, 2, 3, "600", "鲜花、水果"),
    (6, "走访慰问困难学生家庭", "困难学生家庭", VisitedKind.FAMILY, 4, 12, "1000", "学习用品"),
    (9, "教师节慰问老教师", "老教师", VisitedKind.RETIRED, 3, 4, "450", "慰问品"),
    (11, "走访慰问困难教师", "困难教师", VisitedKind.TEACHER, 2, 6, "900", ""),
]
LESSON_LEVELS = [LessonLevel.SUBJECT, LessonLevel.SCHOOL, LessonLevel.DISTRICT, LessonLevel.CITY]


def _day(year: int, month: int, day: int, today: datetime.date) -> datetime.date | None:
    """The day, or None if it is still to come."""
    date = datetime.date(year, month, min(day, 28))
    return date if date <= today else None


def _save(branch, kind, held_on, title, participants=(), **fields) -> Activity:
    return activity_save(
        activity=Activity(branch=branch, kind=kind, held_on=held_on, title=title, **fields),
        participants=dict.fromkeys(participants),
        acting_user=None,
    )


def seed_demo_work(branch: Branch, *, today: datetime.date) -> None:
    memberships = list(
        GroupMembership.objects.current()
        .filter(group__branch=branch)
        .select_related("group", "member")
        .order_by("group__sort_order", "member__name")
    )
    groups = {}
    for row in memberships:
        groups.setdefault(row.group, []).append(row.member)
    everyone = [row.member for row in memberships]
    by_name = {member.name: member for member in everyone}
    reasons = {reason.name: reason for reason in HomeVisitReason.objects.filter(branch=None)}
    for year in (today.year - 1, today.year):
        chance = random.Random(year)
        _seed_year(branch, year, today, chance, groups, everyone, by_name, reasons)


def _seed_year(branch, year, today, chance, groups, everyone, by_name, reasons):
    group_list = list(groups)
    # Visits and relief: the committee's, for the whole branch.
    for month, title, whom, kind, people, problems, amount, goods in VISITS:
        if held_on := _day(year, month, 20, today):
            _save(
                branch,
                ActivityKind.VISIT,
                held_on,
                title,
                [by_name[name] for name in CADRES],
                owner=by_name["顾丽萍"],
                counterpart=whom,
                visited_kind=kind,
                number=people,
                problems_solved=problems,
                amount=Decimal(amount),
                goods=goods,
            )
    # Home visits: each group, each school month, for the three reasons.
    for month in SCHOOL_MONTHS:
        for group in group_list:
            for n, reason in enumerate(("学困", "家庭困难", "因病")):
                number = chance.choice((0, 1, 1, 2))
                held_on = _day(year, month, 10 + 5 * n, today)
                if number and held_on:
                    _save(
                        branch,
                        ActivityKind.HOME_VISIT,
                        held_on,
                        f"{reason}学生家访",
                        [chance.choice(groups[group])],
                        group=group,
                        home_visit_reason=reasons[reason],
                        number=number,
                    )
    # Lessons: every teacher gives two a year; the cadres observe and review lessons.
    for group in group_list:
        for n, member in enumerate(groups[group]):
            if member.name in CADRES:
                continue
            for term, month in enumerate((4, 11)):
                if held_on := _day(year, month, 3 + n, today):
                    _save(
                        branch,
                        ActivityKind.LESSON,
                        held_on,
                        "示范课" if term else "公开课展示",
                        group=group,
                        owner=member,
                        lesson_kind=LessonKind.DEMONSTRATION if term else LessonKind.OPEN,
                        lesson_level=chance.choice(LESSON_LEVELS),
                        lesson_role=LessonRole.GIVEN,
                        number=1,
                    )
    for name in CADRES:
        for month in SCHOOL_MONTHS:
            if held_on := _day(year, month, 25, today):
                _save(
                    branch,
                    ActivityKind.LESSON,
                    held_on,
                    "听课评课",
                    owner=by_name[name],
                    lesson_kind=LessonKind.OBSERVATION,
                    lesson_level=LessonLevel.SCHOOL,
                    lesson_role=chance.choice((LessonRole.OBSERVED, LessonRole.REVIEWED)),
                    number=chance.randint(2, 4),
                )
    # Volunteer service: the 护学岗 rota, one group a month; a community day in spring.
    for n, month in enumerate(SCHOOL_MONTHS):
        group = group_list[n % len(group_list)]
        if held_on := _day(year, month, 8, today):
            _save(
                branch,
                ActivityKind.VOLUNTEER,
                held_on,
                "校门口护学岗",
                groups[group][:5],
                group=group,
                counterpart="校门口",
                hours=Decimal("4"),
            )
    if held_on := _day(year, 3, 5, today):
        _save(
            branch,
            ActivityKind.VOLUNTEER,
            held_on,
            "学雷锋社区志愿服务",
            everyone[::3],
            counterpart="南桥社区",
            hours=Decimal("2"),
        )
    # A donation and the community's joint building.
    if held_on := _day(year, 5, 15, today):
        _save(
            branch,
            ActivityKind.DONATION,
            held_on,
            "慈善一日捐",
            everyone,
            counterpart="区慈善基金会",
            amount=Decimal("3300.00"),
        )
    for month, title in ((4, "与社区党总支共建主题党日"), (10, "社区共建重阳敬老活动")):
        if held_on := _day(year, month, 18, today):
            _save(branch, ActivityKind.JOINT, held_on, title, everyone[::4], counterpart="南桥社区")
    # Study: the branch's monthly study (3 class hours), a 党校 course, online study.
    for n, month in enumerate(SCHOOL_MONTHS):
        if held_on := _day(year, month, 12, today):
            present = [m for m in everyone if m.name not in SHORT_OF_STUDY or chance.random() < 0.3]
            _save(
                branch,
                ActivityKind.STUDY,
                held_on,
                STUDY_TOPICS[n % len(STUDY_TOPICS)],
                present,
                study_form=StudyForm.GROUP,
                hours=Decimal("3"),
                place="党员活动室",
            )
    if held_on := _day(year, 7, 10, today):
        _save(
            branch,
            ActivityKind.STUDY,
            held_on,
            "暑期党员集中培训",
            [m for m in everyone if m.name not in SHORT_OF_STUDY],
            study_form=StudyForm.PARTY_SCHOOL,
            hours=Decimal("8"),
            place="区委党校",
        )
    for month in (6, 12):
        if held_on := _day(year, month, 1, today):
            _save(
                branch,
                ActivityKind.STUDY,
                held_on,
                "网络学习（学习强国、党员教育平台）",
                [m for m in everyone if m.name not in SHORT_OF_STUDY],
                study_form=StudyForm.ONLINE,
                hours=Decimal("6"),
            )
    # The secretary's talks.
    for month, name in ((3, "谢磊"), (5, "林涛"), (9, "许晨"), (11, "郑雯")):
        if held_on := _day(year, month, 22, today):
            _save(
                branch,
                ActivityKind.TALK,
                held_on,
                "谈心谈话",
                owner=by_name["沈卫东"],
                counterpart=name,
                private_notes="了解思想和工作情况，听取意见建议，提出改进要求。",
            )
