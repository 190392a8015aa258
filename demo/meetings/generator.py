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

from django.db import transaction

from activities.models import (
    Meeting,
    MeetingType,
)
from demo.meetings.calendar import (
    MONTHLY_MIN_TERM_DAYS,
    skipped,
)
from demo.meetings.recording import MeetingRecorder
from demo.meetings.texts import (
    COMMITTEE_AGENDA,
    COMMITTEE_OPENINGS,
    COMMON_REMARKS,
    GENERIC_THEMED_DAY,
    GROUP_CLOSINGS,
    GROUP_DAYS,
    GROUP_PLACES,
    GROUP_RECORDERS,
    GROUP_REMARKS,
    GROUP_STUDY,
    GROUP_TIMES,
    GROUP_WORK,
    JULY_LECTURES,
    JULY_THEMED_DAY,
    LECTURE_POINTS,
    LECTURES,
    OTHER_ACTIVITIES,
    THEMED_DAYS,
)
from groups.models import Branch, CommitteeRole, PartyGroup
from members.models import Category, Member


def seed_demo_meetings(branch: Branch, *, today: datetime.date, acting_user=None) -> list:
    """Create the demo branch's school terms and meetings up to yesterday. Does nothing when
    the branch already has meetings. Returns the meetings created.

    Without `acting_user` the demo's own people act: each group leader records and closes
    the make-up study of their group's meetings, the secretary everything else and the
    reviews. With it, every write is theirs."""
    if branch.meetings.exists():
        return []
    with transaction.atomic():
        return DemoMeetings(branch, today=today, acting_user=acting_user).create()


class DemoMeetings(MeetingRecorder):
    """Every meeting type, month by month, over the previous and the current school year."""

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
            if month == 12:
                self._life_and_evaluation(year)
            for other_month, topic, place, done in OTHER_ACTIVITIES:
                if month == other_month:
                    self._other_activity(year, month, topic, place, done)
        self._admission_meetings()
        self._close_make_ups()
        self._review()
        return self.created

    # ------------------------------------------------------------ meeting types

    def _committee_meeting(self, year: int, month: int) -> None:
        day = self._day(year, month, 2, calendar.TUESDAY)
        if day is None or skipped(self.gaps, MeetingType.COMMITTEE, day):
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
        """七一: a general meeting with the year's awards, the secretary's lecture and the
        themed day, on the first school day of July when the summer term reaches into it,
        else on the last school day of June (七一前夕), as schools whose term ends in June do."""
        days = [datetime.date(year, 7, day) for day in range(1, 8)]
        days += [datetime.date(year, 6, day) for day in range(30, 24, -1)]
        day = next((day for day in days if self._school_day(day)), None)
        if day is None or day > self.last_day:
            return
        at = datetime.time
        self._general_meeting(year, 7, day=day, times=(at(14, 0), at(14, 40)))
        if not skipped(self.gaps, MeetingType.LECTURE, day):  # a planned gap stays a gap
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
        if day is None or skipped(self.gaps, MeetingType.GROUP, day, index):
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
        if day is None or skipped(self.gaps, MeetingType.LECTURE, day):
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
        """The year's 组织生活会 and 民主评议党员, in December (条例 第二十一条: 一般安排在第四
        季度), so that each calendar year's duties are held by 31 December whatever day the
        demo is created."""
        life_day = self._day(year, 12, 7, calendar.WEDNESDAY)
        evaluation_day = self._day(year, 12, 14, calendar.FRIDAY)  # after the 组织生活会
        recorder = self.committee.get(CommitteeRole.ORGANISATION, self.secretary)
        names = self._committee_names()
        if life_day:

            def life_minutes(context):
                return "\n\n".join(
                    [
                        f"{context['date']}，支部召开{year}年度组织生活会，"
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
                topic=f"{year}年度组织生活会",
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
                        f"{context['date']}，支部召开{year}年度民主评议党员大会，"
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
                topic=f"{year}年度民主评议党员",
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
