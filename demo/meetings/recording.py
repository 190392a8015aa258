"""Recording the demo meetings through `activities.services`: the calendar of the two
school years, attendance with leave and absences, votes, make-up study and reviews."""

import calendar
import datetime
import random
from collections.abc import Callable

from django.utils import timezone

from activities.models import (
    AgendaTemplate,
    MakeUpStudy,
    Meeting,
    MeetingType,
    Motion,
    Presence,
    SchoolTerm,
)
from activities.services import (
    Absence,
    expected_attendees,
    make_up_close,
    meeting_record,
    meeting_review,
    meeting_update,
)
from branchsite.audit import audited_save
from branchsite.dates import ONE_DAY, month_bounds, school_year_of
from demo.meetings.calendar import (
    PUBLIC_HOLIDAYS,
    next_weekday,
    planned_gaps,
    school_terms,
)
from demo.meetings.texts import (
    ABSENCE_REASONS,
    EXCUSE_REASONS,
    GROUP_RECORDERS,
    MAKE_UP_NOTES,
)
from groups.access import current_committee_posts
from groups.models import Branch, CommitteeRole, GroupLeadership, GroupRole, PartyGroup
from members.models import Category, Member

# Repeatable: the same `today` always gives the same meetings, absences and minutes.
RANDOM_SEED = 20250901


class MeetingRecorder:
    """The demo branch's people and calendar, and how one meeting is recorded; the meeting
    types (`demo.meetings.generator.DemoMeetings`) say what is recorded when."""

    def __init__(self, branch: Branch, *, today: datetime.date, acting_user):
        self.branch = branch
        self.today = today
        self.acting_user = acting_user
        self.random = random.Random(RANDOM_SEED)
        self.year = school_year_of(today)
        self.first_day = datetime.date(self.year - 1, 9, 1)
        self.last_day = today - ONE_DAY
        self.gaps = planned_gaps(self.year)
        self.terms = school_terms(self.year - 1) + school_terms(self.year)

        posts = current_committee_posts().filter(term__branch=branch).select_related("member")
        self.committee = {post.role: post.member for post in posts}
        self.secretary = self.committee[CommitteeRole.SECRETARY]
        self.groups = list(PartyGroup.objects.filter(branch=branch).order_by("sort_order", "pk"))
        leaderships = GroupLeadership.objects.current().filter(
            group__in=self.groups, role=GroupRole.LEADER
        )
        self.leaders = {row.group_id: row.member for row in leaderships.select_related("member")}
        recorders = Member.objects.filter(branch=branch, name__in=GROUP_RECORDERS.values())
        self.members_by_name = {member.name: member for member in recorders}
        self.agendas = {}
        for template in AgendaTemplate.objects.filter(branch__isnull=True):
            self.agendas.setdefault(template.kind, {})[template.title] = template.agenda
        self.created: list[Meeting] = []
        self.away: dict[tuple, Absence | None] = {}  # (day, member id): absence or None

    def _create_terms(self) -> None:
        existing = set(self.branch.school_terms.values_list("starts_on", flat=True))
        for name, starts_on, ends_on in self.terms:
            if starts_on not in existing:
                term = SchoolTerm(branch=self.branch, name=name, starts_on=starts_on)
                term.ends_on = ends_on
                audited_save(term, acting_user=self.acting_user)

    def _months(self):
        day = self.first_day
        while day <= self.last_day:
            yield day
            day = (day + datetime.timedelta(days=32)).replace(day=1)

    def _term_days(self, year: int, month: int) -> int:
        first, last = month_bounds(year, month)
        days = 0
        for _name, starts_on, ends_on in self.terms:
            overlap = (min(last, ends_on) - max(first, starts_on)).days + 1
            days += max(overlap, 0)
        return days

    def _school_day(self, day: datetime.date) -> bool:
        in_term = any(starts_on <= day <= ends_on for _name, starts_on, ends_on in self.terms)
        return in_term and day.weekday() < 5 and (day.month, day.day) not in PUBLIC_HOLIDAYS

    def _day(self, year: int, month: int, offset: int, weekday: int) -> datetime.date | None:
        """The first school day on `weekday` at least `offset` days into the month's term
        time (a week later if that one is a holiday; any school day if the weekday does
        not fit; from the start of term if the offset does not fit either), or None if the
        month has no such day up to yesterday."""
        first, last = month_bounds(year, month)
        for _name, starts_on, _ends_on in self.terms:
            if first <= starts_on <= last:
                first = max(first, starts_on)
        candidates = []
        for start in (first + datetime.timedelta(days=offset), first):
            weekly = next_weekday(start, weekday)
            candidates += [weekly + datetime.timedelta(days=7 * week) for week in range(5)]
            candidates += [start + datetime.timedelta(days=days) for days in range(31)]
        day = next((day for day in candidates if day <= last and self._school_day(day)), None)
        if day is None or day > self.last_day or day < self.first_day:
            return None
        return day

    def _after_term_in_july(self, year: int) -> datetime.date | None:
        ends = [ends_on for _name, _start, ends_on in self.terms if ends_on.year == year]
        day = max(ends, default=datetime.date(year, 7, 3)) + datetime.timedelta(days=3)
        day = next_weekday(day, calendar.MONDAY)
        return day if self.first_day <= day <= self.last_day else None

    # ------------------------------------------------------------ recording

    def _record(
        self,
        kind: str,
        day: datetime.date,
        *,
        topic: str,
        place: str,
        times: tuple[datetime.time, datetime.time],
        host: Member | None,
        recorder: Member | None,
        minutes: Callable[[dict], str],
        group: PartyGroup | None = None,
        speaker: str = "",
        pick_speaker: bool = False,
        agenda: str = "",
        resolutions: str = "",
        guests: str = "",
        motions: Callable | None = None,
        rates: tuple[float, float] = (0.07, 0.02),
    ) -> Meeting:
        """Record one meeting through the service, with absences drawn at `rates`
        (excused, absent) among everyone but the host, the recorder and the speaker
        (with `pick_speaker`, one of the other members gives the main talk)."""
        meeting = Meeting(
            branch=self.branch,
            kind=kind,
            group=group,
            held_on=day,
            starts_at=times[0],
            ends_at=times[1],
            place=place,
            topic=topic,
            host=host,
            recorder=recorder,
            speaker=speaker,
            agenda=agenda,
            resolutions=resolutions,
            guests=guests,
        )
        expected = expected_attendees(meeting=meeting)
        if pick_speaker:
            others = [member for member, _ in expected if member not in (host, recorder)]
            if others:
                meeting.speaker = speaker = self.random.choice(others).name
        needed = {host, recorder} | {m for m, _ in expected if m.name == speaker}
        absences = {}
        excused_rate, absent_rate = rates
        for member, _category in expected:
            if member in needed:
                continue
            # Whoever missed one meeting of an afternoon missed the next one too.
            earlier = self.away.get((day, member.pk), False)
            if earlier is not False:
                if earlier is not None:
                    absences[member.pk] = earlier
                continue
            draw = self.random.random()
            if draw < excused_rate:
                absences[member.pk] = Absence(Presence.EXCUSED, self.random.choice(EXCUSE_REASONS))
            elif draw < excused_rate + absent_rate:
                absences[member.pk] = Absence(Presence.ABSENT, self.random.choice(ABSENCE_REASONS))
            self.away[(day, member.pk)] = absences.get(member.pk)
        present = [member for member, _ in expected if member.pk not in absences]
        voting = [member for member, category in expected if category == Category.FULL]
        context = {
            "date": f"{day.year}年{day.month}月{day.day}日",
            "place": place,
            "host": host.name if host else "",
            "recorder": recorder.name if recorder else "",
            "speaker": speaker,
            "expected": len(expected),
            "present": len(present),
            "voting_expected": len(voting),
            "voting_present": sum(1 for member in voting if member.pk not in absences),
            "present_names": [m.name for m in present if m not in needed],
        }
        motion_rows = motions(context) if motions else []
        context["motions"] = motion_rows
        meeting.minutes = minutes(context)
        meeting_record(
            meeting=meeting,
            acting_user=self._actor(meeting),
            absences=absences,
            motions=motion_rows,
        )
        self.created.append(meeting)
        return meeting

    def _motion(self, title: str, counts: dict, *, written: bool = False) -> Motion:
        """Counts a real meeting could have: everyone present votes, nearly all for;
        one absent voting member may have sent a written opinion."""
        present = counts["voting_present"]
        abstaining = 1 if present > 10 and self.random.random() < 0.5 else 0
        absent = counts["voting_expected"] - present
        return Motion(
            title=title,
            votes_for=present - abstaining,
            abstentions=abstaining,
            written_for=1 if written and absent > 0 else 0,
        )

    def _actor(self, meeting: Meeting):
        if self.acting_user is not None:
            return self.acting_user
        if meeting.kind == MeetingType.GROUP and meeting.host and meeting.host.user_id:
            return meeting.host.user
        return self.secretary.user

    def _close_make_ups(self) -> None:
        """Make-up study is closed a few days to two weeks after the meeting; what is owed
        for the three weeks up to the latest meeting is still open (in the holidays too)."""
        latest = max((meeting.held_on for meeting in self.created), default=self.today)
        recent = latest - datetime.timedelta(days=21)
        latest_allowed = min(self.last_day, timezone.localdate())
        owed = (
            MakeUpStudy.objects.filter(attendance__meeting__branch=self.branch)
            .select_related("attendance__meeting__host__user")
            .order_by("attendance__meeting__held_on", "pk")
        )
        for make_up in owed:
            meeting = make_up.attendance.meeting
            if meeting.held_on >= recent or meeting.held_on > latest_allowed:
                continue
            done_on = meeting.held_on + datetime.timedelta(days=self.random.randint(2, 14))
            note = self.random.choice(MAKE_UP_NOTES)
            make_up_close(
                make_up=make_up,
                done_on=min(done_on, latest_allowed),
                note=note,
                acting_user=self._actor(meeting),
            )

    def _review(self) -> None:
        """The secretary has reviewed most records older than six weeks; one group record
        was corrected by its leader afterwards, so it shows as changed after review."""
        reviewer = self.acting_user or self.secretary.user
        cutoff = self.today - datetime.timedelta(days=42)
        reviewed = []
        for meeting in sorted(self.created, key=lambda m: (m.held_on, m.pk)):
            share = 0.5 if meeting.kind == MeetingType.GROUP else 0.85
            if meeting.held_on < cutoff and self.random.random() < share:
                meeting_review(meeting=meeting, acting_user=reviewer)
                reviewed.append(meeting)
        # The leader adds, after the review, the written notes of a member who was excused.
        excused = set(
            Meeting.objects.filter(
                pk__in=[m.pk for m in reviewed], attendances__presence=Presence.EXCUSED
            ).values_list("pk", flat=True)
        )
        corrected = next(
            (m for m in reversed(reviewed) if m.kind == MeetingType.GROUP and m.pk in excused),
            reviewed[-1] if reviewed else None,
        )
        if corrected is not None:
            corrected.minutes += "\n\n（补记：会后收到请假党员的书面学习心得，已附在记录后。）"
            meeting_update(meeting=corrected, acting_user=self._actor(corrected))

    # ------------------------------------------------------------ small helpers

    def _agenda(self, kind: str, title: str, *fills: str) -> str:
        """The default agenda of that name, its open items ("学习：") filled in order."""
        template = self.agendas.get(kind, {}).get(title, "")
        remaining = list(fills)
        lines = []
        for line in template.splitlines():
            if line.endswith("：") and remaining:
                line += remaining.pop(0)
            elif line.endswith("："):
                line = line[:-1]
            lines.append(line)
        return "\n".join(lines)

    def _committee_names(self) -> dict[str, str]:
        roles = {
            "secretary": CommitteeRole.SECRETARY,
            "deputy": CommitteeRole.DEPUTY_SECRETARY,
            "organisation": CommitteeRole.ORGANISATION,
            "publicity": CommitteeRole.PUBLICITY,
            "discipline": CommitteeRole.DISCIPLINE,
        }
        return {
            key: (self.committee.get(role) or self.secretary).name for key, role in roles.items()
        }

    def _deputy(self) -> Member:
        return self.committee.get(CommitteeRole.DEPUTY_SECRETARY, self.secretary)
