"""The facts a year-end summary states, read from the records: every figure the draft can
insert (`{{members.total}}`), every table (`{{table:meetings}}`) and chart
(`{{chart:attendance}}`). The secretary writes the narrative; these supply the numbers,
recomputed each time the document is shown or printed, so a record corrected in March shows
in the summary printed in April.

A figure the records cannot supply is `None` and prints as 【待补充】, never as 0: no dues
recorded in the year, no closed evaluation round, no activity of a kind. A zero the records
do state (no member left the branch) prints as 0.

Everything comes from the other apps' selectors, in a fixed number of queries whatever the
number of members, meetings and activities.
"""

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from activities.figures import other_work_figures
from activities.models.elections import Election
from groups.models import Branch, GroupMembership, PartyGroup
from groups.selectors import term_posts
from members.dues.yearly import dues_figures
from members.evaluation.selectors import evaluation_figures
from members.models import Category, Gender, Member, RecruitmentRecord, Status
from members.models.transfers import Transfer, TransferDirection, TransferState
from reports import charts
from reports.yearend.blocks import Chart, Table
from reports.yearend.meeting_figures import meeting_figures
from reports.yearend.plan_items import add_plan_figures
from reports.yearend.values import (
    YearFigures,
    chinese_date,
    count_or_missing,
    names_list,
)

# Age bands of the 基本情况 (as party statistics count them: 35 and under, then by decade).
AGE_BANDS = ((None, 35), (36, 45), (46, 55), (56, None))


def year_figures(
    branch: Branch, year: int, *, group: PartyGroup | None = None, today=None
) -> YearFigures:
    """Every figure of `branch`'s year (a group's, with `group`)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    as_of = min(end, today)
    figures = YearFigures(branch=branch, year=year, as_of=as_of, group=group)
    figures.add("year", _("year"), year)
    figures.add("branch.name", _("branch name"), branch.name)
    figures.add("branch.school", _("school"), branch.school or None)
    _members(figures, start, as_of)
    _organisation(figures, as_of)
    meeting_figures(figures, start, end, today)
    _evaluation(figures)
    _recruitment(figures, start, as_of)
    _dues(figures, today)
    _work(figures, start, end, today)
    add_plan_figures(figures)
    return figures


def _roll_at(branch: Branch, day: datetime.date):
    """Party members on the branch's roll at the end of `day`: admitted by then, and not
    gone before it (a member who left later was still on the roll)."""
    return Member.objects.filter(branch=branch, joined_on__lte=day).filter(
        Q(category__in=(Category.PROBATIONARY, Category.FULL))
        & (Q(status__in=(Status.ACTIVE, Status.SUSPENDED)) | Q(status_since__gt=day))
    )


def _members(figures: YearFigures, start, as_of) -> None:
    branch = figures.branch
    roll = _roll_at(branch, as_of)
    if figures.group is not None:
        roll = roll.filter(
            Q(group_memberships__group=figures.group)
            & Q(group_memberships__started_on__lte=as_of)
            & (
                Q(group_memberships__ended_on__isnull=True)
                | Q(group_memberships__ended_on__gte=as_of)
            )
        )
    members = list(
        roll.only("pk", "gender", "birth_date", "full_member_on", "category", "employment")
    )
    full = sum(1 for m in members if m.full_member_on and m.full_member_on <= as_of)
    figures.add("members.total", _("Party members"), len(members))
    figures.add("members.full", _("full members"), full)
    figures.add("members.probationary", _("probationary members"), len(members) - full)
    figures.add(
        "members.female", _("women members"), sum(1 for m in members if m.gender == Gender.FEMALE)
    )
    figures.add(
        "members.retired",
        _("retired members"),
        sum(1 for m in members if m.employment == "retired"),
    )
    ages = [_age(m.birth_date, as_of) for m in members if m.birth_date]
    known = len(ages) == len(members)
    for low, high in AGE_BANDS:
        key = f"members.age_{low or 0}_{high or 99}"
        count = sum(
            1 for age in ages if (low is None or age >= low) and (high is None or age <= high)
        )
        figures.add(key, _age_label(low, high), count if known else None)
    _changes(figures, start, as_of)
    _members_by_group(figures, members, as_of)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_label(low, high) -> str:
    if low is None:
        return gettext("members aged %(age)s and under") % {"age": high}
    if high is None:
        return gettext("members aged %(age)s and over") % {"age": low}
    return gettext("members aged %(low)s to %(high)s") % {"low": low, "high": high}


def _changes(figures: YearFigures, start, as_of) -> None:
    """Who joined, became full members, moved in or out, or left in the year."""
    people = Member.objects.filter(branch=figures.branch)
    if figures.group is not None:
        people = people.filter(group_memberships__group=figures.group).distinct()
    counts = people.aggregate(
        admitted=Count("pk", filter=Q(joined_on__range=(start, as_of)), distinct=True),
        made_full=Count("pk", filter=Q(full_member_on__range=(start, as_of)), distinct=True),
        left=Count(
            "pk",
            filter=Q(
                status__in=(Status.EXITED, Status.DECEASED), status_since__range=(start, as_of)
            ),
            distinct=True,
        ),
    )
    # With an organisation outside the deployment: the transfers of the branch's people.
    # Between two of its branches: those the branch sent or received — the member of a
    # sent one is no longer among its people.
    between = Q(from_branch=figures.branch) | Q(to_branch=figures.branch)
    if figures.group is not None:
        between &= Q(member__group_memberships__group=figures.group)
    transfers = (
        Transfer.objects.filter(state=TransferState.ACCEPTED, completed_on__range=(start, as_of))
        .filter(Q(to_branch__isnull=True, member__in=people) | between)
        .aggregate(
            moved_in=Count(
                "pk",
                filter=Q(direction=TransferDirection.IN) | Q(to_branch=figures.branch),
                distinct=True,
            ),
            moved_out=Count(
                "pk",
                filter=Q(direction=TransferDirection.OUT) & ~Q(to_branch=figures.branch),
                distinct=True,
            ),
        )
    )
    figures.add("changes.admitted", _("new members admitted"), counts["admitted"])
    figures.add("changes.made_full", _("probationary members made full"), counts["made_full"])
    figures.add("changes.moved_in", _("members transferred in"), transfers["moved_in"])
    figures.add("changes.moved_out", _("members transferred out"), transfers["moved_out"])
    figures.add("changes.left", _("members who left or died"), counts["left"])


def _members_by_group(figures: YearFigures, members, as_of) -> None:
    ids = {m.pk for m in members}
    groups = list(PartyGroup.objects.filter(branch=figures.branch).order_by("sort_order", "name"))
    memberships = GroupMembership.objects.filter(
        group__branch=figures.branch, member__in=ids, started_on__lte=as_of
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
    per_group = Counter(memberships.values_list("group", flat=True))
    figures.add("groups.count", _("party groups"), len(groups) or None)
    figures.add("groups.names", _("party groups' names"), names_list(g.name for g in groups))
    rows = tuple((g.name, str(per_group.get(g.pk, 0))) for g in groups)
    if rows:
        figures.tables["members_by_group"] = Table(
            caption=gettext("Party members by party group"),
            header=(gettext("Party group"), gettext("Members")),
            rows=rows,
            numeric=(False, True),
        )


def _organisation(figures: YearFigures, as_of) -> None:
    branch = figures.branch
    term = branch.terms.filter(elected_on__lte=as_of).order_by("-elected_on", "-number").first()
    posts = term_posts(term)
    secretary = next((p.member.name for p in posts if p.role == "secretary"), None)
    figures.add("committee.term", _("committee term number"), term.number if term else None)
    figures.add(
        "committee.elected_on",
        _("committee elected on"),
        chinese_date(term.elected_on) if term else None,
    )
    figures.add(
        "committee.ends_on",
        _("committee term ends on"),
        chinese_date(term.ends_on) if term else None,
    )
    figures.add("committee.secretary", _("branch secretary"), secretary)
    figures.add(
        "committee.members", _("committee members"), names_list(p.member.name for p in posts)
    )
    figures.add("committee.size", _("committee size"), len(posts) or None)
    leaders = (
        PartyGroup.objects.filter(branch=branch)
        .filter(
            Q(leaderships__role="leader")
            & Q(leaderships__started_on__lte=as_of)
            & (Q(leaderships__ended_on__isnull=True) | Q(leaderships__ended_on__gte=as_of))
        )
        .order_by("sort_order", "name")
        .values_list("pk", "name", "leaderships__member__name")
    )
    leaders = list(leaders)
    if figures.group is not None:
        figures.add("group.name", _("party group"), figures.group.name)
        figures.add(
            "group.leader",
            _("party group leader"),
            names_list(leader for pk, _group, leader in leaders if pk == figures.group.pk),
        )
    figures.add(
        "groups.leaders",
        _("party groups and their leaders"),
        names_list(f"{group}（{leader}）" for _pk, group, leader in leaders),
    )
    elections = Election.objects.filter(branch=branch, meeting__held_on__year=figures.year)
    figures.add("elections.count", _("elections held"), elections.count())


def _evaluation(figures: YearFigures) -> None:
    """The year's 民主评议 from its closed round; a group's counts its own members only, so
    that its summary can name the members it put forward as 优秀."""
    result = evaluation_figures(figures.branch, figures.year)
    grades = dict(result.by_grade) if result else {}
    taking_part = result.taking_part if result else None
    excellent = [m.name for m in result.excellent] if result else []
    if result and figures.group is not None:
        in_group = GroupMembership.objects.filter(
            group=figures.group, started_on__lte=figures.as_of
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=figures.as_of))
        rows = list(
            result.evaluation.assessments.filter(
                member__in=in_group.values("member")
            ).select_related("member")
        )
        graded = [row for row in rows if row.graded and row.final_grade]
        grades = Counter(row.final_grade for row in graded)
        taking_part = len(rows)
        excellent = sorted(row.member.name for row in graded if row.final_grade == "excellent")
    figures.add("evaluation.taking_part", _("members taking part in the evaluation"), taking_part)
    for grade, label in (
        ("excellent", _("graded excellent")),
        ("qualified", _("graded qualified")),
        ("basic", _("graded basically qualified")),
        ("unqualified", _("graded unqualified")),
    ):
        figures.add(f"evaluation.{grade}", label, grades.get(grade) if result else None)
    figures.add(
        "evaluation.excellent_names",
        _("members graded excellent"),
        names_list(excellent) if result else None,
    )


def _recruitment(figures: YearFigures, start, as_of) -> None:
    branch = figures.branch
    pipeline = Counter(
        Member.objects.filter(branch=branch).in_recruitment().values_list("category", flat=True)
    )
    records = RecruitmentRecord.objects.filter(
        member__branch=branch, done_on__range=(start, as_of)
    ).exclude(step__advances_to="")
    moved = Counter(records.values_list("step__advances_to", flat=True))
    recorded = bool(pipeline) or bool(moved)
    for category in (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE):
        figures.add(
            f"recruitment.{category}",
            Category(category).label,
            count_or_missing(pipeline[category], recorded),
        )
        figures.add(
            f"recruitment.became_{category}",
            gettext("became %(stage)s in the year") % {"stage": Category(category).label},
            count_or_missing(moved[category], recorded),
        )
    if recorded:
        stages = [
            (Category(category).label, pipeline[category])
            for category in (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE)
        ]
        stages.append((Category.PROBATIONARY.label, figures.values["members.probationary"].value))
        stages = [(label, int(value or 0)) for label, value in stages]
        caption = gettext("People at each stage of recruitment")
        figures.charts["recruitment"] = Chart(
            caption=caption,
            svg=charts.funnel(title=caption, stages=stages),
            data=Table(
                caption=caption,
                header=(gettext("Stage"), gettext("People")),
                rows=tuple((label, str(value)) for label, value in stages),
                numeric=(False, True),
            ),
        )


def _dues(figures: YearFigures, today) -> None:
    dues = dues_figures(figures.branch, figures.year, today=today)
    recorded = dues.members_paid > 0
    figures.add(
        "dues.collected", _("regular dues collected (yuan)"), dues.collected if recorded else None
    )
    figures.add(
        "dues.members_paid", _("members who paid dues"), dues.members_paid if recorded else None
    )
    figures.add(
        "dues.in_arrears",
        _("members three months or more behind"),
        len(dues.in_arrears) if recorded else None,
    )
    figures.add(
        "dues.special_total",
        _("special dues (yuan)"),
        dues.special_total if dues.special_purposes else None,
    )


def _work(figures: YearFigures, start, end, today) -> None:
    work = other_work_figures(figures.branch, start, end, today=today)
    totals = work.work.branch
    if figures.group is not None:
        totals = next((t for g, t in work.work.groups if g.pk == figures.group.pk), totals)
    add = figures.add
    add("work.visits", _("visits made"), totals.visits or None)
    add(
        "work.people_visited", _("people visited"), totals.people_visited if totals.visits else None
    )
    add(
        "work.problems_solved",
        _("problems solved on visits"),
        totals.problems_solved if totals.visits else None,
    )
    add(
        "work.relief_amount",
        _("relief given on visits (yuan)"),
        totals.relief_amount if totals.visits else None,
    )
    add("work.home_visits", _("home visits"), totals.home_visits or None)
    add(
        "work.home_visit_reasons",
        _("home visits by reason"),
        names_list(
            f"{reason}{count}人次"
            for reason, count in totals.home_visits_by_reason.items()
            if count
        ),
    )
    add("work.lessons_given", _("lessons given"), totals.lessons_given or None)
    add(
        "work.lessons_observed",
        _("lessons observed or reviewed"),
        totals.lessons_observed_or_reviewed or None,
    )
    add("work.volunteer_events", _("volunteer events"), totals.volunteer_events or None)
    add(
        "work.volunteer_hours",
        _("volunteer hours"),
        totals.volunteer_hours if totals.volunteer_events else None,
    )
    add(
        "work.donation_amount",
        _("donations (yuan)"),
        totals.donation_amount if totals.donations else None,
    )
    add("work.joint_events", _("joint activities with partners"), totals.joint_events or None)
    add("work.study_sessions", _("study sessions"), totals.study_sessions or None)
    below = work.work.below_threshold
    add(
        "study.required_hours",
        _("required study hours"),
        work.work.required_hours,
    )
    add(
        "study.below",
        _("members short of the study hours"),
        len(below) if work.work.study and work.work.required_hours is not None else None,
    )
    ledgers = work.ledgers
    add("ledgers.pairings", _("pairings running"), ledgers.pairings_active or None)
    add(
        "ledgers.hardship_helps",
        _("help given to staff in hardship"),
        ledgers.hardship_helps or None,
    )
    add(
        "ledgers.hardship_money",
        _("money given to staff in hardship (yuan)"),
        ledgers.hardship_money if ledgers.hardship_helps else None,
    )
    add("ledgers.posts", _("members holding duty posts"), ledgers.members_with_posts or None)
    counts = work.suggestions.for_group(figures.group) if figures.group else work.suggestions.branch
    add("suggestions.raised", _("suggestions raised"), counts.raised or None)
    add(
        "suggestions.answered",
        _("suggestions answered"),
        counts.answered if counts.raised else None,
    )
    add("suggestions.done", _("suggestions acted on"), counts.done if counts.raised else None)
    if totals.lessons:
        matrix = totals.lessons_given_matrix
        if matrix:
            from activities.models.work import LessonLevel

            figures.tables["lessons"] = Table(
                caption=pgettext("table caption", "Lessons given by kind and level"),
                header=(gettext("Kind"), *LessonLevel.labels, gettext("Total")),
                rows=tuple(
                    (label, *map(str, numbers), str(total)) for label, numbers, total in matrix
                ),
                numeric=(False, *([True] * (len(LessonLevel.labels) + 1))),
            )
