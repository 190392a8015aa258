"""The demo school's suggestion loop over the last year (seed 000: the groups pass on what
the staff raise, the 党政班子会议 answers and improves, the staff say whether they are
satisfied), written through the services: each leader records their group's, the secretary
the answers and what was done, the leader the staff's satisfaction.

Most are closed; one was answered late (after 35 days); four are still open — two waiting
for an answer, one answered and not yet carried out, one carried out and waiting for the
staff's view."""

import datetime
from dataclasses import dataclass

from activities.models import Satisfaction, Suggestion, SuggestionCategory
from activities.suggestions import services
from demo.school import ADMIN_GROUP, ARTS_GROUP, CHINESE_GROUP, MATHS_GROUP
from groups.models import Branch, GroupLeadership, GroupRole, PartyGroup
from members.models import Member

SECRETARY = "沈卫东"
# The one answered after more than a month.
LATE_ANSWER_DAYS = 35


@dataclass(frozen=True)
class Step:
    after: int  # days after the step before (the raising, for the answer)
    text: str
    by: str = ""  # the answer's author; for the feedback, the satisfaction


@dataclass(frozen=True)
class DemoSuggestion:
    group: int  # index into demo.school.GROUPS
    days_ago: int  # raised this many days before the demo is created
    raised_by: str  # empty: anonymous
    category: str
    text: str
    answer: Step | None = None
    done: Step | None = None
    feedback: Step | None = None


TEACHING, LOGISTICS, MANAGEMENT, OTHER = (
    SuggestionCategory.TEACHING,
    SuggestionCategory.LOGISTICS,
    SuggestionCategory.MANAGEMENT,
    SuggestionCategory.OTHER,
)
MEETING, COMMITTEE, PRINCIPAL = "党政班子会议", "支委会", "校长办公会"
SATISFIED, FAIRLY = Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED

SUGGESTIONS = [
    DemoSuggestion(
        ARTS_GROUP,
        330,
        "体育组 钱老师",
        TEACHING,
        "体育特色的创建需要学校更多的支持和保障，希望在人员、经费上给予倾斜。",
        Step(9, "学校将体育特色创建列为年度重点工作，增配专职教练，专项经费纳入预算。", MEETING),
        Step(30, "新学期起设立体育特色专项经费，外聘专业教练一名，每个项目落实负责教师。"),
        Step(14, "组内教师人人有项目，干劲足。", SATISFIED),
    ),
    DemoSuggestion(
        CHINESE_GROUP,
        300,
        "",
        MANAGEMENT,
        "学校活动太多，教师们普遍感到压力很大，希望学校能适当为教师们减压。",
        Step(7, "做好解释工作；统筹全校活动，每月校级活动原则上不超过两项。", MEETING),
        Step(21, "本学期精简三项校级活动，检查评比合并进行。"),
        Step(10, "", SATISFIED),
    ),
    DemoSuggestion(
        ADMIN_GROUP,
        270,
        "后勤 孙师傅",
        LOGISTICS,
        "教学楼三楼饮水机经常故障，希望及时维修或更换。",
        Step(3, "总务处立即报修，损坏的两台予以更换。", PRINCIPAL),
        Step(5, "更换饮水机两台，建立每月巡检登记。"),
        Step(7, "", SATISFIED),
    ),
    DemoSuggestion(
        MATHS_GROUP,
        240,
        "数学组 周老师",
        TEACHING,
        "希望为青年教师多提供外出听课、学习的机会。",
        Step(
            10,
            "支部和教导处共同制订青年教师外出学习计划，优先安排见习期和工作三年内的教师。",
            COMMITTEE,
        ),
        Step(45, "本学期安排青年教师参加区级观摩课 12 人次，回校后在组内作交流。"),
        Step(7, "希望下学期继续。", SATISFIED),
    ),
    DemoSuggestion(
        ARTS_GROUP,
        210,
        "美术组 冯老师",
        LOGISTICS,
        "美术教室采光不足，学生作画看不清，希望更换灯具和窗帘。",
        Step(8, "列入暑期维修计划，更换灯具与遮光窗帘。", PRINCIPAL),
        Step(60, "暑期已更换美术教室灯具十二盏。"),
        Step(10, "灯具已换，窗帘尚待更换。", FAIRLY),
    ),
    DemoSuggestion(
        CHINESE_GROUP,
        180,
        "语文组 陈老师",
        MANAGEMENT,
        "作业批改任务重，各类书面材料较多，希望减少不必要的台账和表格。",
        Step(
            LATE_ANSWER_DAYS,
            "经党政班子会议研究，清理各部门的台账和表格，能合并的合并，能取消的取消。",
            MEETING,
        ),
        Step(30, "取消重复填报的表格五种，教学台账统一为一本。"),
        Step(7, "", SATISFIED),
    ),
    DemoSuggestion(
        MATHS_GROUP,
        150,
        "",
        MANAGEMENT,
        "绩效考核方案希望更加公开透明，多听取一线教师的意见。",
        Step(12, "绩效方案修订稿先在各组室讨论，再提交教代会审议。", MEETING),
        Step(40, "修订稿经各组室讨论、教代会通过后公示。"),
        Step(10, "程序公开了，个别条款还可以再细化。", FAIRLY),
    ),
    DemoSuggestion(
        ADMIN_GROUP,
        120,
        "食堂 何阿姨",
        LOGISTICS,
        "教工午餐菜品比较单一，希望增加花色品种。",
        Step(6, "与供餐单位协商，每周菜单轮换，并征求教师意见。", PRINCIPAL),
        Step(14, "菜单按周轮换，每周增加两次面食，每月征求一次意见。"),
        Step(14, "", SATISFIED),
    ),
    DemoSuggestion(
        CHINESE_GROUP,
        90,
        "语文组 王老师",
        OTHER,
        "希望学校图书室延长开放时间，方便教师借阅。",
        Step(5, "图书室周二、周四延长开放至 17:30。", PRINCIPAL),
        Step(7, "已调整开放时间并在校园网公布。"),
        Step(10, "", SATISFIED),
    ),
    # Still open: answered, not yet carried out.
    DemoSuggestion(
        ARTS_GROUP,
        40,
        "音乐组 蒋老师",
        LOGISTICS,
        "音乐组部分乐器老化，希望增加乐器维护和添置经费。",
        Step(10, "同意列入下一年度预算，先对现有乐器进行检修。", MEETING),
    ),
    # Still open: carried out, the staff not asked yet.
    DemoSuggestion(
        MATHS_GROUP,
        25,
        "英语组 杨老师",
        TEACHING,
        "建议为英语组增配一台录音设备，用于听力教学和口语测试。",
        Step(4, "同意购置，由总务处按程序采购。", PRINCIPAL),
        Step(12, "录音设备两台已到位，交英语组使用。"),
    ),
    # Still open: waiting for the answer.
    DemoSuggestion(
        CHINESE_GROUP,
        12,
        "",
        TEACHING,
        "希望教研活动时间相对固定，避免与课务冲突。",
    ),
    DemoSuggestion(
        ADMIN_GROUP,
        6,
        "门卫 李师傅",
        LOGISTICS,
        "门卫室冬季取暖设备老化，存在安全隐患，希望尽快更换。",
    ),
]


def seed_demo_suggestions(branch: Branch, *, today: datetime.date) -> list[Suggestion]:
    """A year of suggestions for the demo branch (`SUGGESTIONS`); returns them."""
    groups = list(PartyGroup.objects.filter(branch=branch).order_by("sort_order", "pk"))
    leaders = {
        row.group_id: row.member.user
        for row in GroupLeadership.objects.current()
        .filter(group__in=groups, role=GroupRole.LEADER)
        .select_related("member__user")
    }
    secretary = Member.objects.get(branch=branch, name=SECRETARY).user
    created = []
    for demo in SUGGESTIONS:
        group = groups[demo.group]
        leader = leaders.get(group.pk, secretary)
        day = today - datetime.timedelta(days=demo.days_ago)
        suggestion = services.suggestion_record(
            suggestion=Suggestion(
                branch=branch,
                group=group,
                raised_on=day,
                anonymous=not demo.raised_by,
                raised_by=demo.raised_by,
                category=demo.category,
                text=demo.text,
            ),
            acting_user=leader,
        )
        if demo.answer is not None:
            day += datetime.timedelta(days=demo.answer.after)
            suggestion = services.suggestion_answer(
                suggestion=suggestion,
                answer=demo.answer.text,
                answered_by=demo.answer.by,
                answered_on=day,
                acting_user=secretary,
            )
        if demo.done is not None:
            day += datetime.timedelta(days=demo.done.after)
            suggestion = services.suggestion_carry_out(
                suggestion=suggestion,
                improvement=demo.done.text,
                done_on=day,
                acting_user=secretary,
            )
        if demo.feedback is not None:
            day += datetime.timedelta(days=demo.feedback.after)
            suggestion = services.suggestion_feedback(
                suggestion=suggestion,
                satisfaction=demo.feedback.by,
                feedback_on=day,
                note=demo.feedback.text,
                acting_user=leader,
            )
        created.append(suggestion)
    return created
