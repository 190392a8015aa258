"""Personas for every permission test, and a helper for query budgets.

The world: branch 一支部 with groups A and B (three members each); its secretary; the
leaders of A and B; a plain member of A; an upper-committee viewer; and an outsider, the
secretary of another branch. Each persona is a logged-in Django test client.
"""

import os
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branchsite import staging
from groups.models import CommitteeRole, GroupRole
from tests.factories import (
    BranchFactory,
    BranchViewerFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    GroupLeadershipFactory,
    PartyGroupFactory,
    UserFactory,
    member_in_group,
)
from tests.migrated_rows import MigratedRows

# Playwright runs an event loop in the test thread; Django's ORM refuses to run in one
# unless told it is safe. It is, for tests: only the tests' conftest sets this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MIGRATED_ROWS = "tests.migrated_rows"  # the receiver's dispatch_uid


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, migrated; the rows their migrations seeded are loaded again after
    every flush, so that every test finds them whatever ran before (tests/migrated_rows.py)."""
    with django_db_blocker.unblock():
        migrated = MigratedRows(DEFAULT_DB_ALIAS)  # the project has one database
    post_migrate.connect(migrated.receive_post_migrate, weak=False, dispatch_uid=MIGRATED_ROWS)
    yield
    post_migrate.disconnect(dispatch_uid=MIGRATED_ROWS)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per account; tests create dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    branch: object
    group_a: object
    group_b: object
    secretary: object  # Member
    leader_a: object
    leader_b: object
    member: object
    viewer_user: object
    other_branch: object
    outsider: object  # Member: the other branch's secretary


@pytest.fixture
def world(db) -> World:
    branch = BranchFactory(name="一支部", code="yi")
    group_a = PartyGroupFactory(branch=branch, name="A组")
    group_b = PartyGroupFactory(branch=branch, name="B组")
    term = CommitteeTermFactory(branch=branch, number=1)

    secretary = member_in_group(group_a, name="书记", user=UserFactory(username="secretary"))
    CommitteeMembershipFactory(term=term, member=secretary, role=CommitteeRole.SECRETARY)
    leader_a = member_in_group(group_a, name="甲组长", user=UserFactory(username="leader_a"))
    GroupLeadershipFactory(group=group_a, member=leader_a, role=GroupRole.LEADER)
    member = member_in_group(group_a, name="普通党员", user=UserFactory(username="member"))
    leader_b = member_in_group(group_b, name="乙组长", user=UserFactory(username="leader_b"))
    GroupLeadershipFactory(group=group_b, member=leader_b, role=GroupRole.LEADER)
    member_in_group(group_b, name="乙组党员一")
    member_in_group(group_b, name="乙组党员二")

    viewer_user = UserFactory(username="viewer")
    BranchViewerFactory(branch=branch, user=viewer_user)

    other_branch = BranchFactory(name="二支部", code="er")
    other_group = PartyGroupFactory(branch=other_branch, name="C组")
    other_term = CommitteeTermFactory(branch=other_branch, number=1)
    outsider = member_in_group(
        other_group, name="外支部书记", user=UserFactory(username="outsider")
    )
    CommitteeMembershipFactory(term=other_term, member=outsider, role=CommitteeRole.SECRETARY)

    return World(
        branch=branch,
        group_a=group_a,
        group_b=group_b,
        secretary=secretary,
        leader_a=leader_a,
        leader_b=leader_b,
        member=member,
        viewer_user=viewer_user,
        other_branch=other_branch,
        outsider=outsider,
    )


def client_for(user) -> Client:
    """A test client logged in as `user` (import it: `from tests.conftest import client_for`)."""
    client = Client()
    client.force_login(user)
    return client


def signs_in(client: Client, username: str, password: str) -> bool:
    """Log `client` in through the login page, as a person does (and as the lockout sees:
    `Client.login` passes no request, which django-axes refuses); whether it worked."""
    client.post(reverse("login"), {"username": username, "password": password})
    return SESSION_KEY in client.session


def admin_form_data(response) -> dict:
    """The POST data an unchanged admin add or change form would send, inlines included
    (uploaded files are left out: a client cannot send a stored file back)."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(getattr(v, "pk", v)) for v in value]
            else:
                data[form.add_prefix(name)] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    stamp = re.search(r'name="edit_stamp" value="([^"]+)"', response.content.decode())
    if stamp:
        data["edit_stamp"] = stamp[1]
    return data


def assert_matrix(personas, method, url, expected, data=None):
    """A permission matrix: `expected` is {persona: status code} for every persona given;
    anonymous, when given, is always sent to the login page."""
    outcomes = {}
    for name, client in personas.items():
        response = getattr(client, method)(url, data or {})
        outcomes[name] = response.status_code
        if name == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    expected = {"anonymous": 302, **expected} if "anonymous" in personas else expected
    assert outcomes == expected


@pytest.fixture
def anonymous(db) -> Client:
    return Client()


@pytest.fixture
def secretary_client(world) -> Client:
    return client_for(world.secretary.user)


@pytest.fixture
def leader_a_client(world) -> Client:
    return client_for(world.leader_a.user)


@pytest.fixture
def leader_b_client(world) -> Client:
    return client_for(world.leader_b.user)


@pytest.fixture
def member_client(world) -> Client:
    return client_for(world.member.user)


@pytest.fixture
def viewer_client(world) -> Client:
    return client_for(world.viewer_user)


@pytest.fixture
def outsider_client(world) -> Client:
    return client_for(world.outsider.user)


@pytest.fixture
def personas(
    anonymous,
    secretary_client,
    leader_a_client,
    leader_b_client,
    member_client,
    viewer_client,
    outsider_client,
) -> dict[str, Client]:
    """Every persona by name, for permission matrices."""
    return {
        "anonymous": anonymous,
        "secretary": secretary_client,
        "leader_a": leader_a_client,
        "leader_b": leader_b_client,
        "member": member_client,
        "viewer": viewer_client,
        "outsider": outsider_client,
    }


class QueryCounter:
    """Counts the queries of a block; on failure the message lists the SQL."""

    def count(self, action) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            action()
        return len(captured), [q["sql"] for q in captured.captured_queries]

    def assert_constant(self, action, grow, times: int = 3) -> int:
        """Run `action`, add rows with `grow()`, run again: the query count must not change."""
        action()  # warm up caches (content types, sessions)
        before, _ = self.count(action)
        for _ in range(times):
            grow()
        after, sql = self.count(action)
        assert after == before, (
            f"queries grew from {before} to {after} as rows were added:\n" + "\n".join(sql)
        )
        return after


@pytest.fixture
def query_counter() -> QueryCounter:
    return QueryCounter()


@pytest.fixture(autouse=True, scope="session")
def _staging_in_a_temporary_folder(tmp_path_factory):
    """Uploads staged by any test wait in this run's own folder, never in the real one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staging, "STAGING_DIR", tmp_path_factory.mktemp("staging") / "files")
        yield


@pytest.fixture
def staging_dir(tmp_path, monkeypatch):
    """A test's own staging folder (created by the first staging), to look into."""
    folder = tmp_path / "staging"
    monkeypatch.setattr(staging, "STAGING_DIR", folder)
    return folder


@pytest.fixture
def worker(settings, tmp_path):
    """The background worker (tests/worker.py): `worker.run()` runs the queued jobs."""
    from tests.worker import Worker

    settings.MEDIA_ROOT = tmp_path / "media"
    return Worker(settings.MEDIA_ROOT)


# The files that take longest, longest first (measured with --junitxml: the URL walk alone
# is about a quarter of the suite). Under xdist (`make test`) they are handed out first so
# that no long file starts last and runs alone at the end; the order of the tests within a
# file, and the order of a run without xdist, stay as they were.
LONGEST_FILES = [
    "tests/test_url_walk.py",
    "tests/test_hostile_input.py",
    "tests/test_form_fuzz.py",
    "tests/test_constraints.py",
    "tests/demo/test_seed_demo_command.py",
    "tests/test_deploy_command.py",
    "tests/members/recruitment/test_views.py",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # not an xdist worker
        return
    rank = {path: number for number, path in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
