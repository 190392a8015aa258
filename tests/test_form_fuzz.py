"""Every form of the site's own pages (the workbench has tests/test_hostile_input.py), sent
with random and hostile values, gets a clear answer and never a 500.

Each route the URL walk's table (`RULES` in tests/test_url_walk.py) lets a role GET is
opened on the walk's seeded school by one role allowed it (the secretary when allowed);
every `<form method="post">` on the page is read with the standard library's HTML parser,
its fields with their current values, and sent again with one field at a time (and a few
times all of them) replaced by a hostile value: empty, blank, huge, a NUL byte, not a
number, a huge number, an impossible date, SQL, markup, a formula, emoji and right-to-left
text, a list for a single value and a single value for a list, the key of another
branch's row. The values are drawn from a seeded generator, so a failure repeats; at most
`POSTS_PER_FORM` sendings a form keep the module within a minute or so.

A 200 (the form shown again with its errors), a redirect, a 403 or a 404 are all clear
answers; the test client raises a view's exception, which is reported with the address,
the field and the value. Every sending runs in a savepoint rolled back after it, and the
client's cookies are put back, so one sending (a deletion, a sign-out) never changes what
the next one finds.
"""

import copy
import random
import traceback
import uuid
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings

from groups.models import Branch, PartyGroup
from tests.test_hostile_input import HOSTILE
from tests.test_url_walk import PDF, ROUTES, RULES, requests_of, seed

pytestmark = pytest.mark.django_db

SEED = 14
POSTS_PER_FORM = 12
# The role a page is opened by: the secretary where allowed; the ballot and the
# self-assessment are each member's own, so a plain member fills them in.
ROLE_ORDER = (
    "secretary",
    "committee",
    "own_leader",
    "other_leader",
    "member",
    "viewer",
    "outsider",
    "anonymous",
)
ROLE_OF = {
    "evaluation:ballot": "member",
    "evaluation:self_assessment": "member",
    "login": "anonymous",  # a signed-in user is sent on from the login page
}
NOT_SENT = {"csrfmiddlewaretoken"}  # a forged token is refused by CSRF before any view

ANYWHERE = [
    "",
    "   ",
    "\t\n",
    "x" * 10_000,
    "长" * 100_000,
    "a\x00b",
    "\x00",
    "'; DROP TABLE members_member; --",
    "<script>alert(1)</script>",
    "=1+1",
    "😀👍🏽🇨🇳",
    "\u202eRTL\u202c مرحبا بالعالم",
    *HOSTILE,
]
NUMBERS = ["abc", "-1", "-99999", str(2**63), str(10**30), "1e5", "NaN", "inf", "0x10", "1,5"]
DATES = [
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "0001-01-01",
    "1900-01-01",
    "31/12/2026",
    "2026-12-31T25:61",
]


class Forms(HTMLParser):
    """The POST forms of a page: each with its action and its fields (name → values, kind)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.by_id = {}
        self.current = None
        self.select = None  # (form, name, multiple, options, selected)
        self.option = None
        self.textarea = None

    def _form_of(self, attrs):
        owner = attrs.get("form")
        if owner:
            return self.by_id.get(owner)
        return self.current

    def _add(self, form, name, value, kind):
        if form is None or not name:
            return
        form["fields"].setdefault(name, {"values": [], "kind": kind})["values"].append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            method = attrs.get("method", "get").lower()
            form = {"action": attrs.get("action", ""), "method": method, "fields": {}}
            self.forms.append(form)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = form
            self.current = form
        elif tag == "input":
            form = self._form_of(attrs)
            kind = attrs.get("type", "text").lower()
            name = attrs.get("name")
            if kind in ("file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if form is not None and name:
                    form["fields"].setdefault(name, {"values": [], "kind": kind})
                if "checked" in attrs:
                    self._add(form, name, attrs.get("value", "on"), kind)
                return
            if kind == "submit":
                if form is not None and name and name not in form["fields"]:
                    self._add(form, name, attrs.get("value", ""), kind)
                return
            self._add(form, name, attrs.get("value", ""), kind)
        elif tag == "button":
            form = self._form_of(attrs)
            name = attrs.get("name")
            submits = attrs.get("type", "submit") == "submit"
            if submits and form is not None and name and name not in form["fields"]:
                self._add(form, name, attrs.get("value", ""), "submit")
        elif tag == "select":
            form = self._form_of(attrs)
            self.select = SimpleNamespace(
                form=form,
                name=attrs.get("name"),
                multiple="multiple" in attrs,
                options=[],
                selected=[],
            )
        elif tag == "option" and self.select is not None:
            self.option = SimpleNamespace(value=attrs.get("value"), text="")
            self.select.options.append(self.option)
            if "selected" in attrs:
                self.select.selected.append(self.option)
        elif tag == "textarea":
            self.textarea = SimpleNamespace(
                form=self._form_of(attrs), name=attrs.get("name"), text=""
            )

    def handle_data(self, data):
        if self.option is not None:
            self.option.text += data
        if self.textarea is not None:
            self.textarea.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            area = self.textarea
            self._add(area.form, area.name, area.text.removeprefix("\n"), "textarea")
            self.textarea = None
        elif tag == "select" and self.select is not None:
            select = self.select
            chosen = select.selected if select.multiple else (select.selected or select.options)[:1]
            if select.form is not None and select.name:
                kind = "multiple" if select.multiple else "select"
                select.form["fields"].setdefault(select.name, {"values": [], "kind": kind})
                for option in chosen:
                    value = option.value if option.value is not None else option.text.strip()
                    self._add(select.form, select.name, value, kind)
            self.select = None


def post_forms(html: str, page_url: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    forms = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        action = urljoin(page_url, form["action"] or page_url)
        parts = urlsplit(action)
        if parts.netloc not in ("", "testserver") or parts.path.startswith("/admin/"):
            continue
        form["url"] = parts.path + (f"?{parts.query}" if parts.query else "")
        forms.append(form)
    return forms


def is_list(field) -> bool:
    return field["kind"] in ("checkbox", "multiple") or len(field["values"]) > 1


def hostile_value(rng: random.Random, name: str, field, outsiders: list[str]):
    """A hostile value for the field, as the POST sends it (a string or a list)."""
    kind = field["kind"]
    pool = list(ANYWHERE)
    if kind in ("number", "select", "radio", "multiple", "checkbox", "hidden") or name.endswith(
        ("_id", "pk", "member", "group", "members")
    ):
        pool += NUMBERS * 2 + outsiders * 3
    if kind in ("date", "datetime-local", "month") or name.endswith(("_on", "date", "_at")):
        pool += DATES * 3
    value = rng.choice(pool)
    shape = rng.random()
    if is_list(field) and shape < 0.3:
        return value  # a single value where a list is sent
    if not is_list(field) and shape < 0.2:
        return [value, rng.choice(pool)]  # a list where a single value is sent
    return [value] if is_list(field) else value


def baseline(form) -> dict:
    data = {}
    for name, field in form["fields"].items():
        if name in NOT_SENT:
            continue
        if is_list(field):
            data[name] = list(field["values"])
        elif field["values"]:
            data[name] = field["values"][0]
    return data


def cases_of(form, rng: random.Random, outsiders: list[str]) -> list[tuple[str, dict]]:
    """At most `POSTS_PER_FORM` sendings: each a label and the data sent."""
    names = sorted(name for name in form["fields"] if name not in NOT_SENT)
    if not names:
        return [("nothing", {})]
    plain = baseline(form)
    one_at_a_time = [
        (name, {**plain, name: hostile_value(rng, name, form["fields"][name], outsiders)})
        for name in names
    ]
    everything = [
        (
            "every field",
            {name: hostile_value(rng, name, form["fields"][name], outsiders) for name in names},
        )
        for _ in range(2)
    ]
    budget = POSTS_PER_FORM - len(everything)
    chosen = rng.sample(one_at_a_time, min(budget, len(one_at_a_time)))
    return chosen + everything


def with_fresh_token(data: dict) -> dict:
    """A used `submission` token is answered without running the view: a new one each
    time, unless the case is the token itself."""
    if "submission" in data and isinstance(data["submission"], str):
        try:
            uuid.UUID(data["submission"])
        except ValueError:
            return data
        return {**data, "submission": str(uuid.uuid4())}
    return data


def shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}… ({len(text)} characters)"


@pytest.fixture(scope="module")
def school(django_db_setup, django_db_blocker, tmp_path_factory):
    """The URL walk's seeded school with a client per role, once for the module (rolled back
    after it); uploads go to a temporary folder and PDFs to a stub."""
    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with pytest.MonkeyPatch.context() as patch:
        import reports.base
        import reports.yearend.pdf

        for module in (reports.base, reports.yearend.pdf):
            patch.setattr(module, "html_to_pdf", lambda html, **options: PDF)
        with django_db_blocker.unblock(), settings, transaction.atomic():
            seeds = seed()
            clients = {"anonymous": Client(raise_request_exception=True)}
            for role, user in seeds.users.items():
                clients[role] = Client(raise_request_exception=True)
                clients[role].force_login(user)
            outsider_branch = Branch.objects.get(code="er")
            outsider_member = seeds.users["outsider"].member
            outsiders = [
                str(outsider_branch.pk),
                str(PartyGroup.objects.filter(branch=outsider_branch).first().pk),
                str(outsider_member.pk),
            ]
            yield SimpleNamespace(seeds=seeds, clients=clients, outsiders=outsiders)
            transaction.set_rollback(True)


def pages(school):
    """(route, role, address) of every page of the site a role may GET."""
    for route in ROUTES:
        rule = RULES.get(route.name)
        if rule is None or route.name.startswith("admin:") or rule.post_only:
            continue
        if rule.allowed_status != 200:
            continue  # a page the school has nothing for (a staged upload's preview)
        role = ROLE_OF.get(route.name) or next(r for r in ROLE_ORDER if r in rule.allowed)
        for request in requests_of(route, rule, school.seeds):
            yield route, role, request.url


def send(client: Client, url: str, data: dict):
    """POST in a savepoint rolled back after it, with the client's cookies put back."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        return response
    finally:
        client.cookies = cookies


def test_no_form_of_the_site_answers_hostile_values_with_a_500(school):
    rng = random.Random(SEED)
    failures = []
    seen = set()
    forms = posts = 0
    for route, role, page_url in pages(school):
        client = school.clients[role]
        page = client.get(page_url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for form in post_forms(page.content.decode(), page_url):
            key = (role, form["url"], tuple(sorted(form["fields"])))
            if key in seen:
                continue  # the same form on another page (the sign-out in the header)
            seen.add(key)
            forms += 1
            for label, data in cases_of(form, rng, school.outsiders):
                posts += 1
                try:
                    response = send(client, form["url"], with_fresh_token(data))
                except Exception as error:  # the view's own exception, raised by the client
                    where = "".join(traceback.format_exception(error)[-3:])
                    values = {name: shown(value) for name, value in data.items()}
                    failures.append(
                        f"POST {form['url']} (from {route.name} as {role}), {label}: "
                        f"{values if label == 'every field' else shown(data.get(label))}\n{where}"
                    )
                    continue
                if response.status_code >= 500:
                    failures.append(f"POST {form['url']} {label}: {response.status_code}")
    print(f"{forms} forms, {posts} sendings")
    assert forms > 60, "the walk found fewer forms than the site has"
    assert failures == [], "\n".join(failures)
