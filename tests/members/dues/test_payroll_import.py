"""Reading a payroll sheet and importing its dues bases: the base from the pay items less the
income tax only, members matched by identity number or a unique name, the rows of staff who
are not members skipped, every bad row reported with its row and column, all bases or none,
and the preview's figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from members.dues import payroll, payroll_import
from members.dues.payroll import parse_amount, parse_dues_category, payroll_read
from members.dues.payroll_import import dues_bases_import
from members.dues.services import dues_basis_set
from members.models import DuesBasis, DuesCategory, Employment, Member
from members.roster import RosterFileError
from members.roster.cells import CellError
from members.roster.reading import RosterRow
from tests.factories import MemberFactory, UserFactory
from tests.members.dues.payroll_files import (
    LEADER_B_ID,
    MEMBER_ID,
    SECRETARY_ID,
    school_payroll,
    simple_payroll,
    staff_id,
    whole_staff_payroll,
)
from tests.members.roster.other_formats import as_ods, as_xls
from tests.members.roster.test_importing import id_number

JANUARY = datetime.date(2026, 1, 1)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def staff(world):
    """The world's members with their identity numbers; 乙组长 is retired."""
    for member, number in [
        (world.secretary, SECRETARY_ID),
        (world.member, MEMBER_ID),
        (world.leader_b, LEADER_B_ID),
    ]:
        Member.objects.filter(pk=member.pk).update(id_number=number)
    Member.objects.filter(pk=world.leader_b.pk).update(employment=Employment.RETIRED)
    return world


def run(branch, stream, *, starts_on=JANUARY, dry_run=False, acting_user=None):
    return dues_bases_import(
        branch=branch,
        sheet=payroll_read(stream),
        starts_on=starts_on,
        acting_user=acting_user or UserFactory(),
        dry_run=dry_run,
        file_name="工资表.xlsx",
    )


def figures(result) -> list[tuple]:
    return [
        (
            row.number,
            row.member.name,
            row.category,
            row.old.monthly_base if row.old else None,
            row.base,
            row.amount,
        )
        for row in result.rows
    ]


def errors_of(result) -> list[tuple]:
    return [(e.row, e.column, e.header, e.message) for e in result.errors]


def bases_written() -> tuple[int, int]:
    return DuesBasis.objects.count(), DuesBasis.history.count()


# --------------------------------------------------------------------------- reading


def test_it_finds_the_pay_items_under_merged_headings_and_leaves_out_the_totals(db):
    sheet = payroll_read(school_payroll())
    assert sheet.header_rows == [4, 5]
    assert sheet.columns == {
        "name": 2,
        "id_number": 3,
        "post_pay": 4,
        "grade_pay": 5,
        "performance_pay": 6,
        "allowances": 7,
        "income_tax": 10,
    }  # 养老保险 (H), 住房公积金 (I) and 实发工资 (K) are not read
    assert [row.values["name"] for row in sheet.rows] == ["书记", "普通党员", "乙组长"]
    assert payroll.base_formula(sheet) == "岗位工资 + 薪级工资 + 绩效工资 + 津贴补贴 − 个人所得税"
    assert payroll.missing_pay_columns(sheet) == []


def test_a_base_column_is_taken_as_it_is_under_any_of_its_names(db):
    for header in ("党费基数", "月计算基数", "税后工资（元）"):
        sheet = payroll_read(simple_payroll([["书记", None, 6000]], ("姓名", "身份证号", header)))
        assert sheet.columns["base"] == 3
        assert payroll.base_formula(sheet) == header


def test_a_sheet_of_pay_items_says_which_ones_it_lacks(db):
    sheet = payroll_read(simple_payroll([["书记", 3000]], ("姓名", "岗位工资")))
    assert payroll.base_formula(sheet) == "岗位工资"
    assert payroll.missing_pay_columns(sheet) == ["薪级工资", "绩效工资", "津贴补贴", "个人所得税"]


def test_a_sheet_without_a_column_for_the_base_is_refused(db):
    with pytest.raises(RosterFileError, match="党费基数"):
        payroll_read(simple_payroll([["书记", "在职"]], ("姓名", "类别")))


def test_a_sheet_without_a_header_says_what_a_payroll_sheet_needs(db):
    with pytest.raises(RosterFileError) as refused:
        payroll_read(simple_payroll([["x", "y"]], ("甲", "乙")))
    assert "岗位工资" in refused.value.message
    assert "出生日期" not in refused.value.message  # the roster's sentence is not used


def test_a_payroll_file_too_large_is_refused_in_its_own_words(db, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    with pytest.raises(RosterFileError) as refused:
        payroll_read(school_payroll())
    assert refused.value.message == str(payroll.PAYROLL_LAYOUT.messages.too_big) % {"limit": "0"}


def test_it_refuses_more_rows_than_the_limit(db, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 2
    with pytest.raises(RosterFileError, match="2"):
        payroll_read(school_payroll())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5234.5, Decimal("5234.50")),
        (3000, Decimal("3000.00")),
        (1234.5600000000002, Decimal("1234.56")),  # what a formula leaves
        (0.005, Decimal("0.01")),  # half a fen up
        ("5,234.50", Decimal("5234.50")),
        ("￥５２３４.５", Decimal("5234.50")),
        (" 6000元 ", Decimal("6000.00")),
        (None, None),
        ("  ", None),
    ],
)
def test_amounts_are_read_to_the_fen(value, expected):
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    "value", [-1, "-20.00", "−5", "三千", "3000/月", True, datetime.date(2026, 1, 1), "1,23"]
)
def test_negative_amounts_and_text_are_refused(value):
    with pytest.raises(CellError):
        parse_amount(value)


def test_categories_are_read_in_the_words_schools_use():
    assert parse_dues_category("在职") == DuesCategory.IN_SERVICE
    assert parse_dues_category(" 退 休 ") == DuesCategory.RETIRED
    assert parse_dues_category("学生") == DuesCategory.NO_INCOME
    assert parse_dues_category("") is None
    with pytest.raises(CellError, match="在职、离退休、学生"):
        parse_dues_category("临时工")


# --------------------------------------------------------------------------- the import


def test_the_base_is_the_pay_items_less_the_income_tax_only(staff, clerk):
    result = run(staff.branch, school_payroll(), acting_user=clerk)
    assert result.written and result.errors == []
    assert figures(result) == [
        # 3000 + 1500.50 + 2000 + 800 − 120.50: the 养老保险 and 公积金 are not deducted
        (6, "书记", DuesCategory.IN_SERVICE, None, Decimal("7180.00"), Decimal("107.70")),
        (7, "普通党员", DuesCategory.IN_SERVICE, None, Decimal("4000.00"), Decimal("40.00")),
        # retired (from the member's record): 0.5 % up to 5000 inclusive
        (8, "乙组长", DuesCategory.RETIRED, None, Decimal("5000.00"), Decimal("25.00")),
    ]
    basis = DuesBasis.objects.get(member=staff.secretary)
    assert (basis.starts_on, basis.monthly_base) == (JANUARY, Decimal("7180.00"))
    assert basis.history.get().history_user == clerk
    assert "工资表.xlsx" in basis.note


@pytest.mark.parametrize("convert", [as_xls, as_ods], ids=["xls", "ods"])
def test_an_xls_or_ods_payroll_imports_as_the_xlsx_one(staff, convert):
    expected = figures(run(staff.branch, school_payroll(), dry_run=True))
    result = run(staff.branch, convert(school_payroll()))
    assert result.written
    assert figures(result) == expected
    assert DuesBasis.objects.get(member=staff.member).monthly_base == Decimal("4000.00")


def test_a_category_column_overrides_the_members_employment(staff):
    stream = simple_payroll(
        [["乙组长", LEADER_B_ID, 6000, "在职"], ["普通党员", None, 800, "学生"]],
        ("姓名", "身份证号", "党费基数", "类别"),
    )
    result = run(staff.branch, stream)
    assert [(row.category, row.amount) for row in result.rows] == [
        (DuesCategory.IN_SERVICE, Decimal("90.00")),
        (DuesCategory.NO_INCOME, Decimal("0.20")),
    ]


def test_two_members_of_the_same_name_are_told_apart_by_identity_number(staff):
    first = MemberFactory(branch=staff.branch, name="王芳", id_number=id_number("19850308", "442"))
    second = MemberFactory(branch=staff.branch, name="王芳", id_number=id_number("19850308", "462"))
    stream = simple_payroll([["王芳", second.id_number, 3000], ["王芳", first.id_number, 8000]])
    result = run(staff.branch, stream)
    assert result.written
    assert DuesBasis.objects.get(member=first).monthly_base == Decimal("8000.00")
    assert DuesBasis.objects.get(member=second).monthly_base == Decimal("3000.00")


def test_a_member_without_an_identity_number_on_file_is_found_by_name(staff):
    # 甲组长's record has no identity number; the payroll has one.
    result = run(staff.branch, simple_payroll([["甲组长", id_number("19800101", "111"), 4500]]))
    assert result.written
    assert DuesBasis.objects.get(member=staff.leader_a).monthly_base == Decimal("4500.00")


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(staff):
    MemberFactory(branch=staff.branch, name="普通党员")  # a second one, without an ID
    MemberFactory(branch=staff.branch, name="丙组党员")
    dues_basis_set(
        member=staff.secretary,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("6000"),
        starts_on=JANUARY,
        acting_user=UserFactory(),
    )
    before = bases_written()
    bad_check_digit = SECRETARY_ID[:17] + ("1" if SECRETARY_ID[17] != "1" else "2")
    stream = simple_payroll(
        [
            ["书记", SECRETARY_ID, 7000, None],  # row 2: right, but not written
            ["甲组长", None, -3000, None],  # 3: negative
            ["乙组长", LEADER_B_ID, None, None],  # 4: blank
            ["乙组党员一", None, "三千元", None],  # 5: text
            ["普通党员", None, 4000, None],  # 6: two members of that name
            ["陌生人", None, "四千", None],  # 7: nobody of that name: skipped, unread
            ["乙组党员二", None, 4000, "临时"],  # 8: an unknown category
            ["乙组党员二", MEMBER_ID, 4000, None],  # 9: 普通党员's identity number
            ["书记", bad_check_digit, 4000, None],  # 10: a wrong check digit
            ["丙组党员", None, 123456789, None],  # 11: too large for the base
        ],
        ("姓名", "身份证号", "党费基数", "类别"),
    )
    result = run(staff.branch, stream)
    assert not result.written
    assert [(row, column, header) for row, column, header, _ in errors_of(result)] == [
        (3, "C", "党费基数"),
        (4, "C", "党费基数"),
        (5, "C", "党费基数"),
        (6, "A", "姓名"),
        (8, "D", "类别"),
        (9, "B", "身份证号"),
        (10, "B", "身份证号"),
        (11, "C", "党费基数"),
    ]
    messages = {row: message for row, _, _, message in errors_of(result)}
    assert "-3000" in messages[3]
    assert "三千元" in messages[5]
    assert "2" in messages[6] and "身份证号" in messages[6]
    assert "普通党员" in messages[9]
    assert [(row.number, row.name) for row in result.skipped] == [(7, "陌生人")]
    assert bases_written() == before
    assert DuesBasis.objects.get(member=staff.secretary).monthly_base == Decimal("6000.00")


def test_two_rows_for_one_member_name_each_other(staff):
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["书记", None, 7000]])
    result = run(staff.branch, stream)
    assert [(e.row, e.column) for e in result.errors] == [(2, "A"), (3, "A")]
    assert "2" in result.errors[0].message and "3" in result.errors[0].message
    assert DuesBasis.objects.count() == 0


def test_a_sheet_of_pay_items_reports_a_tax_larger_than_the_pay_and_an_empty_row(staff):
    stream = simple_payroll(
        [["书记", 3000, None, 3500], ["普通党员", None, None, 0]],
        ("姓名", "岗位工资", "津贴补贴", "个人所得税"),
    )
    result = run(staff.branch, stream)
    assert [(e.row, e.column, e.header) for e in result.errors] == [
        (2, "D", "个人所得税"),
        (3, "B", "岗位工资"),
    ]


# --------------------------------------------------------------------------- staff, not members


def skipped_of(result) -> list[tuple]:
    return [(row.number, row.name, row.namesake_row) for row in result.skipped]


def test_the_rows_of_staff_who_are_not_members_are_skipped_and_the_members_imported(staff):
    result = run(staff.branch, whole_staff_payroll(others=12))
    assert result.written and result.errors == [] and result.refusal == ""
    assert [(row.number, row.member.name, row.base) for row in result.rows] == [
        (2, "书记", Decimal("7000.00")),
        (3, "普通党员", Decimal("4000.00")),
        (4, "乙组长", Decimal("5000.00")),
    ]
    # Their cells are not read: 教师00 and 教师10 have 待定 for the pay and 临时工 for 类别.
    assert skipped_of(result) == [(5 + index, f"教师{index:02d}", None) for index in range(12)]
    assert DuesBasis.objects.count() == 3
    assert "12" in result.summary()


def test_the_members_with_no_row_are_listed_and_keep_their_bases(staff):
    dues_basis_set(
        member=staff.leader_a,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("3000"),
        starts_on=datetime.date(2025, 1, 1),
        acting_user=UserFactory(),
    )
    result = run(staff.branch, whole_staff_payroll(others=3))
    assert result.written
    assert [member.name for member in result.absent] == ["乙组党员一", "乙组党员二", "甲组长"]
    assert DuesBasis.objects.get(member=staff.leader_a).monthly_base == Decimal("3000.00")


def test_a_file_in_which_no_row_is_a_members_is_refused(staff):
    # Another branch's payroll: its secretary, a teacher who is not a member.
    stream = simple_payroll([["外支部书记", None, 6000], ["教师", staff_id(1), 5000]])
    result = run(staff.branch, stream)
    assert not result.written and result.errors == []
    assert "一支部" in result.refusal
    assert skipped_of(result) == [(2, "外支部书记", None), (3, "教师", None)]
    assert DuesBasis.objects.count() == 0


def test_a_file_with_no_rows_at_all_is_refused(staff):
    result = run(staff.branch, simple_payroll([]))
    assert not result.written and result.refusal
    assert result.rows == result.skipped == result.errors == []


def test_members_off_the_roll_are_skipped(staff):
    Member.objects.filter(pk=staff.member.pk).update(status="transferred_out")
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["普通党员", MEMBER_ID, 4000]])
    result = run(staff.branch, stream)
    assert result.written
    assert skipped_of(result) == [(3, "普通党员", None)]
    assert not DuesBasis.objects.filter(member=staff.member).exists()


def test_a_namesake_with_another_identity_number_is_skipped_when_the_member_has_a_row(staff):
    stream = simple_payroll([["普通党员", staff_id(1), 3000], ["普通党员", MEMBER_ID, 4000]])
    result = run(staff.branch, stream)
    assert result.written
    assert skipped_of(result) == [(2, "普通党员", 3)]
    assert DuesBasis.objects.get(member=staff.member).monthly_base == Decimal("4000.00")


def test_a_members_name_with_another_identity_number_and_no_row_of_theirs_is_an_error(staff):
    # Someone else of the same name, or a wrong number in the sheet or on file: not told.
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["普通党员", staff_id(1), 3000]])
    result = run(staff.branch, stream)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "B")]
    assert "普通党员" in result.errors[0].message
    assert result.skipped == []
    assert DuesBasis.objects.count() == 0


def test_namesakes_one_without_an_identity_number_on_file_cannot_be_told_from_a_stranger(staff):
    MemberFactory(branch=staff.branch, name="普通党员")  # no identity number on file
    stream = simple_payroll(
        [["书记", SECRETARY_ID, 7000], ["普通党员", MEMBER_ID, 4000], ["普通党员", staff_id(1), 1]]
    )
    result = run(staff.branch, stream)
    assert [(e.row, e.column) for e in result.errors] == [(4, "B")]
    assert "2" in result.errors[0].message and "普通党员" in result.errors[0].message


def test_an_invalid_identity_number_is_an_error_even_in_a_row_that_may_be_no_members(staff):
    bad_check_digit = staff_id(1)[:17] + ("1" if staff_id(1)[17] != "1" else "2")
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["陌生人", bad_check_digit, 3000]])
    result = run(staff.branch, stream)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "B")]
    assert DuesBasis.objects.count() == 0


def test_two_rows_for_one_member_are_reported_even_when_one_is_also_wrong(staff):
    stream = simple_payroll([["书记", SECRETARY_ID, 7000], ["书记", None, "七千"]])
    result = run(staff.branch, stream)
    assert [(e.row, e.column) for e in result.errors] == [(2, "A"), (3, "A"), (3, "C")]
    assert DuesBasis.objects.count() == 0


def test_the_rows_found_by_name_alone_are_marked(staff):
    stream = simple_payroll(
        [
            ["书记", SECRETARY_ID, 7000],  # by the number
            ["普通党员", None, 4000],  # no number in the row
            ["甲组长", id_number("19800101", "111"), 4500],  # no number on file
        ]
    )
    result = run(staff.branch, stream, dry_run=True)
    assert [(row.member.name, row.by_name) for row in result.rows] == [
        ("书记", False),
        ("普通党员", True),
        ("甲组长", True),
    ]


def test_the_preview_shows_old_and_new_bases_and_writes_nothing(staff):
    clerk = UserFactory()
    for member, base in [(staff.secretary, "6000"), (staff.member, "4000")]:
        dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal(base),
            starts_on=datetime.date(2025, 1, 1),
            acting_user=clerk,
        )
    dues_basis_set(
        member=staff.secretary,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("12000"),
        starts_on=datetime.date(2026, 7, 1),
        acting_user=clerk,
    )
    before = bases_written()
    result = run(staff.branch, school_payroll(), dry_run=True)
    assert not result.written and result.errors == []
    rows = {row.member.name: row for row in result.rows}
    secretary = rows["书记"]
    assert secretary.old.monthly_base == Decimal("6000.00")
    assert secretary.old_amount == Decimal("90.00")
    assert (secretary.base, secretary.amount) == (Decimal("7180.00"), Decimal("107.70"))
    assert secretary.later_from == datetime.date(2026, 7, 1)
    assert secretary.changed
    # 普通党员's base stays 4000.00 in service: nothing to write for her.
    assert rows["普通党员"].old.monthly_base == Decimal("4000.00")
    assert not rows["普通党员"].changed
    assert rows["乙组长"].old is None
    assert {member.name for member in result.absent} == {"甲组长", "乙组党员一", "乙组党员二"}
    assert result.total_amount == Decimal("172.70")  # 107.70 + 40.00 + 25.00
    assert (len(result.changed), result.unchanged) == (2, 1)
    assert bases_written() == before


def test_an_unchanged_base_writes_no_history(staff):
    dues_basis_set(
        member=staff.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("4000"),
        starts_on=datetime.date(2025, 1, 1),
        acting_user=UserFactory(),
    )
    before = bases_written()
    result = run(staff.branch, simple_payroll([["普通党员", MEMBER_ID, "4000.00"]]))
    assert result.written and result.changed == []
    assert bases_written() == before


def test_a_basis_of_the_same_month_is_replaced(staff):
    dues_basis_set(
        member=staff.member,
        category=DuesCategory.IN_SERVICE,
        monthly_base=Decimal("4000"),
        starts_on=datetime.date(2026, 3, 1),
        acting_user=UserFactory(),
    )
    result = run(
        staff.branch,
        simple_payroll([["普通党员", MEMBER_ID, 5200]]),
        starts_on=datetime.date(2026, 3, 15),
    )
    assert result.starts_on == datetime.date(2026, 3, 1)
    (basis,) = DuesBasis.objects.filter(member=staff.member)
    assert (basis.starts_on, basis.monthly_base) == (datetime.date(2026, 3, 1), Decimal("5200.00"))


def test_the_preview_costs_the_same_queries_for_any_number_of_rows(staff, query_counter):
    sheet = payroll_read(simple_payroll([["书记", SECRETARY_ID, 7000]]))
    user = UserFactory()

    def preview():
        dues_bases_import(
            branch=staff.branch, sheet=sheet, starts_on=JANUARY, acting_user=user, dry_run=True
        )

    def grow():
        member = MemberFactory(branch=staff.branch)
        dues_basis_set(
            member=member,
            category=DuesCategory.IN_SERVICE,
            monthly_base=Decimal("3000"),
            starts_on=datetime.date(2025, 1, 1),
            acting_user=user,
        )
        number = sheet.rows[-1].number + 1
        sheet.rows.append(RosterRow(number, {"name": member.name, "base": 3500}))
        sheet.rows.append(RosterRow(number + 1, {"name": f"教师{number}", "base": 3000}))

    query_counter.assert_constant(preview, grow)


def test_a_clash_while_writing_saves_no_base_at_all_and_says_so(staff, monkeypatch):
    written = []

    def set_then_clash(**kwargs):
        if written:  # the second member: as if someone had changed the records meanwhile
            raise IntegrityError("concurrent change")
        written.append(dues_basis_set(**kwargs))

    monkeypatch.setattr(payroll_import, "dues_basis_set", set_then_clash)
    result = run(staff.branch, school_payroll())
    assert len(written) == 1  # the first base was saved, then undone with the rest
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(7, "")]
    assert DuesBasis.objects.count() == 0
