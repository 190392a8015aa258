"""A generated branch's 三会一课: owed by the app's rules, with attendance and 补学."""

import datetime

from activities.compliance.calendar import SchoolCalendar
from activities.compliance.periods import periods_of
from activities.models import (
    Attendance,
    MakeUpStudy,
    Meeting,
    MeetingType,
    Presence,
)
from branchsite.dates import ONE_DAY, school_year_of
from demo.district.bulk import (
    _aware,
    _bulk,
)
from demo.district.names import (
    ABSENT_SHARE,
    EXCUSED_SHARE,
    PLACES_OF,
    SKIPPED_SHARE,
    TIMES,
)
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
from demo.school import GROUPS
from groups.models import (
    CommitteeRole,
)


class Meetings:
    """Every meeting the rules owe over the years, with its list and its exceptions."""

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
