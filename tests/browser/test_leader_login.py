"""Logging in through the real form in Chromium, and what the landing pages look like.

The screenshots in artifacts/ are for people to look at; the assertions cover what can
be checked mechanically: the Chinese UI, Bootstrap's styles, the CJK font actually used
to draw the glyphs (not a fallback, not tofu) and, on a phone, no sideways scrolling.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo import school as demo
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CJK_FONT = "Noto Sans CJK SC"
PHONE = {"width": 375, "height": 812}
LOGIN_ERROR = "请输入一个正确的用户名和密码。注意，两者都区分大小写。"


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Open the site's front page as a stranger and log in through the form."""
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def rendered_fonts(page: Page, selector: str) -> set[str]:
    """The font families Chromium actually drew the element's text with (DevTools'
    "Rendered fonts"), which is what tells a real CJK font from a fallback."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element matches {selector!r}"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"] for font in fonts}
    finally:
        cdp.detach()


def assert_styled_in_chinese(page: Page, failed_responses: list[str]) -> None:
    """Bootstrap and site.css loaded, the page is zh-CN and drawn with the CJK font."""
    assert failed_responses == []
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    loaded = page.evaluate(
        "[...document.styleSheets].filter(s => s.href && s.cssRules.length)"
        ".map(s => new URL(s.href).pathname)"
    )
    assert "/static/bootstrap/css/bootstrap.min.css" in loaded
    assert "/static/css/site.css" in loaded
    # Unstyled, a <nav> is a block; Bootstrap's .navbar makes it a flex box.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert body_font.startswith(f'"{CJK_FONT}"'), body_font
    page.evaluate("document.fonts.ready")
    assert rendered_fonts(page, "h1") == {CJK_FONT}
    assert CJK_FONT in rendered_fonts(page, ".navbar-brand")


def test_a_group_leader_logs_in_and_lands_on_their_group(
    live_server, transactional_db, world, page, new_page, failed_responses, artifacts_dir
):
    log_in(page, live_server.url, "leader_a", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/groups/{world.group_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A组")
    expect(page).to_have_title("A组 · 党支部工作平台")
    members = page.locator("table tbody")
    for name in ("书记", "甲组长", "普通党员"):
        expect(members.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(members.locator(".badge", has_text="组长")).to_have_count(1)
    expect(page.get_by_role("columnheader", name="人员类别")).to_be_visible()
    expect(members.get_by_role("cell", name="正式党员", exact=True)).to_have_count(3)
    expect(page.locator(".stat-label", has_text="党员").first).to_be_visible()
    expect(page.locator(".navbar")).to_contain_text("甲组长")  # who is logged in
    # A leader sees their own branch's name but cannot open the branch page.
    expect(page.get_by_role("link", name="一支部")).to_have_count(0)
    assert_styled_in_chinese(page, failed_responses)
    page.screenshot(path=artifacts_dir / "leader-group-page.png", full_page=True)

    phone = new_page(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        storage_state=page.context.storage_state(),
    )
    phone.goto(f"{live_server.url}/groups/{world.group_a.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("A组")
    assert_styled_in_chinese(phone, failed_responses)
    # The menu collapses behind the toggler on a phone.
    expect(phone.locator(".navbar-toggler")).to_be_visible()
    expect(phone.get_by_role("link", name="我的页面")).to_be_hidden()
    width = phone.evaluate("window.innerWidth")
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert width == PHONE["width"]
    assert scroll_width <= width, f"page is {scroll_width}px wide on a {width}px phone"
    phone.screenshot(path=artifacts_dir / "leader-group-page-phone.png")


def test_a_wrong_password_shows_the_error_and_keeps_the_username(
    live_server, transactional_db, world, page, failed_responses, artifacts_dir
):
    log_in(page, live_server.url, "leader_a", "not-the-password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    # crispy-forms renders the form's errors as a Bootstrap alert (without role="alert").
    expect(page.locator("form .alert-danger")).to_have_text(LOGIN_ERROR)
    expect(page.get_by_label("用户名")).to_have_value("leader_a")
    expect(page.get_by_label("密码")).to_have_value("")
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    assert_styled_in_chinese(page, failed_responses)
    page.screenshot(path=artifacts_dir / "login-wrong-password.png")


def test_the_secretary_sees_the_branch_overview_of_the_demo_school(
    live_server, transactional_db, page, failed_responses, artifacts_dir
):
    # Tests run with DEBUG off, where the demo password must be changed at login.
    branch = demo.create_demo_school(today=timezone.localdate(), password=PASSWORD)

    log_in(page, live_server.url, "shuji", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/branches/{branch.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("奉教院附小党支部")
    groups_table = page.locator(".card", has=page.get_by_text("党小组", exact=True)).locator(
        "table"
    )
    for group_name, _offices in demo.GROUPS:
        expect(groups_table.get_by_role("link", name=group_name, exact=True)).to_be_visible()
    for leader in demo.LEADERS.values():
        expect(groups_table.get_by_role("cell", name=leader, exact=True)).to_be_visible()
    warning = page.get_by_role("alert").filter(has_text="换届")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("第3届任期将于")
    expect(page.locator(".navbar")).to_contain_text("沈卫东")
    assert_styled_in_chinese(page, failed_responses)
    page.screenshot(path=artifacts_dir / "secretary-overview.png", full_page=True)
