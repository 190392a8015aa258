"""Reading messy roster files and importing them: all rows or none, the model's own checks,
matching people already on file, and nothing written for rows that change nothing."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from branchsite.audit import audited_save
from branchsite.xlsx import DATE_FORMAT
from groups.models import GroupMembership
from members.models import Category, Gender, Member
from members.roster import (
    Action,
    RosterFileError,
    cells,
    importing,
    reading,
    roster_error_workbook,
    roster_import,
    roster_read,
)
from members.roster.cells import CellError, parse_date
from members.validators import id_check_character, validate_id_number
from tests.factories import MemberFactory, UserFactory, member_in_group

# --------------------------------------------------------------------------- fixture files


def id_number(birth: str = "19850308", sequence: str = "124", region: str = "310110") -> str:
    """A valid identity number; the third digit of `sequence` is odd for a man."""
    first = region + birth + sequence
    return first + id_check_character(first)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def xlsx(workbook: Workbook) -> io.BytesIO:
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def simple_roster(
    rows: list[list], headers=("姓名", "性别", "公民身份号码", "出生日期")
) -> io.BytesIO:
    """A plain roster: headers in row 1, data from row 2."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    return xlsx(workbook)


ZHANG_ID = id_number("19850308", "123")  # a man
LI_ID = id_number("19900115", "242")  # a woman
WANG_ID = id_number("19780620", "351")  # a man
ZHAO_ID = id_number("19821111", "462")  # a woman


def messy_roster(*, trailing_blank_rows: int = 3) -> io.BytesIO:
    """A roster as schools really send it: a merged title and a note above the header, the
    header in rows 4–5 with merged cells and a parent heading over two date columns, synonyms
    for column names, every date format, identity numbers with full-width digits and
    spaces, a group name merged over three rows, and blank rows at the end."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet["A1"] = "奉教院附小党支部党员花名册"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "填报日期：2024年3月"
    headers = [
        "序号",
        "姓 名",
        "性别",
        "身份证号",
        "出生年月",
        "党内时间",
        None,
        "党小组",
        "手机",
        "民族",
    ]
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=4, column=column, value=header)
    for column in "ABCDEHIJ":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("F4:G4")
    sheet["F5"] = "入党时间"
    sheet["G5"] = "转正时间"
    zhang_id = full_width(ZHANG_ID[:6]) + " " + ZHANG_ID[6:]  # full-width digits, a space
    data = [
        # 序号, 姓名, 性别, 身份证号, 出生年月, 入党时间, 转正时间, 党小组, 手机, 民族
        [1, "张  三", "男", zhang_id, datetime.datetime(1985, 3, 8), "2009.07", "2010年7月1日",
         "A组", "138 0013 8000", "汉"],
        [2, "李四", "女", LI_ID.lower(), 32888, 39995, 20100701, None, 13900139000, "汉族"],
        [3, "王五", "男", WANG_ID, "1978/6/20", "2009/7/1", "2010-07-01", None, "021-57123456",
         "回族"],
        [4, "赵六", "女", ZHAO_ID, "19821111", 2009.07, "2010.7.1", "B组", "", "汉族"],
    ]  # fmt: skip
    for offset, row in enumerate(data):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=6 + offset, column=column, value=value)
    sheet.merge_cells("H6:H8")  # 张三, 李四 and 王五 are all in A组
    for offset in range(trailing_blank_rows):
        sheet.cell(row=10 + offset, column=2, value="   ")
    return xlsx(workbook)


# --------------------------------------------------------------------------- reading


def test_it_finds_a_two_row_header_with_merged_cells_under_a_merged_title(db):
    sheet = roster_read(messy_roster())
    assert sheet.title == "花名册"
    assert sheet.header_rows == [4, 5]
    assert sheet.columns == {
        "name": 2,
        "gender": 3,
        "id_number": 4,
        "birth_date": 5,
        "joined_on": 6,
        "full_member_on": 7,
        "group": 8,
        "phone": 9,
        "ethnicity": 10,
    }
    assert sheet.headers["id_number"] == "身份证号"
    assert sheet.headers["joined_on"] == "入党时间"
    assert [row.number for row in sheet.rows] == [6, 7, 8, 9]  # blank rows at the end skipped


def test_it_fills_a_group_name_merged_over_several_rows(db):
    sheet = roster_read(messy_roster())
    assert [row.values["group"] for row in sheet.rows] == ["A组", "A组", "A组", "B组"]


def test_it_reads_the_header_in_row_one_too(db):
    sheet = roster_read(simple_roster([["张三", "男", ZHANG_ID, None]]))
    assert sheet.header_rows == [1]
    assert sheet.rows[0].number == 2
    assert sheet.rows[0].values["id_number"] == ZHANG_ID


@pytest.mark.parametrize(
    "header, key",
    [
        ("身份证号", "id_number"),
        ("身份证号码", "id_number"),
        ("公民身份号码（18位）", "id_number"),
        ("入党时间", "joined_on"),
        ("加入党组织日期", "joined_on"),
        ("转正时间", "full_member_on"),
        ("转为正式党员日期", "full_member_on"),
        ("电话", "phone"),
        ("手机", "phone"),
        ("联系电话", "phone"),
        ("*出生日期", "birth_date"),
        ("组室", "office"),
        ("文化程度", "education"),
    ],
)
def test_it_knows_the_usual_names_of_each_column(db, header, key):
    sheet = roster_read(simple_roster([["张三", "x"]], headers=("姓名", header)))
    assert sheet.columns[key] == 2


def test_of_two_columns_for_one_field_it_takes_the_one_with_the_registry_name(db):
    stream = simple_roster([["张三", "021-57123456", "13800138000"]], ("姓名", "电话", "联系电话"))
    sheet = roster_read(stream)
    assert sheet.columns["phone"] == 3
    assert sheet.rows[0].values["phone"] == "13800138000"


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime.datetime(2009, 7, 1), datetime.date(2009, 7, 1)),
        (datetime.date(2009, 7, 1), datetime.date(2009, 7, 1)),
        (39995, datetime.date(2009, 7, 1)),  # an Excel serial number without a date format
        (20090701, datetime.date(2009, 7, 1)),
        (2009.07, datetime.date(2009, 7, 1)),  # typed as a number: year and month
        (2009.12, datetime.date(2009, 12, 1)),
        (2009.2, datetime.date(2009, 2, 1)),
        (2009.0715, datetime.date(2009, 7, 15)),
        ("2009.07", datetime.date(2009, 7, 1)),
        ("2009.7", datetime.date(2009, 7, 1)),
        ("2009.1", datetime.date(2009, 1, 1)),  # as text it is what was typed
        ("2009年7月1日", datetime.date(2009, 7, 1)),
        ("2009年7月", datetime.date(2009, 7, 1)),
        ("2009/7/1", datetime.date(2009, 7, 1)),
        ("20090701", datetime.date(2009, 7, 1)),
        ("200907", datetime.date(2009, 7, 1)),
        ("2009-07-01", datetime.date(2009, 7, 1)),
        ("2009-07-01 00:00:00", datetime.date(2009, 7, 1)),
        ("2009.07.01", datetime.date(2009, 7, 1)),
        (" ２００９年７月１日 ", datetime.date(2009, 7, 1)),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_dates_in_every_shape_excel_produces(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["2009.13", "七月", "2009-02-30", "1850-01-01", "2009", 2009, 3.5, True]
)
def test_it_refuses_what_is_not_a_date(value):
    with pytest.raises(CellError):
        parse_date(value)


def test_it_refuses_a_number_that_could_be_january_or_october():
    with pytest.raises(CellError, match=r"2009\.1"):
        parse_date(2009.1)


def test_it_reads_the_dates_of_the_messy_file(world):
    result = roster_import(
        branch=world.branch, rows=roster_read(messy_roster()).rows, acting_user=None
    )
    assert result.errors == []
    people = {m.name: m for m in Member.objects.filter(name__in=["张三", "李四", "王五", "赵六"])}
    assert set(people) == {"张三", "李四", "王五", "赵六"}
    for member in people.values():
        assert member.joined_on == datetime.date(2009, 7, 1)
        assert member.full_member_on == datetime.date(2010, 7, 1)
    assert people["张三"].id_number == ZHANG_ID
    assert people["张三"].birth_date == datetime.date(1985, 3, 8)
    assert people["李四"].birth_date == datetime.date(1990, 1, 15)  # serial 32888
    assert people["李四"].id_number == LI_ID  # lower-case x (if any) folded
    assert people["张三"].phone == "13800138000"
    assert people["李四"].phone == "13900139000"
    assert people["张三"].ethnicity == "汉族"
    assert people["王五"].ethnicity == "回族"


# --------------------------------------------------------------------------- refused files


def test_it_refuses_a_file_that_is_not_a_workbook(db):
    with pytest.raises(RosterFileError, match=r"\.xlsx"):
        roster_read(io.BytesIO("姓名,性别\n张三,男\n".encode()))


def test_it_refuses_an_unreadable_ole2_file_as_locked_or_damaged(db):
    # An encrypted .xlsx is an OLE2 file like an .xls: calamine cannot tell them apart.
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(reading.OLE2_MAGIC + b"\0" * 600))
    assert refused.value.message == reading._locked_or_damaged().message


def test_it_refuses_a_zip_that_is_not_a_workbook(db):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(RosterFileError, match=r"\.xlsx"):
        roster_read(io.BytesIO(stream.getvalue()))


def test_it_refuses_a_corrupt_workbook(db):
    content = messy_roster().getvalue()
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(content[: len(content) // 2]))
    assert refused.value.message == reading._damaged().message


def test_it_refuses_a_workbook_with_broken_xml(db):
    stream = io.BytesIO()
    with zipfile.ZipFile(messy_roster()) as source, zipfile.ZipFile(stream, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data[:200]
            target.writestr(entry, data)
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(stream.getvalue()))
    assert refused.value.message == reading._damaged().message


def test_it_refuses_a_zip_bomb_before_opening_it(db, monkeypatch):
    opened = []
    monkeypatch.setattr(reading, "_open_workbook", lambda *a, **k: opened.append(a))
    stream = io.BytesIO()
    with (
        zipfile.ZipFile(messy_roster()) as source,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        with target.open("xl/media/padding.bin", "w") as padding:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(reading.MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                padding.write(chunk)
    bomb = stream.getvalue()
    assert len(bomb) < 1024 * 1024  # small on disk…
    with pytest.raises(RosterFileError, match="MB"):
        roster_read(io.BytesIO(bomb))
    assert opened == []  # …and refused before calamine saw it


def test_it_refuses_a_file_larger_than_the_limit(db, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1000
    with pytest.raises(RosterFileError, match="MB"):
        roster_read(messy_roster())


def test_it_refuses_more_rows_than_the_limit(db, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 3
    with pytest.raises(RosterFileError, match="3"):
        roster_read(messy_roster())
    settings.ROSTER_IMPORT_MAX_ROWS = 4
    assert len(roster_read(messy_roster()).rows) == 4


def test_it_stops_reading_a_huge_sheet_early(db, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 10
    rows = [[f"党员{n}", "女", None, None] for n in range(5000)]
    with pytest.raises(RosterFileError):
        roster_read(simple_roster(rows))


def test_it_refuses_a_sheet_without_a_header_row(db):
    workbook = Workbook()
    workbook.active.append(["张三", "男", ZHANG_ID])
    with pytest.raises(RosterFileError, match="姓名"):
        roster_read(xlsx(workbook))


def test_it_uses_the_first_sheet_that_has_a_roster(db):
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active["A1"] = "请按模板填写"
    sheet = workbook.create_sheet("党员")
    sheet.append(["姓名", "公民身份号码"])
    sheet.append(["张三", ZHANG_ID])
    assert roster_read(xlsx(workbook)).title == "党员"


# --------------------------------------------------------------------------- importing


def import_file(branch, stream, *, acting_user=None, dry_run=False):
    sheet = roster_read(stream)
    return roster_import(
        branch=branch, rows=sheet.rows, sheet=sheet, acting_user=acting_user, dry_run=dry_run
    )


def test_it_creates_members_places_them_and_records_who_did_it(world):
    user = world.secretary.user
    result = import_file(world.branch, messy_roster(), acting_user=user)
    assert result.written
    assert [o.action for o in result.outcomes] == [Action.CREATE] * 4
    zhang = Member.objects.get(name="张三")
    assert zhang.gender == Gender.MALE
    assert zhang.category == Category.FULL
    assert zhang.history.get().history_user == user
    current = GroupMembership.objects.current()
    assert current.get(member=zhang).group == world.group_a
    assert current.get(member__name="赵六").group == world.group_b
    assert current.get(member=zhang).history.get().history_user == user


def test_it_updates_a_member_found_by_identity_number_and_lists_the_changes(world):
    zhang = member_in_group(
        world.group_b, name="张三", gender=Gender.MALE, id_number=ZHANG_ID, phone="13700137000"
    )
    history = zhang.history.count()
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, "1985-03-08", "13800138000", "A组"]],
        headers=("姓名", "性别", "身份证号", "出生日期", "电话", "所在党小组"),
    )
    result = import_file(world.branch, stream)
    assert result.errors == []
    (outcome,) = result.outcomes
    assert outcome.action == Action.UPDATE
    assert [(c.header, c.old, c.new) for c in outcome.changes] == [
        ("电话", "13700137000", "13800138000"),
        ("所在党小组", "B组", "A组"),
    ]
    zhang.refresh_from_db()
    assert zhang.phone == "13800138000"
    assert zhang.history.count() == history + 1
    assert GroupMembership.objects.current().get(member=zhang).group == world.group_a
    assert Member.objects.filter(name="张三").count() == 1


def test_it_finds_a_member_without_identity_number_by_name_and_birth_date(world):
    zhang = MemberFactory(branch=world.branch, name="张三", gender=Gender.MALE, id_number="")
    result = import_file(world.branch, simple_roster([["张三", "男", ZHANG_ID, "1985.03.08"]]))
    assert [o.action for o in result.outcomes] == [Action.UPDATE]
    zhang.refresh_from_db()
    assert zhang.id_number == ZHANG_ID


def test_a_row_that_changes_nothing_writes_nothing(world):
    zhang = MemberFactory(branch=world.branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID)
    history = Member.history.count()
    result = import_file(world.branch, simple_roster([["张 三", "男", ZHANG_ID, 31114]]))
    assert [o.action for o in result.outcomes] == [Action.UNCHANGED]
    assert Member.history.count() == history
    assert Member.objects.get(pk=zhang.pk).name == "张三"


def test_blank_cells_and_missing_columns_keep_the_stored_values(world):
    zhang = MemberFactory(
        branch=world.branch,
        name="张三",
        gender=Gender.MALE,
        id_number=ZHANG_ID,
        phone="13800138000",
    )
    stream = simple_roster([["张三", ZHANG_ID, None]], headers=("姓名", "身份证号", "联系电话"))
    result = import_file(world.branch, stream)
    assert [o.action for o in result.outcomes] == [Action.UNCHANGED]
    zhang.refresh_from_db()
    assert zhang.phone == "13800138000"


def test_the_dues_month_ignores_the_day(world):
    zhang = MemberFactory(
        branch=world.branch,
        name="张三",
        gender=Gender.MALE,
        id_number=ZHANG_ID,
        dues_paid_until=datetime.date(2025, 6, 30),
    )
    stream = simple_roster(
        [["张三", ZHANG_ID, "2025.06"]], headers=("姓名", "身份证号", "党费缴至")
    )
    assert [o.action for o in import_file(world.branch, stream).outcomes] == [Action.UNCHANGED]
    zhang.refresh_from_db()
    assert zhang.dues_paid_until == datetime.date(2025, 6, 30)


def test_a_dry_run_reports_everything_and_writes_nothing(world):
    members, history = Member.objects.count(), Member.history.count()
    memberships = GroupMembership.objects.count()
    result = import_file(world.branch, messy_roster(), dry_run=True)
    assert result.errors == []
    assert not result.written
    assert result.created == 4
    assert (Member.objects.count(), Member.history.count()) == (members, history)
    assert GroupMembership.objects.count() == memberships


# --------------------------------------------------------------------------- refused rows


def errors_of(result) -> list[tuple]:
    return [(e.row, e.column, e.header, e.message) for e in result.errors]


def test_one_invalid_row_means_nothing_is_written_and_every_problem_is_listed(world):
    bad_check_digit = ZHANG_ID[:17] + ("1" if ZHANG_ID[17] != "1" else "2")
    with pytest.raises(ValidationError) as expected:
        validate_id_number(bad_check_digit)
    stream = simple_roster(
        [
            ["李四", "女", LI_ID, "1990-01-15"],
            ["张三", "男", bad_check_digit, "1985-03-08"],
            ["王五", "男", WANG_ID, "七月"],
        ]
    )
    members, history = Member.objects.count(), Member.history.count()
    result = import_file(world.branch, stream)
    assert not result.written
    assert errors_of(result) == [
        (3, "C", "公民身份号码", expected.value.messages[0]),
        (4, "D", "出生日期", cells._date_error("七月").args[0]),
    ]
    assert (Member.objects.count(), Member.history.count()) == (members, history)


@pytest.mark.parametrize(
    "stored",
    [int(ZHANG_ID[:15]) * 1000, float(ZHANG_ID[:17] + "0")],  # as Excel keeps it: 15 digits
)
def test_it_refuses_an_identity_number_that_excel_stored_as_a_number(world, stored):
    stream = simple_roster([["张三", "男", stored, None]])
    (problem,) = import_file(world.branch, stream).errors
    assert (problem.row, problem.column) == (2, "C")
    assert "15" in problem.message
    assert Member.objects.filter(name="张三").count() == 0


def test_it_names_both_rows_of_a_person_listed_twice(world):
    stream = simple_roster(
        [
            ["张三", "男", ZHANG_ID, None],
            ["李四", "女", LI_ID, None],
            ["张三", "男", ZHANG_ID, None],
        ]
    )
    result = import_file(world.branch, stream)
    assert [(e.row, e.column) for e in result.errors] == [(2, "C"), (4, "C")]
    assert all("2" in e.message and "4" in e.message for e in result.errors)
    assert not Member.objects.filter(name__in=["张三", "李四"]).exists()


def test_it_uses_the_models_own_messages(world):
    later_birth = "1986-03-08"
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, later_birth, "2011-07-01", "2010-07-01", "12345"]],
        headers=("姓名", "性别", "身份证号", "出生日期", "入党时间", "转正时间", "手机"),
    )
    result = import_file(world.branch, stream)
    messages = {e.header: e.message for e in result.errors}
    member = Member(
        branch=world.branch,
        name="张三",
        gender=Gender.MALE,
        id_number=ZHANG_ID,
        birth_date=datetime.date(1986, 3, 8),
        joined_on=datetime.date(2011, 7, 1),
        full_member_on=datetime.date(2010, 7, 1),
        phone="12345",
    )
    with pytest.raises(ValidationError) as expected:
        member.full_clean()
    assert messages["出生日期"] == expected.value.message_dict["birth_date"][0]
    assert messages["手机"] == expected.value.message_dict["phone"][0]
    assert messages["转正时间"] == _(
        "The date of full membership cannot be before the date of joining."
    )


def test_it_refuses_an_identity_number_of_another_branchs_member(world):
    MemberFactory(branch=world.other_branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID)
    (problem,) = import_file(world.branch, simple_roster([["张三", "男", ZHANG_ID, None]])).errors
    assert problem.column == "C"
    assert Member.objects.filter(id_number=ZHANG_ID).count() == 1


def test_it_refuses_an_unknown_group_naming_the_groups(world):
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, "D组"]], headers=("姓名", "性别", "身份证号", "党小组")
    )
    (problem,) = import_file(world.branch, stream).errors
    assert problem.column == "D"
    assert "A组" in problem.message and "B组" in problem.message


def test_it_refuses_a_row_without_a_name(world):
    stream = simple_roster([[None, "男", ZHANG_ID, None]])
    (problem,) = import_file(world.branch, stream).errors
    assert (problem.row, problem.column) == (2, "A")


def test_it_refuses_to_place_someone_not_on_the_roll_in_a_group(world):
    stream = simple_roster(
        [["张三", "男", ZHANG_ID, "入党积极分子", "A组"]],
        headers=("姓名", "性别", "身份证号", "人员类别", "党小组"),
    )
    (problem,) = import_file(world.branch, stream).errors
    assert problem.column == "E"
    assert not Member.objects.filter(name="张三").exists()


# --------------------------------------------------------------------------- the error file


def test_the_error_file_keeps_the_rows_where_they_were_and_adds_the_reasons(world):
    content = messy_roster().getvalue()
    workbook = load_workbook(io.BytesIO(content))
    workbook.active["D7"] = "310110199001152421"  # 李四's check digit broken
    broken = xlsx(workbook)
    sheet = roster_read(broken)
    result = roster_import(branch=world.branch, rows=sheet.rows, sheet=sheet, acting_user=None)
    (problem,) = result.errors
    assert (problem.row, problem.column, problem.header) == (7, "D", "身份证号")

    returned = load_workbook(io.BytesIO(roster_error_workbook(sheet=sheet, errors=result.errors)))
    cells = returned.active
    assert cells["A1"].value == "奉教院附小党支部党员花名册"
    merges = {str(r) for r in cells.merged_cells.ranges}
    assert {"A1:J1", "B4:B5", "F4:G4", "K4:K5"} <= merges  # as in the file, plus the reasons
    assert not any(str(r).startswith("H6") for r in cells.merged_cells.ranges)
    assert cells["H8"].value == "A组"  # the merged group name, filled down
    assert cells["B4"].value == "姓 名"
    assert cells["K4"].value == _("Errors")
    assert cells["B7"].value == "李四"
    assert cells["D7"].value == "310110199001152421"
    assert cells["D7"].fill.fgColor.rgb.endswith("FFC7CE")
    assert problem.message in cells["K7"].value
    assert cells["K6"].value is None
    assert cells["E6"].value == datetime.datetime(1985, 3, 8)
    assert cells["E6"].number_format == DATE_FORMAT

    # Fixed and imported again, the extra column is ignored.
    cells["D7"] = LI_ID
    again = roster_read(xlsx(returned))
    assert "K" not in {chr(64 + c) for c in again.columns.values()}
    assert roster_import(branch=world.branch, rows=again.rows, acting_user=None).written


def test_the_error_file_escapes_text_that_looks_like_a_formula(world):
    workbook = Workbook()
    workbook.active.append(["姓名", "性别", "公民身份号码"])
    workbook.active.append(['=HYPERLINK("x")', "男", "bad"])
    workbook.active["A2"].data_type = "s"  # text that looks like a formula, not a formula
    sheet = roster_read(xlsx(workbook))
    result = roster_import(branch=world.branch, rows=sheet.rows, sheet=sheet, acting_user=None)
    returned = load_workbook(io.BytesIO(roster_error_workbook(sheet=sheet, errors=result.errors)))
    cell = returned.active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("x")', "s", True)


def test_a_clash_with_a_concurrent_import_saves_nothing_and_says_so(world, monkeypatch):
    validate = importing.full_clean_many

    def validate_then_clash(instances, **options):
        problems = validate(instances, **options)
        if instances and isinstance(instances[0], Member):
            # Between the checks and the writes, another branch records 李四.
            MemberFactory(
                branch=world.other_branch, name="李四", gender=Gender.FEMALE, id_number=LI_ID
            )
        return problems

    monkeypatch.setattr(importing, "full_clean_many", validate_then_clash)
    stream = simple_roster([["张三", "男", ZHANG_ID, None], ["李四", "女", LI_ID, None]])
    result = import_file(world.branch, stream)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "")]
    assert result.errors[0].message == _(
        "The records changed while the roster was being imported; nothing was saved. "
        "Please import again."
    )
    assert not Member.objects.filter(name__in=["张三", "李四"]).exists()


def test_it_keeps_history_authorship_per_user(world):
    user = UserFactory(username="importer")
    import_file(world.branch, simple_roster([["张三", "男", ZHANG_ID, None]]), acting_user=user)
    assert Member.objects.get(name="张三").history.get().history_user == user


# --------------------------------------------------------------------------- bulk writes


def test_new_members_and_their_placements_are_recorded_as_created_by_the_acting_user(world):
    user = world.secretary.user
    import_file(world.branch, messy_roster(), acting_user=user)
    members = Member.objects.filter(name__in=["张三", "李四", "王五", "赵六"])
    assert len(members) == 4
    for member in members:
        (record,) = member.history.all()
        assert (record.history_type, record.history_user) == ("+", user)
        assert record.history_change_reason is None  # as a save() leaves it
        assert record.instance.id_number == member.id_number
        assert record.instance.birth_date == member.birth_date
        (placement,) = GroupMembership.history.filter(member_id=member.pk)
        assert (placement.history_type, placement.history_user) == ("+", user)


def test_the_history_of_an_imported_member_is_what_a_save_would_have_written(world):
    user = world.secretary.user
    import_file(world.branch, simple_roster([["张三", "男", ZHANG_ID, None]]), acting_user=user)
    imported = Member.objects.get(name="张三").history.get()
    saved = Member(branch=world.branch, name="李四", gender=Gender.FEMALE, id_number=LI_ID)
    audited_save(saved, acting_user=user)
    by_save = saved.history.get()
    ignored = {"history_id", "history_date", "id", "name", "gender", "id_number", "birth_date"}
    columns = [f.attname for f in Member.history.model._meta.fields if f.attname not in ignored]
    assert [getattr(imported, c) for c in columns] == [getattr(by_save, c) for c in columns]


def test_an_updated_member_gets_one_change_record_by_the_acting_user(world):
    user = world.secretary.user
    zhang = MemberFactory(
        branch=world.branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID, phone=""
    )
    stream = simple_roster(
        [["张三", ZHANG_ID, "13800138000"]], headers=("姓名", "身份证号", "手机")
    )
    import_file(world.branch, stream, acting_user=user)
    latest = zhang.history.latest()
    assert (latest.history_type, latest.history_user, latest.phone) == ("~", user, "13800138000")
    assert zhang.history.count() == 2


def test_every_problem_is_listed_even_when_found_while_writing(world):
    bad_check_digit = ZHANG_ID[:17] + ("1" if ZHANG_ID[17] != "1" else "2")
    stream = simple_roster(
        [["张三", "男", bad_check_digit, None, None], ["李四", "女", LI_ID, "入党积极分子", "A组"]],
        headers=("姓名", "性别", "身份证号", "人员类别", "党小组"),
    )
    result = import_file(world.branch, stream)
    assert [(e.row, e.column) for e in result.errors] == [(2, "C"), (3, "E")]
    assert result.errors[1].message == _(
        "%(name)s is not a Party member on the roll; only they belong in party groups."
    ) % {"name": "李四"}
    assert not Member.objects.filter(name__in=["张三", "李四"]).exists()


def test_the_import_runs_the_same_queries_for_3_rows_as_for_20(world, query_counter):
    def import_rows(count):
        rows = [
            [f"党员{n}", "女", id_number("19900115", f"{n:02d}2"), ("A组", "B组")[n % 2]]
            for n in range(count)
        ]
        stream = simple_roster(rows, headers=("姓名", "性别", "身份证号", "党小组"))
        sheet = roster_read(stream)

        def run():
            result = roster_import(
                branch=world.branch, rows=sheet.rows, acting_user=None, dry_run=True
            )
            assert result.errors == [] and result.created == count

        return query_counter.count(run)

    few, _sql = import_rows(3)
    many, sql = import_rows(20)
    assert many == few, "\n".join(sql)


def test_an_update_saves_what_validation_filled_in_as_well(world):
    zhang = MemberFactory(
        branch=world.branch, name="张三", gender=Gender.MALE, id_number=ZHANG_ID, birth_date=None
    )
    stream = simple_roster(
        [["张三", ZHANG_ID, "13800138000"]], headers=("姓名", "身份证号", "手机")
    )
    assert import_file(world.branch, stream).written
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.birth_date) == ("13800138000", datetime.date(1985, 3, 8))
    assert zhang.history.latest().birth_date == datetime.date(1985, 3, 8)
