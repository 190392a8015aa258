"""The settings that spread the site over more machines (docs/scaling.md): REDIS_URL and
SESSION_STORE, DATABASE_REPLICA_URL, the connections' reuse and health checks. Each
environment is tried in a fresh Python process, as settings are read once per process."""

import pytest

from tests.settings_processes import run_in_processes, settings_of

SCRIPT = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX"),
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "DATABASES": {
        alias: {
            "NAME": db["NAME"],
            "HOST": db.get("HOST"),
            "CONN_MAX_AGE": db["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
            "MIRROR": db.get("TEST", {}).get("MIRROR"),
        }
        for alias, db in settings.DATABASES.items()
    },
    "ROUTERS": settings.DATABASE_ROUTERS,
    "MIDDLEWARE": settings.MIDDLEWARE,
}))
"""

READ = {
    "REDIS_URL",
    "SESSION_STORE",
    "CACHE_KEY_PREFIX",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_HEALTH_CHECKS",
}
PRIMARY = "postgres://site@primary:5432/branchsite"
SCENARIOS = {
    "plain": {"DATABASE_URL": PRIMARY},
    "redis": {"DATABASE_URL": PRIMARY, "REDIS_URL": "redis://cache:6379/3"},
    "redis, cache sessions": {
        "REDIS_URL": "redis://cache:6379/3",
        "SESSION_STORE": "cache",
        "CACHE_KEY_PREFIX": "school-a",
    },
    "cache sessions without redis": {"SESSION_STORE": "cache"},
    "sessions mistyped": {"SESSION_STORE": "files"},
    "replica": {
        "DATABASE_URL": PRIMARY,
        "DATABASE_REPLICA_URL": "postgres://site@replica:5433/branchsite",
    },
    "no reuse": {"DATABASE_CONN_MAX_AGE": "0", "DATABASE_HEALTH_CHECKS": "0"},
}


@pytest.fixture(scope="module")
def runs():
    import os

    base = {k: v for k, v in os.environ.items() if k not in READ}
    base.update(DJANGO_SETTINGS_MODULE="branchsite.settings", DEBUG="1")
    return run_in_processes(
        SCRIPT, {name: {**base, **changes} for name, changes in SCENARIOS.items()}
    )


def test_without_redis_the_cache_is_local_and_sessions_are_in_the_database(runs):
    values = settings_of(runs["plain"])
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert list(values["DATABASES"]) == ["default"]
    assert values["ROUTERS"] == []
    assert "branchsite.replica.ReplicaReads" not in values["MIDDLEWARE"]


def test_redis_url_puts_the_cache_in_redis_and_sessions_in_cached_db(runs):
    values = settings_of(runs["redis"])
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://cache:6379/3"
    assert values["KEY_PREFIX"] == "branchsite"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_session_store_cache_keeps_sessions_in_redis_alone(runs):
    values = settings_of(runs["redis, cache sessions"])
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert values["KEY_PREFIX"] == "school-a"


def test_sessions_in_a_cache_need_redis_and_a_known_store(runs):
    assert runs["cache sessions without redis"].returncode != 0
    assert "SESSION_STORE=cache needs REDIS_URL." in runs["cache sessions without redis"].stderr
    assert runs["sessions mistyped"].returncode != 0
    assert "SESSION_STORE='files' is not one of db, cached_db, cache" in (
        runs["sessions mistyped"].stderr
    )


def test_a_replica_url_adds_the_replica_its_router_and_middleware(runs):
    values = settings_of(runs["replica"])
    databases = values["DATABASES"]
    assert (databases["default"]["HOST"], databases["replica"]["HOST"]) == ("primary", "replica")
    # Its tests read the test database: the replica mirrors it.
    assert databases["replica"]["MIRROR"] == "default"
    assert databases["replica"]["CONN_MAX_AGE"] == 60
    assert values["ROUTERS"] == ["branchsite.replica.ReplicaRouter"]
    middleware = values["MIDDLEWARE"]
    assert middleware.index("branchsite.replica.ReplicaReads") == (
        middleware.index("django.middleware.common.CommonMiddleware") + 1
    )


def test_connections_are_reused_and_checked_unless_told_otherwise(runs):
    default = settings_of(runs["plain"])["DATABASES"]["default"]
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (60, True)
    off = settings_of(runs["no reuse"])["DATABASES"]["default"]
    assert (off["CONN_MAX_AGE"], off["CONN_HEALTH_CHECKS"]) == (0, False)
