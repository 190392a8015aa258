"""Meetings for the demo school (`manage.py seed_demo`): the previous school year in full and
the current one up to yesterday, recorded through `activities.services` as a secretary and
four group leaders would — every meeting type, attendance with 请假 and 缺席, 补学 closed
or still open, records reviewed by the secretary and one changed after review.

Dates follow the day the demo is created, so it stays realistic in later years. For a demo
created on 2026-11-21 the previous school year is 2025学年 (from 2025-09-01), the current one
2026学年, and meetings run from 2025-09-01 to 2026-11-20.

A few required meetings are missing on purpose, so the compliance view has something to
show (`meeting_gaps` lists them for any date; Y is the year the current school year began):

- 综合（音、体、美、自、探究）党小组: no group meeting in December of Y-1 (2025-12: the
  district sports meet and the arts festival took the month).
- 数学（英语）大组党小组: no group meeting in September of Y (2026-09, the start of term).
- 支部委员会: no committee meeting in April of Y (2026-04).
- 党课: none in the second quarter of Y (2026-04 to 2026-06).

A gap counts once its period is over: on 2026-09-15 the September group meeting is merely
not held yet.
"""

import calendar
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from activities.models import (
    AgendaTemplate,
    MakeUpStudy,
    Meeting,
    MeetingType,
    Motion,
    Presence,
    SchoolTerm,
)
from activities.services import (
    Absence,
    expected_attendees,
    make_up_close,
    meeting_record,
    meeting_review,
    meeting_update,
)
from branchsite.audit import audited_save
from branchsite.dates import school_year_of
from groups.access import current_committee_posts
from groups.models import Branch, CommitteeRole, GroupLeadership, GroupRole, PartyGroup
from members.models import Category, Member

# Repeatable: the same `today` always gives the same meetings, absences and minutes.
RANDOM_SEED = 20250901

# The default rules (2018 条例, activities migration 0002) owe monthly meetings only in
# months with at least this many days of term; the demo holds them in exactly those months.
MONTHLY_MIN_TERM_DAYS = 10

# Group indexes follow `groups.demo.GROUPS` (sort order of the party groups).
ADMIN_GROUP, CHINESE_GROUP, MATHS_GROUP, ARTS_GROUP = range(4)

# Spring Festival (春节) by year: the second term starts about two weeks after it.
SPRING_FESTIVAL = {
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
    2033: (1, 31),
    2034: (2, 19),
    2035: (2, 8),
}
# Days off in term time: 元旦, 清明 (about), 劳动节, 国庆.
PUBLIC_HOLIDAYS = {(1, 1), (1, 2), (4, 4), (4, 5), (4, 6), *((5, d) for d in range(1, 6))}
PUBLIC_HOLIDAYS |= {(10, d) for d in range(1, 9)}


@dataclass(frozen=True)
class Gap:
    """A required meeting the demo leaves out: `kind` (in `group`, if a group meeting) was
    not held from `starts_on` to `ends_on`."""

    kind: str
    group_index: int | None
    starts_on: datetime.date
    ends_on: datetime.date


# ---------------------------------------------------------------- the school calendar


def school_terms(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The two terms of school year `year` as Shanghai primary schools keep them: from
    1 September to the Friday before the winter holiday (around 23 January), and from two
    weeks after the Spring Festival to the first Friday of July or so."""
    month, day = SPRING_FESTIVAL.get(year + 1, (2, 1))
    second_starts = max(
        datetime.date(year + 1, 2, 16),
        datetime.date(year + 1, month, day) + datetime.timedelta(days=12),
    )
    second_starts = _next_weekday(second_starts, calendar.MONDAY)
    return [
        (
            f"{year}学年第一学期",
            datetime.date(year, 9, 1),
            _next_weekday(datetime.date(year + 1, 1, 17), calendar.FRIDAY),
        ),
        (
            f"{year}学年第二学期",
            second_starts,
            _next_weekday(datetime.date(year + 1, 6, 27), calendar.FRIDAY),
        ),
    ]


def meeting_gaps(today: datetime.date) -> list[Gap]:
    """The required meetings the demo leaves out whose period was over by `today`."""
    return [gap for gap in _planned_gaps(school_year_of(today)) if gap.ends_on < today]


def _planned_gaps(year: int) -> list[Gap]:
    """Every gap of a demo whose current school year began in `year`, over or not."""
    return [
        Gap(MeetingType.GROUP, ARTS_GROUP, *_month(year - 1, 12)),
        Gap(MeetingType.GROUP, MATHS_GROUP, *_month(year, 9)),
        Gap(MeetingType.COMMITTEE, None, *_month(year, 4)),
        Gap(MeetingType.LECTURE, None, datetime.date(year, 4, 1), datetime.date(year, 6, 30)),
    ]


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _month(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def _skipped(gaps: list[Gap], kind: str, day: datetime.date, group_index=None) -> bool:
    return any(
        gap.kind == kind and gap.group_index == group_index and gap.starts_on <= day <= gap.ends_on
        for gap in gaps
    )


# ---------------------------------------------------------------- what the meetings say

EXCUSE_REASONS = [
    "外出培训（区骨干教师研修班）",
    "病假",
    "带学生参加区田径比赛",
    "事假",
    "参加区教研活动",
    "带学生参加区艺术节展演",
    "外出听课",
    "家中老人住院，请事假",
    "参加市级教学展示活动",
    "带学生参加区科技节比赛",
]
ABSENCE_REASONS = ["", "", "临时处理学生突发情况，未及时请假", "家长来访，未能到会"]
MAKE_UP_NOTES = [
    "阅读会议记录，自学会议材料，提交学习心得一篇。",
    "由党小组长个别传达会议精神，完成补学笔记。",
    "观看会议录像，撰写学习体会，组长已检查。",
    "在下一次党小组会前补学，并在会上作交流发言。",
    "通过“学习强国”完成相关专题学习，补学笔记已交支部。",
    "书记个别谈话传达会议内容，本人作了补学记录。",
]

GROUP_PLACES = {
    ADMIN_GROUP: ["行政会议室", "党员活动室"],
    CHINESE_GROUP: ["语文教研室", "三楼会议室"],
    MATHS_GROUP: ["数学教研室", "英语组办公室"],
    ARTS_GROUP: ["综合楼二楼会议室", "体育组办公室"],
}
GROUP_RECORDERS = {
    ADMIN_GROUP: "陆秋云",
    CHINESE_GROUP: "王秀英",
    MATHS_GROUP: "杨洁",
    ARTS_GROUP: "郑雯",
}
GROUP_TIMES = {
    ADMIN_GROUP: (datetime.time(15, 30), datetime.time(16, 30)),
    CHINESE_GROUP: (datetime.time(15, 45), datetime.time(16, 45)),
    MATHS_GROUP: (datetime.time(15, 45), datetime.time(16, 40)),
    ARTS_GROUP: (datetime.time(16, 0), datetime.time(17, 0)),
}
# (days into the month, weekday) of each group's meeting: the second or third week.
GROUP_DAYS = {
    ADMIN_GROUP: (7, calendar.MONDAY),
    CHINESE_GROUP: (7, calendar.WEDNESDAY),
    MATHS_GROUP: (8, calendar.THURSDAY),
    ARTS_GROUP: (14, calendar.WEDNESDAY),
}

# Study topics of group meetings (集中学习), by month; (topic, what was studied).
GROUP_STUDY = {
    9: [
        (
            "学习习近平总书记关于教育家精神的重要论述，争做新时代“大先生”",
            "习近平总书记致全国优秀教师代表的信",
        ),
        (
            "师德师风专题学习：对照《新时代中小学教师职业行为十项准则》自查自纠",
            "《新时代中小学教师职业行为十项准则》",
        ),
    ],
    10: [
        (
            "学习党的二十大报告关于“实施科教兴国战略”的论述",
            "党的二十大报告第五部分",
        ),
        (
            "学习贯彻习近平新时代中国特色社会主义思想，研读《习近平谈治国理政》有关教育的篇目",
            "《习近平谈治国理政》第四卷选篇",
        ),
    ],
    11: [
        ("学习贯彻党的二十届四中全会精神", "党的二十届四中全会公报"),
        (
            "学习党的二十届三中全会《决定》中深化教育综合改革的部署",
            "《中共中央关于进一步全面深化改革、推进中国式现代化的决定》教育部分",
        ),
    ],
    12: [
        ("党小组民主评议：党员自评和互评", "民主评议党员有关文件"),
        ("推荐年度优秀党员，交流一年来发挥作用情况", "支部关于推荐优秀党员的通知"),
    ],
    1: [
        ("学期工作交流，收集教职工对学校工作的意见建议", "支部本学期工作小结"),
    ],
    3: [
        ("学习贯彻全国两会精神", "政府工作报告中有关教育的内容"),
        ("学习《教育强国建设规划纲要（2024—2035年）》", "《教育强国建设规划纲要（2024—2035年）》"),
    ],
    4: [
        ("学习《中国共产党纪律处分条例》，筑牢纪律防线", "《中国共产党纪律处分条例》"),
        ("深入学习贯彻中央八项规定精神，锤炼过硬作风", "中央八项规定及其实施细则精神"),
    ],
    5: [
        ("学习《教育强国建设规划纲要（2024—2035年）》", "《教育强国建设规划纲要（2024—2035年）》"),
        ("学习习近平总书记在五四青年节的重要讲话，做青年教师的引路人", "有关重要讲话精神"),
    ],
    6: [
        ("喜迎“七一”：交流《入党那一天》", "《中国共产党章程》总纲"),
        ("撰写并交流《感动身边的故事》", "支部推荐的优秀党员事迹材料"),
    ],
}
# Work topics (工作交流) of each group, drawn now and then instead of a study topic.
GROUP_WORK = {
    ADMIN_GROUP: [
        "校园安全隐患排查与党员安全责任岗落实情况交流",
        "后勤服务意见征集与改进措施交流",
    ],
    CHINESE_GROUP: [
        "整本书阅读教学中的育人实践交流",
        "语文作业分层设计与“双减”落实情况交流",
    ],
    MATHS_GROUP: [
        "数学、英语作业设计与课后服务质量交流",
        "青年教师师徒结对带教情况交流",
    ],
    ARTS_GROUP: [
        "体育特色项目建设与课后服务交流",
        "艺术节、科技节活动中党员先锋作用发挥情况交流",
    ],
}
GROUP_REMARKS = {
    ADMIN_GROUP: [
        "后勤工作无小事，党员要在校舍巡查、食堂管理这些细处带好头",
        "安全责任岗要坚持早晨、课间、午间、放学四个时段到岗",
        "行政部门要少开会、开短会，把更多时间留给教师",
    ],
    CHINESE_GROUP: [
        "语文课要把立德树人落到一篇篇课文里，不能只讲知识点",
        "整本书阅读要给学生留出时间，不能变成新的作业负担",
        "青年教师多，党员教师要主动上示范课、带徒弟",
    ],
    MATHS_GROUP: [
        "作业要分层设计，学有余力的学生和学习困难的学生都要照顾到",
        "英语组准备在课后服务中开设绘本阅读，党员先报名",
        "帮教学习困难学生要和家长多沟通，每周至少联系一次",
    ],
    ARTS_GROUP: [
        "体育组人人有项目、个个有特色，这离不开学校的支持，也要靠党员带头",
        "艺术节筹备时间紧，党员要在排练和服务中冲在前面",
        "探究课要多让学生动手，把科学精神的种子种下去",
    ],
}
COMMON_REMARKS = [
    "作为党员教师，要把学习体会落实到每一节课、每一次作业批改中",
    "关键岗位有党员、困难面前有党员，这句话要落实在行动上",
    "“一个党员一面旗帜”，在组室里首先要做到业务上过硬",
    "减负不减质，要在提高课堂效率上多下功夫",
    "对照准则自查，自己在与家长沟通方面还要更耐心",
    "要多听听身边教职工的想法，把意见及时反映给支部",
]
GROUP_CLOSINGS = [
    "最后，{host}作小结，要求大家把学习体会转化为教书育人的实际行动，下月交流落实情况。",
    "{host}小结时指出，本组党员要继续在组室工作中发挥先锋模范作用，以党风带教风、促学风。",
    "会议最后，{host}布置了下阶段任务：每位党员撰写学习心得一篇，月底前交党小组。",
    "{host}对大家的发言作了归纳，并将收集到的两条意见建议整理后报支部委员会。",
]

# 支部委员会: (topic, discussion, resolutions) by month. {secretary}, {deputy},
# {organisation}, {publicity}, {discipline} are the committee members' names.
COMMITTEE_AGENDA = {
    9: (
        "研究制订本学期支部工作计划，部署教师节慰问和表彰工作",
        "会议传达了区教育系统党工委新学期工作会议精神，讨论了本学期“三会一课”和主题党日安排。",
        "1. 通过本学期支部工作计划，由{organisation}整理后印发各党小组。\n"
        "2. 教师节慰问由{deputy}牵头，9月10日前完成。",
    ),
    10: (
        "研究党员示范课展示安排和入党积极分子培养考察工作",
        "会议听取了培养联系人对入党积极分子的考察情况汇报，研究了党员示范课展示周安排。",
        "1. 11月举行党员教师示范课展示周，每个党小组推荐两节课。\n"
        "2. 入党积极分子半年考察由{organisation}负责，10月底前完成。",
    ),
    11: (
        "支部扩大会议：听取党小组长反映的教职工意见建议并研究答复",
        "各党小组长汇报了组室教职工的思想动态，反映了课后服务时间长、教师负担重等意见。"
        "会议逐条研究，商定了答复意见。",
        "1. 课后服务排班由行政研究优化，下次会议通报。\n"
        "2. 意见建议答复情况由{publicity}反馈各党小组。",
    ),
    12: (
        "研究年度组织生活会和民主评议党员准备工作",
        "会议研究了组织生活会的会前学习、征求意见和谈心谈话安排，确定了民主评议党员的步骤。",
        "1. 支委之间、支委与党员之间的谈心谈话12月底前完成。\n"
        "2. 征求意见表由{organisation}发放和汇总。\n3. 民主评议测评票由{discipline}监督统计。",
    ),
    1: (
        "讨论支部年度工作总结，研究寒假期间党员管理",
        "会议讨论了{secretary}起草的支部年度工作总结，研究了寒假期间党员家访和志愿服务安排。",
        "1. 年度工作总结按讨论意见修改后报党工委。\n2. 寒假走访慰问困难教职工由{deputy}负责。",
    ),
    2: (
        "研究新学期开学准备和寒假工作小结",
        "会议听取了寒假走访慰问和党员家访情况汇报，研究了开学前后的安全检查和师德承诺安排。",
        "1. 开学第一周完成校园安全检查，党员安全责任岗按原分工到岗。\n"
        "2. 新学期师德承诺书由{organisation}组织签订。",
    ),
    3: (
        "研究制订本学期支部工作计划和学习安排",
        "会议研究了本学期理论学习安排和发展党员工作计划。",
        "1. 通过本学期学习安排，每月主题党日确定一个学习专题。\n"
        "2. 党费收缴情况由{organisation}于月底前核对。",
    ),
    4: (
        "研究发展党员工作，讨论入党积极分子培养考察情况",
        "会议听取了入党积极分子的思想汇报和培养联系人意见。",
        "1. 同意按程序继续培养考察。\n2. 组织入党积极分子参加区党校培训。",
    ),
    5: (
        "研究“七一”主题党日和表彰安排",
        "会议研究了“七一”前后的主题党日、党课和慰问老党员安排。",
        "1. “七一”前后开展主题党日和党史知识竞赛，由{publicity}牵头。\n"
        "2. 慰问老党员、困难党员由{deputy}牵头。",
    ),
    6: (
        "研究暑期党员志愿服务和家访安排，讨论学期工作小结",
        "会议讨论了本学期支部工作小结，研究了暑期党员教师家访和社区“爱心暑托班”志愿服务。",
        "1. 暑期每位党员教师至少家访三户，重点是学习困难和家庭困难学生。\n"
        "2. 志愿服务排班由{publicity}负责。",
    ),
}
COMMITTEE_OPENINGS = [
    "{date}中午，支部委员会在{place}召开会议，书记{host}主持。",
    "{date}召开本月支委会，{host}主持，支委应到{expected}人，实到{present}人。",
    "{date}，支部委员会召开本月例会，书记{host}主持，{recorder}记录。",
]

# 主题党日 by month: (topic, place or None for the branch's own rooms, what was done).
THEMED_DAYS = {
    9: (
        "庆祝教师节：重温入党誓词，践行育人初心",
        None,
        "全体党员面对党旗重温入党誓词。老党员代表讲述了从教三十年的经历，青年党员谈了入职以来的成长。",
    ),
    10: (
        "追寻初心足迹：参观中共一大纪念馆",
        "中共一大纪念馆",
        "党员们参观了“伟大开端——中国共产党创建历史陈列”，在宣誓墙前重温入党誓词。",
    ),
    11: (
        "学习贯彻党的二十届四中全会精神专题学习",
        None,
        "宣传委员领学全会公报，各党小组派代表交流学习体会。",
    ),
    12: (
        "“12·4”国家宪法日：学习宪法，尊崇宪法",
        None,
        "党员们学习了宪法有关条文，观看了宪法宣传片，并围绕依法执教进行了讨论。",
    ),
    1: (
        "岁末年初送温暖：走访慰问困难党员和教职工",
        None,
        "支部分组走访慰问了困难党员、退休老党员和生病教职工，送去慰问品和慰问金。",
    ),
    2: (
        "新学期新气象：学习新学期工作要求，签订师德承诺书",
        None,
        "书记传达了区教育工作会议精神，全体党员重温入党誓词，签订了新学期师德承诺书。",
    ),
    3: (
        "学雷锋志愿服务：党员进社区",
        "南桥镇社区党群服务中心",
        "党员教师在社区开展家庭教育咨询和义务辅导，解答家长关于作业和升学的问题。",
    ),
    4: (
        "清明祭英烈：缅怀革命先烈，传承红色基因",
        "龙华烈士陵园",
        "党员们向革命烈士敬献花篮，参观烈士纪念馆，听取讲解员讲述先烈事迹。",
    ),
    5: (
        "劳动创造幸福：党员志愿劳动和青年教师座谈",
        None,
        "党员和青年教师一起整理校园种植园，随后召开座谈会，听取青年教师对成长的想法。",
    ),
    6: (
        "喜迎“七一”：党史知识竞赛",
        "三楼多功能厅",
        "各党小组组队参加党史知识竞赛，比赛设必答、抢答和风险题，数学（英语）党小组获第一名。",
    ),
}
JULY_LECTURES = [
    "“七一”党课：传承红色基因，办人民满意的教育",
    "“七一”党课：从党的百年奋斗中汲取育人力量",
]
GENERIC_THEMED_DAY = (
    "集中学习：学习习近平新时代中国特色社会主义思想",
    None,
    "宣传委员领学了有关篇目，党员们结合教育教学工作交流了学习体会。",
)
JULY_THEMED_DAY = (
    "庆祝建党纪念日：重温入党誓词，过集体政治生日",
    "三楼多功能厅",
    "支部为当年入党的党员过集体政治生日，赠送纪念卡，全体党员重温入党誓词。",
)

# 党课 by calendar quarter: (topic, lecturer's post). The September one is the secretary's.
LECTURES = {
    3: [
        ("以教育家精神铸魂强师，争做新时代“大先生”", CommitteeRole.SECRETARY),
        ("立德树人守初心，担当作为勇争先", CommitteeRole.SECRETARY),
    ],
    4: [
        ("严守党的纪律规矩，筑牢师德师风底线", CommitteeRole.ORGANISATION),
        ("学习贯彻党的二十届四中全会精神，谋划学校发展新篇", CommitteeRole.DEPUTY_SECRETARY),
    ],
    1: [
        ("加快建设教育强国，做新时代合格党员教师", CommitteeRole.PUBLICITY),
    ],
    2: [
        ("学思践悟新思想，立足岗位建新功", CommitteeRole.DEPUTY_SECRETARY),
    ],
}
LECTURE_POINTS = [
    "主讲人从“为什么学、学什么、怎么做”三个方面展开，结合学校近年来的发展讲得深入浅出。",
    "党课联系身边党员教师的事例，讲到党员要在课堂主阵地上做到“思想觉悟高于群众，业务水平高于群众”。",
    "主讲人回顾了支部从成立之初7名党员发展到今天的历程，勉励大家珍惜党员身份。",
    "党课最后，主讲人提出三点要求：学深一步、带头一步、服务一步。",
]

OTHER_ACTIVITIES = [
    # (month, topic, place, what was done): held every year the month falls in the demo
    (
        11,
        "党员教师示范课展示周总结交流",
        "三楼多功能厅",
        "展示周中党员教师共上示范课八节，听课教师一百余人次。会上执教党员谈了设计思路，"
        "听课教师作了点评。",
    ),
    (
        7,
        "暑期党员志愿服务：社区“爱心暑托班”",
        "南桥镇社区党群服务中心",
        "党员教师轮流到社区爱心暑托班值班，为双职工家庭的孩子辅导作业、开展安全教育。",
    ),
    (
        10,
        "重阳节走访慰问退休教职工",
        "党员活动室",
        "支部与工会一起召开退休教职工座谈会，向老同志通报学校发展情况，随后分组走访慰问。",
    ),
]


# ---------------------------------------------------------------- the generator


def seed_demo_meetings(branch: Branch, *, today: datetime.date, acting_user=None) -> list:
    """Create the demo branch's school terms and meetings up to yesterday. Does nothing when
    the branch already has meetings. Returns the meetings created.

    Without `acting_user` the demo's own people act: each group leader records and closes
    the make-up study of their group's meetings, the secretary everything else and the
    reviews. With it, every write is theirs."""
    if branch.meetings.exists():
        return []
    with transaction.atomic():
        return _DemoMeetings(branch, today=today, acting_user=acting_user).create()


class _DemoMeetings:
    def __init__(self, branch: Branch, *, today: datetime.date, acting_user):
        self.branch = branch
        self.today = today
        self.acting_user = acting_user
        self.random = random.Random(RANDOM_SEED)
        self.year = school_year_of(today)
        self.first_day = datetime.date(self.year - 1, 9, 1)
        self.last_day = today - datetime.timedelta(days=1)
        self.gaps = _planned_gaps(self.year)
        self.terms = school_terms(self.year - 1) + school_terms(self.year)

        posts = current_committee_posts().filter(term__branch=branch).select_related("member")
        self.committee = {post.role: post.member for post in posts}
        self.secretary = self.committee[CommitteeRole.SECRETARY]
        self.groups = list(PartyGroup.objects.filter(branch=branch).order_by("sort_order", "pk"))
        leaderships = GroupLeadership.objects.current().filter(
            group__in=self.groups, role=GroupRole.LEADER
        )
        self.leaders = {row.group_id: row.member for row in leaderships.select_related("member")}
        recorders = Member.objects.filter(branch=branch, name__in=GROUP_RECORDERS.values())
        self.members_by_name = {member.name: member for member in recorders}
        self.agendas = {}
        for template in AgendaTemplate.objects.filter(branch__isnull=True):
            self.agendas.setdefault(template.kind, {})[template.title] = template.agenda
        self.created: list[Meeting] = []
        self.away: dict[tuple, Absence | None] = {}  # (day, member id): absence or None

    # ------------------------------------------------------------ orchestration

    def create(self) -> list[Meeting]:
        self._create_terms()
        for month_start in self._months():
            year, month = month_start.year, month_start.month
            if self._term_days(year, month) >= MONTHLY_MIN_TERM_DAYS:
                self._committee_meeting(year, month)
                self._themed_day(year, month)
                for index, group in enumerate(self.groups):
                    self._group_meeting(index, group, year, month)
            elif month == 7:
                self._july_first(year)
            if month in (3, 6, 9, 11):
                self._general_meeting(year, month)
            if month in (9, 11, 3, 5):
                self._lecture(year, month)
            if month == 1 and year == self.year:
                self._life_and_evaluation(year)
            for other_month, topic, place, done in OTHER_ACTIVITIES:
                if month == other_month:
                    self._other_activity(year, month, topic, place, done)
        self._admission_meetings()
        self._close_make_ups()
        self._review()
        return self.created

    def _create_terms(self) -> None:
        existing = set(self.branch.school_terms.values_list("starts_on", flat=True))
        for name, starts_on, ends_on in self.terms:
            if starts_on not in existing:
                term = SchoolTerm(branch=self.branch, name=name, starts_on=starts_on)
                term.ends_on = ends_on
                audited_save(term, acting_user=self.acting_user)

    def _months(self):
        day = self.first_day
        while day <= self.last_day:
            yield day
            day = (day + datetime.timedelta(days=32)).replace(day=1)

    def _term_days(self, year: int, month: int) -> int:
        first, last = _month(year, month)
        days = 0
        for _name, starts_on, ends_on in self.terms:
            overlap = (min(last, ends_on) - max(first, starts_on)).days + 1
            days += max(overlap, 0)
        return days

    def _school_day(self, day: datetime.date) -> bool:
        in_term = any(starts_on <= day <= ends_on for _name, starts_on, ends_on in self.terms)
        return in_term and day.weekday() < 5 and (day.month, day.day) not in PUBLIC_HOLIDAYS

    def _day(self, year: int, month: int, offset: int, weekday: int) -> datetime.date | None:
        """The first school day on `weekday` at least `offset` days into the month's term
        time (a week later if that one is a holiday; any school day if the weekday does
        not fit; from the start of term if the offset does not fit either), or None if the
        month has no such day up to yesterday."""
        first, last = _month(year, month)
        for _name, starts_on, _ends_on in self.terms:
            if first <= starts_on <= last:
                first = max(first, starts_on)
        candidates = []
        for start in (first + datetime.timedelta(days=offset), first):
            weekly = _next_weekday(start, weekday)
            candidates += [weekly + datetime.timedelta(days=7 * week) for week in range(5)]
            candidates += [start + datetime.timedelta(days=days) for days in range(31)]
        day = next((day for day in candidates if day <= last and self._school_day(day)), None)
        if day is None or day > self.last_day or day < self.first_day:
            return None
        return day

    # ------------------------------------------------------------ meeting types

    def _committee_meeting(self, year: int, month: int) -> None:
        day = self._day(year, month, 2, calendar.TUESDAY)
        if day is None or _skipped(self.gaps, MeetingType.COMMITTEE, day):
            return
        topic, discussion, resolutions = COMMITTEE_AGENDA.get(month, COMMITTEE_AGENDA[3])
        names = self._committee_names()
        place = self.random.choice(["党员活动室", "校长室", "党员活动室"])
        recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)
        enlarged = month == 11
        guests = ""
        if enlarged:
            guests = "\n".join(
                f"{self.leaders[group.pk].name}（{group.name}组长）"
                for group in self.groups
                if group.pk in self.leaders
            )

        def minutes(context):
            opening = self.random.choice(COMMITTEE_OPENINGS).format(**context)
            parts = [opening + discussion.format(**names)]
            if enlarged:
                parts.append("各党小组长列席会议。")
            parts.append(
                self.random.choice(
                    [
                        "支委们逐项讨论，意见一致。",
                        "{organisation}、{publicity}分别就分管工作提出建议，会议作了补充完善。",
                        "{discipline}提醒各项工作要注意程序规范、材料齐全。",
                    ]
                ).format(**names)
            )
            return "".join(parts[:1]) + "\n\n" + "".join(parts[1:])

        self._record(
            MeetingType.COMMITTEE,
            day,
            topic=topic,
            place=place,
            times=(datetime.time(12, 30), datetime.time(13, 20)),
            host=self.secretary,
            recorder=recorder,
            agenda=self._agenda(MeetingType.COMMITTEE, "支委会", topic),
            minutes=minutes,
            resolutions=resolutions.format(**names),
            guests=guests,
        )

    def _july_first(self, year: int) -> None:
        """七一: when the summer term reaches into July, its first school day has a general
        meeting with the year's awards, the secretary's lecture and the themed day. (Those
        term days make the July–August quarter owe a general meeting and a lecture.)"""
        days = (datetime.date(year, 7, day) for day in range(1, 8))
        day = next((day for day in days if self._school_day(day)), None)
        if day is None or day > self.last_day:
            return
        at = datetime.time
        self._general_meeting(year, 7, day=day, times=(at(14, 0), at(14, 40)))
        topic = JULY_LECTURES[year % len(JULY_LECTURES)]
        self._give_lecture(day, topic, CommitteeRole.SECRETARY, times=(at(14, 50), at(15, 40)))
        self._themed_day(year, 7, day=day, times=(at(15, 50), at(17, 0)))

    def _themed_day(self, year: int, month: int, *, day=None, times=None) -> None:
        day = day or self._day(year, month, 0, calendar.FRIDAY)  # the first Friday
        if day is None:
            return
        if month == 7:
            topic, place, done = JULY_THEMED_DAY
        else:
            topic, place, done = THEMED_DAYS.get(month, GENERIC_THEMED_DAY)
        place = place or self.random.choice(["党员活动室", "三楼多功能厅"])
        recorder = self.committee.get(CommitteeRole.PUBLICITY, self.secretary)

        def minutes(context):
            return (
                f"{context['date']}下午，支部开展主题党日活动，书记{context['host']}主持，"
                f"应到{context['expected']}人，实到{context['present']}人。\n\n"
                + done
                + "\n\n"
                + self.random.choice(
                    [
                        "活动最后，党员们按月交纳了党费。",
                        "活动结束前，组织委员收缴了本月党费。",
                        "参加活动的党员纷纷表示，要把活动中的收获带回课堂、带回组室。",
                    ]
                )
            )

        self._record(
            MeetingType.THEMED_DAY,
            day,
            topic=topic,
            place=place,
            times=times or (datetime.time(15, 30), datetime.time(17, 0)),
            host=self.secretary,
            recorder=recorder,
            agenda=self._agenda(MeetingType.THEMED_DAY, "主题党日", topic),
            minutes=minutes,
        )

    def _group_meeting(self, index: int, group: PartyGroup, year: int, month: int) -> None:
        offset, weekday = GROUP_DAYS.get(index, (7, calendar.WEDNESDAY))
        day = self._day(year, month, offset, weekday)
        if day is None or _skipped(self.gaps, MeetingType.GROUP, day, index):
            return
        host = self.leaders.get(group.pk)
        recorder = self.members_by_name.get(GROUP_RECORDERS.get(index, ""))
        study = GROUP_STUDY.get(month, [])
        if study and self.random.random() < 0.75:
            topic, material = self.random.choice(study)
            agenda = self._agenda(MeetingType.GROUP, "集中学习", material)
            studying = True
        else:
            topic = self.random.choice(GROUP_WORK.get(index, ["结合教育教学工作交流"]))
            agenda = self._agenda(MeetingType.GROUP, "工作交流")
            material, studying = "", False
        remarks = GROUP_REMARKS.get(index, []) + COMMON_REMARKS

        def minutes(context):
            paragraphs = [
                self.random.choice(
                    [
                        "{date}下午，{group}在{place}召开党小组会，组长{host}主持，"
                        "应到{expected}人，实到{present}人。",
                        "本月党小组会于{date}召开，{host}主持，{recorder}记录。",
                        "{date}，{group}召开党小组会。组长{host}首先传达了支部近期工作安排。",
                    ]
                ).format(group=group.name, **context)
            ]
            if studying and context["speaker"]:
                paragraphs.append(
                    f"会议集中学习了{material}，{context['speaker']}作中心发言，"
                    + self.random.choice(["谈了学习体会。", "结合本职工作谈了认识。"])
                )
            elif studying:
                paragraphs.append(
                    f"会议集中学习了{material}。"
                    + self.random.choice(["大家边学边议，联系组室工作谈认识。", ""])
                )
            speakers = self.random.sample(
                context["present_names"], k=min(len(context["present_names"]), 3)
            )
            said = self.random.sample(remarks, k=min(len(remarks), len(speakers)))
            if speakers and said and self.random.random() < 0.8:
                paragraphs.append(
                    "".join(
                        f"{name}说，{remark}。" for name, remark in zip(speakers, said, strict=True)
                    )
                )
            paragraphs.append(self.random.choice(GROUP_CLOSINGS).format(host=context["host"]))
            if len(paragraphs) > 2 and self.random.random() < 0.3:
                paragraphs[-2:] = ["".join(paragraphs[-2:])]
            return "\n\n".join(paragraphs)

        starts_at, ends_at = GROUP_TIMES.get(index, (datetime.time(15, 45), datetime.time(16, 45)))
        self._record(
            MeetingType.GROUP,
            day,
            group=group,
            topic=topic,
            place=self.random.choice(GROUP_PLACES.get(index, ["党员活动室"])),
            times=(starts_at, ends_at),
            host=host,
            recorder=recorder if recorder and recorder != host else None,
            pick_speaker=studying and self.random.random() < 0.6,
            agenda=agenda,
            minutes=minutes,
        )

    def _general_meeting(self, year: int, month: int, *, day=None, times=None) -> None:
        day = day or self._day(year, month, 14, calendar.FRIDAY)
        if day is None:
            return
        recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)
        names = self._committee_names()
        topics = {
            9: (
                "通报上学期支部工作，部署本学期党建工作",
                "上学期支部工作情况和本学期工作计划",
                "本学期支部工作计划",
                "1. 通过本学期支部工作计划。\n"
                "2. 各党小组按计划每月召开党小组会，做到有记录、有签到。",
            ),
            11: (
                "推荐年度优秀党员，通报组织生活会和民主评议党员安排",
                "民主评议党员有关文件",
                "推荐年度优秀党员",
                "1. 推荐{candidates}为年度优秀党员，报党工委。\n"
                "2. 组织生活会前各党小组完成谈心谈话。",
            ),
            3: (
                "学习贯彻全国两会精神，部署本学期支部工作",
                "政府工作报告中有关教育的内容",
                "本学期支部工作安排",
                "1. 通过本学期支部工作安排。\n2. 各党小组结合教研活动开展学习交流。",
            ),
            6: (
                "学期工作小结，部署暑期党员志愿服务和家访",
                "《中国共产党章程》",
                "暑期工作安排",
                "1. 暑期党员家访和志愿服务按支委会安排落实。\n2. 七一前各党小组推荐表彰人选。",
            ),
            7: (
                f"庆祝中国共产党成立{year - 1921}周年暨“七一”表彰大会",
                "习近平总书记在庆祝中国共产党成立100周年大会上的讲话",
                "表彰名单",
                "表彰本学年在教育教学和志愿服务中表现突出的党员，名单在支部内公布。",
            ),
        }
        topic, material, discussed, resolutions = topics[month]
        # In November the meeting votes on the year's 优秀党员, one candidate at a time
        # (domain §2): the leaders of the 语文 and 数学（英语）groups.
        candidates = [self.leaders[g.pk] for g in self.groups[1:3] if g.pk in self.leaders]
        resolutions = resolutions.format(
            candidates="、".join(f"{member.name}同志" for member in candidates)
        )

        def nominations(counts):
            return [
                self._motion(f"推荐{member.name}同志为{year}年度优秀党员", counts)
                for member in candidates
            ]

        def minutes(context):
            return "\n\n".join(
                [
                    f"{context['date']}，支部召开党员大会，书记{context['host']}主持。"
                    f"应到{context['expected']}人（有表决权{context['voting_expected']}人），"
                    f"实到{context['present']}人。",
                    f"会议学习了{material}。"
                    + self.random.choice(
                        [
                            f"{names['secretary']}通报了支部近期工作。",
                            f"{names['organisation']}通报了党员发展和党费收缴情况。",
                        ]
                    ),
                    self.random.choice(
                        [
                            "与会党员进行了讨论，一致同意会议各项决定。",
                            "会上，各党小组长汇报了本组工作，党员们畅所欲言。",
                        ]
                    ),
                ]
            )

        self._record(
            MeetingType.GENERAL,
            day,
            topic=topic,
            place="三楼多功能厅",
            times=times or (datetime.time(15, 30), datetime.time(16, 40)),
            host=self.secretary,
            recorder=recorder,
            agenda=self._agenda(MeetingType.GENERAL, "党员大会", material, discussed),
            minutes=minutes,
            resolutions=resolutions,
            motions=nominations if month == 11 and candidates else None,
        )

    def _admission_meetings(self) -> None:
        """The general meeting that admitted each probationary member, on the day their
        probation began (the 入党时间), if that day was a school day in the window."""
        admitted = Member.objects.filter(
            branch=self.branch,
            category=Category.PROBATIONARY,
            joined_on__gte=self.first_day,
            joined_on__lte=self.last_day,
        ).order_by("joined_on", "pk")
        recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)
        for member in admitted:
            day = member.joined_on
            if not self._school_day(day):
                continue
            title = f"接收{member.name}同志为中共预备党员"

            def motions(quorum_counts, title=title):
                return [self._motion(title, quorum_counts, written=True)]

            def minutes(context, member=member):
                motion = context["motions"][0]
                written = ""
                if motion.written_for:
                    written = f"，另有书面表决意见同意{motion.written_for}份"
                return "\n\n".join(
                    [
                        f"{context['date']}，支部召开党员大会，讨论接收{member.name}同志入党。"
                        f"书记{context['host']}主持，应到有表决权的党员"
                        f"{context['voting_expected']}人，实到{context['voting_present']}人。",
                        f"{member.name}同志宣读入党志愿书，汇报了对党的认识、入党动机和"
                        "本人履历。入党介绍人介绍了培养考察情况，支部委员会报告了审查意见。",
                        "与会党员充分讨论后，以举手方式进行表决：同意"
                        f"{motion.votes_for}票，反对{motion.votes_against}票，"
                        f"弃权{motion.abstentions}票{written}。",
                    ]
                )

            # After any other meeting held that afternoon.
            starts_at = datetime.datetime.combine(day, datetime.time(15, 40))
            for other in self.created:
                if other.held_on == day and other.ends_at:
                    ended = datetime.datetime.combine(day, other.ends_at)
                    starts_at = max(starts_at, ended + datetime.timedelta(minutes=10))
            ends_at = starts_at + datetime.timedelta(minutes=70)
            self._record(
                MeetingType.GENERAL,
                day,
                topic=f"讨论接收{member.name}同志为中共预备党员",
                place="党员活动室",
                times=(starts_at.time(), ends_at.time()),
                host=self.secretary,
                recorder=recorder,
                agenda=self._agenda(MeetingType.GENERAL, "党员大会", "党章第一章", title),
                minutes=minutes,
                resolutions=f"同意接收{member.name}同志为中共预备党员，报上级党组织审批。",
                motions=motions,
            )

    def _lecture(self, year: int, month: int) -> None:
        quarter = (month - 1) // 3 + 1
        day = self._day(year, month, 21 if month != 9 else 14, calendar.THURSDAY)
        if day is None or _skipped(self.gaps, MeetingType.LECTURE, day):
            return
        # The secretary gives the lecture at the start of each school year (domain §2: at
        # least one a year); the other committee members take turns.
        options = LECTURES[quarter]
        topic, role = options[year % len(options)]
        self._give_lecture(day, topic, role)

    def _give_lecture(self, day, topic: str, role: str, times=None) -> None:
        lecturer = self.committee.get(role, self.secretary)
        recorder = self.committee.get(CommitteeRole.PUBLICITY, self.secretary)
        if recorder == lecturer:
            recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)

        def minutes(context):
            chosen = self.random.sample(range(len(LECTURE_POINTS)), k=self.random.randint(2, 3))
            points = [LECTURE_POINTS[index] for index in sorted(chosen)]
            return "\n\n".join(
                [
                    f"{context['date']}下午，{lecturer.name}同志为全体党员讲党课，题目是"
                    f"《{topic}》。入党积极分子列席。",
                    "".join(points),
                    self.random.choice(
                        [
                            "交流环节，两位青年党员谈了听课体会。",
                            "课后，各党小组将围绕党课内容在本月党小组会上交流。",
                        ]
                    ),
                ]
            )

        self._record(
            MeetingType.LECTURE,
            day,
            topic=topic,
            place="三楼多功能厅",
            times=times or (datetime.time(15, 30), datetime.time(16, 30)),
            host=self.secretary if lecturer != self.secretary else self._deputy(),
            recorder=recorder,
            speaker=lecturer.name,
            agenda=self._agenda(MeetingType.LECTURE, "党课", f"《{topic}》"),
            minutes=minutes,
            guests="入党积极分子",
        )

    def _life_and_evaluation(self, year: int) -> None:
        """The previous calendar year's 组织生活会 and 民主评议党员, in January."""
        past_year = year - 1
        life_day = self._day(year, 1, 7, calendar.WEDNESDAY)
        evaluation_day = self._day(year, 1, 14, calendar.FRIDAY)  # after the 组织生活会
        recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)
        names = self._committee_names()
        if life_day:

            def life_minutes(context):
                return "\n\n".join(
                    [
                        f"{context['date']}，支部召开{past_year}年度组织生活会，"
                        f"书记{context['host']}主持，区教育系统党工委联络员到会指导。",
                        "会前，支部组织了专题学习，通过座谈和问卷征求了教职工意见十二条，"
                        "支委之间、支委与党员之间开展了谈心谈话。",
                        f"{names['secretary']}代表支委会通报了上年度整改落实情况，并作对照检查，"
                        "查摆了理论学习不够系统、联系青年教师不够经常等问题。",
                        "党员逐一发言，开展批评和自我批评。大家既红脸出汗，又提出了具体改进意见。",
                    ]
                )

            self._record(
                MeetingType.LIFE,
                life_day,
                topic=f"{past_year}年度组织生活会",
                place="三楼多功能厅",
                times=(datetime.time(13, 30), datetime.time(16, 30)),
                host=self.secretary,
                recorder=recorder,
                agenda=self._agenda(MeetingType.LIFE, "组织生活会"),
                minutes=life_minutes,
                resolutions="1. 形成问题清单五条和整改措施，3月底前完成整改。\n"
                "2. 整改落实情况在下次组织生活会上通报。",
                guests="区教育系统党工委联络员",
                rates=(0.03, 0.0),
            )
        if evaluation_day:

            def evaluation_minutes(context):
                good = max(1, context["expected"] // 5)
                return "\n\n".join(
                    [
                        f"{context['date']}，支部召开{past_year}年度民主评议党员大会，"
                        f"书记{context['host']}主持，应到{context['expected']}人，"
                        f"实到{context['present']}人。",
                        "党员对照党员标准作个人总结和自我评价，各党小组汇报了互评情况，"
                        "随后进行民主测评，教职工代表的评议意见一并汇总。",
                        f"支委会根据测评结果和日常表现，评定优秀等次{good}人，其余均为合格。"
                        "预备党员不参加优秀等次评定。",
                    ]
                )

            self._record(
                MeetingType.EVALUATION,
                evaluation_day,
                topic=f"{past_year}年度民主评议党员",
                place="三楼多功能厅",
                times=(datetime.time(15, 30), datetime.time(17, 0)),
                host=self.secretary,
                recorder=recorder,
                agenda=self._agenda(MeetingType.EVALUATION, "民主评议党员"),
                minutes=evaluation_minutes,
                resolutions="评议结果在支部内公示，报区教育系统党工委备案。",
                rates=(0.03, 0.0),
            )

    def _other_activity(self, year: int, month: int, topic: str, place: str, done: str) -> None:
        if month == 7:
            day = self._after_term_in_july(year)
        else:
            day = self._day(year, month, 14, calendar.TUESDAY)
        if day is None:
            return

        def minutes(context):
            return f"{context['date']}，{topic}。\n\n{done}"

        self._record(
            MeetingType.OTHER,
            day,
            topic=topic,
            place=place,
            times=(datetime.time(14, 0), datetime.time(16, 0)),
            host=self.secretary,
            recorder=self.committee.get(CommitteeRole.PUBLICITY, self.secretary),
            minutes=minutes,
            rates=(0.15, 0.02),  # not a regular meeting: more people have something else on
        )

    def _after_term_in_july(self, year: int) -> datetime.date | None:
        ends = [ends_on for _name, _start, ends_on in self.terms if ends_on.year == year]
        day = max(ends, default=datetime.date(year, 7, 3)) + datetime.timedelta(days=3)
        day = _next_weekday(day, calendar.MONDAY)
        return day if self.first_day <= day <= self.last_day else None

    # ------------------------------------------------------------ recording

    def _record(
        self,
        kind: str,
        day: datetime.date,
        *,
        topic: str,
        place: str,
        times: tuple[datetime.time, datetime.time],
        host: Member | None,
        recorder: Member | None,
        minutes: Callable[[dict], str],
        group: PartyGroup | None = None,
        speaker: str = "",
        pick_speaker: bool = False,
        agenda: str = "",
        resolutions: str = "",
        guests: str = "",
        motions: Callable | None = None,
        rates: tuple[float, float] = (0.07, 0.02),
    ) -> Meeting:
        """Record one meeting through the service, with absences drawn at `rates`
        (excused, absent) among everyone but the host, the recorder and the speaker
        (with `pick_speaker`, one of the other members gives the main talk)."""
        meeting = Meeting(
            branch=self.branch,
            kind=kind,
            group=group,
            held_on=day,
            starts_at=times[0],
            ends_at=times[1],
            place=place,
            topic=topic,
            host=host,
            recorder=recorder,
            speaker=speaker,
            agenda=agenda,
            resolutions=resolutions,
            guests=guests,
        )
        expected = expected_attendees(meeting=meeting)
        if pick_speaker:
            others = [member for member, _ in expected if member not in (host, recorder)]
            if others:
                meeting.speaker = speaker = self.random.choice(others).name
        needed = {host, recorder} | {m for m, _ in expected if m.name == speaker}
        absences = {}
        excused_rate, absent_rate = rates
        for member, _category in expected:
            if member in needed:
                continue
            # Whoever missed one meeting of an afternoon missed the next one too.
            earlier = self.away.get((day, member.pk), False)
            if earlier is not False:
                if earlier is not None:
                    absences[member.pk] = earlier
                continue
            draw = self.random.random()
            if draw < excused_rate:
                absences[member.pk] = Absence(Presence.EXCUSED, self.random.choice(EXCUSE_REASONS))
            elif draw < excused_rate + absent_rate:
                absences[member.pk] = Absence(Presence.ABSENT, self.random.choice(ABSENCE_REASONS))
            self.away[(day, member.pk)] = absences.get(member.pk)
        present = [member for member, _ in expected if member.pk not in absences]
        voting = [member for member, category in expected if category == Category.FULL]
        context = {
            "date": f"{day.year}年{day.month}月{day.day}日",
            "place": place,
            "host": host.name if host else "",
            "recorder": recorder.name if recorder else "",
            "speaker": speaker,
            "expected": len(expected),
            "present": len(present),
            "voting_expected": len(voting),
            "voting_present": sum(1 for member in voting if member.pk not in absences),
            "present_names": [m.name for m in present if m not in needed],
        }
        motion_rows = motions(context) if motions else []
        context["motions"] = motion_rows
        meeting.minutes = minutes(context)
        meeting_record(
            meeting=meeting,
            acting_user=self._actor(meeting),
            absences=absences,
            motions=motion_rows,
        )
        self.created.append(meeting)
        return meeting

    def _motion(self, title: str, counts: dict, *, written: bool = False) -> Motion:
        """Counts a real meeting could have: everyone present votes, nearly all for;
        one absent voting member may have sent a written opinion."""
        present = counts["voting_present"]
        abstaining = 1 if present > 10 and self.random.random() < 0.5 else 0
        absent = counts["voting_expected"] - present
        return Motion(
            title=title,
            votes_for=present - abstaining,
            abstentions=abstaining,
            written_for=1 if written and absent > 0 else 0,
        )

    def _actor(self, meeting: Meeting):
        if self.acting_user is not None:
            return self.acting_user
        if meeting.kind == MeetingType.GROUP and meeting.host and meeting.host.user_id:
            return meeting.host.user
        return self.secretary.user

    def _close_make_ups(self) -> None:
        """Make-up study is closed a few days to two weeks after the meeting; what is owed
        for the three weeks up to the latest meeting is still open (in the holidays too)."""
        latest = max((meeting.held_on for meeting in self.created), default=self.today)
        recent = latest - datetime.timedelta(days=21)
        latest_allowed = min(self.last_day, timezone.localdate())
        owed = (
            MakeUpStudy.objects.filter(attendance__meeting__branch=self.branch)
            .select_related("attendance__meeting__host__user")
            .order_by("attendance__meeting__held_on", "pk")
        )
        for make_up in owed:
            meeting = make_up.attendance.meeting
            if meeting.held_on >= recent or meeting.held_on > latest_allowed:
                continue
            done_on = meeting.held_on + datetime.timedelta(days=self.random.randint(2, 14))
            note = self.random.choice(MAKE_UP_NOTES)
            make_up_close(
                make_up=make_up,
                done_on=min(done_on, latest_allowed),
                note=note,
                acting_user=self._actor(meeting),
            )

    def _review(self) -> None:
        """The secretary has reviewed most records older than six weeks; one group record
        was corrected by its leader afterwards, so it shows as changed after review."""
        reviewer = self.acting_user or self.secretary.user
        cutoff = self.today - datetime.timedelta(days=42)
        reviewed = []
        for meeting in sorted(self.created, key=lambda m: (m.held_on, m.pk)):
            share = 0.5 if meeting.kind == MeetingType.GROUP else 0.85
            if meeting.held_on < cutoff and self.random.random() < share:
                meeting_review(meeting=meeting, acting_user=reviewer)
                reviewed.append(meeting)
        # The leader adds, after the review, the written notes of a member who was excused.
        excused = set(
            Meeting.objects.filter(
                pk__in=[m.pk for m in reviewed], attendances__presence=Presence.EXCUSED
            ).values_list("pk", flat=True)
        )
        corrected = next(
            (m for m in reversed(reviewed) if m.kind == MeetingType.GROUP and m.pk in excused),
            reviewed[-1] if reviewed else None,
        )
        if corrected is not None:
            corrected.minutes += "\n\n（补记：会后收到请假党员的书面学习心得，已附在记录后。）"
            meeting_update(meeting=corrected, acting_user=self._actor(corrected))

    # ------------------------------------------------------------ small helpers

    def _agenda(self, kind: str, title: str, *fills: str) -> str:
        """The default agenda of that name, its open items ("学习：") filled in order."""
        template = self.agendas.get(kind, {}).get(title, "")
        remaining = list(fills)
        lines = []
        for line in template.splitlines():
            if line.endswith("：") and remaining:
                line += remaining.pop(0)
            elif line.endswith("："):
                line = line[:-1]
            lines.append(line)
        return "\n".join(lines)

    def _committee_names(self) -> dict[str, str]:
        roles = {
            "secretary": CommitteeRole.SECRETARY,
            "deputy": CommitteeRole.DEPUTY_SECRETARY,
            "organisation": CommitteeRole.ORGANISATION,
            "publicity": CommitteeRole.PUBLICITY,
            "discipline": CommitteeRole.DISCIPLINE,
        }
        return {
            key: (self.committee.get(role) or self.secretary).name for key, role in roles.items()
        }

    def _deputy(self) -> Member:
        return self.committee.get(CommitteeRole.DEPUTY_SECRETARY, self.secretary)
