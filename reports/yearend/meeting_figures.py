"""The year's meetings as a summary states them: the 三会一课 and the other meetings held by
type, the 党课 topics and lecturers, the 组织生活会, the meetings held against what the rules
require (per group for the 党小组会), and attendance, as figures, tables and charts."""

from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.compliance import attendance_rates, compliance_grid
from activities.models import Meeting, MeetingType
from reports import charts
from reports.yearend.blocks import Chart, Table
from reports.yearend.values import YearFigures, chinese_date, count_or_missing, names_list

# The 三会一课 and the other meetings a summary counts, in the order it states them.
COUNTED_TYPES = (
    MeetingType.GENERAL,
    MeetingType.COMMITTEE,
    MeetingType.GROUP,
    MeetingType.LECTURE,
    MeetingType.THEMED_DAY,
    MeetingType.LIFE,
    MeetingType.EVALUATION,
)


def meeting_figures(figures: YearFigures, start, end, today) -> None:
    branch, group = figures.branch, figures.group
    meetings = Meeting.objects.filter(branch=branch, held_on__range=(start, end))
    if group is not None:
        meetings = meetings.filter(Q(group=group) | Q(group__isnull=True))
    held = Counter(meetings.values_list("kind", flat=True))
    recorded = bool(held)
    for kind in COUNTED_TYPES:
        figures.add(
            f"meetings.{kind}", MeetingType(kind).label, count_or_missing(held[kind], recorded)
        )
    lectures = list(
        meetings.filter(kind=MeetingType.LECTURE)
        .order_by("held_on")
        .values_list("topic", "speaker")
    )
    figures.add(
        "meetings.lecture_topics",
        _("Party lecture topics"),
        names_list(
            f"《{topic}》（{speaker}）" if speaker else f"《{topic}》"
            for topic, speaker in lectures
        ),
    )
    life = meetings.filter(kind=MeetingType.LIFE).order_by("held_on").first()
    figures.add(
        "meetings.life_on",
        _("organisational-life meeting held on"),
        chinese_date(life.held_on) if life else None,
    )

    # Held against required, per type (and group for the group meetings), from the rules: the
    # calendar year straddles two school years, so both grids are read and their periods
    # that start in the year counted.
    required: Counter = Counter()
    done: Counter = Counter()
    labels = {}
    for school_year in (figures.year - 1, figures.year):
        grid = compliance_grid(branch, school_year, today, groups=[group] if group else None)
        for row in grid.rows:
            key = (row.kind, row.group.name if row.group else "")
            labels[key] = row
            for cell in row.cells:
                if cell.period.start.year == figures.year and cell.times:
                    required[key] += cell.times
                    done[key] += min(cell.held, cell.times)
    rows = []
    for (kind, group_name), owed in sorted(
        required.items(),
        key=lambda item: (
            COUNTED_TYPES.index(item[0][0]) if item[0][0] in COUNTED_TYPES else 99,
            item[0][1],
        ),
    ):
        rows.append(
            (
                MeetingType(kind).label,
                group_name or gettext("whole branch"),
                str(done[(kind, group_name)]),
                str(owed),
            )
        )
    figures.add(
        "meetings.required",
        _("meetings required by the rules"),
        sum(required.values()) if required else None,
    )
    figures.add(
        "meetings.required_held",
        _("required meetings held"),
        sum(done.values()) if required else None,
    )
    if rows:
        figures.tables["meetings"] = Table(
            caption=gettext("Meetings held against required"),
            header=(
                gettext("Meeting type"),
                gettext("Held by"),
                gettext("Held"),
                gettext("Required"),
            ),
            rows=tuple(rows),
            numeric=(False, False, True, True),
        )
        table = figures.tables["meetings"]
        figures.charts["meetings"] = Chart(
            caption=table.caption,
            svg=charts.paired_bars(
                title=table.caption,
                labels=[f"{kind} / {held_by}" for kind, held_by, _held, _owed in rows],
                held=[int(held) for _kind, _by, held, _owed in rows],
                required=[int(owed) for _kind, _by, _held, owed in rows],
            ),
            data=table,
        )

    report = attendance_rates(branch, start, end, groups=[group] if group else None)
    figures.add("attendance.rate", _("attendance rate (%)"), report.total.percent)
    group_rows = tuple(
        (
            row.group.name if row.group else gettext("No group"),
            str(row.expected),
            str(row.present),
            f"{row.percent}%" if row.percent is not None else "—",
        )
        for row in report.groups
        if row.expected
    )
    if group_rows:
        figures.tables["attendance"] = Table(
            caption=gettext("Attendance by party group"),
            header=(
                gettext("Party group"),
                gettext("Expected"),
                gettext("Present"),
                gettext("Rate"),
            ),
            rows=group_rows,
            numeric=(False, True, True, True),
        )
    _attendance_chart(figures, report)


def _attendance_chart(figures: YearFigures, report) -> None:
    """Attendance by month and group: a bar per group in each month of the year so far."""
    groups = [row.group for row in report.groups if row.expected]
    months = [
        month
        for month in range(1, figures.as_of.month + 1)
        if any((group.pk, figures.year, month) in report.months for group in groups)
    ]
    if not groups or not months:
        return
    series = [
        (
            group.name,
            [
                report.months[(group.pk, figures.year, month)].percent
                if (group.pk, figures.year, month) in report.months
                else None
                for month in months
            ],
        )
        for group in groups
    ]
    categories = [f"{month}月" for month in months]
    caption = gettext("Attendance by month and party group")
    data = Table(
        caption=caption,
        header=(gettext("Month"), *(name for name, _values in series)),
        rows=tuple(
            (
                categories[index],
                *(
                    "—" if values[index] is None else f"{values[index]}%"
                    for _name, values in series
                ),
            )
            for index in range(len(months))
        ),
        numeric=(False, *(True for _ in series)),
    )
    figures.charts["attendance"] = Chart(
        caption=caption,
        # The table beside it states every figure: no labels above the bars.
        svg=charts.grouped_bars(
            title=caption, categories=categories, series=series, unit="%", value_labels=False
        ),
        data=data,
    )
