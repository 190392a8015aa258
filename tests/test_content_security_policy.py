"""The Content-Security-Policy: every page is sent with it, and our templates keep to it (no
inline script, no inline style, no on…= handler), so nothing of ours is blocked. The print
stylesheet, inline by design (WeasyPrint reads it too), carries the policy's nonce."""

import pathlib
import re

from django.urls import reverse

PROJECT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE_FOLDERS = ("templates", "activities", "members", "groups", "reports")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_are_sent_with_a_policy_that_runs_no_inline_script(secretary_client, world):
    response = secretary_client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)
    # The login page too, before anyone is signed in.
    assert "script-src 'self'" in secretary_client.get(reverse("login"))["Content-Security-Policy"]


def test_the_print_stylesheet_carries_the_policys_nonce(secretary_client, world):
    from tests.factories import recorded_meeting

    meeting = recorded_meeting(
        branch=world.branch, group=world.group_a, acting_user=world.secretary.user
    )
    response = secretary_client.get(reverse("reports:meeting_minutes", args=[meeting.pk, "html"]))
    assert response.status_code == 200
    nonces = re.findall(r'<style nonce="([^"]+)">', response.content.decode())
    assert len(nonces) == 1
    assert policy(response)["style-src"] == ["'self'", f"'nonce-{nonces[0]}'"]


def test_no_template_of_ours_has_inline_script_style_or_handlers():
    pages = sorted(p for folder in TEMPLATE_FOLDERS for p in (PROJECT / folder).rglob("*.html"))
    assert len(pages) > 50
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\ssrc=)[^>]*>",  # a script without src
            r"<style(?![^>]*\snonce=)[^>]*>",  # a style block without the nonce
            r"<[a-zA-Z][^<>]*\sstyle=\"",  # a style attribute
            r"<[a-zA-Z][^<>]*\son[a-z]+=\"",  # an onclick=, onsubmit=…
            r"javascript:",
        ):
            found += [f"{page.relative_to(PROJECT)}: {hit}" for hit in re.findall(pattern, text)]
    assert found == []


def test_no_widget_of_ours_is_given_an_inline_style():
    """Widgets' attributes set in Python are inline too: classes, not style=."""
    sources = sorted(
        path
        for folder in ("activities", "members", "groups", "reports", "branchsite")
        for path in (PROJECT / folder).rglob("*.py")
    )
    found = [
        f"{path.relative_to(PROJECT)}: {line.strip()}"
        for path in sources
        for line in path.read_text(encoding="utf-8").splitlines()
        # A widget's attrs ({"style": …}) or markup written in Python (format_html).
        if re.search(r"[\"']style[\"']\s*:|<[a-z][^>]*\sstyle=", line)
    ]
    assert found == []
