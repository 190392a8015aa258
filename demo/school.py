"""The demo school: the branch of seed document 000 (奉教院附小), 33 members in four
subject-based party groups led by 曹阳, 韩美华, 叶秀华 and 吕园园.

Dates are relative to the day the demo is created, so that the committee term is always
about to expire and the overview has a warning to show.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from activities.elections.services import election_save
from activities.models import Election
from branchsite.audit import audited_save
from branchsite.dates import ONE_DAY, add_years
from branchsite.passwords import DEMO_PASSWORD
from demo.recruits import seed_demo_recruitment
from groups.models import (
    Branch,
    CommitteeRole,
    GroupRole,
    PartyGroup,
    UpperCommittee,
    UpperCommitteeViewer,
)
from groups.services import committee_term_start, group_leader_appoint, group_member_place
from members.models import Category, Education, Gender, Member
from members.validators import id_check_character

BRANCH_CODE = "fjyfx"
DEFAULT_PASSWORD = DEMO_PASSWORD
GROUPS_FOUNDED = datetime.date(2016, 9, 1)

GROUPS = [
    ("行政（后勤）党小组", "行政、后勤"),
    ("语文大组党小组", "语文大组"),
    ("数学（英语）大组党小组", "数学大组、英语组"),
    ("综合（音、体、美、自、探究）党小组", "音乐、体育、美术、自然、探究"),
]
# Indexes into GROUPS, which is also the groups' sort order.
ADMIN_GROUP, CHINESE_GROUP, MATHS_GROUP, ARTS_GROUP = range(4)


@dataclass(frozen=True)
class DemoPerson:
    name: str
    gender: str
    group: int  # index into GROUPS
    username: str = ""
    probationary_days: int = 0  # >0: a probationary member admitted that many days ago


M, F = Gender.MALE, Gender.FEMALE
PEOPLE = [
    DemoPerson("沈卫东", M, 0, "shuji"),
    DemoPerson("顾丽萍", F, 0),
    DemoPerson("曹阳", M, 0, "caoyang"),
    DemoPerson("朱建平", M, 0),
    DemoPerson("陆秋云", F, 0),
    DemoPerson("蒋志强", M, 0),
    DemoPerson("韩美华", F, 1, "hanmeihua"),
    DemoPerson("周敏", F, 1),
    DemoPerson("张丽", F, 1, "zhangli"),
    DemoPerson("王秀英", F, 1),
    DemoPerson("李静", F, 1),
    DemoPerson("徐燕", F, 1),
    DemoPerson("孙丽华", F, 1),
    DemoPerson("马晓红", F, 1),
    DemoPerson("胡雪梅", F, 1, probationary_days=120),
    DemoPerson("郭玉兰", F, 1),
    DemoPerson("叶秀华", F, 2, "yexiuhua"),
    DemoPerson("金晓燕", F, 2),
    DemoPerson("刘伟", M, 2),
    DemoPerson("杨洁", F, 2),
    DemoPerson("黄敏", F, 2),
    DemoPerson("赵丹", F, 2),
    DemoPerson("吴军", M, 2),
    DemoPerson("何佳怡", F, 2, probationary_days=240),
    DemoPerson("吕园园", F, 3, "lvyuanyuan"),
    DemoPerson("陈刚", M, 3),
    DemoPerson("林涛", M, 3),
    DemoPerson("郑雯", F, 3),
    DemoPerson("谢磊", M, 3),
    DemoPerson("宋佳", F, 3),
    DemoPerson("唐慧", F, 3),
    DemoPerson("许晨", M, 3, probationary_days=300),
    DemoPerson("邓丽", F, 3),
]
OFFICES = {
    0: ["行政", "后勤"],
    1: ["语文组"],
    2: ["数学组", "英语组"],
    3: ["音乐组", "体育组", "美术组", "自然组", "探究组"],
}
POSITIONS = {
    "沈卫东": "校长",
    "顾丽萍": "副校长",
    "曹阳": "总务主任",
    "朱建平": "教导主任",
    "韩美华": "语文教研组长",
    "叶秀华": "数学教研组长",
    "吕园园": "体育组长",
}
TITLES = ["高级教师", "一级教师", "一级教师", "二级教师"]
REGION = "310120"  # 上海市奉贤区
LEADERS = {0: "曹阳", 1: "韩美华", 2: "叶秀华", 3: "吕园园"}
DEPUTIES = {1: "王秀英"}
COMMITTEE = [
    (CommitteeRole.SECRETARY, "沈卫东"),
    (CommitteeRole.DEPUTY_SECRETARY, "顾丽萍"),
    (CommitteeRole.ORGANISATION, "周敏"),
    (CommitteeRole.PUBLICITY, "金晓燕"),
    (CommitteeRole.DISCIPLINE, "陈刚"),
]
PREVIOUS_COMMITTEE = [
    (CommitteeRole.SECRETARY, "沈卫东"),
    (CommitteeRole.ORGANISATION, "周敏"),
    (CommitteeRole.PUBLICITY, "朱建平"),
]
# The next committee's candidates: one more than the seats (差额).
ELECTION_CANDIDATES = [name for _role, name in COMMITTEE] + ["朱建平"]
VIEWER_USERNAME = "shangji"
UPPER_COMMITTEE_CODE = "fengxian-jiaoyu"


def demo_exists() -> bool:
    return Branch.objects.filter(code=BRANCH_CODE).exists()


@transaction.atomic
def create_demo_school(*, password: str = DEFAULT_PASSWORD, today: datetime.date) -> Branch:
    """Create the demo school. The caller checks `demo_exists()` first."""
    upper_committee = UpperCommittee.objects.filter(code=UPPER_COMMITTEE_CODE).first()
    if upper_committee is None:
        upper_committee = UpperCommittee(name="奉贤区教育系统党工委", code=UPPER_COMMITTEE_CODE)
        audited_save(upper_committee, acting_user=None)
    branch = Branch(
        name="奉教院附小党支部",
        code=BRANCH_CODE,
        school="奉贤区教育学院附属小学",
        upper_committee=upper_committee,
        founded_on=datetime.date(2008, 9, 1),
    )
    audited_save(branch, acting_user=None)

    groups = []
    for order, (name, offices) in enumerate(GROUPS):
        group = PartyGroup(
            branch=branch,
            name=name,
            offices=offices,
            founded_on=GROUPS_FOUNDED,
            sort_order=order,
        )
        audited_save(group, acting_user=None)
        groups.append(group)

    user_model = get_user_model()
    members = {}
    for index, person in enumerate(PEOPLE):
        member = Member(branch=branch, name=person.name, gender=person.gender)
        _fill_dates(member, index, person, today)
        _fill_registry(member, index, person, today)
        if person.username:
            user = user_model.objects.filter(username=person.username).first()
            if user is None:
                user = user_model.objects.create_user(person.username, password=password)
            member.user = user
        audited_save(member, acting_user=None)
        members[person.name] = member

    # History worth showing: 刘伟 moved from the 综合 group to 数学（英语）in 2023, and
    # 林涛 led the 综合 group until 吕园园 took over in 2020.
    moved = members["刘伟"]
    group_member_place(
        group=groups[3],
        member=moved,
        started_on=max(GROUPS_FOUNDED, moved.joined_on),
        acting_user=None,
    )
    for person in PEOPLE:
        member = members[person.name]
        started_on = max(GROUPS_FOUNDED, member.joined_on)
        if member is moved:
            started_on = max(started_on, datetime.date(2023, 9, 1))
        group_member_place(
            group=groups[person.group], member=member, started_on=started_on, acting_user=None
        )

    group_leader_appoint(
        group=groups[3],
        member=members["林涛"],
        started_on=GROUPS_FOUNDED,
        acting_user=None,
    )
    for group_index, name in LEADERS.items():
        group_leader_appoint(
            group=groups[group_index],
            member=members[name],
            started_on=datetime.date(2020, 9, 1),
            acting_user=None,
        )
    for group_index, name in DEPUTIES.items():
        group_leader_appoint(
            group=groups[group_index],
            member=members[name],
            started_on=datetime.date(2020, 9, 1),
            role=GroupRole.DEPUTY,
            acting_user=None,
        )

    # The current term was elected almost three years ago: 换届 is due within weeks.
    elected = add_years(today, -3) + datetime.timedelta(days=45)
    committee_term_start(
        branch=branch,
        number=2,
        elected_on=add_years(elected, -3),
        posts=[(role, members[name]) for role, name in PREVIOUS_COMMITTEE],
        acting_user=None,
    )
    committee_term_start(
        branch=branch,
        number=3,
        elected_on=elected,
        posts=[(role, members[name]) for role, name in COMMITTEE],
        acting_user=None,
    )

    viewer = user_model.objects.filter(username=VIEWER_USERNAME).first()
    if viewer is None:
        viewer = user_model.objects.create_user(
            VIEWER_USERNAME, password=password, last_name="陆", first_name="建华"
        )
    # The district's viewer reads every branch of the upper committee, this one included.
    if not UpperCommitteeViewer.objects.filter(upper_committee=upper_committee, user=viewer):
        audited_save(
            UpperCommitteeViewer(upper_committee=upper_committee, user=viewer), acting_user=None
        )
    # Two applicants, two activists and a candidate, so the recruitment to-do list has work.
    seed_demo_recruitment(branch, today)
    # The next 换届 is being prepared: requested, candidates approved, the meeting to come.
    election_save(
        election=Election(
            branch=branch,
            seats=len(COMMITTEE),
            requested_on=today - datetime.timedelta(days=14),
            candidates_approved_on=today - datetime.timedelta(days=4),
        ),
        candidates=[members[name] for name in ELECTION_CANDIDATES],
        acting_user=None,
    )
    return branch


def _fill_dates(member: Member, index: int, person: DemoPerson, today: datetime.date) -> None:
    """Plausible, repeatable dates: teachers born 1968–1995, joined at 25–35."""
    birth_year = 1968 + (index * 7) % 28
    member.birth_date = datetime.date(birth_year, 1 + index % 12, 1 + (index * 5) % 28)
    if person.probationary_days:
        member.category = Category.PROBATIONARY
        member.joined_on = today - datetime.timedelta(days=person.probationary_days)
        return
    joined_year = min(birth_year + 25 + index % 10, today.year - 2)
    member.joined_on = datetime.date(joined_year, 7 if index % 2 else 6, 1 + index % 28)
    member.full_member_on = add_years(member.joined_on, 1)
    member.category = Category.FULL


def _fill_registry(member: Member, index: int, person: DemoPerson, today: datetime.date) -> None:
    """Registry fields a school's roster holds, with identity numbers that pass GB 11643."""
    sequence = f"{index:02d}{1 if person.gender == Gender.MALE else 2}"
    first_17 = f"{REGION}{member.birth_date:%Y%m%d}{sequence}"
    member.id_number = first_17 + id_check_character(first_17)
    member.phone = f"139{index * 7919 % 10**8:08d}"
    member.native_place = ["上海奉贤", "上海南汇", "江苏南通", "浙江嘉兴"][index % 4]
    member.education = Education.MASTER if index % 5 == 0 else Education.BACHELOR
    member.job = "专业技术人员（教师）" if person.group else "管理人员"
    offices = OFFICES[person.group]
    member.office = offices[index % len(offices)]
    member.position = POSITIONS.get(person.name, "")
    member.professional_title = TITLES[index % len(TITLES)]
    member.work_started_on = datetime.date(member.birth_date.year + 22, 8, 1)
    member.address = f"上海市奉贤区南桥镇解放东路{100 + index * 3}弄{index % 9 + 1}号"
    last_month = today.replace(day=1) - ONE_DAY
    member.dues_paid_until = last_month.replace(day=1)
