"""The branch's year in charts (图表): the same server-drawn SVG charts the year-end summary
prints — meetings held against required, attendance by month and group, the recruitment
funnel — and two of the page's own, party dues collected by month and activities by kind.
Each chart comes with its numbers in a table, for those who would rather read them.

For the committee and the upper committee's viewers; the talks (谈心谈话) are counted only
for the committee, as on the work pages.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import Activity, ActivityKind
from groups.access import get_branch_for_user, roles_for
from members.models import DuesPayment
from reports import charts
from reports.yearend.blocks import Chart, Table
from reports.yearend.figures import year_figures

FIRST_YEAR = 2000


def _year(request, today: datetime.date) -> int:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


def dues_chart(branch, year: int) -> Chart | None:
    """Dues collected in each month of `year` (by the day paid), in yuan."""
    rows = (
        DuesPayment.objects.filter(branch=branch, paid_on__year=year)
        .annotate(paid_month=ExtractMonth("paid_on"))
        .values("paid_month")
        .annotate(total=Sum("amount"))
    )
    totals = {row["paid_month"]: row["total"] for row in rows}
    if not totals:
        return None
    months = list(range(1, max(totals) + 1))
    categories = [f"{month}月" for month in months]
    values = [float(totals.get(month, 0)) for month in months]
    caption = gettext("Party dues collected by month (yuan)")
    return Chart(
        caption=caption,
        svg=charts.grouped_bars(
            title=caption, categories=categories, series=[(gettext("Collected"), values)]
        ),
        data=Table(
            caption=caption,
            header=(gettext("Month"), gettext("Collected")),
            rows=tuple(
                (label, f"{totals.get(month, 0):.2f}")
                for label, month in zip(categories, months, strict=True)
            ),
            numeric=(False, True),
        ),
    )


def activities_chart(branch, year: int, *, talks: bool) -> Chart | None:
    activities = Activity.objects.filter(branch=branch, held_on__year=year)
    if not talks:
        activities = activities.exclude(kind=ActivityKind.TALK)
    counts = dict(activities.values_list("kind").annotate(n=Count("pk")))
    kinds = [kind for kind in ActivityKind.values if counts.get(kind)]
    if not kinds:
        return None
    labels = [str(ActivityKind(kind).label) for kind in kinds]
    caption = gettext("Activities by kind")
    return Chart(
        caption=caption,
        svg=charts.grouped_bars(
            title=caption,
            categories=labels,
            series=[(gettext("Activities"), [counts[kind] for kind in kinds])],
        ),
        data=Table(
            caption=caption,
            header=(gettext("Kind"), gettext("Activities")),
            rows=tuple(
                (label, str(counts[kind])) for label, kind in zip(labels, kinds, strict=True)
            ),
            numeric=(False, True),
        ),
    )


@login_required
def branch_charts(request, pk):
    branch = get_branch_for_user(request, pk)
    today = timezone.localdate()
    year = _year(request, today)
    figures = year_figures(branch, year, today=today)
    found = [
        figures.charts.get("meetings"),
        figures.charts.get("attendance"),
        figures.charts.get("recruitment"),
        dues_chart(branch, year),
        activities_chart(branch, year, talks=roles_for(request.user).can_manage_branch(branch.pk)),
    ]
    context = {
        "branch": branch,
        "year": year,
        "years": list(range(today.year, max(FIRST_YEAR, today.year - 5) - 1, -1)),
        "charts": [chart for chart in found if chart is not None],
    }
    return render(request, "reports/branch_charts.html", context)
