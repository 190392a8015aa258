"""`manage.py render_report` prints a year-end document to a file without a browser, and
`manage.py check` warns when the documents could not print Chinese."""

import io
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as WordDocument

from reports import checks
from reports.models import YearDocument
from reports.yearend import services
from reports.yearend.text import Section


def pdf_text(path) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def test_it_prints_the_first_draft_without_saving_it(world, tmp_path):
    output = tmp_path / "总结.pdf"
    call_command(
        "render_report",
        "summary",
        "--branch",
        "yi",
        "--year",
        "2026",
        "-o",
        output,
        stdout=io.StringIO(),
    )
    text = pdf_text(output)
    assert "一支部2026年工作总结" in text
    assert "一、基本情况" in text
    assert not YearDocument.objects.exists()


def test_it_prints_the_latest_version_of_an_opened_document_as_word(world, tmp_path):
    document = services.document_open(
        branch=world.branch,
        group=world.group_b,
        kind="plan",
        year=2027,
        acting_user=world.leader_b.user,
    )
    services.document_save(
        document=document,
        title="B组的计划",
        sections=[Section("guidance", "指导思想", "我们的指导思想。")],
        based_on=1,
        acting_user=world.leader_b.user,
    )
    output = tmp_path / "plan.docx"
    call_command(
        "render_report",
        "group-plan",
        "--branch=yi",
        "--year=2027",
        "--group=B组",
        f"-o={output}",
        stdout=io.StringIO(),
    )
    paragraphs = [p.text for p in WordDocument(output).paragraphs]
    assert "B组的计划" in paragraphs and "我们的指导思想。" in paragraphs


@pytest.mark.parametrize(
    "arguments",
    [
        ["summary", "--branch=nope", "--year=2026"],
        ["group-summary", "--branch=yi", "--year=2026"],
        ["group-summary", "--branch=yi", "--year=2026", "--group=Z组"],
        ["summary", "--branch=yi", "--year=2026", "--group=A组"],
    ],
)
def test_it_refuses_what_it_cannot_print(world, tmp_path, arguments):
    with pytest.raises(CommandError):
        call_command("render_report", *arguments, f"-o={tmp_path / 'x.pdf'}")
    assert not (tmp_path / "x.pdf").exists()


def test_it_needs_a_format_it_knows(world, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "render_report", "summary", "--branch=yi", "--year=2026", f"-o={tmp_path / 'x.txt'}"
        )


def test_the_check_is_quiet_with_the_free_faces_installed():
    assert checks.check_cjk_fonts() == []


def test_the_check_warns_without_any_chinese_font(tmp_path, monkeypatch):
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setattr(checks, "FC_LIST", str(fake))
    assert [message.id for message in checks.check_cjk_fonts()] == ["reports.W002"]


def test_the_check_warns_when_it_cannot_ask_fontconfig(monkeypatch):
    monkeypatch.setattr(checks, "FC_LIST", "no-such-fc-list")
    assert [message.id for message in checks.check_cjk_fonts()] == ["reports.W001"]


def test_the_check_warns_of_a_named_face_that_is_not_installed(settings):
    settings.DOCUMENT_FONTS = {"body": "不存在的仿宋", "heading": "Noto Sans CJK SC"}
    messages = checks.check_cjk_fonts()
    assert [message.id for message in messages] == ["reports.W003"]
    assert "不存在的仿宋" in messages[0].msg
