"""A generated branch's organisation: the branch, its people, groups, committee and accounts."""

import datetime

from django.contrib.auth import get_user_model

from branchsite.dates import ONE_DAY, add_years
from demo.district.bulk import (
    Person,
    _aware,
    _bulk,
)
from demo.district.names import (
    GIVEN_FEMALE,
    GIVEN_MALE,
    LEAVERS,
    NATIVE_PLACES,
    OFFICES,
    PLACES,
    POSTS,
    SURNAMES,
    branch_code,
    leader_username,
    secretary_username,
)
from demo.school import GROUPS, GROUPS_FOUNDED, TITLES
from groups.models import (
    Branch,
    CommitteeMembership,
    CommitteeTerm,
    GroupLeadership,
    GroupMembership,
    GroupRole,
    PartyGroup,
)
from members.models import (
    Category,
    Education,
    Employment,
    ExitGround,
    ExitKind,
    Gender,
    Member,
    Status,
)
from members.validators import id_check_character


class Organisation:
    """The branch, its members (`_people`), groups, committee terms and accounts."""

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
