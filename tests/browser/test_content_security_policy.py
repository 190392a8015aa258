"""The Content-Security-Policy in Chromium: the journeys fail on anything it blocks (see
`new_page`), and this shows that they would: an inline style or script on one of our
pages is blocked, and the watch that the journeys rely on sees it."""

import pytest

from tests.browser.conftest import watch_policy
from tests.browser.test_leader_login import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_policy_blocks_inline_styles_and_scripts_and_the_watch_sees_it(
    live_server, transactional_db, world, browser
):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    watch_policy(page, blocked)
    log_in(page, live_server.url, world.secretary.user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/**")
    assert blocked == []  # our own page: nothing blocked

    page.evaluate(
        """() => {
            const styled = '<p id="styled" style="color: red">x</p>';
            document.body.insertAdjacentHTML("beforeend", styled);
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ranInline === true") is False
    assert page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") != (
        "rgb(255, 0, 0)"
    )
    assert any("style-src" in line for line in blocked), blocked
    assert any("script-src" in line for line in blocked), blocked
    context.close()
