"""The read replica (DATABASE_REPLICA_URL, branchsite.replica): the district pages read the
organisation's data from it; accounts, sessions, every write and every other page use the
primary.

The replica here is a second connection alias, `replica`, a test mirror of the primary as
DATABASE_REPLICA_URL's settings make it: a connection of its own to the same test database
(so the tests commit their rows: transactional tests). It is added when this module is
imported, before the test databases are set up, as a configured alias would be; the router
and middleware are switched on per test, as the settings do. Which alias ran each query is
read from each connection's own log of real queries."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branchsite.replica import REPLICA, replica_reads
from groups.models import Branch
from tests.conftest import client_for
from tests.factories import BranchFactory
from tests.reports.test_district import district_with

ORGANISATION_TABLES = ('"groups_', '"members_', '"activities_', '"reports_')

if REPLICA not in connections.settings:
    _primary = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[REPLICA] = {
        **_primary,
        "TEST": {**_primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }


def switched_on(settings):
    settings.DATABASE_ROUTERS = ["branchsite.replica.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.common.CommonMiddleware") + 1,
        "branchsite.replica.ReplicaReads",
    )
    settings.MIDDLEWARE = middleware


@pytest.fixture
def replica(settings):
    switched_on(settings)
    return connections[REPLICA]


both = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


def reads_organisation(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if any(table in q["sql"] for table in ORGANISATION_TABLES)
    ]


@both
def test_a_district_page_reads_the_organisation_from_the_replica(replica):
    district, branches, viewer = district_with(2)
    client = client_for(viewer)
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("district:overview", args=[district.pk]))
    assert response.status_code == 200
    assert all(branch.name in response.content.decode() for branch in branches)
    assert any('"groups_branch"' in sql for sql in reads_organisation(on_replica))
    # The account and its session stay on the primary, and nothing else is read there.
    assert any('"django_session"' in q["sql"] for q in on_primary.captured_queries)
    assert any('"auth_user"' in q["sql"] for q in on_primary.captured_queries)
    assert reads_organisation(on_primary) == []
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in on_replica.captured_queries
    )


@both
def test_every_other_page_reads_from_the_primary(replica):
    _district, branches, viewer = district_with(1)
    client = client_for(viewer)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("overview:branch_detail", args=[branches[0].pk]))
    assert response.status_code == 200
    assert on_replica.captured_queries == []


@both
def test_writes_go_to_the_primary_even_while_reading_from_the_replica(replica):
    primary = connections[DEFAULT_DB_ALIAS]
    with (
        replica_reads(),
        CaptureQueriesContext(primary) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        branch = BranchFactory(name="新支部")
        assert Branch.objects.filter(pk=branch.pk).exists()  # read back from the replica
    assert any(q["sql"].startswith("INSERT") for q in on_primary.captured_queries)
    assert not any(q["sql"].startswith("INSERT") for q in on_replica.captured_queries)
    assert reads_organisation(on_replica)
    assert Branch.objects.using(DEFAULT_DB_ALIAS).filter(name="新支部").exists()


def test_with_a_replica_the_router_sends_only_district_reads_there(settings):
    switched_on(settings)
    assert router.db_for_read(Branch) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Branch) == REPLICA
        assert router.db_for_read(get_user_model()) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Branch) == DEFAULT_DB_ALIAS


def test_without_a_replica_the_router_sends_everything_to_the_primary(settings, monkeypatch):
    switched_on(settings)
    # As on a site without DATABASE_REPLICA_URL: no replica alias.
    monkeypatch.delitem(connections.settings, REPLICA)
    with replica_reads():
        assert router.db_for_read(Branch) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Branch) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "groups") is False
