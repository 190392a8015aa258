"""The run: one transaction per branch, the shared reads, the progress line."""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from activities.compliance.calendar import SchoolCalendar, default_terms
from activities.compliance.rules import RuleBook
from activities.models import (
    MeetingRule,
)
from branchsite.dates import ONE_DAY, school_year_of
from demo.district.bulk import (
    Totals,
    _bulk,
)
from demo.district.meetings import Meetings
from demo.district.names import (
    DEFAULT_PASSWORD,
    DISTRICTS,
    MAX_COMMITTEES,
    RECRUITING_EVERY,
    branch_code,
    committee_code,
    committee_count,
    committee_of,
    school_names,
    viewer_username,
)
from demo.district.organisation import Organisation
from demo.district.yearly import Yearly
from groups.models import (
    Branch,
    UpperCommittee,
    UpperCommitteeViewer,
)
from members.models import (
    Member,
    RecruitmentStep,
)


class BranchGenerator(Organisation, Meetings, Yearly):
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
