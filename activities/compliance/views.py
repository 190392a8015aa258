"""The compliance grid (三会一课 检查) and attendance rates of a branch.

The committee and upper-committee viewers see the whole branch; a group leader sees their
own group's meetings and members; a plain member sees neither (403), someone from another
branch gets 404.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities import compliance as checks
from activities.access import get_branch_for_meetings
from branchsite.widgets import DateInput
from groups.access import roles_for

# How far the grid can be paged: from the year the 2018 条例 took effect to next year.
FIRST_SCHOOL_YEAR = 2018


def _branch_and_groups(request, pk):
    """The branch and the groups the user is limited to (None: all of them)."""
    branch, group_ids = get_branch_for_meetings(request, pk)
    if group_ids is not None and not group_ids:
        raise PermissionDenied  # a plain member: their own meetings are on other pages
    return branch, group_ids


def _school_year(request, today: datetime.date) -> int:
    current = checks.school_year_of(today)
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if FIRST_SCHOOL_YEAR <= year <= current + 1 else current


def by_month(grid) -> list[tuple]:
    """The grid read month by month, for a phone: each month with, for every row that owes
    something then, the period's cell (a quarter's cell shows under each of its months)."""
    months = []
    for month in grid.months:
        entries = [
            (row, cell)
            for row in grid.rows
            for cell in row.cells
            if cell.period.contains(month.start) and cell.status != checks.CellStatus.NOT_REQUIRED
        ]
        months.append((month, entries))
    return months


@login_required
def compliance(request, pk):
    branch, group_ids = _branch_and_groups(request, pk)
    today = timezone.localdate()
    school_year = _school_year(request, today)
    grid = checks.compliance_grid(branch, school_year, today, groups=group_ids)
    current = checks.school_year_of(today)
    context = {
        "branch": branch,
        "grid": grid,
        "by_month": by_month(grid),
        "missing": checks.missing_in(grid, today) if grid.is_current else None,
        "previous_year": school_year - 1 if school_year > FIRST_SCHOOL_YEAR else None,
        "next_year": school_year + 1 if school_year < current + 1 else None,
        "current_year": current,
        "limited_to_groups": group_ids is not None,
        "can_manage": roles_for(request.user).can_manage_branch(branch.pk),
    }
    return render(request, "activities/compliance.html", context)


SMALL_INPUT = "form-control form-control-sm"


class AttendanceRangeForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(attrs={"class": SMALL_INPUT}))
    end = forms.DateField(label=_("To"), widget=DateInput(attrs={"class": SMALL_INPUT}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(gettext("The first day must not be after the last day."))
        return data


SORTS = {
    "": lambda m: (m.group_order, m.group_name, m.name),
    "rate": lambda m: (m.rate is None, m.rate, m.name),
    "-rate": lambda m: (m.rate is None, -(m.rate or 0), m.name),
    "absent": lambda m: (-m.absent, -m.excused, m.name),
}


@login_required
def attendance_rates(request, pk):
    branch, group_ids = _branch_and_groups(request, pk)
    today = timezone.localdate()
    defaults = {
        "start": checks.school_year_bounds(checks.school_year_of(today))[0],
        "end": today,
    }
    given = "start" in request.GET or "end" in request.GET
    form = AttendanceRangeForm(request.GET if given else defaults)
    dates = form.cleaned_data if form.is_valid() else defaults
    report = checks.attendance_rates(branch, dates["start"], dates["end"], groups=group_ids)
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = ""
    context = {
        "branch": branch,
        "form": form,
        "report": report,
        "members": sorted(report.members, key=SORTS[sort]),
        "sort": sort,
        "range_query": f"start={dates['start']:%Y-%m-%d}&end={dates['end']:%Y-%m-%d}",
        "limited_to_groups": group_ids is not None,
        "absences_in_a_row": report.flags.absences_in_a_row,
        "low_rate": report.flags.low_rate_percent,
        "min_meetings": report.flags.min_meetings_for_rate,
    }
    return render(request, "activities/attendance_rates.html", context)
