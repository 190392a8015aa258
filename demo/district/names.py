"""The district's constants, school and person names, and its accounts' usernames."""

import datetime
import math
import random

from activities.models import (
    MeetingType,
)
from branchsite.passwords import DEMO_PASSWORD
from demo.school import GROUPS
from groups.models import (
    CommitteeRole,
    UpperCommittee,
)
from members.models import (
    Status,
)

BATCH_SIZE = 2000
DEFAULT_PASSWORD = DEMO_PASSWORD
# Shares of expected attendees away with leave, or without; of owed meetings not held.
EXCUSED_SHARE = 0.05
ABSENT_SHARE = 0.02
SKIPPED_SHARE = 0.02
# Branches per upper committee, at most three committees.
BRANCHES_PER_COMMITTEE = 70
MAX_COMMITTEES = 3
# Months of dues payments (the last ones before today).
DUES_MONTHS = 24
# The branches with people in recruitment, written through the recruitment service (it
# checks each step's statutory deadlines, and costs about a second a branch): the first
# and every `RECRUITING_EVERY`th after it.
RECRUITING_EVERY = 5

DISTRICTS = ["奉贤区", "闵行区", "徐汇区", "浦东新区", "松江区", "嘉定区", "宝山区", "青浦区"]
PLACES = [
    "南桥", "奉城", "庄行", "金汇", "青村", "柘林", "海湾", "四团", "西渡", "奉浦",
    "江海", "古华", "解放", "育秀", "汇贤", "弘文", "明德", "尚学", "致远", "崇实",
]  # fmt: skip
SCHOOL_KINDS = [
    "小学", "第二小学", "实验小学", "中心小学", "中学", "初级中学",
    "实验中学", "高级中学", "第一中学", "幼儿园",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭陆汪范金石廖贾夏韦付方邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN_FEMALE = "丽静敏燕艳娟霞芳娜秀英慧玲红梅琳雪婷洁佳怡雯倩莉丹萍颖琴云晶晓"
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊峰建国志文博昊然晨"
NATIVE_PLACES = ["上海奉贤", "上海南汇", "上海松江", "江苏南通", "浙江嘉兴", "安徽安庆"]
OFFICES = [["行政", "后勤"], ["语文组"], ["数学组", "英语组"], ["音乐组", "体育组", "美术组"]]
PLACES_OF = {
    MeetingType.COMMITTEE: "党员活动室",
    MeetingType.GENERAL: "三楼多功能厅",
    MeetingType.GROUP: "教研室",
    MeetingType.LECTURE: "三楼多功能厅",
    MeetingType.THEMED_DAY: "党员活动室",
    MeetingType.LIFE: "党员活动室",
    MeetingType.EVALUATION: "三楼多功能厅",
}
# The weekday and the time of day each type of meeting is usually held.
TIMES = {
    MeetingType.COMMITTEE: (1, datetime.time(12, 30), datetime.time(13, 20)),
    MeetingType.GENERAL: (2, datetime.time(15, 30), datetime.time(16, 30)),
    MeetingType.GROUP: (3, datetime.time(15, 40), datetime.time(16, 40)),
    MeetingType.LECTURE: (2, datetime.time(15, 30), datetime.time(16, 30)),
    MeetingType.THEMED_DAY: (4, datetime.time(15, 30), datetime.time(17, 0)),
    MeetingType.LIFE: (4, datetime.time(14, 0), datetime.time(16, 30)),
    MeetingType.EVALUATION: (2, datetime.time(15, 30), datetime.time(17, 0)),
}
# The posts of a committee (5 people) and of its term before.
POSTS = [
    CommitteeRole.SECRETARY,
    CommitteeRole.DEPUTY_SECRETARY,
    CommitteeRole.ORGANISATION,
    CommitteeRole.PUBLICITY,
    CommitteeRole.DISCIPLINE,
]
# One member of each branch who left the roll, by status, cycling over the branches (and a
# transfer out in every branch): over N branches every status is there.
LEAVERS = [Status.DECEASED, Status.EXITED, Status.SUSPENDED]


# ---------------------------------------------------------------- names and accounts


def committee_code(seed: int, index: int) -> str:
    return f"s{seed}-district{index + 1}"


def branch_code(seed: int, number: int) -> str:
    return f"s{seed}-b{number:03d}"


def secretary_username(seed: int, number: int) -> str:
    return f"{branch_code(seed, number)}-shuji"


def leader_username(seed: int, number: int, group_index: int) -> str:
    return f"{branch_code(seed, number)}-zu{group_index + 1}"


def viewer_username(seed: int, index: int) -> str:
    return committee_code(seed, index)


def committee_count(branches: int) -> int:
    return max(1, min(MAX_COMMITTEES, math.ceil(branches / BRANCHES_PER_COMMITTEE)))


def committee_of(number: int, branches: int) -> int:
    """The index of the upper committee of branch `number` (1…): contiguous blocks."""
    return (number - 1) * committee_count(branches) // branches


def district_accounts(*, seed: int, branches: int) -> dict:
    """The usernames the district's generation creates: {"viewers": [...], "branches":
    {number: {"code", "secretary", "leaders": [...]}}}. All share one password."""
    return {
        "viewers": [viewer_username(seed, i) for i in range(committee_count(branches))],
        "branches": {
            number: {
                "code": branch_code(seed, number),
                "upper_committee": committee_code(seed, committee_of(number, branches)),
                "secretary": secretary_username(seed, number),
                "leaders": [leader_username(seed, number, g) for g in range(len(GROUPS))],
            }
            for number in range(1, branches + 1)
        },
    }


def district_exists(seed: int) -> bool:
    return UpperCommittee.objects.filter(code=committee_code(seed, 0)).exists()


def school_names(seed: int, count: int) -> list[str]:
    """`count` distinct school names, shuffled by the seed."""
    chance = random.Random(f"schools-{seed}")
    names = [place + kind for place in PLACES for kind in SCHOOL_KINDS]
    chance.shuffle(names)
    extra = 1
    while len(names) < count:
        names += [f"{place}第{extra + 2}{kind}" for place in PLACES for kind in ("小学", "中学")]
        extra += 1
    return names[:count]
