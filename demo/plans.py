"""The demo school's plan for this year, written through the services (seed 000's plan:
抓学习, 抓建设, 抓服务, 抓评比, 抓师德, 抓发展…): the branch's ten items, each with its owner
and month, and the own plans of two party groups.

What has come due is mostly done, on a day in its month; one item was dropped and one is
still not done although its month has passed, so the secretary's home page has something
overdue and the year's summary something to say about what was not carried out. What is
still to come this year stays planned."""

import datetime
from dataclasses import dataclass

from demo.school import CHINESE_GROUP, MATHS_GROUP
from groups.models import Branch, GroupLeadership, GroupRole
from members.models import Member
from reports.models import DocumentKind, PlanItemState
from reports.yearend.plan_items import plan_item_add, plan_item_set_state
from reports.yearend.services import document_open

SECRETARY = "沈卫东"


@dataclass(frozen=True)
class DemoItem:
    month: int
    title: str
    owner: str


BRANCH_ITEMS = [
    DemoItem(2, "抓学习：制定全年党员学习计划，每月开展一次集中学习", "顾丽萍"),
    DemoItem(3, "抓建设：完成党小组长培训，规范党小组活动记录", "沈卫东"),
    DemoItem(3, "抓服务：开展党员志愿服务岗，组织护学岗轮值", "曹阳"),
    DemoItem(4, "抓评比：开展“党员示范课”展示活动", "韩美华"),
    DemoItem(5, "抓师德：签订师德师风承诺书，开展师德专题学习", "顾丽萍"),
    DemoItem(6, "抓发展：召开入党积极分子座谈会，落实培养联系人", "沈卫东"),
    DemoItem(7, "抓统筹：组织党员暑期社区报到服务", "吕园园"),
    DemoItem(9, "抓宣传：更新党建宣传栏，推送优秀党员事迹", "叶秀华"),
    DemoItem(11, "抓廉洁：开展廉洁从教警示教育", "顾丽萍"),
    DemoItem(12, "抓总结：组织党员民主评议，完成年度工作总结", "沈卫东"),
]
# Indexes into BRANCH_ITEMS: one given up on, one still owed after its month.
DROPPED = 5
LATE = 7

GROUP_ITEMS = {
    CHINESE_GROUP: [
        DemoItem(3, "组织组内党员开展读书分享会", "韩美华"),
        DemoItem(5, "党员教师每人上一节示范课", "韩美华"),
        DemoItem(10, "结对帮扶青年教师，开展师徒听评课", "韩美华"),
        DemoItem(12, "完成党小组年度工作小结", "韩美华"),
    ],
    MATHS_GROUP: [
        DemoItem(4, "开展数学学科党员先锋岗活动", "叶秀华"),
        DemoItem(9, "组织党员参与新教师带教", "叶秀华"),
        DemoItem(11, "党小组集中学习廉洁从教相关规定", "叶秀华"),
    ],
}


def _done_on(year: int, month: int, today: datetime.date) -> datetime.date | None:
    """A day in the month (the 20th), or None if the month's end is not yet past and that
    day is still to come."""
    day = datetime.date(year, month, 20)
    return day if day <= today else None


def _write(document, items, *, members, today, acting_user, dropped=None, late=None) -> None:
    for index, demo_item in enumerate(items):
        item = plan_item_add(
            document=document,
            title=demo_item.title,
            owner=members[demo_item.owner],
            month=demo_item.month,
            deadline=None,
            acting_user=acting_user,
        )
        done_on = _done_on(document.year, demo_item.month, today)
        if index == dropped and done_on is not None:
            plan_item_set_state(item=item, state=PlanItemState.DROPPED, acting_user=acting_user)
        elif index != late and done_on is not None:
            plan_item_set_state(
                item=item, state=PlanItemState.DONE, done_on=done_on, acting_user=acting_user
            )


def seed_demo_plans(branch: Branch, *, today: datetime.date) -> None:
    members = {member.name: member for member in Member.objects.filter(branch=branch)}
    secretary = members[SECRETARY].user
    plan = document_open(
        branch=branch, kind=DocumentKind.PLAN, year=today.year, acting_user=secretary
    )
    _write(
        plan,
        BRANCH_ITEMS,
        members=members,
        today=today,
        acting_user=secretary,
        dropped=DROPPED,
        late=LATE,
    )
    groups = list(branch.party_groups.order_by("sort_order", "name"))
    leaders = {
        row.group_id: row.member.user
        for row in GroupLeadership.objects.current()
        .filter(group__branch=branch, role=GroupRole.LEADER)
        .select_related("member__user")
    }
    for index, items in GROUP_ITEMS.items():
        group = groups[index]
        leader = leaders.get(group.pk, secretary)
        document = document_open(
            branch=branch, kind=DocumentKind.PLAN, year=today.year, group=group, acting_user=leader
        )
        _write(document, items, members=members, today=today, acting_user=leader)
