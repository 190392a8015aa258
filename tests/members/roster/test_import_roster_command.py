"""manage.py import_roster: the same import from the command line, exiting non-zero when
anything is wrong."""

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from openpyxl import load_workbook

from members.models import Member
from members.roster import roster_import, roster_read
from tests.members.roster.test_importing import (
    LI_ID,
    ZHANG_ID,
    messy_roster,
    simple_roster,
)


@pytest.fixture
def roster_file(tmp_path):
    def write(stream, name="花名册.xlsx"):
        path = tmp_path / name
        path.write_bytes(stream.getvalue())
        return path

    return write


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_messy_roster_into_the_branch(world, roster_file):
    path = roster_file(messy_roster())
    out, err = run(path, "--branch", "yi", "--user", "secretary")
    assert err == ""
    assert (
        Member.objects.filter(
            branch=world.branch, name__in=["张三", "李四", "王五", "赵六"]
        ).count()
        == 4
    )
    assert Member.objects.get(name="张三").history.get().history_user == world.secretary.user
    assert "张三" in out
    assert "4" in out.splitlines()[-1]


def test_importing_the_same_file_again_changes_nothing(world, roster_file):
    path = roster_file(messy_roster())
    run(path, "--branch", "yi")
    history = Member.history.count()
    out, _ = run(path, "--branch", "yi")
    assert Member.history.count() == history
    assert "张三" not in out  # unchanged rows are not listed


def test_a_dry_run_writes_nothing(world, roster_file):
    members = Member.objects.count()
    out, _ = run(roster_file(messy_roster()), "--branch", "yi", "--dry-run")
    assert Member.objects.count() == members
    assert "张三" in out


def test_it_lists_every_problem_writes_the_error_file_and_fails(world, roster_file, tmp_path):
    path = roster_file(
        simple_roster(
            [
                ["张三", "男", ZHANG_ID, None],
                ["李四", "女", "310110199001152421", None],
                ["王五", "男", ZHANG_ID, None],
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_roster", str(path), "--branch", "yi", stderr=err)
    sheet = roster_read(path)
    expected = roster_import(
        branch=world.branch, rows=sheet.rows, sheet=sheet, acting_user=None, dry_run=True
    )
    # Rows 2 and 4 share an identity number; row 3's check digit is wrong.
    assert [(e.row, e.column) for e in expected.errors] == [(2, "C"), (3, "C"), (4, "C")]
    assert err.getvalue().splitlines() == [str(e) for e in expected.errors]
    errors_path = tmp_path / "花名册-errors.xlsx"
    assert str(errors_path) in str(failed.value)
    returned = load_workbook(errors_path).active
    assert returned["B3"].value == "女"
    assert returned["E3"].value  # the reason
    assert not Member.objects.filter(name__in=["张三", "李四", "王五"]).exists()


def test_it_exits_non_zero_on_errors(world, roster_file):
    path = roster_file(simple_roster([["李四", "女", "310110199001152421", None]]))
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_roster", str(path), "--branch", "yi"])
    assert exited.value.code == 1


def test_it_refuses_a_file_that_is_not_a_workbook(world, roster_file):
    path = roster_file(io.BytesIO(b"name,gender\n"), "roster.csv")
    with pytest.raises(CommandError, match=r"\.xlsx"):
        run(path, "--branch", "yi")


def test_it_refuses_a_file_with_too_many_rows(world, roster_file, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 2
    with pytest.raises(CommandError, match="2"):
        run(roster_file(messy_roster()), "--branch", "yi")
    assert not Member.objects.filter(name="张三").exists()


def test_it_names_the_branch_codes_when_the_code_is_wrong(world, roster_file):
    with pytest.raises(CommandError, match="yi"):
        run(roster_file(messy_roster()), "--branch", "nope")


def test_it_refuses_an_unknown_user(world, roster_file):
    with pytest.raises(CommandError, match="nobody"):
        run(roster_file(messy_roster()), "--branch", "yi", "--user", "nobody")


def test_it_refuses_a_missing_file(world, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "missing.xlsx", "--branch", "yi")


def test_it_imports_into_the_branch_its_code_names(world, roster_file):
    run(roster_file(simple_roster([["李四", "女", LI_ID, None]])), "--branch", "er")
    assert Member.objects.get(name="李四").branch == world.other_branch
