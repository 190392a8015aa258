"""When the database goes away in the middle of a request, the user gets a page that says so
(503, nothing saved) and the log a line with the error; when it is back, the site serves
again without a restart. Requests go through Django's WSGI handler as a server sends them
(the test client keeps its connection open across requests, a server does not).

What takes the database away is real, and what a deployment meets: on PostgreSQL the
server ends the connection (pg_terminate_backend, as a restart or an administrator does);
on SQLite another writer holds the table past the app's reading (database is locked)."""

import contextlib
import io
import re
import sqlite3
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import psycopg
import psycopg.sql
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """Sends requests through the WSGI handler with the cookies it was given."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data or {}).encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "HTTP_HOST": "localhost",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        setup_testing_defaults(environ)
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            for name, value in headers:
                if name.lower() == "set-cookie":
                    for key, morsel in SimpleCookie(value).items():
                        self.cookies[key] = morsel.value

        response = self.handler(environ, start_response)
        try:
            content = b"".join(response).decode()
        finally:
            response.close()  # as a server does: request_finished closes a broken connection
        return answer["status"], content

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _ = self.request("POST", "/accounts/login/", data)
        assert status == 302


@contextlib.contextmanager
def database_away():
    """The database stops answering the app's connection, then comes back."""
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid
        settings = connection.get_connection_params()
        # The app checks a kept connection before using it (DATABASE_HEALTH_CHECKS) and
        # opens a new one: refuse new connections too, as a server that is down would.
        database = psycopg.sql.Identifier(connection.settings_dict["NAME"])
        refuse = psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database)
        allow = psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database)
        with psycopg.connect(**{**settings, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(refuse)
            try:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                yield
            finally:
                admin.execute(allow)
    else:
        # The test database is shared in memory; a second connection writes to the
        # sessions' table and holds it, as a long write would.
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE django_session SET expire_date = expire_date")
        try:
            yield
        finally:
            other.rollback()
            other.close()


def test_the_user_is_told_the_database_is_away_and_the_site_comes_back(world, caplog):
    browser = Browser()
    browser.sign_in(world.secretary.user.username)
    assert browser.request("GET", "/")[0] in (200, 302)

    connection.ensure_connection()
    with database_away():
        status, page = browser.request("GET", "/")
        assert status == 503
        assert "数据库没有响应。您填写的内容没有保存。" in page
        assert '<html lang="zh-CN">' in page
        logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
        # One line or two (the session's own saving may fail after the view's), each
        # with the database's error and its traceback.
        assert logged
        assert {record.status_code for record in logged} == {503}
        assert all(isinstance(r.exc_info[1], OperationalError | InterfaceError) for r in logged)

    status, _ = browser.request("GET", "/")
    assert status in (200, 302)
