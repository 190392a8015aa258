"""党建活动台账: a period's activities of the branch's other work as a spreadsheet, one row an
activity with the fields of its kind, the members taking part, and two more sheets: the
totals per group (activities.work.selectors.work_figures) and every member's study hours.
A talk's content is never exported: the ledger lists that a talk was held."""

import datetime
import io

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook

from activities.models import Activity, ActivityParticipant
from activities.work.selectors import WorkFigures, WorkTotals
from branchsite.xlsx import DATE_FORMAT
from reports.tables import MONEY_FORMAT, Column, write_table


def work_ledger_title(branch, start: datetime.date, end: datetime.date) -> str:
    return gettext("%(branch)s activities ledger %(start)s to %(end)s") % {
        "branch": branch.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def _columns() -> list[Column]:
    return [
        Column(pgettext("work ledger column", "No."), 6),
        Column(pgettext("work ledger column", "Date"), 12, DATE_FORMAT),
        Column(pgettext("work ledger column", "Kind"), 12),
        Column(pgettext("work ledger column", "Title"), 24, wrap=True),
        Column(pgettext("work ledger column", "Party group"), 16, wrap=True),
        Column(pgettext("work ledger column", "In charge"), 10),
        Column(pgettext("work ledger column", "Whom"), 16, wrap=True),
        Column(pgettext("work ledger column", "Number"), 8),
        Column(pgettext("work ledger column", "Problems solved"), 8),
        Column(pgettext("work ledger column", "Money and goods (yuan)"), 12, MONEY_FORMAT),
        Column(pgettext("work ledger column", "Details"), 24, wrap=True),
        Column(pgettext("work ledger column", "Hours each"), 8),
        Column(pgettext("work ledger column", "Members taking part"), 30, wrap=True),
        Column(pgettext("work ledger column", "Place"), 14, wrap=True),
        Column(pgettext("work ledger column", "Notes"), 24, wrap=True),
    ]


def _details(activity: Activity) -> str:
    """The fields of the activity's kind that the columns do not hold."""
    parts = [
        activity.get_visited_kind_display() if activity.visited_kind else "",
        activity.goods,
        activity.home_visit_reason.name if activity.home_visit_reason_id else "",
        activity.pupil_class,
        activity.get_lesson_kind_display() if activity.lesson_kind else "",
        activity.get_lesson_level_display() if activity.lesson_level else "",
        activity.get_lesson_role_display() if activity.lesson_role else "",
        activity.get_study_form_display() if activity.study_form else "",
    ]
    return "、".join(part for part in parts if part)


def _row(number: int, activity: Activity) -> list:
    uses_amount = activity.uses("amount")
    return [
        number,
        activity.held_on,
        activity.get_kind_display(),
        activity.title,
        activity.group.name if activity.group_id else gettext("whole branch"),
        activity.owner.name if activity.owner_id else "",
        activity.counterpart,
        activity.number if activity.uses("number") else None,
        activity.problems_solved if activity.uses("problems_solved") else None,
        activity.amount if uses_amount else None,
        _details(activity),
        activity.hours,
        "、".join(row.member.name for row in activity.ledger_participants),
        activity.place,
        activity.notes,
    ]


def _total_columns() -> list[Column]:
    return [
        Column(pgettext("work totals column", "Party group"), 22, wrap=True),
        Column(pgettext("work totals column", "People visited"), 9),
        Column(pgettext("work totals column", "Problems solved"), 9),
        Column(pgettext("work totals column", "Relief (yuan)"), 11, MONEY_FORMAT),
        Column(pgettext("work totals column", "Home visits"), 9),
        Column(pgettext("work totals column", "Lessons given"), 9),
        Column(pgettext("work totals column", "Observed or reviewed"), 9),
        Column(pgettext("work totals column", "Volunteer hours"), 9),
        Column(pgettext("work totals column", "Donations (yuan)"), 11, MONEY_FORMAT),
        Column(pgettext("work totals column", "Joint building"), 9),
        Column(pgettext("work totals column", "Study sessions"), 9),
    ]


def _total_row(name: str, totals: WorkTotals) -> list:
    return [
        name,
        totals.people_visited,
        totals.problems_solved,
        totals.relief_amount,
        totals.home_visits,
        totals.lessons_given,
        totals.lessons_observed_or_reviewed,
        totals.volunteer_hours,
        totals.donation_amount,
        totals.joint_events,
        totals.study_sessions,
    ]


def with_ledger_rows(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """`activities` with what a ledger row reads, in three queries whatever their number."""
    return activities.select_related("group", "owner", "home_visit_reason").prefetch_related(
        Prefetch(
            "participants",
            queryset=ActivityParticipant.objects.select_related("member").order_by("member__name"),
            to_attr="ledger_participants",
        )
    )


def work_ledger_workbook(
    *,
    branch,
    activities: QuerySet[Activity],
    figures: WorkFigures,
    groups: frozenset[int] | None,
    today: datetime.date,
) -> bytes:
    """Three sheets: the activities, the totals per group (the whole branch for readers of
    every group), and the members' study hours (the yearly rule's check for a calendar
    year)."""
    workbook = Workbook(write_only=True)
    title = work_ledger_title(branch, figures.start, figures.end)
    write_table(
        workbook.create_sheet(gettext("Activities")),
        title=title,
        columns=_columns(),
        rows=(
            _row(number, activity)
            for number, activity in enumerate(with_ledger_rows(activities), start=1)
        ),
        today=today,
    )
    rows = [
        _total_row(group.name, totals)
        for group, totals in figures.groups
        if groups is None or group.pk in groups
    ]
    total = None
    if groups is None:
        rows.append(_total_row(gettext("Whole branch (no group)"), figures.unassigned))
        total = _total_row(pgettext("work totals", "Total"), figures.branch)
    write_table(
        workbook.create_sheet(gettext("Totals")),
        title=gettext("%(title)s: totals") % {"title": title},
        columns=_total_columns(),
        rows=rows,
        total=total,
        today=today,
    )
    required = figures.required_hours
    write_table(
        workbook.create_sheet(gettext("Study hours")),
        title=gettext("%(title)s: study hours") % {"title": title},
        notes=[
            gettext("At least %(hours)s class hours a year.") % {"hours": required}
            if required
            else gettext("The yearly class hours are checked for a whole calendar year.")
        ],
        columns=[
            Column(pgettext("study hours column", "Name"), 12),
            Column(pgettext("study hours column", "Party group"), 22, wrap=True),
            Column(pgettext("study hours column", "Class hours"), 10),
            Column(pgettext("study hours column", "Short by"), 10),
        ],
        rows=(
            [row.member.name, row.group_name, row.hours, row.short_by or None]
            for row in figures.study
            if groups is None or row.group_id in groups
        ),
        today=today,
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
