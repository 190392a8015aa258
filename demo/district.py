"""A whole district at scale (`manage.py generate_district`): upper committees (教育工委), N
schools' branches with their committees, four subject-based party groups each, about fifty
members in every category and status, people in every stage of recruitment, and
`years` school years of 三会一课 with attendance, 补学, activities, 民主评议 and dues.

Everything is deterministic: one `random.Random` per branch, seeded from the district's
seed and the branch's number, and dates relative to `today`; the same seed on the same day
gives the same data, and a branch's data does not depend on the others (a run that stopped
half-way resumes where it stopped).

Rows are written in bulk, one transaction per branch, with the history rows the services
would have written (`bulk_create_with_history`; for a changed row a second, "~", history
row). The meeting rules are the app's (`RuleBook`, the default `MeetingRule` rows of the
2018 条例) and the school calendar its default one (`default_terms`, 寒暑假 around 春节).
The ballots of 民主评议 stay anonymous as the services keep them: counters without voters
(`GradeCount`) and who voted (`BallotCast`), neither with history. People in recruitment
and the dues payments are written through the services themselves
(`recruitment_step_record`, `dues_collect`), which check the statutory deadlines and
compute the amounts.

Accounts (`district_accounts`), all with the password `password` (the demo's,
`branchsite-demo`, by default), for seed S and branch number NNN (001…):

- `sS-district1`, `sS-district2`…: viewers of each upper committee (UpperCommitteeViewer);
- `sS-bNNN-shuji`: the secretary of branch NNN (书记, member of its current committee);
- `sS-bNNN-zu1` … `sS-bNNN-zu4`: the leaders of its four party groups.
"""

import datetime
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from activities.compliance.calendar import SchoolCalendar, default_terms
from activities.compliance.periods import periods_of
from activities.compliance.rules import RuleBook
from activities.models import (
    Activity,
    ActivityKind,
    ActivityParticipant,
    Attendance,
    MakeUpStudy,
    Meeting,
    MeetingRule,
    MeetingType,
    Presence,
    StudyForm,
)
from branchsite.audit import audited_save
from branchsite.dates import ONE_DAY, add_months, add_years, school_year_of
from branchsite.passwords import DEMO_PASSWORD
from demo.meetings.texts import (
    ABSENCE_REASONS,
    COMMITTEE_AGENDA,
    EXCUSE_REASONS,
    GENERIC_THEMED_DAY,
    GROUP_STUDY,
    LECTURES,
    MAKE_UP_NOTES,
    THEMED_DAYS,
)
from demo.recruits import DEMO_RECRUITS
from demo.school import GROUPS, GROUPS_FOUNDED, TITLES
from demo.yearly import PEER_COMMENTS, SELF_ASSESSMENTS, monthly_base
from groups.models import (
    Branch,
    CommitteeMembership,
    CommitteeRole,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
    UpperCommittee,
    UpperCommitteeViewer,
)
from members.dues.ledger import branch_dues, first_of
from members.models import (
    Assessment,
    BallotCast,
    Category,
    DuesBasis,
    DuesPayment,
    Education,
    Employment,
    EvaluationRound,
    ExitGround,
    ExitKind,
    Gender,
    Grade,
    GradeCount,
    Member,
    RecruitmentStep,
    RoundState,
    Status,
)
from members.recruitment import recruitment_step_record
from members.validators import id_check_character

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


# ---------------------------------------------------------------- the plan of one branch


@dataclass
class Person:
    index: int
    name: str
    gender: str
    birth_date: datetime.date
    group: int
    category: str
    joined_on: datetime.date | None
    full_member_on: datetime.date | None
    status: str = Status.ACTIVE
    status_since: datetime.date | None = None
    retired: bool = False
    member: Member | None = None

    def on_roll_on(self, day: datetime.date) -> str | None:
        """The category this person attends with on `day` (`expected_attendees`), or None."""
        if self.status != Status.ACTIVE and self.status_since and self.status_since <= day:
            return None
        if self.full_member_on and self.full_member_on <= day:
            return Category.FULL
        if self.joined_on and self.joined_on <= day:
            return Category.PROBATIONARY
        return None


@dataclass
class Totals:
    rows: Counter = field(default_factory=Counter)

    def add(self, model, count: int) -> None:
        self.rows[model._meta.label] += count

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _aware(day: datetime.date, at: datetime.time = datetime.time(18, 0)) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def _bulk(model, rows, totals: Totals, *, user=None, when=None, changes=()) -> list:
    """Insert `rows` with their history ("+"); each row's `_history_date`, else `when`.

    `changes` are [(row, {attname: value}, when)]: a later change of some of the rows (an
    absence marked, a record reviewed, a member transferred out), each with its "~" history
    row as `audited_save` would write it. The rows are inserted as they are in the end, so
    no UPDATE is needed; the "+" history rows keep the values before the change."""
    if not rows:
        return []
    before = []
    for row, values, _when in changes:
        before.append({name: getattr(row, name) for name in values})
        for name, value in values.items():
            setattr(row, name, value)
    created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for (row, _values, _when), values in zip(changes, before, strict=True):
        for name, value in values.items():
            setattr(row, name, value)
    _history_create(model, created, history_type="+", user=user, when=when)
    changed = []
    for row, values, changed_at in changes:
        for name, value in values.items():
            setattr(row, name, value)
        row._history_date = changed_at
        changed.append(row)
    _history_create(model, changed, history_type="~", user=user, when=when)
    totals.add(model, len(rows))
    totals.add(model.history.model, len(rows) + len(changed))
    return created


def _history_create(model, rows, *, history_type: str, user, when) -> None:
    """The history rows of `rows`, in bulk, as `bulk_history_create` writes them (the
    tracked fields, `history_type`, the date, the user, no change reason) but built with
    positional arguments: half the time of keyword ones, on a million rows."""
    if not rows:
        return
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    extra = {
        "history_type": history_type,
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": None,
        "history_id": None,
    }
    # The historical model's columns in order: history's own (the same on every row, but
    # the date) and the tracked fields, copied from each row.
    columns = [field.attname for field in history._meta.concrete_fields]
    unknown = set(columns) - set(tracked) - set(extra) - {"history_date"}
    if unknown:
        raise ValueError(f"{history.__name__} has columns this cannot fill: {unknown}")
    template = [extra.get(name) for name in columns]
    copied = [(columns.index(name), name) for name in tracked]
    date_at = columns.index("history_date")
    default_date = when or timezone.now()
    historical = []
    for row in rows:
        values = template.copy()
        for position, name in copied:
            values[position] = getattr(row, name)
        values[date_at] = getattr(row, "_history_date", None) or default_date
        historical.append(history(*values))
    history.objects.bulk_create(historical, batch_size=BATCH_SIZE)


class BranchGenerator:
    """Writes one branch and its years. `number` is 1-based."""

    def __init__(self, district, number: int, upper_committee: UpperCommittee, school: str):
        self.district = district
        self.seed = district.seed
        self.number = number
        self.today = district.today
        self.until = self.today - ONE_DAY
        self.random = random.Random(f"branch-{self.seed}-{number}")
        self.upper_committee = upper_committee
        self.school = school
        self.totals = district.totals
        self.first_day = datetime.date(district.first_school_year, 9, 1)

    # ------------------------------------------------------------ orchestration

    def create(self) -> Branch:
        self._branch()
        self._people()
        self._groups()
        self._committee()
        self._meetings()
        self._activities()
        self._evaluations()
        self._dues()
        if self.number % RECRUITING_EVERY == 1 % RECRUITING_EVERY:
            self._recruits()
        return self.branch

    # ------------------------------------------------------------ organisation

    def _branch(self) -> None:
        founded = datetime.date(1990 + self.random.randrange(25), 9, 1)
        self.branch = Branch(
            name=f"{self.school}党支部",
            code=branch_code(self.seed, self.number),
            school=f"上海市{self.district.district_name(self.upper_committee)}{self.school}",
            upper_committee=self.upper_committee,
            founded_on=founded,
        )
        _bulk(Branch, [self.branch], self.totals, when=_aware(founded))

    def _name(self, gender: str) -> str:
        given = GIVEN_FEMALE if gender == Gender.FEMALE else GIVEN_MALE
        name = self.random.choice(SURNAMES) + self.random.choice(given)
        if self.random.random() < 0.6:
            name += self.random.choice(given)
        return name

    def _people(self) -> None:
        chance = self.random
        count = chance.randint(46, 54)
        people = []
        for index in range(count):
            gender = Gender.FEMALE if chance.random() < 0.68 else Gender.MALE
            retired = index >= count - 3  # three retired teachers per branch
            birth_year = (
                chance.randint(1950, 1963)
                if retired
                else chance.randint(1966, self.today.year - 25)
            )
            birth = datetime.date(birth_year, chance.randint(1, 12), chance.randint(1, 28))
            if index in (count - 4, count - 5, count - 6):
                # Probationary: admitted within the last year (预备期一年).
                joined = self.today - datetime.timedelta(days=chance.randint(20, 350))
                full, category = None, Category.PROBATIONARY
            else:
                latest = min(self.today.year - 2, birth_year + 40)
                joined_year = chance.randint(min(birth_year + 20, latest), latest)
                joined = datetime.date(
                    joined_year, chance.choice([6, 7, 12]), chance.randint(1, 28)
                )
                full, category = add_years(joined, 1), Category.FULL
                if full >= self.today:
                    joined, full = add_years(joined, -1), add_years(full, -1)
            person = Person(
                index, self._name(gender), gender, birth, group=index % len(GROUPS),
                category=category, joined_on=joined, full_member_on=full, retired=retired,
            )  # fmt: skip
            people.append(person)
        # Leavers: not on the committee (the first five) nor leading a group (the next four).
        span = (self.until - self.first_day).days
        transferred = people[20 + chance.randrange(5)]
        transferred.status = Status.TRANSFERRED_OUT
        transferred.status_since = self.first_day + datetime.timedelta(
            days=chance.randint(30, max(31, span - 30))
        )
        status = LEAVERS[(self.number - 1) % len(LEAVERS)]
        # One who died is a retired member; the others are among the teachers.
        leaver = (
            people[count - 1] if status == Status.DECEASED else people[25 + chance.randrange(10)]
        )
        leaver.status = status
        leaver.status_since = self.first_day + datetime.timedelta(
            days=chance.randint(60, max(61, span - 10))
        )
        self.people = people
        # Leaders: people 5…8, one per group (person index % 4 is the group).
        self.leaders = {person.group: person for person in people[5:9]}

        used = self.district.id_numbers
        members = []
        for person in people:
            member = Member(
                branch=self.branch,
                name=person.name,
                gender=person.gender,
                birth_date=person.birth_date,
                category=person.category,
                joined_on=person.joined_on,
                full_member_on=person.full_member_on,
                native_place=chance.choice(NATIVE_PLACES),
                education=Education.MASTER if chance.random() < 0.25 else Education.BACHELOR,
                job="管理人员" if person.group == 0 else "专业技术人员（教师）",
                office=chance.choice(OFFICES[person.group]),
                professional_title=chance.choice(TITLES),
                work_started_on=datetime.date(person.birth_date.year + 22, 8, 1),
                employment=Employment.RETIRED if person.retired else Employment.IN_SERVICE,
                phone=f"13{chance.randrange(10**9):09d}",
                address=f"上海市{chance.choice(PLACES)}路{chance.randint(1, 999)}弄"
                f"{chance.randint(1, 60)}号",
            )
            member.id_number = self._id_number(person, used)
            person.member = member
            member._history_date = _aware(max(person.joined_on, GROUPS_FOUNDED))
            members.append(member)
        # Later changes, each with its own history row: accounts given to the secretary and
        # the group leaders, and those who left the roll.
        changes = [
            (person.member, {"user_id": user.pk}, _aware(self.first_day))
            for person, user in self._accounts()
        ]
        for person in people:
            if person.status == Status.ACTIVE:
                continue
            values = {"status": person.status, "status_since": person.status_since}
            if person.status == Status.EXITED:
                values["exit_kind"], values["exit_ground"] = ExitKind.REMOVED, ExitGround.LAPSED
                values["status_reason"] = "连续六个月不参加党的组织生活，经支部大会讨论予以除名"
            else:
                values["status_reason"] = {
                    Status.TRANSFERRED_OUT: "工作调动，组织关系转出",
                    Status.SUSPENDED: "出国（境）定居，停止党籍",
                    Status.DECEASED: "因病去世",
                }[person.status]
            changes.append((person.member, values, _aware(person.status_since)))
        _bulk(Member, members, self.totals, changes=changes)
        self.secretary = people[0]
        self.secretary_user = self.secretary.member.user

    def _id_number(self, person: Person, used: set) -> str:
        region = f"3101{(self.number * 7 + self.seed) % 90 + 10:02d}"
        serial = person.index * 2 + (1 if person.gender == Gender.MALE else 0)
        while True:
            sequence = f"{serial % 1000:03d}"
            first_17 = f"{region}{person.birth_date:%Y%m%d}{sequence}"
            number = first_17 + id_check_character(first_17)
            if number not in used:
                used.add(number)
                return number
            serial += 2  # same parity: the same gender

    def _groups(self) -> None:
        founded = max(GROUPS_FOUNDED, self.branch.founded_on)
        self.groups = [
            PartyGroup(
                branch=self.branch, name=name, offices=offices, founded_on=founded, sort_order=order
            )
            for order, (name, offices) in enumerate(GROUPS)
        ]
        _bulk(PartyGroup, self.groups, self.totals, when=_aware(founded))
        memberships, ended = [], []
        for person in self.people:
            started = max(founded, person.joined_on)
            row = GroupMembership(
                group=self.groups[person.group], member=person.member, started_on=started
            )
            row._history_date = _aware(started)
            memberships.append(row)
        for row, person in zip(memberships, self.people, strict=True):
            if person.status != Status.ACTIVE:
                end = max(row.started_on, person.status_since)
                ended.append((row, {"ended_on": end}, _aware(end)))
        _bulk(GroupMembership, memberships, self.totals, changes=ended)
        self.memberships = memberships
        since = max(founded, datetime.date(2020, 9, 1))
        leaderships = [
            GroupLeadership(
                group=self.groups[group],
                member=person.member,
                role=GroupRole.LEADER,
                started_on=max(since, person.joined_on),
            )
            for group, person in sorted(self.leaders.items())
        ]
        _bulk(GroupLeadership, leaderships, self.totals, when=_aware(since))

    def _committee(self) -> None:
        """The current term (elected within the last three years) and the one before, both
        with five posts; the secretary keeps the post, two others change."""
        term_years = self.branch.committee_term_years
        elected = self.today - datetime.timedelta(days=self.random.randint(40, 3 * 365 - 40))
        terms, posts, changes = [], [], []
        electeds = [elected]
        while electeds[-1] > self.first_day - datetime.timedelta(days=1):
            electeds.append(add_years(electeds[-1], -term_years))
        electeds.reverse()
        for number, on in enumerate(electeds, start=1):
            term = CommitteeTerm(
                branch=self.branch, number=number, elected_on=on, ends_on=add_years(on, term_years)
            )
            term._history_date = _aware(on)
            terms.append(term)
        _bulk(CommitteeTerm, terms, self.totals)
        self.posts = []  # (person, started, ended)
        for position, term in enumerate(terms):
            current = position == len(terms) - 1
            # Earlier terms: the secretary and people 1, 2 then 10, 11 (changed at 换届).
            holders = [0, 1, 2, 3, 4] if current else [0, 1, 2, 10 + position, 11 + position]
            for role, index in zip(POSTS, holders, strict=True):
                person = self.people[index]
                started = max(term.elected_on, person.full_member_on or term.elected_on)
                post = CommitteeMembership(
                    term=term, member=person.member, role=role, started_on=started
                )
                post._history_date = _aware(started)
                posts.append(post)
                end = None
                if not current:  # posts of earlier terms end the day before the election
                    end = max(started, terms[position + 1].elected_on - ONE_DAY)
                    changes.append((post, {"ended_on": end}, _aware(end)))
                self.posts.append((person, started, end, post))
        _bulk(CommitteeMembership, posts, self.totals, changes=changes)

    def _accounts(self) -> list:
        """Accounts of the secretary and the group leaders: [(person, user)]."""
        user_model = get_user_model()
        accounts = [(self.people[0], secretary_username(self.seed, self.number))]
        accounts += [
            (person, leader_username(self.seed, self.number, group))
            for group, person in sorted(self.leaders.items())
        ]
        users = [
            user_model(
                username=username,
                password=self.district.password_hash,
                last_name=person.name[:1],
                first_name=person.name[1:],
            )
            for person, username in accounts
        ]
        user_model.objects.bulk_create(users)
        self.totals.add(user_model, len(users))
        return [(person, user) for (person, _username), user in zip(accounts, users, strict=True)]

    # ------------------------------------------------------------ meetings

    def _school_days(self, calendar: SchoolCalendar, start, end, weekday: int) -> list:
        days, day = [], start
        while day <= end:
            if day.weekday() == weekday and calendar.term_days(day, day):
                days.append(day)
            day += ONE_DAY
        return days

    def _schedule(self) -> list[tuple[str, int | None, datetime.date, int]]:
        """(kind, group index or None, day, school year) of every meeting owed in the years,
        from the app's rules: `times` a period, in each period with enough term days."""
        book = self.district.rule_book(self.branch.pk)
        seen, plan = set(), []
        for school_year in range(self.district.first_school_year, school_year_of(self.until) + 1):
            calendar = self.district.calendar(school_year)
            for kind in PLACES_OF:
                rule = book.rule_for(kind, datetime.date(school_year, 9, 1))
                if rule is None or not rule.required:
                    continue
                groups = range(len(GROUPS)) if rule.per_group else [None]
                for span in periods_of(calendar, rule.period, rule):
                    if span.term_days < rule.min_term_days or (kind, span.start) in seen:
                        continue
                    seen.add((kind, span.start))
                    start = max(span.start, self.first_day)
                    if kind in (MeetingType.LIFE, MeetingType.EVALUATION):
                        start = max(start, span.end.replace(month=12, day=1))
                    end = min(span.due_on, self.until)
                    weekday = TIMES[kind][0]
                    days = self._school_days(calendar, start, end, weekday)
                    if not days:
                        continue
                    for group in groups:
                        for time_index in range(rule.times):
                            if self.random.random() < SKIPPED_SHARE:
                                continue
                            offset = (group or 0) + time_index
                            day = days[min(len(days) - 1, len(days) // 3 + offset)]
                            plan.append((kind, group, day, school_year))
        plan.sort(key=lambda item: (item[2], item[0], -1 if item[1] is None else item[1]))
        return plan

    def _expected(self, kind: str, group: int | None, day: datetime.date):
        if kind == MeetingType.GROUP:
            people = [
                person
                for person, row in zip(self.people, self.memberships, strict=True)
                if person.group == group and row.started_on <= day
            ]
        elif kind == MeetingType.COMMITTEE:
            people = []
            for person, started, ended, _post in self.posts:
                if started <= day and (ended is None or ended >= day) and person not in people:
                    people.append(person)
        else:
            people = self.people
        expected = []
        for person in sorted(people, key=lambda person: (person.name, person.member.pk)):
            category = person.on_roll_on(day)
            if category is not None:
                expected.append((person, category))
        return expected

    def _texts(self, kind: str, group: int | None, day: datetime.date) -> dict:
        month = day.month
        if kind == MeetingType.COMMITTEE:
            topic, discussion, _ = COMMITTEE_AGENDA.get(month, COMMITTEE_AGENDA[3])
            return {"topic": topic, "minutes": discussion}
        if kind == MeetingType.THEMED_DAY:
            topic, place, done = THEMED_DAYS.get(month, GENERIC_THEMED_DAY)
            return {"topic": topic, "minutes": done, "place": place or PLACES_OF[kind]}
        if kind == MeetingType.GROUP:
            studies = GROUP_STUDY.get(month) or GROUP_STUDY[9]
            topic, material = studies[(group + day.year) % len(studies)]
            return {
                "topic": topic,
                "minutes": f"组长领学{material}，组员结合教育教学实际交流了体会。",
                "place": f"{GROUPS[group][1].split('、')[0]}{PLACES_OF[kind]}",
            }
        if kind == MeetingType.LECTURE:
            quarter = (month - 1) // 3 + 1
            topic, _role = LECTURES[quarter][day.year % len(LECTURES[quarter])]
            return {"topic": topic, "minutes": "书记讲授专题党课，党员们认真聆听并作了笔记。"}
        if kind == MeetingType.GENERAL:
            return {
                "topic": f"{day.year}年第{(month - 1) // 3 + 1}季度党员大会",
                "minutes": "会议通报了支部近期工作，讨论了下阶段重点任务。",
            }
        if kind == MeetingType.LIFE:
            return {
                "topic": f"{day.year}年度组织生活会",
                "minutes": "支委会通报年度工作，党员逐一对照检查，开展批评和自我批评。",
            }
        return {
            "topic": f"{day.year}年度民主评议党员",
            "minutes": "党员个人自评，党员互评，进行民主测评。",
        }

    def _meetings(self) -> None:
        plan = self._schedule()
        committee = {post.role: post.member for _p, _s, end, post in self.posts if end is None}
        meetings, lists = [], []
        reviewed_by = self.secretary_user
        for kind, group, day, _school_year in plan:
            texts = self._texts(kind, group, day)
            _weekday, starts, ends = TIMES[kind]
            host = (
                self.leaders[group].member
                if group is not None
                else committee.get(CommitteeRole.SECRETARY)
            )
            meeting = Meeting(
                branch=self.branch,
                kind=kind,
                group=self.groups[group] if group is not None else None,
                held_on=day,
                starts_at=starts,
                ends_at=ends,
                place=texts.get("place", PLACES_OF[kind]),
                topic=texts["topic"][:200],
                host=host,
                recorder=committee.get(CommitteeRole.ORGANISATION),
                speaker=host.name if kind == MeetingType.LECTURE and host else "",
                minutes=texts["minutes"],
                created_by=reviewed_by,
            )
            meeting._history_date = _aware(day, ends)
            meetings.append(meeting)
            lists.append(self._expected(kind, group, day))
        # The secretary reviews each record within a few days (`meeting_review`).
        reviews = []
        for meeting in meetings:
            if meeting.held_on < self.today - datetime.timedelta(days=14):
                at = _aware(meeting.held_on + datetime.timedelta(days=3), datetime.time(9))
                reviews.append((meeting, {"reviewed_by_id": reviewed_by.pk, "reviewed_at": at}, at))
        _bulk(Meeting, meetings, self.totals, user=reviewed_by, changes=reviews)

        # Everyone on the list present (`meeting_record`), then the exceptions marked
        # (`attendance_set`): each a "~" history row, and the make-up study it owes.
        rows, absences = [], []
        chance = self.random
        for meeting, expected in zip(meetings, lists, strict=True):
            when = _aware(meeting.held_on, meeting.ends_at)
            for person, category in expected:
                row = Attendance(meeting=meeting, member=person.member, category=category)
                row._history_date = when
                draw = chance.random()
                if draw < ABSENT_SHARE:
                    values = {"presence": Presence.ABSENT, "reason": chance.choice(ABSENCE_REASONS)}
                    absences.append((row, values, when + datetime.timedelta(minutes=5)))
                elif draw < ABSENT_SHARE + EXCUSED_SHARE:
                    values = {"presence": Presence.EXCUSED, "reason": chance.choice(EXCUSE_REASONS)}
                    absences.append((row, values, when + datetime.timedelta(minutes=5)))
                rows.append(row)
        _bulk(Attendance, rows, self.totals, user=reviewed_by, changes=absences)
        make_ups = []
        for row, _values, when in absences:
            make_up = MakeUpStudy(attendance=row)
            held = row.meeting.held_on
            if held < self.today - datetime.timedelta(days=30):
                make_up.done_on = held + datetime.timedelta(days=chance.randint(3, 21))
                make_up.note = chance.choice(MAKE_UP_NOTES)
            make_up._history_date = when
            make_ups.append(make_up)
        _bulk(MakeUpStudy, make_ups, self.totals, user=reviewed_by)
        self.meetings = meetings

    # ------------------------------------------------------------ the rest of the year

    def _activities(self) -> None:
        """Each school year: a study day at the district's Party school for the committee,
        a volunteer service for every group, a branch-wide online study."""
        activities, participants = [], []
        chance = self.random
        for school_year in range(self.district.first_school_year, school_year_of(self.until) + 1):
            events = [
                (datetime.date(school_year, 10, 18), ActivityKind.STUDY, StudyForm.PARTY_SCHOOL,
                 "区委党校支部书记、委员专题培训", Decimal("6"), None, "committee"),
                (datetime.date(school_year + 1, 3, 12), ActivityKind.STUDY, StudyForm.ONLINE,
                 "“学习强国”专题网络学习", Decimal("4"), None, "all"),
            ]  # fmt: skip
            for group in range(len(GROUPS)):
                events.append(
                    (datetime.date(school_year, 11, 8 + group), ActivityKind.VOLUNTEER, "",
                     "社区志愿服务：义务家教与文明交通劝导", Decimal("2"), group, "group")
                )  # fmt: skip
            for day, kind, form, title, hours, group, whom in events:
                if day > self.until:
                    continue
                activity = Activity(
                    branch=self.branch,
                    kind=kind,
                    held_on=day,
                    title=title,
                    group=self.groups[group] if group is not None else None,
                    owner=self.secretary.member,
                    place="区委党校" if form == StudyForm.PARTY_SCHOOL else "",
                    study_form=form,
                    hours=hours,
                    created_by=self.secretary_user,
                )
                activity._history_date = _aware(day)
                if whom == "committee":
                    people = [p for p, _s, end, _post in self.posts if end is None]
                elif whom == "group":
                    people = [p for p in self.people if p.group == group]
                else:
                    people = list(self.people)
                people = [p for p in people if p.on_roll_on(day) and chance.random() < 0.9]
                activities.append((activity, people))
        _bulk(Activity, [a for a, _ in activities], self.totals)
        for activity, people in activities:
            for person in people:
                row = ActivityParticipant(activity=activity, member=person.member)
                row._history_date = activity._history_date
                participants.append(row)
        _bulk(ActivityParticipant, participants, self.totals)

    def _evaluations(self) -> None:
        """民主评议党员 of every calendar year that ended: closed rounds with their
        assessments and grades (history), the anonymous counters and who voted (none)."""
        chance = self.random
        years = [
            year
            for year in range(self.first_day.year, self.today.year)
            if datetime.date(year, 12, 20) >= self.first_day
        ]
        rounds, by_round = [], []
        for year in years:
            opened = datetime.date(year, 12, 1)
            evaluation = EvaluationRound(
                branch=self.branch,
                year=year,
                opened_on=opened,
                state=RoundState.CLOSED,
                study_from=datetime.date(year, 11, 10),
                self_assessment_due=datetime.date(year, 12, 5),
                peer_review_on=datetime.date(year, 12, 7),
                ballot_closed_on=datetime.date(year, 12, 14),
                closed_on=datetime.date(year, 12, 20),
                notified_on=datetime.date(year, 12, 22),
                reported_on=datetime.date(year, 12, 25),
            )
            evaluation._history_date = _aware(datetime.date(year, 12, 20))
            rounds.append(evaluation)
            taking_part = [
                (person, category)
                for person in self.people
                if (category := person.on_roll_on(opened)) is not None
            ]
            by_round.append(taking_part)
        _bulk(EvaluationRound, rounds, self.totals, user=self.secretary_user)
        assessments, counts, casts = [], [], []
        for evaluation, taking_part in zip(rounds, by_round, strict=True):
            graded = [person for person, category in taking_part if category == Category.FULL]
            cap = len(graded) // self.branch.excellent_cap_denominator
            excellent = set(chance.sample(range(len(graded)), min(cap, max(1, len(graded) // 6))))
            basic = {chance.randrange(len(graded))} if chance.random() < 0.3 else set()
            basic -= excellent
            finals = {}
            for n, person in enumerate(graded):
                grade = Grade.BASIC if n in basic else Grade.QUALIFIED
                finals[person.index] = Grade.EXCELLENT if n in excellent else grade
            tally = Counter()
            voters = [person for person, _category in taking_part]
            for voter in voters:
                if chance.random() < 0.04:
                    continue  # did not vote
                casts.append(BallotCast(round=evaluation, voter=voter.member))
                for person in graded:
                    if person is voter:
                        continue
                    final = finals[person.index]
                    grade = final if chance.random() < 0.85 else Grade.QUALIFIED
                    tally[person.index, grade] += 1
            for person in graded:
                for grade in Grade.values:
                    counts.append(
                        GradeCount(
                            round=evaluation,
                            member=person.member,
                            grade=grade,
                            count=tally[person.index, grade],
                        )
                    )
            year = evaluation.year
            for n, (person, category) in enumerate(taking_part):
                final = finals.get(person.index, "")
                row = Assessment(
                    round=evaluation,
                    member=person.member,
                    graded=category == Category.FULL,
                    self_assessment=SELF_ASSESSMENTS[n % len(SELF_ASSESSMENTS)],
                    self_assessed_on=datetime.date(year, 12, 4),
                    peer_comments=PEER_COMMENTS[n % len(PEER_COMMENTS)],
                    peer_reviewed_on=datetime.date(year, 12, 7),
                    recommended_excellent=final == Grade.EXCELLENT,
                    final_grade=final,
                    reason="党小组推荐，党员大会通过" if final == Grade.EXCELLENT else "",
                )
                if final == Grade.BASIC:
                    row.reason = "本年度多次无故缺席组织生活，经支委会研究评定"
                    row.follow_up = "参加支部组织的专题学习，每月向党小组长汇报思想和工作情况。"
                    row.follow_up_due = datetime.date(year + 1, 6, 30)
                row._history_date = _aware(datetime.date(year, 12, 16))
                assessments.append(row)
        _bulk(Assessment, assessments, self.totals, user=self.secretary_user)
        # No history, no user: the ballot's anonymity (members.models.evaluation).
        GradeCount.objects.bulk_create(counts, batch_size=BATCH_SIZE)
        BallotCast.objects.bulk_create(casts, batch_size=BATCH_SIZE)
        self.totals.add(GradeCount, len(counts))
        self.totals.add(BallotCast, len(casts))

    def _dues(self) -> None:
        """Dues bases from the first school year (re-set each January), and the last
        `DUES_MONTHS` monthly collections through the service, a few members behind."""
        bases = []
        on_roll = [p for p in self.people if p.status == Status.ACTIVE]
        first_month = self.first_day.replace(day=1)
        for n, person in enumerate(on_roll):
            start = max(first_month, person.joined_on.replace(day=1))
            year = start.year
            while start <= self.until:
                category, base = monthly_base(person.member, n + year)
                basis = DuesBasis(
                    member=person.member,
                    category=category,
                    monthly_base=base,
                    starts_on=start,
                    note="按上年度工资核定",
                )
                basis._history_date = _aware(start)
                bases.append(basis)
                year += 1
                start = datetime.date(year, 1, 1)
        _bulk(DuesBasis, bases, self.totals, user=self.secretary_user)
        # The monthly collections (`dues_collect`), at the amount the app's ledger says each
        # month owes (the 2008 brackets on the basis), two members behind for 3 months.
        ledger = branch_dues(
            Member.objects.filter(pk__in=[p.member.pk for p in on_roll]), today=self.until
        )
        behind = {p.member.pk for p in self.random.sample(on_roll, 2)}
        last = add_months(self.today.replace(day=1), -1)
        first = max(first_month, add_months(last, -(DUES_MONTHS - 1)))
        payments = []
        for dues in ledger.members:
            member = dues.member
            month = max(first, first_of(member.joined_on))
            while month <= last:
                amount = dues.amount_for(month)
                late = member.pk in behind and month >= add_months(last, -2)
                if amount is not None and not late and not dues.waived(month):
                    paid_on = min(month.replace(day=10), self.until)
                    payment = DuesPayment(
                        member=member, month=month, amount=amount, paid_on=paid_on
                    )
                    payment._history_date = _aware(paid_on, datetime.time(16))
                    payments.append(payment)
                month = add_months(month, 1)
        _bulk(DuesPayment, payments, self.totals, user=self.secretary_user)

    def _recruits(self) -> None:
        """The demo's five people in recruitment (two applicants, two activists, a
        candidate), with this branch's names, through the recruitment service, which checks
        every statutory deadline; and one recruit admitted last year is among the
        probationary members already."""
        full = [p.member for p in self.people[:12] if p.category == Category.FULL]
        people = {"committee": full[:2], "mentors": full[2:4], "sponsors": full[4:6]}
        steps = self.district.steps
        for number, recruit in enumerate(DEMO_RECRUITS, start=1):
            member = Member(
                branch=self.branch,
                name=self._name(recruit.gender),
                gender=recruit.gender,
                birth_date=recruit.birth_date,
                office=recruit.office,
                job="专业技术人员（教师）",
                category=Category.APPLICANT,
            )
            audited_save(member, acting_user=self.secretary_user)
            self.totals.add(Member, 1)
            for index, (code, days_ago, extra) in enumerate(recruit.steps, start=1):
                recruitment_step_record(
                    member=member,
                    step=steps[code],
                    on=self.today - datetime.timedelta(days=days_ago),
                    people=people.get(extra.get("people"), ()),
                    reference=f"发展档案{number}-{index:02d}",
                    acting_user=self.secretary_user,
                    today=self.today,
                )
                member.refresh_from_db()


class District:
    """The run: shared reads (rules, steps, the identity numbers taken) and the totals."""

    def __init__(self, *, seed: int, years: int, today: datetime.date, password: str):
        self.seed = seed
        self.years = years
        self.today = today
        self.first_school_year = school_year_of(today - ONE_DAY) - years + 1
        self.password_hash = make_password(password)
        self.totals = Totals()
        self.id_numbers = set(
            Member.objects.exclude(id_number="").values_list("id_number", flat=True)
        )
        self.steps = {step.code: step for step in RecruitmentStep.objects.all()}
        self._rules = list(MeetingRule.objects.all())
        self._calendars = {}
        chance = random.Random(f"districts-{seed}")
        self.district_names = chance.sample(DISTRICTS, MAX_COMMITTEES)

    def rule_book(self, branch_id: int) -> RuleBook:
        return RuleBook([r for r in self._rules if r.branch_id in (None, branch_id)], branch_id)

    def calendar(self, school_year: int) -> SchoolCalendar:
        if school_year not in self._calendars:
            self._calendars[school_year] = SchoolCalendar(
                school_year,
                default_terms(school_year),
                True,
                (*default_terms(school_year - 1), *default_terms(school_year + 1)),
            )
        return self._calendars[school_year]

    def district_name(self, upper_committee: UpperCommittee) -> str:
        return upper_committee.name.split("教育")[0]

    def upper_committees(self, branches: int) -> list[UpperCommittee]:
        user_model = get_user_model()
        committees = []
        for index in range(committee_count(branches)):
            code = committee_code(self.seed, index)
            committee = UpperCommittee.objects.filter(code=code).first()
            if committee is None:
                name = f"{self.district_names[index]}教育系统党工委"
                if UpperCommittee.objects.filter(name=name).exists():
                    name = f"{name}（{code}）"
                committee = UpperCommittee(name=name, code=code)
                _bulk(UpperCommittee, [committee], self.totals)
                viewer = user_model.objects.create(
                    username=viewer_username(self.seed, index),
                    password=self.password_hash,
                    last_name="陆",
                    first_name=f"建{'华国民'[index % 3]}",
                )
                self.totals.add(user_model, 1)
                _bulk(
                    UpperCommitteeViewer,
                    [UpperCommitteeViewer(upper_committee=committee, user=viewer)],
                    self.totals,
                )
            committees.append(committee)
        return committees


def generate_district(
    *,
    branches: int,
    years: int,
    seed: int,
    today: datetime.date | None = None,
    password: str = DEFAULT_PASSWORD,
    progress=None,
    every: int = 10,
) -> District:
    """Create the district, one transaction per branch; branches already there (by code)
    are kept as they are. `progress(line)` is told every `every` branches."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    district = District(seed=seed, years=years, today=today, password=password)
    with transaction.atomic():
        committees = district.upper_committees(branches)
    names = school_names(seed, branches)
    existing = set(
        Branch.objects.filter(code__startswith=f"s{seed}-b").values_list("code", flat=True)
    )
    for number in range(1, branches + 1):
        if branch_code(seed, number) not in existing:
            committee = committees[committee_of(number, branches)]
            with transaction.atomic():
                BranchGenerator(district, number, committee, names[number - 1]).create()
        if progress and (number % every == 0 or number == branches):
            progress(
                f"branches {number}/{branches}, {district.totals.total:,} rows, "
                f"{time.perf_counter() - started:.1f}s"
            )
    district.elapsed = time.perf_counter() - started
    return district
