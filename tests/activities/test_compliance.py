"""Which meetings were owed and held (activities/compliance/): the school calendar, the
periods of each frequency and their edges, holidays, per-group rows, rule versions, and
what counts as missing rather than not yet due."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from activities.compliance import (
    CellStatus,
    compliance_grid,
    default_terms,
    missing_now,
    rule_for,
    school_year_bounds,
    school_year_of,
    terms_for,
)
from activities.models import MeetingRule, MeetingType, Period, SchoolTerm
from tests.factories import (
    PartyGroupFactory,
    recorded_meeting,
)

D = datetime.date
# Judged in the summer after school year 2025, so that every period of it has ended.
AFTER_THE_YEAR = D(2026, 9, 15)


def cell_on(grid, kind, day, group=None):
    """The cell of the row (kind, group) whose period contains `day`."""
    row = next(r for r in grid.rows if r.kind == kind and r.group == group)
    return next(c for c in row.cells if c.period.start <= day <= c.period.end)


def status_on(branch, kind, day, *, group=None, today=AFTER_THE_YEAR):
    grid = compliance_grid(branch, school_year_of(day), today)
    return cell_on(grid, kind, day, group).status


def meeting(world, kind, day, group=None):
    return recorded_meeting(branch=world.branch, kind=kind, group=group, held_on=day)


def branch_rule(world, kind, period, **fields):
    fields.setdefault("effective_from", D(2018, 10, 28))
    return MeetingRule.objects.create(branch=world.branch, kind=kind, period=period, **fields)


def school_terms(branch, *spans):
    for number, (start, end) in enumerate(spans, start=1):
        SchoolTerm.objects.create(
            branch=branch, name=f"第{number}学期", starts_on=start, ends_on=end
        )


# The school year and its calendar -----------------------------------------------------------


def test_a_school_year_runs_from_the_first_of_september_to_the_end_of_august():
    assert school_year_bounds(2025) == (D(2025, 9, 1), D(2026, 8, 31))
    assert school_year_of(D(2026, 8, 31)) == 2025
    assert school_year_of(D(2026, 9, 1)) == 2026
    assert school_year_of(D(2026, 1, 10)) == 2025


def test_the_default_winter_holiday_follows_the_spring_festival():
    first, second = default_terms(2025)
    # 春节 2026 is on 17 February: four weeks before is Tuesday 20 January (→ Friday 23rd);
    # twelve days after is Sunday 1 March (→ Monday 2 March), so February is all holiday.
    assert (first.starts_on, first.ends_on) == (D(2025, 9, 1), D(2026, 1, 23))
    assert (second.starts_on, second.ends_on) == (D(2026, 3, 2), D(2026, 6, 30))
    first, second = default_terms(2026)
    # 春节 2027 is on 6 February: the term ends not before mid-January (Saturday 16th →
    # Friday 22nd) and starts on the Monday after 18 February.
    assert first.ends_on == D(2027, 1, 22)
    assert second.starts_on == D(2027, 2, 22)
    # 春节 2025 was on 29 January: the second term starts not before mid-February.
    assert default_terms(2024)[1].starts_on == D(2025, 2, 17)


def test_the_default_calendar_is_used_when_the_branch_entered_no_terms_for_that_year(world):
    school_terms(world.branch, (D(2024, 9, 2), D(2025, 1, 17)), (D(2025, 2, 17), D(2025, 6, 27)))

    calendar = terms_for(world.branch, 2025)

    assert calendar.is_default
    assert [t.starts_on for t in calendar.terms] == [D(2025, 9, 1), D(2026, 3, 2)]


def test_the_branchs_own_terms_replace_the_default_calendar(world):
    school_terms(world.branch, (D(2025, 9, 1), D(2026, 1, 30)), (D(2026, 2, 24), D(2026, 7, 3)))

    calendar = terms_for(world.branch, 2025)

    assert not calendar.is_default
    assert [(t.starts_on, t.ends_on) for t in calendar.terms] == [
        (D(2025, 9, 1), D(2026, 1, 30)),
        (D(2026, 2, 24), D(2026, 7, 3)),
    ]
    assert calendar.term_days(D(2026, 2, 1), D(2026, 2, 28)) == 5


# Monthly rules ------------------------------------------------------------------------------


def test_a_meeting_on_the_last_day_of_a_month_counts_for_that_month_only(world):
    meeting(world, MeetingType.COMMITTEE, D(2025, 10, 31))

    assert status_on(world.branch, MeetingType.COMMITTEE, D(2025, 10, 1)) == CellStatus.HELD
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2025, 11, 1)) == CellStatus.MISSING


def test_a_meeting_on_the_first_day_of_a_month_counts_for_that_month_not_the_previous(world):
    meeting(world, MeetingType.COMMITTEE, D(2025, 12, 1))

    assert status_on(world.branch, MeetingType.COMMITTEE, D(2025, 11, 30)) == CellStatus.MISSING
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2025, 12, 31)) == CellStatus.HELD


def test_the_summer_holiday_owes_no_monthly_meeting(world):
    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    for month in (D(2026, 7, 1), D(2026, 8, 1)):
        assert cell_on(grid, MeetingType.COMMITTEE, month).status == CellStatus.NOT_REQUIRED
        assert cell_on(grid, MeetingType.THEMED_DAY, month).status == CellStatus.NOT_REQUIRED
    # June is term time: owed, and missed.
    assert cell_on(grid, MeetingType.COMMITTEE, D(2026, 6, 1)).status == CellStatus.MISSING


def test_a_meeting_held_in_a_holiday_still_shows_in_its_cell(world):
    held = meeting(world, MeetingType.COMMITTEE, D(2026, 7, 10))

    cell = cell_on(
        compliance_grid(world.branch, 2025, AFTER_THE_YEAR), MeetingType.COMMITTEE, D(2026, 7, 1)
    )

    assert cell.status == CellStatus.NOT_REQUIRED
    assert [m.pk for m in cell.meetings] == [held.pk]


def test_february_with_few_term_days_owes_no_monthly_meeting(world):
    # Term 2 starts on 24 February: 5 days of term in February, fewer than the rule's 10.
    school_terms(world.branch, (D(2025, 9, 1), D(2026, 1, 23)), (D(2026, 2, 24), D(2026, 6, 30)))

    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 2, 1)) == CellStatus.NOT_REQUIRED
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 3, 1)) == CellStatus.MISSING


def test_february_is_owed_under_the_default_calendar_only_after_an_early_spring_festival(world):
    # 春节 2025 on 29 January: term 2 from Monday 17 February, 12 days of term in February.
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2025, 2, 1)) == CellStatus.MISSING
    # 春节 2026 on 17 February: term 2 from 2 March, so February 2026 is holiday.
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 2, 1)) == (
        CellStatus.NOT_REQUIRED
    )


def test_a_july_with_enough_term_days_owes_its_meeting(world):
    school_terms(world.branch, (D(2025, 9, 1), D(2026, 1, 23)), (D(2026, 2, 16), D(2026, 7, 15)))

    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 7, 1)) == CellStatus.MISSING
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 8, 1)) == CellStatus.NOT_REQUIRED


def test_min_term_days_decides_whether_a_short_month_is_owed(world):
    # January 2026 has 23 days of term under the default calendar.
    rule = branch_rule(world, MeetingType.COMMITTEE, Period.MONTH, min_term_days=23)
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 1, 1)) == CellStatus.MISSING

    rule.min_term_days = 24
    rule.save()
    assert status_on(world.branch, MeetingType.COMMITTEE, D(2026, 1, 1)) == CellStatus.NOT_REQUIRED


# Quarterly, semester and yearly rules ---------------------------------------------------------


def test_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter_only(world):
    meeting(world, MeetingType.GENERAL, D(2025, 12, 31))

    assert status_on(world.branch, MeetingType.GENERAL, D(2025, 10, 1)) == CellStatus.HELD
    assert status_on(world.branch, MeetingType.GENERAL, D(2026, 1, 1)) == CellStatus.MISSING


def test_quarters_are_whole_calendar_quarters_whichever_school_year_their_months_are_in(world):
    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    row = next(r for r in grid.rows if r.kind == MeetingType.GENERAL)
    spans = [(c.period.start, c.period.end) for c in row.cells]
    assert spans == [
        (D(2025, 7, 1), D(2025, 9, 30)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
    ]
    # The third quarter's September is term time, so the whole quarter owes its meeting;
    # on 15 September 2026 the second third quarter still has a fortnight to go.
    assert [c.status for c in row.cells] == [CellStatus.MISSING] * 4 + [CellStatus.NOT_YET_DUE]
    # Each cell spans the month columns of its months in this school year.
    assert [d.columns for d in row.display] == [1, 3, 3, 3, 2]
    # The third quarters name their year, as each is in two school years' grids.
    assert [c.period.hint for c in row.cells] == [
        "2025年7—9月",
        "10—12月",
        "1—3月",
        "4—6月",
        "2026年7—9月",
    ]


def test_a_general_meeting_in_early_july_counts_for_the_september_of_the_same_quarter(world):
    meeting(world, MeetingType.GENERAL, D(2026, 7, 3))

    # In the grid of the school year ending in August: July–August.
    assert status_on(world.branch, MeetingType.GENERAL, D(2026, 7, 1)) == CellStatus.HELD
    # In the grid of the next school year: its September is the same quarter, held too.
    assert status_on(world.branch, MeetingType.GENERAL, D(2026, 9, 1)) == CellStatus.HELD
    # The quarter is due on its last day, 30 September, whichever grid shows it.
    grid = compliance_grid(world.branch, 2026, D(2026, 9, 15))
    assert cell_on(grid, MeetingType.LECTURE, D(2026, 9, 1)).status == CellStatus.NOT_YET_DUE
    grid = compliance_grid(world.branch, 2025, D(2026, 8, 31))
    assert cell_on(grid, MeetingType.LECTURE, D(2026, 7, 1)).status == CellStatus.NOT_YET_DUE
    grid = compliance_grid(world.branch, 2026, D(2026, 10, 1))
    assert cell_on(grid, MeetingType.LECTURE, D(2026, 9, 1)).status == CellStatus.MISSING


def test_a_meeting_on_the_last_day_of_september_counts_for_the_third_quarter_only(world):
    meeting(world, MeetingType.GENERAL, D(2025, 9, 30))

    assert status_on(world.branch, MeetingType.GENERAL, D(2025, 9, 1)) == CellStatus.HELD
    assert status_on(world.branch, MeetingType.GENERAL, D(2025, 10, 1)) == CellStatus.MISSING


def test_a_semester_includes_the_holiday_after_its_term(world):
    branch_rule(world, MeetingType.LECTURE, Period.SEMESTER)
    school_terms(world.branch, (D(2025, 9, 1), D(2026, 1, 23)), (D(2026, 2, 16), D(2026, 6, 30)))
    meeting(world, MeetingType.LECTURE, D(2026, 2, 15))  # the last day of the winter holiday

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    row = next(r for r in grid.rows if r.kind == MeetingType.LECTURE)
    assert [(c.period.start, c.period.end) for c in row.cells] == [
        (D(2025, 9, 1), D(2026, 2, 15)),
        (D(2026, 2, 16), D(2026, 8, 31)),
    ]
    assert [c.status for c in row.cells] == [CellStatus.HELD, CellStatus.MISSING]


def test_a_meeting_on_the_first_day_of_term_two_counts_for_semester_two(world):
    branch_rule(world, MeetingType.LECTURE, Period.SEMESTER)
    meeting(world, MeetingType.LECTURE, D(2026, 3, 2))  # default calendar: term 2 starts

    assert status_on(world.branch, MeetingType.LECTURE, D(2025, 9, 1)) == CellStatus.MISSING
    assert status_on(world.branch, MeetingType.LECTURE, D(2026, 3, 2)) == CellStatus.HELD


def test_a_school_year_rule_counts_a_meeting_on_the_thirty_first_of_august_for_the_year_ending(
    world,
):
    branch_rule(world, MeetingType.OTHER, Period.YEAR)
    meeting(world, MeetingType.OTHER, D(2026, 8, 31))

    today = D(2027, 9, 15)
    assert status_on(world.branch, MeetingType.OTHER, D(2026, 8, 31), today=today) == "held"
    assert status_on(world.branch, MeetingType.OTHER, D(2026, 9, 1), today=today) == "missing"


# Yearly duties (组织生活会, 民主评议党员: 条例 第二十一、二十二条) -------------------------


def yearly_cells(grid, kind):
    row = next(r for r in grid.rows if r.kind == kind)
    return [(c.period.year, c.status) for c in row.cells]


def test_the_yearly_duties_are_judged_per_calendar_year_due_by_the_thirty_first_of_december(
    world,
):
    meeting(world, MeetingType.LIFE, D(2025, 12, 31))

    # A school year's grid shows the two calendar years it overlaps.
    grid = compliance_grid(world.branch, 2025, D(2026, 1, 1))
    assert yearly_cells(grid, MeetingType.LIFE) == [
        (2025, CellStatus.HELD),
        (2026, CellStatus.NOT_YET_DUE),
    ]
    assert yearly_cells(grid, MeetingType.EVALUATION)[0] == (2025, CellStatus.MISSING)
    # The last day of the year is still in time.
    grid = compliance_grid(world.branch, 2025, D(2025, 12, 31))
    assert yearly_cells(grid, MeetingType.EVALUATION)[0] == (2025, CellStatus.NOT_YET_DUE)
    row = next(r for r in grid.rows if r.kind == MeetingType.LIFE)
    assert row.rule_text == "每年度 1 次 · 12月31日前"  # not "每学年 1 次 · 8月31日前"
    assert [c.period.label for c in row.cells] == ["2025年度", "2026年度"]
    assert [d.columns for d in row.display] == [4, 8]


def test_a_yearly_duty_held_in_january_may_count_for_the_year_before(world):
    late = meeting(world, MeetingType.LIFE, D(2026, 1, 14))
    late.held_for_year = 2025
    late.full_clean()
    late.save()
    meeting(world, MeetingType.EVALUATION, D(2026, 1, 15))  # for the year of its date

    grid = compliance_grid(world.branch, 2025, D(2026, 9, 15))

    assert yearly_cells(grid, MeetingType.LIFE) == [
        (2025, CellStatus.HELD),
        (2026, CellStatus.NOT_YET_DUE),
    ]
    assert yearly_cells(grid, MeetingType.EVALUATION) == [
        (2025, CellStatus.MISSING),
        (2026, CellStatus.HELD),
    ]
    # The next school year's grid shows the same 2026 cell.
    grid = compliance_grid(world.branch, 2026, D(2026, 9, 15))
    assert yearly_cells(grid, MeetingType.EVALUATION)[0] == (2026, CellStatus.HELD)


def test_only_a_meeting_held_in_january_counts_for_the_year_before(world):
    february = meeting(world, MeetingType.LIFE, D(2026, 2, 1))
    february.held_for_year = 2025
    with pytest.raises(ValidationError) as error:
        february.full_clean()
    assert "held_for_year" in error.value.message_dict
    january = meeting(world, MeetingType.LIFE, D(2026, 1, 31))
    for year in (2024, 2027):
        january.held_for_year = year
        with pytest.raises(ValidationError):
            january.full_clean()


def test_a_branch_may_set_an_earlier_due_date_for_a_yearly_duty(world):
    branch_rule(world, MeetingType.LIFE, Period.CALENDAR_YEAR, due_month=11, due_day=30)

    on_the_day = compliance_grid(world.branch, 2025, D(2025, 11, 30))
    after = compliance_grid(world.branch, 2025, D(2025, 12, 1))

    assert yearly_cells(on_the_day, MeetingType.LIFE)[0] == (2025, CellStatus.NOT_YET_DUE)
    assert yearly_cells(after, MeetingType.LIFE)[0] == (2025, CellStatus.MISSING)
    owed = {item.kind: item.period_end for item in missing_now(world.branch, D(2025, 11, 15))}
    assert owed[MeetingType.LIFE] == D(2025, 11, 30)
    assert owed[MeetingType.EVALUATION] == D(2025, 12, 31)


def test_a_due_date_that_does_not_exist_every_year_is_refused(world):
    rule = MeetingRule(
        kind=MeetingType.LIFE,
        period=Period.CALENDAR_YEAR,
        due_month=2,
        due_day=29,
        effective_from=D(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_the_default_rules_judge_the_yearly_duties_per_calendar_year_and_name_their_sources(db):
    defaults = {rule.kind: rule for rule in MeetingRule.objects.filter(branch=None)}

    for kind in (MeetingType.LIFE, MeetingType.EVALUATION):
        assert defaults[kind].period == Period.CALENDAR_YEAR
        assert (defaults[kind].due_month, defaults[kind].due_day) == (12, 31)
    assert "第二十一条、第二十二条" in defaults[MeetingType.LIFE].source
    assert "第十八条" in defaults[MeetingType.EVALUATION].source
    # The 条例 sets no 党课 frequency for a branch: quarterly is local practice.
    assert defaults[MeetingType.LECTURE].period == Period.QUARTER
    assert "地方惯例" in defaults[MeetingType.LECTURE].source


# Groups ---------------------------------------------------------------------------------------


def test_each_group_owes_its_own_group_meeting(world):
    meeting(world, MeetingType.GROUP, D(2025, 10, 20), group=world.group_a)

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    october = D(2025, 10, 1)
    assert cell_on(grid, MeetingType.GROUP, october, world.group_a).status == CellStatus.HELD
    assert cell_on(grid, MeetingType.GROUP, october, world.group_b).status == CellStatus.MISSING
    assert [r.group for r in grid.rows if r.kind == MeetingType.GROUP] == [
        world.group_a,
        world.group_b,
    ]


def test_a_group_owes_nothing_before_it_was_set_up_or_after_it_was_dissolved(world):
    group = PartyGroupFactory(
        branch=world.branch,
        name="新组",
        founded_on=D(2025, 11, 25),
        dissolved_on=D(2026, 4, 1),
    )
    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    def status(day):
        return cell_on(grid, MeetingType.GROUP, day, group).status

    assert status(D(2025, 10, 1)) == CellStatus.NOT_REQUIRED  # not set up yet
    assert status(D(2025, 11, 1)) == CellStatus.NOT_REQUIRED  # 6 days of existence
    assert status(D(2025, 12, 1)) == CellStatus.MISSING
    assert status(D(2026, 3, 1)) == CellStatus.MISSING
    assert status(D(2026, 4, 1)) == CellStatus.NOT_REQUIRED  # dissolved on the 1st


def test_a_group_dissolved_before_the_year_has_no_row(world):
    PartyGroupFactory(branch=world.branch, name="旧组", dissolved_on=D(2024, 7, 1))

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    assert "旧组" not in [r.group.name for r in grid.rows if r.group]


def test_a_leaders_grid_holds_only_their_groups_meetings(world):
    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR, groups=[world.group_a])

    assert [(r.kind, r.group) for r in grid.rows] == [(MeetingType.GROUP, world.group_a)]


# Rule versions, times, and required -------------------------------------------------------------


def test_a_branch_rule_replaces_the_default_from_its_effective_date(world):
    own = branch_rule(
        world,
        MeetingType.GROUP,
        Period.MONTH,
        times=2,
        per_group=True,
        effective_from=D(2026, 3, 1),
    )
    # A school back from the winter holiday on 9 February, so that February is term time.
    school_terms(world.branch, (D(2025, 9, 1), D(2026, 1, 23)), (D(2026, 2, 9), D(2026, 6, 30)))
    for day in (D(2026, 2, 10), D(2026, 3, 10)):
        meeting(world, MeetingType.GROUP, day, group=world.group_a)

    assert rule_for(world.branch, MeetingType.GROUP, D(2026, 2, 28)).branch is None
    assert rule_for(world.branch, MeetingType.GROUP, D(2026, 3, 1)) == own
    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)
    february = cell_on(grid, MeetingType.GROUP, D(2026, 2, 1), world.group_a)
    march = cell_on(grid, MeetingType.GROUP, D(2026, 3, 1), world.group_a)
    assert (february.status, february.times) == (CellStatus.HELD, 1)
    assert (march.status, march.times, march.held) == (CellStatus.MISSING, 2, 1)
    assert march.shows_count and not february.shows_count


def test_a_rule_with_two_meetings_is_held_once_both_are_recorded(world):
    branch_rule(world, MeetingType.COMMITTEE, Period.MONTH, times=2, min_term_days=10)
    meeting(world, MeetingType.COMMITTEE, D(2025, 10, 1))
    meeting(world, MeetingType.COMMITTEE, D(2025, 10, 31))

    cell = cell_on(
        compliance_grid(world.branch, 2025, AFTER_THE_YEAR), MeetingType.COMMITTEE, D(2025, 10, 1)
    )
    assert (cell.status, cell.held, cell.times) == (CellStatus.HELD, 2, 2)
    assert not cell.shows_count


def test_a_meeting_type_the_branch_stops_checking_owes_nothing_from_that_date(world):
    branch_rule(
        world, MeetingType.THEMED_DAY, Period.MONTH, required=False, effective_from=D(2026, 1, 1)
    )

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    assert cell_on(grid, MeetingType.THEMED_DAY, D(2025, 12, 1)).status == CellStatus.MISSING
    later = cell_on(grid, MeetingType.THEMED_DAY, D(2026, 3, 1))
    assert later.status == CellStatus.NOT_REQUIRED
    assert later.period.start == D(2026, 1, 1)


def test_a_meeting_type_not_checked_all_year_has_no_row(world):
    branch_rule(world, MeetingType.EVALUATION, Period.YEAR, required=False)

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    assert MeetingType.EVALUATION not in [r.kind for r in grid.rows]
    assert MeetingType.OTHER not in [r.kind for r in grid.rows]  # no rule at all


def test_a_rule_changing_the_period_mid_year_switches_the_cells_on_that_day(world):
    # From 2026 the branch holds its general meeting monthly (a local rule, seed 001).
    branch_rule(
        world, MeetingType.GENERAL, Period.MONTH, effective_from=D(2026, 1, 1), min_term_days=10
    )

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    row = next(r for r in grid.rows if r.kind == MeetingType.GENERAL)
    assert [c.period.period for c in row.cells] == ["quarter"] * 2 + ["month"] * 8
    assert sum(d.columns for d in row.display) == 12


def test_a_rule_taking_effect_mid_month_cuts_that_month_in_two(world):
    branch_rule(world, MeetingType.COMMITTEE, Period.MONTH, times=2, effective_from=D(2026, 3, 20))

    grid = compliance_grid(world.branch, 2025, AFTER_THE_YEAR)

    row = next(r for r in grid.rows if r.kind == MeetingType.COMMITTEE)
    march = [c for c in row.cells if c.period.start.month == 3 and c.period.start.year == 2026]
    assert [(c.period.start, c.period.end, c.times) for c in march] == [
        (D(2026, 3, 1), D(2026, 3, 19), 1),
        (D(2026, 3, 20), D(2026, 3, 31), 2),
    ]
    # Both halves share March's column.
    assert sum(d.columns for d in row.display) == 12
    assert any(len(d.cells) == 2 for d in row.display)


# Relative to today ------------------------------------------------------------------------------


def test_a_period_not_over_yet_is_not_yet_due_and_a_past_one_is_missing(world):
    today = D(2025, 11, 15)
    grid = compliance_grid(world.branch, 2025, today)

    assert cell_on(grid, MeetingType.COMMITTEE, D(2025, 10, 1)).status == CellStatus.MISSING
    assert cell_on(grid, MeetingType.COMMITTEE, D(2025, 11, 1)).status == CellStatus.NOT_YET_DUE
    assert cell_on(grid, MeetingType.COMMITTEE, D(2026, 3, 1)).status == CellStatus.NOT_YET_DUE


def test_the_last_day_of_a_period_is_still_in_time(world):
    def november(today):
        grid = compliance_grid(world.branch, 2025, today)
        return cell_on(grid, MeetingType.COMMITTEE, D(2025, 11, 1)).status

    assert november(D(2025, 11, 30)) == CellStatus.NOT_YET_DUE
    assert november(D(2025, 12, 1)) == CellStatus.MISSING


def test_a_meeting_already_held_this_month_shows_as_held(world):
    meeting(world, MeetingType.COMMITTEE, D(2025, 11, 3))

    grid = compliance_grid(world.branch, 2025, D(2025, 11, 15))

    assert cell_on(grid, MeetingType.COMMITTEE, D(2025, 11, 1)).status == CellStatus.HELD


# What is still owed now -----------------------------------------------------------------------


def test_missing_now_lists_what_the_running_periods_still_owe(world):
    meeting(world, MeetingType.GROUP, D(2025, 11, 3), group=world.group_a)
    meeting(world, MeetingType.LECTURE, D(2025, 10, 9))

    items = missing_now(world.branch, D(2025, 11, 15))

    owed = [(item.kind, item.group, item.period_end) for item in items]
    assert owed == [
        (MeetingType.COMMITTEE, None, D(2025, 11, 30)),
        (MeetingType.GROUP, world.group_b, D(2025, 11, 30)),
        (MeetingType.THEMED_DAY, None, D(2025, 11, 30)),
        (MeetingType.GENERAL, None, D(2025, 12, 31)),
        (MeetingType.LIFE, None, D(2025, 12, 31)),
        (MeetingType.EVALUATION, None, D(2025, 12, 31)),
    ]
    assert items[0].period_label == gettext("Month %(month)s") % {"month": 11}
    assert items[3].period_label == gettext("Fourth quarter")


def test_missing_now_for_a_leader_lists_only_their_groups_meeting(world):
    items = missing_now(world.branch, D(2025, 11, 15), groups=[world.group_a])
    assert [(item.kind, item.group) for item in items] == [(MeetingType.GROUP, world.group_a)]

    meeting(world, MeetingType.GROUP, D(2025, 11, 3), group=world.group_a)

    assert missing_now(world.branch, D(2025, 11, 15), groups=[world.group_a]) == []


def test_missing_now_is_empty_in_the_summer_holiday_for_monthly_meetings(world):
    items = missing_now(world.branch, D(2026, 7, 20))

    # The third quarter runs on into September's term: its general meeting and lecture are
    # owed by 30 September; the year's duties by 31 December.
    assert [(item.kind, item.period_end) for item in items] == [
        (MeetingType.GENERAL, D(2026, 9, 30)),
        (MeetingType.LECTURE, D(2026, 9, 30)),
        (MeetingType.LIFE, D(2026, 12, 31)),
        (MeetingType.EVALUATION, D(2026, 12, 31)),
    ]


def test_the_grid_and_missing_now_read_in_a_fixed_number_of_queries(world, query_counter):
    days = iter(D(2025, 9, 5) + datetime.timedelta(days=11 * n) for n in range(30))

    def grow():
        day = next(days)
        meeting(world, MeetingType.GROUP, day, group=world.group_a)
        meeting(world, MeetingType.COMMITTEE, day)

    query_counter.assert_constant(lambda: compliance_grid(world.branch, 2025, AFTER_THE_YEAR), grow)
    query_counter.assert_constant(
        lambda: missing_now(world.branch, D(2025, 12, 15), groups=[world.group_a]), grow
    )


def test_the_grid_reads_in_a_fixed_number_of_queries_whatever_the_number_of_groups(
    world, query_counter
):
    names = iter(f"新组{n}" for n in range(10))

    def grow():
        group = PartyGroupFactory(branch=world.branch, name=next(names))
        meeting(world, MeetingType.GROUP, D(2025, 10, 10), group=group)

    query_counter.assert_constant(lambda: compliance_grid(world.branch, 2025, AFTER_THE_YEAR), grow)
