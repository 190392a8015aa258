"""The cache and sessions in Redis (REDIS_URL, docs/scaling.md), against the real Redis at
127.0.0.1:6379. Without it the tests are skipped, saying so, except in CI, where they fail.

Each test has key prefix of its own in Redis database 11 and removes its keys at the end."""

import os
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import signs_in
from tests.factories import PASSWORD

redis = pytest.importorskip("redis", reason="the redis package (requirements/base.txt)")

REDIS_URL = "redis://127.0.0.1:6379/11"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
CACHE_ONLY = "django.contrib.sessions.backends.cache"


@pytest.fixture
def redis_settings(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI needs Redis at 127.0.0.1:6379 for these tests: {error}")
        pytest.skip(f"Redis is not running at 127.0.0.1:6379 ({error}): start redis-server")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = CACHED_DB
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def session_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def test_the_cache_lives_in_redis_for_every_process(redis_settings):
    client, prefix = redis_settings
    cache.set("greeting", "你好", 60)
    # Another process would open its own connection: a raw client sees the value there.
    assert client.exists(f"{prefix}:1:greeting") == 1
    caches["default"].close()
    assert caches["default"].get("greeting") == "你好"


def test_a_signed_in_page_reads_its_session_from_redis_not_the_database(redis_settings, world):
    client, prefix = redis_settings
    browser = Client()
    assert signs_in(browser, "member", PASSWORD)
    key = browser.cookies["sessionid"].value
    # cached_db writes through: the session is in the database and in Redis.
    assert Session.objects.filter(session_key=key).exists()
    assert client.exists(f"{prefix}:1:django.contrib.sessions.cached_db{key}") == 1
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(reverse("overview:member_home"))
    assert response.status_code == 200
    assert session_queries(captured) == []


def test_a_flushed_redis_signs_nobody_out(redis_settings, world):
    client, prefix = redis_settings
    browser = Client()
    assert signs_in(browser, "member", PASSWORD)
    key = browser.cookies["sessionid"].value
    for stored in client.scan_iter(f"{prefix}:*"):
        client.delete(stored)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(reverse("overview:member_home"))
    assert response.status_code == 200  # not sent to the login page
    assert len(session_queries(captured)) == 1  # read once from the database…
    assert client.exists(f"{prefix}:1:django.contrib.sessions.cached_db{key}") == 1  # …and kept


def test_sessions_in_redis_alone_leave_the_database_out(redis_settings, settings, world):
    settings.SESSION_ENGINE = CACHE_ONLY
    client, prefix = redis_settings
    browser = Client()
    assert signs_in(browser, "member", PASSWORD)
    key = browser.cookies["sessionid"].value
    assert not Session.objects.filter(session_key=key).exists()
    assert client.exists(f"{prefix}:1:django.contrib.sessions.cache{key}") == 1
    assert browser.get(reverse("overview:member_home")).status_code == 200
    # Which is the price: a flush of Redis signs everyone out.
    client.delete(f"{prefix}:1:django.contrib.sessions.cache{key}")
    response = browser.get(reverse("overview:member_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
