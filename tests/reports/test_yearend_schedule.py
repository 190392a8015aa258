"""The year's schedule of the annual plan (reports/yearend/schedule.py), read against the
default rules (migrations) and a school calendar entered by hand.

The calendar of these tests, for the plan of 2027: the first term of 2026—2027 ends on
22 January, the second runs from 22 February to 30 June, the next school year starts on
1 September. A month owes a group meeting when it has at least 10 days of term (the default
rule): January has 22, February only 7 (22–28), July and August none.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command

from activities.models import SchoolTerm
from groups.models import Branch
from members.models import Category, RecruitmentRecord, RecruitmentStep
from reports.yearend.schedule import Entry, schedule_table, year_schedule
from tests.factories import GroupMembershipFactory, MemberFactory, recorded_meeting

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 1)  # the plan is written at the end of the year before
TERM_MONTHS = [1, 3, 4, 5, 6, 9, 10, 11, 12]  # months with ≥10 days of term in 2027


@pytest.fixture
def calendar(world):
    for name, first, last in (
        ("2026学年第一学期", D(2026, 9, 1), D(2027, 1, 22)),
        ("2026学年第二学期", D(2027, 2, 22), D(2027, 6, 30)),
        ("2027学年第一学期", D(2027, 9, 1), D(2028, 1, 21)),
    ):
        SchoolTerm.objects.create(branch=world.branch, name=name, starts_on=first, ends_on=last)
    return world


def schedule(world, year=2027, **options) -> list[Entry]:
    return year_schedule(world.branch, year, today=TODAY, **options)


def record(member, code, on, **fields) -> RecruitmentRecord:
    return RecruitmentRecord.objects.create(
        member=member, step=RecruitmentStep.objects.get(code=code), done_on=on, **fields
    )


def probationary(world, name, group=None, **fields):
    member = MemberFactory(branch=world.branch, probationary=True, name=name, **fields)
    GroupMembershipFactory(group=group or world.group_a, member=member, started_on=D(2026, 6, 1))
    return member


def recruit(world, name, category):
    return MemberFactory(
        branch=world.branch, name=name, category=category, joined_on=None, full_member_on=None
    )


def months_of(entries, text) -> list[int]:
    return [entry.month for entry in entries if entry.text == text]


# --- meetings ----------------------------------------------------------------------------


def test_each_group_holds_a_group_meeting_in_every_month_with_enough_term_time(calendar):
    entries = schedule(calendar)

    for group in ("A组", "B组"):
        mine = [e for e in entries if e.group == group]
        assert [e.month for e in mine] == TERM_MONTHS
        assert {e.text for e in mine} == {f"{group}召开党小组会1次"}
        assert {e.kind for e in mine} == {"meeting"}


def test_the_committee_meets_every_month_with_term_time(calendar):
    assert months_of(schedule(calendar), "召开支部委员会会议1次") == TERM_MONTHS


def test_a_quarters_general_meeting_and_lecture_fall_in_its_first_month_of_term(calendar):
    entries = schedule(calendar)

    for quarter, month in (("第一季度", 1), ("第二季度", 4), ("第三季度", 9), ("第四季度", 10)):
        assert months_of(entries, f"召开支部党员大会1次（{quarter}）") == [month]
        assert months_of(entries, f"上党课1次（{quarter}）") == [month]


def test_the_themed_party_day_is_the_first_friday_that_is_not_a_holiday(calendar):
    days = {e.month: e.day for e in schedule(calendar) if e.kind == "themed_day"}

    assert sorted(days) == TERM_MONTHS
    assert all(day.weekday() == 4 and day.day <= 14 for day in days.values())
    assert days[1] == D(2027, 1, 8)  # 1 January 2027 is a Friday and New Year's Day
    assert days[3] == D(2027, 3, 5)
    assert days[10] == D(2027, 10, 8)  # 1 October is a Friday of the National Day week
    assert [e.text for e in schedule(calendar) if e.month == 3 and e.kind == "themed_day"] == [
        "开展主题党日活动（3月5日）"
    ]


def test_the_organisational_life_meeting_and_the_evaluation_are_due_in_december(calendar):
    yearly = [e for e in schedule(calendar) if e.kind in ("life", "evaluation")]

    assert [(e.month, e.kind, e.day) for e in yearly] == [
        (12, "life", D(2027, 12, 31)),
        (12, "evaluation", D(2027, 12, 31)),
    ]
    assert yearly[0].text == "召开2027年度组织生活会（第四季度进行，12月31日前完成）"
    assert yearly[1].text == "开展2027年度民主评议党员（第四季度进行，12月31日前完成）"


def test_last_years_dues_are_published_in_january(calendar):
    notices = [e for e in schedule(calendar) if e.kind == "dues_notice"]

    assert [(e.month, e.text) for e in notices] == [(1, "公示2026年度党费收缴情况")]


# --- a group's schedule -------------------------------------------------------------------


def test_a_groups_schedule_has_its_own_meetings_and_not_the_other_groups(calendar):
    entries = schedule(calendar, group=calendar.group_a)

    assert {e.group for e in entries} == {"", "A组"}
    assert not [e for e in entries if "B组" in e.text]
    assert months_of(entries, "A组召开党小组会1次") == TERM_MONTHS


def test_a_groups_schedule_has_what_every_member_attends_but_not_the_committees_work(calendar):
    kinds = {e.kind for e in schedule(calendar, group=calendar.group_a)}
    texts = [e.text for e in schedule(calendar, group=calendar.group_a, year=2028)]

    assert {"themed_day", "lecture", "life", "evaluation", "dues_notice"} <= kinds
    assert months_of(schedule(calendar, group=calendar.group_a), "召开支部党员大会1次（第一季度）")
    assert not [text for text in texts if "支部委员会" in text]  # its meetings, its term


# --- recruitment ----------------------------------------------------------------------------


def test_a_member_admitted_on_1_june_2026_ends_probation_in_june_2027(calendar):
    probationary(calendar, "张三", joined_on=D(2026, 6, 1))

    ends = [e for e in schedule(calendar) if e.kind == "probation"]

    assert [(e.month, e.day) for e in ends] == [(6, D(2027, 6, 1))]
    assert ends[0].text == "张三预备期满（6月1日），讨论按期转正"
    assert not [e for e in schedule(calendar, year=2026) if e.kind == "probation"]


def test_a_probation_end_shows_in_the_members_group_only(calendar):
    probationary(calendar, "张三", group=calendar.group_b)

    def ends(group):
        return [e.text for e in schedule(calendar, group=group) if e.kind == "probation"]

    assert ends(calendar.group_b) == ["张三预备期满（6月1日），讨论按期转正"]
    assert ends(calendar.group_a) == []


def test_an_extended_probation_ends_after_the_extension(calendar):
    member = probationary(calendar, "李四", joined_on=D(2026, 6, 1))
    record(member, "probation_extended", D(2027, 5, 20), extension_months=6)

    ends = [e for e in schedule(calendar) if e.kind == "probation"]

    assert [(e.month, e.text) for e in ends] == [(12, "李四延长预备期满（12月1日），讨论能否转正")]


def test_the_recruitment_deadlines_of_the_year_are_listed(calendar):
    applicant = recruit(calendar, "王五", Category.APPLICANT)
    record(applicant, "application", D(2027, 3, 10))
    activist = recruit(calendar, "赵六", Category.ACTIVIST)
    record(activist, "application", D(2025, 9, 1))
    record(activist, "activist_chosen", D(2026, 9, 15))

    steps = [(e.month, e.text) for e in schedule(calendar) if e.kind == "recruitment"]

    # Talk within a month of the application; an activist reviewed every six months and
    # eligible as a candidate after a year (the default time rules).
    assert steps == [
        (3, "对入党积极分子赵六进行半年考察（3月15日前）"),
        (4, "与入党申请人王五谈话（4月10日前）"),
        (9, "入党积极分子赵六培养满1年，可确定为发展对象（9月15日起）"),
        (9, "对入党积极分子赵六进行半年考察（9月15日前）"),
    ]


# --- the committee's term ---------------------------------------------------------------------


def test_the_committees_term_ends_in_its_month_with_the_election_prepared_before(calendar):
    # The world's term 1 was elected on 1 June 2025 for three years: it ends on 1 June 2028;
    # the branch warns 90 days ahead, from 3 March 2028.
    committee = [e for e in schedule(calendar, year=2028) if e.kind == "committee"]

    assert [(e.month, e.day, e.text) for e in committee] == [
        (3, D(2028, 3, 3), "筹备换届选举（第1届支部委员会任期6月1日届满）"),
        (6, D(2028, 6, 1), "第1届支部委员会任期届满（6月1日），进行换届选举"),
    ]
    assert not [e for e in schedule(calendar) if e.kind == "committee"]


# --- the school calendar ----------------------------------------------------------------------


def test_the_terms_and_holidays_of_the_school_calendar_show(calendar):
    calendar_entries = [
        (e.month, e.kind, e.text) for e in schedule(calendar) if e.kind in ("term", "holiday")
    ]

    assert calendar_entries == [
        (1, "term", "2026学年第一学期结束（1月22日）"),
        (1, "holiday", "寒假（1月23日—2月21日，春节2月6日）"),
        (2, "term", "2026学年第二学期开学（2月22日）"),
        (6, "term", "2026学年第二学期结束（6月30日）"),
        (7, "holiday", "暑假（7月1日—8月31日）"),
        (9, "term", "2027学年第一学期开学（9月1日）"),
    ]


def test_without_terms_entered_the_usual_holidays_still_show(world):
    holidays = [e for e in schedule(world) if e.kind == "holiday"]

    assert [e.text[:2] for e in holidays] == ["寒假", "暑假"]
    assert [e.month for e in holidays] == [1, 7]


# --- order and the table ------------------------------------------------------------------------


def test_entries_are_in_month_then_kind_order(calendar):
    probationary(calendar, "张三")
    entries = schedule(calendar)
    kinds = [
        "meeting",
        "themed_day",
        "lecture",
        "life",
        "evaluation",
        "dues_notice",
        "committee",
        "probation",
        "recruitment",
        "term",
        "holiday",
    ]

    keys = [(e.month, kinds.index(e.kind), e.text) for e in entries]
    assert keys == sorted(keys)
    assert [e.kind for e in entries if e.month == 6][-2:] == ["probation", "term"]


def test_the_table_has_a_row_per_month_with_its_items_joined():
    entries = [
        Entry(1, "dues_notice", "公示2026年度党费收缴情况"),
        Entry(3, "meeting", "A组召开党小组会1次", group="A组"),
        Entry(3, "meeting", "B组召开党小组会1次", group="B组"),
        Entry(3, "themed_day", "开展主题党日活动（3月5日）", D(2027, 3, 5)),
        Entry(6, "meeting", "A组召开党小组会1次", group="A组"),
    ]

    table = schedule_table(entries, caption="2027年工作安排")

    assert table.caption == "2027年工作安排"
    assert table.header == ("月份", "工作安排")
    assert table.numeric == (True, False)
    assert table.rows == (
        ("1月", "公示2026年度党费收缴情况"),
        ("3月", "各党小组召开党小组会1次；开展主题党日活动（3月5日）"),
        ("6月", "A组召开党小组会1次"),
    )


def test_the_years_table_has_one_row_for_each_month_with_entries_in_order(calendar):
    entries = schedule(calendar)

    table = schedule_table(entries, caption="")

    assert [row[0] for row in table.rows] == [f"{m}月" for m in sorted({e.month for e in entries})]
    january = table.rows[0][1].split("；")
    assert "各党小组召开党小组会1次" in january
    assert "A组召开党小组会1次" not in january
    assert january[-1] == "寒假（1月23日—2月21日，春节2月6日）"


# --- queries ------------------------------------------------------------------------------------


def test_the_schedule_costs_the_same_queries_whatever_the_number_of_people(world, query_counter):
    added = []

    def grow():
        index = len(added)
        member = probationary(world, f"预备{index}", joined_on=D(2026, 3 + index, 1))
        record(member, "admission_meeting", D(2027, 1, 5))
        applicant = recruit(world, f"申请{index}", Category.APPLICANT)
        record(applicant, "application", D(2027, 2, 1))
        recorded_meeting(branch=world.branch, group=world.group_a, held_on=D(2027, 3, 2 + index))
        added.append(member)

    grow()  # with nobody to follow, the records are not asked for at all
    query_counter.assert_constant(lambda: schedule(world), grow)
    query_counter.assert_constant(lambda: schedule(world, group=world.group_a), grow)


# --- the demo school ------------------------------------------------------------------------------


def test_the_demo_schools_plan_reads_as_a_chinese_schedule():
    call_command("seed_demo", force=True, stdout=StringIO())
    branch = Branch.objects.get()

    table = schedule_table(year_schedule(branch, 2027, today=TODAY), caption="")

    for month, work in table.rows:  # `pytest -s` shows the plan
        print(month, work)
    assert len(table.rows) >= 10
    assert not [work for _month, work in table.rows if re.search(r"[A-Za-z]", work)]
    assert all("各党小组召开党小组会1次" in work for month, work in table.rows if month == "3月")
