"""A roster in .xls (Excel 97-2003, WPS) or .ods (LibreOffice) reads and imports exactly as
the same roster in .xlsx: the same header, merges, dates and identity numbers, the same
members created, the same errors for the same bad rows, and the same refusals."""

import io
import zipfile

import pytest
import xlwt
from django.core.management import call_command
from openpyxl import load_workbook

from groups.models import GroupMembership
from members.models import Member
from members.roster import RosterFileError, cells, reading, roster_error_workbook, roster_read
from members.roster.cells import CellError, parse_cell
from members.roster.columns import COLUMNS_BY_KEY
from members.roster.xls_extent import xls_extents
from tests.members.roster.other_formats import as_ods, as_xls
from tests.members.roster.test_importing import (
    LI_ID,
    WANG_ID,
    ZHANG_ID,
    errors_of,
    import_file,
    messy_roster,
    simple_roster,
)
from tests.members.roster.test_views import IMPORT_URL, PREVIEW_URL, token_of, upload

CONVERT = {"xls": as_xls, "ods": as_ods}


def parsed(sheet) -> list[tuple]:
    """Each row as the importer will use it: its number and its parsed values."""

    def value(key, raw):
        try:
            return parse_cell(COLUMNS_BY_KEY[key], raw)
        except CellError as error:
            return ("error", str(error))

    return [
        (row.number, {key: value(key, raw) for key, raw in row.values.items()})
        for row in sheet.rows
    ]


def outcomes_of(result) -> list[tuple]:
    return [
        (o.number, o.name, o.action, [(c.header, c.new) for c in o.changes])
        for o in result.outcomes
    ]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_it_reads_the_messy_roster_as_the_xlsx_one(db, kind):
    expected = roster_read(messy_roster())
    sheet = roster_read(CONVERT[kind](messy_roster()))
    assert sheet.title == expected.title == "花名册"
    assert sheet.header_rows == expected.header_rows == [4, 5]
    assert sheet.columns == expected.columns
    assert sheet.headers == expected.headers
    assert sorted(sheet.heading_merges) == sorted(expected.heading_merges)
    assert parsed(sheet) == parsed(expected)
    assert [row.values["group"] for row in sheet.rows] == ["A组", "A组", "A组", "B组"]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_it_imports_the_messy_roster_as_the_xlsx_one(world, kind):
    expected = outcomes_of(import_file(world.branch, messy_roster(), dry_run=True))
    user = world.secretary.user
    result = import_file(world.branch, CONVERT[kind](messy_roster()), acting_user=user)
    assert result.written and result.errors == []
    assert outcomes_of(result) == [(n, name, "create", c) for n, name, _, c in expected]
    zhang = Member.objects.get(name="张三")
    assert zhang.id_number == ZHANG_ID
    assert zhang.history.get().history_user == user
    current = GroupMembership.objects.current()
    assert current.get(member=zhang).group == world.group_a
    assert current.get(member__name="赵六").group == world.group_b
    # Imported again, nothing changes.
    again = import_file(world.branch, CONVERT[kind](messy_roster()))
    assert [o.action for o in again.outcomes] == ["unchanged"] * 4


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_it_reports_the_same_errors_for_the_same_bad_rows_and_writes_nothing(world, kind):
    bad_check_digit = ZHANG_ID[:17] + ("1" if ZHANG_ID[17] != "1" else "2")
    rows = [
        ["李四", "女", LI_ID, "1990-01-15"],
        ["张三", "男", bad_check_digit, "1985-03-08"],
        ["王五", "男", WANG_ID, "七月"],
        ["赵六", "女", float(ZHANG_ID[:17] + "0"), 2009.1],  # numbers, as Excel keeps them
    ]
    expected = errors_of(import_file(world.branch, simple_roster(rows)))
    assert len(expected) == 4
    members, history = Member.objects.count(), Member.history.count()
    result = import_file(world.branch, CONVERT[kind](simple_roster(rows)))
    assert not result.written
    assert errors_of(result) == expected
    assert (Member.objects.count(), Member.history.count()) == (members, history)


def test_an_ods_file_without_its_merges_loses_the_merged_group_names(db):
    # What a reader without merge information would see (calamine reports none for .ods;
    # reading.py reads them from content.xml): the two-row header is still found, since the
    # sub-headings sit under empty cells, but a group name merged over three rows is only
    # on the first of them, so the other two members would be placed in no group.
    sheet = roster_read(as_ods(messy_roster(), keep_merges=False))
    assert sheet.header_rows == [4, 5]
    assert sheet.columns == roster_read(messy_roster()).columns
    assert [row.values["group"] for row in sheet.rows] == ["A组", None, None, "B组"]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_it_refuses_more_rows_than_the_limit(db, settings, kind):
    settings.ROSTER_IMPORT_MAX_ROWS = 3
    with pytest.raises(RosterFileError, match="3"):
        roster_read(CONVERT[kind](messy_roster()))


# --------------------------------------------------------------------------- refused files


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_it_refuses_a_truncated_file_as_damaged(db, kind):
    content = CONVERT[kind](messy_roster()).getvalue()
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(content[: len(content) // 2]))
    damaged = reading._locked_or_damaged() if kind == "xls" else reading._damaged()
    assert refused.value.message == damaged.message


def test_a_text_file_renamed_to_xls_or_ods_is_not_a_spreadsheet(db, tmp_path):
    for name in ("花名册.xls", "花名册.ods"):
        path = tmp_path / name
        path.write_text("姓名,性别\n张三,男\n")
        with pytest.raises(RosterFileError) as refused:
            roster_read(path)
        assert refused.value.message == reading._not_a_spreadsheet().message
        assert ".xls" in refused.value.message and ".ods" in refused.value.message


def test_an_opendocument_text_is_not_a_spreadsheet(db):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(stream.getvalue()))
    assert refused.value.message == reading._not_a_spreadsheet().message


def _rezipped(source: io.BytesIO, change=lambda name, data: data, padding: int = 0) -> bytes:
    """The package again, each entry through `change`, with `padding` zero bytes added."""
    stream = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry.filename, change(entry.filename, old.read(entry)))
        if padding:
            with new.open("Pictures/padding.bin", "w") as padded:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(padding // len(chunk) + 1):
                    padded.write(chunk)
    return stream.getvalue()


def test_an_ods_with_broken_xml_is_damaged(db):
    def cut(name, data):
        return data[:300] if name == "content.xml" else data

    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(_rezipped(as_ods(messy_roster()), cut)))
    assert refused.value.message == reading._damaged().message


def test_an_ods_zip_bomb_is_refused_before_calamine_opens_it(db, monkeypatch):
    opened = []
    monkeypatch.setattr(reading, "_open_workbook", lambda *a, **k: opened.append(a))

    bomb = _rezipped(as_ods(messy_roster()), padding=reading.MAX_UNCOMPRESSED_BYTES)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(RosterFileError, match="MB"):
        roster_read(io.BytesIO(bomb))
    assert opened == []


def test_a_zip_that_lies_about_its_unpacked_size_is_refused_as_damaged(db, monkeypatch):
    opened = []
    monkeypatch.setattr(reading, "_open_workbook", lambda *a, **k: opened.append(a))
    content = bytearray(_rezipped(messy_roster()))
    # Declare 100 bytes for every entry in the central directory (uncompressed size field).
    offset = 0
    while (offset := content.find(b"PK\x01\x02", offset)) != -1:
        content[offset + 24 : offset + 28] = (100).to_bytes(4, "little")
        offset += 4
    with pytest.raises(RosterFileError) as refused:
        roster_read(io.BytesIO(bytes(content)))
    assert refused.value.message == reading._damaged().message
    assert opened == []


# --------------------------------------------------------------------------- the workbench


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_workbench_previews_an_xls_or_ods_upload(world, secretary_client, staging_dir, kind):
    response = upload(
        secretary_client, world.branch, CONVERT[kind](messy_roster()), name=f"花名册.{kind}"
    )
    token = token_of(response)
    (stored,) = staging_dir.iterdir()
    assert stored.suffix == f".{kind}"
    page = secretary_client.get(PREVIEW_URL, {"token": token})
    assert page.status_code == 200
    assert page.context["result"].errors == []
    assert len(page.context["result"].outcomes) == 4


def test_the_upload_form_accepts_the_three_formats(world, secretary_client):
    page = secretary_client.get(IMPORT_URL).content.decode()
    assert 'accept=".xlsx,.xls,.ods"' in page


def test_a_formula_error_in_an_xlsx_cell_is_reported_not_taken_for_blank(world):
    # calamine reads an error cell as ""; the importer puts the error's text back, as
    # openpyxl read it, so the row is refused instead of silently keeping the stored value.
    stream = simple_roster([["张三", "男", ZHANG_ID, "#N/A"], ["李四", "女", LI_ID, "1990-01-15"]])
    assert load_workbook(stream).active["D2"].data_type == "e"  # an error cell
    stream.seek(0)
    sheet = roster_read(stream)
    assert sheet.rows[0].values["birth_date"] == "#N/A"
    result = import_file(world.branch, simple_roster([["张三", "男", ZHANG_ID, "#N/A"]]))
    assert errors_of(result) == [(2, "D", "出生日期", cells._date_error("#N/A").args[0])]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_error_file_of_an_xls_or_ods_upload_is_the_xlsx_ones(world, kind):
    workbook = load_workbook(messy_roster())
    workbook.active["D7"] = "310110199001152421"  # 李四's check digit broken
    broken = io.BytesIO()
    workbook.save(broken)
    expected_sheet = roster_read(io.BytesIO(broken.getvalue()))
    sheet = roster_read(CONVERT[kind](io.BytesIO(broken.getvalue())))
    result = import_file(world.branch, CONVERT[kind](io.BytesIO(broken.getvalue())))
    assert errors_of(result) == errors_of(import_file(world.branch, io.BytesIO(broken.getvalue())))

    def cells_of(sheet, errors):
        returned = load_workbook(io.BytesIO(roster_error_workbook(sheet=sheet, errors=errors)))
        output = returned.active
        merges = sorted(str(r) for r in output.merged_cells.ranges)
        return merges, [[cell.value for cell in row] for row in output.iter_rows()]

    assert cells_of(sheet, result.errors) == cells_of(expected_sheet, result.errors)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_command_imports_an_xls_or_ods_file(world, tmp_path, kind):
    path = tmp_path / f"花名册.{kind}"
    path.write_bytes(CONVERT[kind](messy_roster()).getvalue())
    out = io.StringIO()
    call_command("import_roster", str(path), "--branch", "yi", stdout=out, stderr=io.StringIO())
    names = ["张三", "李四", "王五", "赵六"]
    assert Member.objects.filter(branch=world.branch, name__in=names).count() == 4


def test_a_sheet_stretched_by_a_stray_cell_is_refused_before_calamine_loads_it(db):
    # calamine holds the whole rectangle from A1 to the last cell: for XFD1048576 it asks
    # for 512 GB and aborts the process, so the extent is checked in the XML first.
    workbook = load_workbook(simple_roster([["张三", "男", ZHANG_ID, None]]))
    workbook.active["XFD1048576"] = "x"
    stream = io.BytesIO()
    workbook.save(stream)
    assert len(stream.getvalue()) < 10_000
    with pytest.raises(RosterFileError, match="1048576"):
        roster_read(io.BytesIO(stream.getvalue()))


@pytest.mark.parametrize("rows, columns", [(1_000_000, 10), (10_000, 10_000)])
def test_an_ods_sheet_of_repeated_cells_is_refused_before_calamine_expands_them(db, rows, columns):
    # A 2 kB file: one row repeated, one cell in it repeated; calamine would expand them.
    stream = as_ods(simple_roster([["张三", "男", ZHANG_ID, None]]))
    repeated = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
    ).encode()
    bomb = _rezipped(stream, lambda name, data: data.replace(b"</table:table>", repeated))
    assert len(bomb) < 10_000
    with pytest.raises(RosterFileError, match=f"{rows + 2}"):
        roster_read(io.BytesIO(bomb))


def test_an_xls_sheet_stretched_by_a_stray_cell_is_refused_before_calamine_opens_it(
    db, monkeypatch
):
    # calamine parses every .xls sheet when it opens the file, into one rectangle: a 6 kB
    # file with cells in A1 and IV65536 costs it a gigabyte.
    opened = []
    monkeypatch.setattr(reading, "_open_workbook", lambda *a, **k: opened.append(a))
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("花名册")
    sheet.write(0, 0, "姓名")
    sheet.write(65535, 255, "x")
    stream = io.BytesIO()
    workbook.save(stream)
    assert len(stream.getvalue()) < 10_000
    with pytest.raises(RosterFileError, match="65536"):
        roster_read(io.BytesIO(stream.getvalue()))
    assert opened == []


def test_the_extent_of_each_xls_sheet_is_read_from_its_records():
    workbook = xlwt.Workbook()
    first, second = workbook.add_sheet("说明"), workbook.add_sheet("花名册")
    first.write(0, 0, "请按模板填写")
    second.write(3, 1, "姓名")
    second.write(9, 4, 1.5)
    second.write(60000, 200, None, xlwt.easyxf("pattern: pattern solid;"))  # formatted, blank
    stream = io.BytesIO()
    workbook.save(stream)
    assert xls_extents(stream.getvalue()) == [(1, 1), (7, 4)]
    assert xls_extents(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == []  # left to calamine


def test_a_file_is_read_as_what_it_is_whatever_its_name(db, tmp_path):
    for kind, stream in (("xlsx", messy_roster()), ("ods", as_ods(messy_roster()))):
        path = tmp_path / f"{kind}-renamed.xls"
        path.write_bytes(stream.getvalue())
        assert [row.number for row in roster_read(path).rows] == [6, 7, 8, 9]
