"""The district pages (上级党委): an upper committee's branches side by side, read only.

For the committee's viewers and the site administrator (`get_district_for_user`). Every
page reads all the district's branches in a fixed number of queries (`selectors`), lists
them 50 to a page, and links each branch to its own page, which the viewer may open.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from activities.compliance import school_year_label
from branchsite.dates import school_year_of
from branchsite.jobs import job_request
from groups.access import get_district_for_user, roles_for
from groups.models import UpperCommittee
from reports.district import selectors
from reports.district.jobs import DISTRICT_SUMMARIES_ZIP

PER_PAGE = 50
FIRST_YEAR = 2000
YEARS_OFFERED = 6

SECTIONS = [
    ("overview", _("Overview")),
    ("compliance", _("三会一课")),
    ("members", _("Members")),
    ("recruitment", _("Recruitment")),
    ("dues", _("Party dues")),
    ("evaluation", _("Member evaluation")),
    ("summaries", _("Year-end summaries")),
]


# From November the year's summary is written and its evaluation may open; before, the
# year just past is the one being reported (a year's 民主评议 is held early in the next).
REPORTING_FROM_MONTH = 11


def reporting_year(today: datetime.date) -> int:
    return today.year if today.month >= REPORTING_FROM_MONTH else today.year - 1


def _year_of(text: str, today: datetime.date) -> int:
    year = int(text) if text.isdigit() else reporting_year(today)
    return year if FIRST_YEAR <= year <= today.year else reporting_year(today)


def _year(request, today: datetime.date, latest: int, default: int | None = None) -> int:
    text = request.GET.get("year", "")
    fallback = latest if default is None else default
    year = int(text) if text.isdigit() else fallback
    return year if FIRST_YEAR <= year <= latest else fallback


def _page(request, district, section: str, rows: list, **context):
    """Render a section: the tabs, the search, the page of `rows`."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        f"reports/district/{section}.html",
        {
            "district": district,
            "section": section,
            "sections": SECTIONS,
            "query": request.GET.get("q", "").strip(),
            "page": page,
            "rows": page.object_list,
            "branch_total": len(rows),
            "page_query": params.urlencode(),
            **context,
        },
    )


def _year_choice(label, value, options) -> dict:
    """The context of the section's year select (`_year_select.html`)."""
    return {"year_label": label, "year_value": value, "year_options": options}


def _calendar_years(today) -> list[tuple[int, str]]:
    years = range(today.year, max(FIRST_YEAR, today.year - YEARS_OFFERED) - 1, -1)
    return [(year, str(year)) for year in years]


def _branches(request, district):
    return selectors.district_branches(district, request.GET.get("q", "").strip()[:100])


@login_required
def district_list(request):
    """The upper committees the user reads (all of them for the site administrator); for
    anyone else there is no such page (404)."""
    roles = roles_for(request.user)
    if not (roles.is_superuser or roles.district_ids):
        raise Http404
    districts = UpperCommittee.objects.order_by("name")
    if not roles.is_superuser:
        districts = districts.filter(pk__in=roles.district_ids)
    districts = list(districts)
    return render(request, "reports/district/list.html", {"districts": districts})


@login_required
def overview(request, pk):
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    branches = _branches(request, district)
    school_year = school_year_of(today)
    compliance = {
        row.branch.pk: row for row in selectors.district_compliance(branches, school_year, today)
    }
    members = {row.branch.pk: row for row in selectors.district_members(branches)}
    dues = {row.branch.pk: row for row in selectors.district_dues(branches, today.year, today)}
    reported = reporting_year(today)
    evaluation = {row.branch.pk: row for row in selectors.district_evaluation(branches, reported)}
    summaries = {row.branch.pk: row for row in selectors.district_summaries(branches, reported)}
    secretaries = selectors.secretaries(branches)
    rows = [
        {
            "branch": branch,
            "secretary": secretaries.get(branch.pk, ""),
            "members": members[branch.pk],
            "compliance": compliance[branch.pk],
            "dues": dues[branch.pk],
            "evaluation": evaluation[branch.pk],
            "summary": summaries[branch.pk],
        }
        for branch in branches
    ]
    total = selectors.total_members(list(members.values()))
    missed = sum(1 for row in compliance.values() if row.missed)
    return _page(
        request,
        district,
        "overview",
        rows,
        total=total,
        missed_branches=missed,
        school_year=school_year,
        year=today.year,
        reported_year=reported,
    )


@login_required
def compliance(request, pk):
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    latest = school_year_of(today)
    school_year = _year(request, today, latest)
    rows = selectors.district_compliance(_branches(request, district), school_year, today)
    return _page(
        request,
        district,
        "compliance",
        rows,
        school_year=school_year,
        **_year_choice(
            _("School year"),
            school_year,
            [
                (year, school_year_label(year))
                for year in range(latest, max(FIRST_YEAR, latest - YEARS_OFFERED) - 1, -1)
            ],
        ),
        chart=selectors.compliance_chart(rows),
        bands=selectors.group_by_missed(rows),
    )


@login_required
def members(request, pk):
    district = get_district_for_user(request, pk)
    rows = selectors.district_members(_branches(request, district))
    return _page(request, district, "members", rows, total=selectors.total_members(rows))


@login_required
def recruitment(request, pk):
    district = get_district_for_user(request, pk)
    rows = selectors.district_members(_branches(request, district))
    total = selectors.total_members(rows)
    rows.sort(key=lambda row: (-row.in_recruitment, row.branch.name))
    return _page(
        request,
        district,
        "recruitment",
        rows,
        total=total,
        stages=selectors.RECRUITMENT_STAGES,
        chart=selectors.recruitment_chart(total),
    )


@login_required
def dues(request, pk):
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    year = _year(request, today, today.year)
    rows = selectors.district_dues(_branches(request, district), year, today)
    return _page(
        request,
        district,
        "dues",
        rows,
        year=year,
        **_year_choice(_("Year"), year, _calendar_years(today)),
        collected=sum(row.collected for row in rows),
        behind=sum(row.behind for row in rows),
        chart=selectors.dues_chart(rows, year),
    )


@login_required
def evaluation(request, pk):
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    year = _year(request, today, today.year, default=reporting_year(today))
    rows = selectors.district_evaluation(_branches(request, district), year)
    return _page(
        request,
        district,
        "evaluation",
        rows,
        year=year,
        **_year_choice(_("Year evaluated"), year, _calendar_years(today)),
        opened=sum(1 for row in rows if row.round is not None),
    )


@login_required
@require_POST
def summaries_zip(request, pk):
    """Asks the background worker for every branch's summary of the year in one ZIP, then
    shows its progress in 我的下载."""
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    year = _year_of(request.POST.get("year", ""), today)
    job = job_request(
        user=request.user,
        kind=DISTRICT_SUMMARIES_ZIP,
        parameters={"district": district.pk, "year": year},
        title=gettext("%(district)s branches' summaries %(year)s")
        % {"district": district.name, "year": f"{year}年"},
    )
    return redirect("jobs:detail", job.pk)


@login_required
def summaries(request, pk):
    district = get_district_for_user(request, pk)
    today = timezone.localdate()
    year = _year(request, today, today.year, default=reporting_year(today))
    rows = selectors.district_summaries(_branches(request, district), year)
    return _page(
        request,
        district,
        "summaries",
        rows,
        year=year,
        **_year_choice(_("Year"), year, _calendar_years(today)),
        written=sum(1 for row in rows if row.versions),
    )
