"""The year-end document editor in Chromium (static/js/document-editor.js): the secretary
edits the draft of the 2026 summary with the figures shown as marked values, inserts one,
deletes one, makes a heading with the toolbar and saves; what is stored is the plain text
format of reports.yearend.text (tokens, one paragraph a line), never HTML. Pasting
formatted text stores its plain text. On a phone the toolbar fits without sideways
scrolling. Leaving with unsaved changes asks first; without JavaScript the textareas are
there as before."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reports.models import DocumentVersion
from reports.yearend.compose import document_figures
from reports.yearend.services import document_open
from reports.yearend.text import FIGURE, HEADING_LEVELS, chinese_numeral, normalise
from tests.browser.test_leader_login import PHONE, log_in
from tests.browser.test_meeting_phone import assert_fits_the_phone
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

LEVEL_2 = dict(HEADING_LEVELS)[2]


@pytest.fixture
def document(world):
    return document_open(
        branch=world.branch, kind="summary", year=2026, acting_user=world.secretary.user
    )


def draft_texts(document) -> dict[str, str]:
    return {section["key"]: section["text"] for section in document.versions.get(number=1).sections}


def saved_texts(document) -> dict[str, str]:
    latest = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    return {section["key"]: section["text"] for section in latest.sections}


def open_editor(page: Page, base_url: str, document) -> None:
    log_in(page, base_url, "secretary", PASSWORD)
    page.goto(base_url + reverse("reports:year_document", args=[document.pk]))
    expect(page.locator(".de-editable").first).to_be_visible()


def section(page: Page, key: str):
    return page.locator(f"fieldset[data-section='{key}']")


def caret_at_end(page: Page, key: str) -> None:
    """Click into the section's sheet, then Ctrl+End: the caret after its last character."""
    section(page, key).locator(".de-editable .doc-line").last.click()
    page.keyboard.press("Control+End")


def save(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#document-form button[type=submit]").click()


def test_the_secretary_edits_a_section_with_the_toolbar_and_the_plain_text_is_saved(
    live_server, transactional_db, document, page, failed_responses, artifacts_dir
):
    draft = draft_texts(document)
    figures = document_figures(document).values
    open_editor(page, live_server.url, document)

    # The draft's figures are chips showing today's values; the textareas are hidden.
    basic = section(page, "basic")
    expect(basic.locator("textarea")).to_be_hidden()
    expect(basic.locator(".figure-chip")).to_have_count(len(FIGURE.findall(draft["basic"])))
    total = basic.locator(".figure-chip[data-key='members.total']")
    expect(total).to_have_text(figures["members.total"].value)
    expect(total).to_have_attribute("title", figures["members.total"].label)
    expect(total).to_have_attribute("contenteditable", "false")
    missing = [key for key in FIGURE.findall(draft["work"]) if figures[key].missing]
    assert missing, "the seeded world should leave some of the work section's figures missing"
    expect(
        section(page, "work").locator(f".figure-chip.missing[data-key='{missing[0]}']").first
    ).to_have_text("【待补充】")
    expect(basic.locator(".doc-block[data-token='table:members_by_group']")).to_contain_text(
        "表格："
    )
    page.screenshot(path=artifacts_dir / "document-editor-1-desktop.png", full_page=True)

    # She types a sentence at the end of 存在问题 and inserts the number of members in it.
    caret_at_end(page, "problems")
    page.keyboard.press("Enter")
    page.keyboard.type("支部现有党员")
    problems = section(page, "problems")
    problems.get_by_role("button", name="插入数据").click()
    panel = problems.get_by_role("dialog", name="插入数据")
    expect(panel).to_be_visible()
    panel.get_by_role("searchbox", name="搜索数据").fill("members.total")
    panel.locator(".de-option").filter(has_text=figures["members.total"].label).first.click()
    expect(panel).to_be_hidden()
    page.keyboard.type("名，整改措施已经落实。")
    expect(problems.locator(".figure-chip[data-key='members.total']")).to_have_count(1)

    # She deletes the number of women members in 基本情况 with one Backspace after it.
    female = basic.locator(".figure-chip[data-key='members.female']")
    expect(female).to_have_count(1)
    female.evaluate(
        "chip => { const range = document.createRange(); range.setStartAfter(chip);"
        " range.collapse(true); const selection = getSelection(); selection.removeAllRanges();"
        " selection.addRange(range); }"
    )
    page.keyboard.press("Backspace")
    expect(female).to_have_count(0)

    # A new line at the end of 主要工作及成效 becomes the next level-2 heading.
    caret_at_end(page, "work")
    page.keyboard.press("Enter")
    page.keyboard.type("加强支部自身建设")
    work = section(page, "work")
    work.get_by_role("button", name="二级标题（一）").click()
    headings = [line for line in draft["work"].split("\n") if LEVEL_2.match(line)]
    expected_heading = f"（{chinese_numeral(len(headings) + 1)}）加强支部自身建设"
    new_heading = work.locator(".doc-line.doc-h2").last
    expect(new_heading).to_have_text(expected_heading)
    expect(work.get_by_role("button", name="二级标题（一）")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.screenshot(path=artifacts_dir / "document-editor-2-edited.png", full_page=True)

    save(page)
    saved = saved_texts(document)
    assert DocumentVersion.objects.filter(document=document).count() == 2
    assert saved["problems"] == (
        normalise(draft["problems"]) + "\n支部现有党员{{members.total}}名，整改措施已经落实。"
    )
    assert "{{members.female}}" not in saved["basic"]
    assert saved["basic"] == normalise(draft["basic"].replace("{{members.female}}", ""))
    assert saved["work"] == normalise(draft["work"]) + "\n" + expected_heading
    for key in ("opening", "next"):
        assert saved[key] == normalise(draft[key])  # untouched sections come back exactly
    for text in saved.values():
        assert "<" not in text and "\u00a0" not in text
    assert failed_responses == []


def select_chips(sheet, first: str, last: str) -> None:
    """Select from before the chip `first` to after the chip `last` (as a drag would)."""
    sheet.evaluate(
        """(sheet, [first, last]) => {
            const range = document.createRange();
            range.setStartBefore(sheet.querySelector(`[data-key='${first}']`));
            range.setEndAfter(sheet.querySelector(`[data-key='${last}']`));
            const selection = getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [first, last],
    )


def test_typing_over_figures_replaces_them_and_enter_makes_lines_not_line_breaks(
    live_server, transactional_db, document, page
):
    basic = draft_texts(document)["basic"].split("\n")
    open_editor(page, live_server.url, document)
    sheet = section(page, "basic").locator(".de-editable")
    textarea = section(page, "basic").locator("textarea")
    sheet.click()

    select_chips(sheet, "members.full", "members.probationary")
    page.keyboard.type("若干")
    start = basic[0].index("{{members.full}}")
    end = basic[0].index("{{members.probationary}}") + len("{{members.probationary}}")
    first = basic[0][:start] + "若干" + basic[0][end:]
    assert textarea.input_value().split("\n")[0] == first
    expect(
        sheet.locator("[data-key='members.full'], [data-key='members.probationary']")
    ).to_have_count(0)

    # Enter and Shift+Enter after the chip of the total: three lines, each its own div.
    select_chips(sheet, "members.total", "members.total")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Enter")
    cut = first.index("{{members.total}}") + len("{{members.total}}")
    assert textarea.input_value().split("\n")[:3] == [first[:cut], "", first[cut:]]
    lines = sheet.evaluate("s => [...s.children].map(c => c.tagName + '.' + c.className)")
    assert set(lines) <= {"DIV.doc-line", "DIV.doc-block"}
    # The one <br> is the empty line's placeholder, not a line break inside a paragraph.
    assert sheet.locator("br").count() == 1
    expect(sheet.locator(".doc-line").nth(1).locator("> br:only-child")).to_have_count(1)


def test_pasting_formatted_text_keeps_only_its_plain_text(
    live_server, transactional_db, document, page, failed_responses
):
    draft = draft_texts(document)
    open_editor(page, live_server.url, document)
    caret_at_end(page, "next")
    page.keyboard.press("Enter")
    sheet = section(page, "next").locator(".de-editable")
    sheet.evaluate(
        """(sheet) => {
            const data = new DataTransfer();
            data.setData("text/html",
                '<p style="color:red"><b>加强</b>党员<i>教育</i></p><p>共{{members.total}}名</p>');
            data.setData("text/plain", "加强党员教育\\n共{{members.total}}名");
            sheet.dispatchEvent(new ClipboardEvent("paste",
                {clipboardData: data, bubbles: true, cancelable: true}));
        }"""
    )
    # The token in the pasted text is a chip; nothing of the HTML is in the sheet.
    expect(sheet.locator(".figure-chip[data-key='members.total']")).to_have_count(1)
    assert sheet.locator("b, i, p, [style]").count() == 0

    save(page)
    assert saved_texts(document)["next"] == (
        normalise(draft["next"]) + "\n加强党员教育\n共{{members.total}}名"
    )
    assert failed_responses == []


def test_on_a_phone_the_toolbar_and_the_figure_list_fit_the_screen(
    live_server, transactional_db, document, new_page, failed_responses, artifacts_dir
):
    phone = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    open_editor(phone, live_server.url, document)
    toolbar = section(phone, "work").get_by_role("toolbar", name="编辑工具")
    expect(toolbar).to_be_visible()
    toolbar.scroll_into_view_if_needed()
    for name in ("插入数据", "二级标题（一）", "三级标题 1.", "四级标题（1）", "正文"):
        button = toolbar.get_by_role("button", name=name)
        expect(button).to_be_in_viewport(ratio=1)  # whole: the toolbar wraps, nothing cut off
    assert_fits_the_phone(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=artifacts_dir / "document-editor-3-phone.png", full_page=True)

    toolbar.get_by_role("button", name="插入数据").click()
    panel = section(phone, "work").get_by_role("dialog", name="插入数据")
    expect(panel).to_be_visible()
    sheet_box = section(phone, "work").locator(".de-editable").bounding_box()
    panel_box = panel.bounding_box()
    assert abs(panel_box["width"] - sheet_box["width"]) <= 1  # as wide as the sheet
    assert_fits_the_phone(phone)
    panel.scroll_into_view_if_needed()
    phone.screenshot(path=artifacts_dir / "document-editor-4-phone-figures.png")
    assert failed_responses == []


def test_leaving_with_unsaved_changes_asks_first(live_server, transactional_db, document, page):
    open_editor(page, live_server.url, document)
    dialogs = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    caret_at_end(page, "next")
    page.keyboard.type("补充一句。")
    with page.expect_navigation():
        page.locator("a[href$='/versions/']").click()
    assert dialogs == ["beforeunload"]
    assert DocumentVersion.objects.filter(document=document).count() == 1


def test_without_javascript_the_sections_are_plain_textareas(
    live_server, transactional_db, document, new_page
):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, "secretary", PASSWORD)
    page.goto(live_server.url + reverse("reports:year_document", args=[document.pk]))
    textarea = section(page, "basic").locator("textarea")
    expect(textarea).to_be_visible()
    expect(textarea).to_have_value(draft_texts(document)["basic"])
    expect(page.locator(".de-editable")).to_have_count(0)
