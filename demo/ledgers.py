"""The demo school's ledgers, written through `activities.ledgers.services` and dated back
from the day of the demo: this autumn's 师徒结对 (and last year's, ended in June), members
paired with struggling pupils and with non-member colleagues (三个一, seed 001), each activist
and the candidate paired with their first 培养联系人, two hardship cases with their helps,
a 三个一 pledge for every member this year and last year (most fulfilled), and the
党员安全责任岗 and 党员责任区 of this school year."""

import datetime
from decimal import Decimal

from activities.ledgers import services
from activities.models import (
    USUAL_PROMISES,
    DutyPost,
    Fulfilment,
    HardshipCase,
    Pairing,
    PartnerKind,
    Pledge,
    PledgeKind,
    PostKind,
)
from branchsite.dates import school_year_of
from groups.models import Branch
from members.models import Member, RecruitmentRecord
from members.recruitment.stages import StepCode

# 师徒结对: (master, young teacher), this autumn and last.
MASTERS = [
    ("韩美华", "陈思琪"),
    ("周敏", "王佳怡"),
    ("叶秀华", "刘子涵"),
    ("黄敏", "张雨婷"),
    ("吕园园", "孙一鸣"),
    ("陈刚", "李想"),
]
LAST_YEARS_MASTERS = [("孙丽华", "周子怡"), ("赵丹", "钱宇航"), ("宋佳", "沈可馨")]
# 帮扶一名学困生: (member, pupil, class).
PUPILS = [
    ("张丽", "王小宇", "三（2）班"),
    ("李静", "陈浩", "二（1）班"),
    ("徐燕", "刘欣怡", "四（3）班"),
    ("马晓红", "赵子轩", "一（4）班"),
    ("金晓燕", "黄梓涵", "五（2）班"),
    ("杨洁", "周一诺", "三（1）班"),
    ("唐慧", "吴俊熙", "二（3）班"),
    ("宋佳", "郑可欣", "四（1）班"),
    ("陆秋云", "孙浩宇", "一（2）班"),
]
# 联系一名非党员: (member, colleague).
COLLEAGUES = [("顾丽萍", "杨老师（后勤）"), ("朱建平", "许老师（英语组）")]

MEETING_NOTES = {
    PartnerKind.YOUNG_TEACHER: [
        "听课并交流教学设计",
        "指导撰写教学反思",
        "共同备课",
        "师傅上示范课，徒弟观摩",
    ],
    PartnerKind.PUPIL: ["辅导作业订正", "谈心鼓励", "与家长电话沟通", "课后阅读指导"],
    PartnerKind.COLLEAGUE: ["谈心交流", "征求对学校工作的意见"],
    PartnerKind.ACTIVIST: ["谈心谈话，了解思想动态", "推荐学习材料并交流体会"],
}
# How often each kind of pairing met, in days.
MEETING_EVERY = {
    PartnerKind.YOUNG_TEACHER: 21,
    PartnerKind.PUPIL: 28,
    PartnerKind.COLLEAGUE: 60,
    PartnerKind.ACTIVIST: 60,
}

# The 党员安全责任岗 of seed 001 (floors, rooms and times of day) and the 党员责任区 of seed 004.
SAFETY_POSTS = [
    ("曹阳", "校门口", "早晨 7:30–7:50"),
    ("张丽", "二楼东侧走廊", "课间"),
    ("刘伟", "三楼专用教室", "午间 12:00–12:30"),
    ("陈刚", "操场", "大课间"),
    ("郭玉兰", "校门口", "放学 15:30–16:00"),
]
AREAS = [("韩美华", "一年级组"), ("叶秀华", "三年级组"), ("朱建平", "教导处"), ("吕园园", "体育组")]
# Last year's post, ended with the school year.
ENDED_POST = ("林涛", "一楼大厅", "早晨 7:30–7:50")

# Last year's pledges kept only in part.
PARTLY_KEPT = {"谢磊", "郑雯"}
FULFILMENT = (
    "提出关于作业分层布置的建议并被采纳；帮扶学困生一名，期末成绩合格；与一名非党员教师结对谈心。"
)
PARTLY = "提出建议一条；帮扶学生有进步但未达目标；与非党员联系不够经常。"

# The hardship ledger: (member or None, teacher's name, difficulty, opened days ago,
# closed days ago or None, helps as (days ago, what, amount, givers)).
CASES = [
    (
        "王秀英",
        "",
        "丈夫重病住院，家庭负担重",
        95,
        None,
        [
            (90, "书记、组长到医院看望并送去慰问金", "1000.00", ["沈卫东", "韩美华"]),
            (60, "帮助联系医院专家会诊", "0", ["顾丽萍"]),
            (25, "工会送去营养品", "358.60", ["沈卫东"]),
        ],
    ),
    (
        None,
        "蔡老师",
        "非党员教师，本人手术后休养，子女在读，家庭经济困难",
        300,
        120,
        [
            (280, "春节前走访慰问", "800.00", ["沈卫东", "曹阳"]),
            (200, "子女助学帮扶", "500.00", ["顾丽萍"]),
            (130, "返岗前谈心，调整课务安排", "0", ["朱建平"]),
        ],
    ),
]


def _days_ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _term_days(start: datetime.date, until: datetime.date, every: int):
    """Days from two weeks after `start`, every `every` days, up to `until`, moved off the
    holidays (国庆, the winter and summer holidays)."""
    day = start + datetime.timedelta(days=14)
    while day <= until:
        if day.month in (7, 8):
            day = datetime.date(day.year, 9, 10)
            continue
        if day.month == 2 or (day.month == 10 and day.day <= 8):
            day += datetime.timedelta(days=10)
            continue
        yield day
        day += datetime.timedelta(days=every)


def _pair(member, *, kind, started_on, today, ended_on=None, **fields) -> Pairing:
    pairing = services.pairing_record(
        pairing=Pairing(
            branch=member.branch,
            member=member,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            **fields,
        ),
        acting_user=None,
    )
    until = min(ended_on or today, today - datetime.timedelta(days=1))
    notes = MEETING_NOTES[kind]
    for n, day in enumerate(_term_days(started_on, until, MEETING_EVERY[kind])):
        services.pairing_meeting_add(
            pairing=pairing, held_on=day, note=notes[n % len(notes)], acting_user=None, today=today
        )
    return pairing


def seed_demo_pairings(branch: Branch, members: dict, *, today: datetime.date) -> None:
    school_year = school_year_of(today)
    autumn = min(datetime.date(school_year, 9, 10), today)  # the 师徒结对 ceremony
    last_autumn = datetime.date(school_year - 1, 9, 10)
    last_june = datetime.date(school_year, 6, 30)
    for master, young in MASTERS:
        _pair(
            members[master],
            kind=PartnerKind.YOUNG_TEACHER,
            partner_name=young,
            started_on=autumn,
            today=today,
            aim="一年内站稳讲台，上好一节校级公开课",
        )
    for master, young in LAST_YEARS_MASTERS:
        _pair(
            members[master],
            kind=PartnerKind.YOUNG_TEACHER,
            partner_name=young,
            started_on=last_autumn,
            ended_on=last_june,
            today=today,
            aim="熟悉教学常规，完成汇报课",
        )
    for member, pupil, pupil_class in PUPILS:
        _pair(
            members[member],
            kind=PartnerKind.PUPIL,
            partner_name=pupil,
            pupil_class=pupil_class,
            started_on=autumn,
            today=today,
            aim="培养学习习惯，学业成绩达到合格",
        )
    for member, colleague in COLLEAGUES:
        _pair(
            members[member],
            kind=PartnerKind.COLLEAGUE,
            partner_name=colleague,
            started_on=autumn,
            today=today,
        )
    # Each person in recruitment with 培养联系人 is paired with the first of them.
    assigned = (
        RecruitmentRecord.objects.filter(member__branch=branch, step__code=StepCode.MENTORS)
        .select_related("member")
        .prefetch_related("people")
        .order_by("member__pk")
    )
    for record in assigned:
        mentor = min(record.people.all(), key=lambda person: person.pk)
        _pair(
            mentor,
            kind=PartnerKind.ACTIVIST,
            partner_member=record.member,
            started_on=record.done_on,
            today=today,
            aim="帮助端正入党动机，提高对党的认识",
        )


def seed_demo_hardship(branch: Branch, members: dict, *, today: datetime.date) -> None:
    for name, person_name, difficulty, opened, closed, helps in CASES:
        case = services.hardship_case_open(
            case=HardshipCase(
                branch=branch,
                member=members.get(name),
                person_name=person_name,
                difficulty=difficulty,
                opened_on=_days_ago(today, opened),
            ),
            acting_user=None,
        )
        for days, what, amount, givers in helps:
            services.hardship_help_add(
                case=case,
                given_on=_days_ago(today, days),
                what=what,
                amount=Decimal(amount),
                givers=[members[giver] for giver in givers],
                acting_user=None,
                today=today,
            )
        if closed is not None:
            case.closed_on = _days_ago(today, closed)
            services.hardship_case_update(case=case, acting_user=None)


def seed_demo_pledges(branch: Branch, *, today: datetime.date) -> None:
    """This year's 三个一 for every member on the roll, and last year's for those who were
    members then, reviewed by the committee early this year."""
    last_year = today.year - 1
    reviewed_on = min(datetime.date(today.year, 1, 12), today)
    for member in Member.objects.on_roll().filter(branch=branch).order_by("pk"):
        services.pledge_record(
            pledge=Pledge(
                branch=branch,
                member=member,
                year=today.year,
                kind=PledgeKind.THREE_ONES,
                promises=USUAL_PROMISES[PledgeKind.THREE_ONES],
            ),
            acting_user=None,
            today=today,
        )
        if member.joined_on and member.joined_on.year > last_year:
            continue
        pledge = services.pledge_record(
            pledge=Pledge(
                branch=branch,
                member=member,
                year=last_year,
                kind=PledgeKind.THREE_ONES,
                promises=USUAL_PROMISES[PledgeKind.THREE_ONES],
            ),
            acting_user=None,
            today=today,
        )
        partly = member.name in PARTLY_KEPT
        services.pledge_review(
            pledge=pledge,
            outcome=Fulfilment.PARTLY if partly else Fulfilment.DONE,
            reviewed_on=reviewed_on,
            fulfilment=PARTLY if partly else FULFILMENT,
            acting_user=None,
            today=today,
        )


def seed_demo_posts(branch: Branch, members: dict, *, today: datetime.date) -> None:
    school_year = school_year_of(today)
    term = min(datetime.date(school_year, 9, 1), today)

    def assign(name, kind, place, time_slot="", **dates):
        post = DutyPost(
            branch=branch,
            member=members[name],
            kind=kind,
            place=place,
            time_slot=time_slot,
            **dates,
        )
        services.duty_post_assign(post=post, acting_user=None)

    for name, place, time_slot in SAFETY_POSTS:
        assign(name, PostKind.SAFETY, place, time_slot, started_on=term)
    for name, place in AREAS:
        assign(name, PostKind.AREA, place, started_on=term)
    name, place, time_slot = ENDED_POST
    assign(
        name,
        PostKind.SAFETY,
        place,
        time_slot,
        started_on=datetime.date(school_year - 1, 9, 1),
        ended_on=datetime.date(school_year, 6, 30),
    )


def seed_demo_ledgers(branch: Branch, *, today: datetime.date) -> None:
    members = {member.name: member for member in Member.objects.filter(branch=branch)}
    seed_demo_pairings(branch, members, today=today)
    seed_demo_hardship(branch, members, today=today)
    seed_demo_pledges(branch, today=today)
    seed_demo_posts(branch, members, today=today)
