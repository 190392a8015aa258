"""A generated branch's other yearly work: activities, 民主评议, dues and recruits."""

import datetime
from collections import Counter
from decimal import Decimal

from activities.models import (
    Activity,
    ActivityKind,
    ActivityParticipant,
    StudyForm,
)
from branchsite.audit import audited_save
from branchsite.dates import add_months, school_year_of
from demo.district.bulk import (
    _aware,
    _bulk,
)
from demo.district.names import (
    BATCH_SIZE,
    DUES_MONTHS,
)
from demo.recruits import DEMO_RECRUITS
from demo.school import GROUPS
from demo.yearly import PEER_COMMENTS, SELF_ASSESSMENTS, monthly_base
from members.dues.ledger import branch_dues, first_of
from members.models import (
    Assessment,
    BallotCast,
    Category,
    DuesBasis,
    DuesPayment,
    EvaluationRound,
    Grade,
    GradeCount,
    Member,
    RoundState,
    Status,
)
from members.recruitment import recruitment_step_record


class Yearly:
    """Activities, the evaluation rounds, dues and the people in recruitment."""

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
                        member=member,
                        branch_id=member.branch_id,
                        month=month,
                        amount=amount,
                        paid_on=paid_on,
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
