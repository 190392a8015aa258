"""Production logs (branchsite/logs.py): one JSON object per line, with the request's path,
status and user where the record has them, and the traceback of an error in a view."""

import json
import logging
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils.functional import SimpleLazyObject

from branchsite.logs import JsonFormatter


def failing_view(request):
    raise ZeroDivisionError("the view failed")


def working_view(request):
    return HttpResponse("ok")


urlpatterns = [path("fails/", failing_view), path("works/", working_view)]


def record(message="Saved %s", args=("meeting",), **extra) -> logging.LogRecord:
    entry = logging.LogRecord("branchsite.test", logging.WARNING, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def formatted(entry: logging.LogRecord) -> dict:
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    return json.loads(line)


def test_a_line_holds_time_level_logger_and_the_message():
    entry = formatted(record())
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "branchsite.test"
    assert entry["message"] == "Saved meeting"
    assert entry["time"].endswith("+00:00")


def test_chinese_stays_readable():
    line = JsonFormatter().format(record("已保存%s", ("会议记录",)))
    assert "已保存会议记录" in line


def test_a_request_gives_its_method_path_status_and_user_but_not_its_query():
    request = RequestFactory().get("/members/branch/1/", {"q": "310101199001011234"})

    class SignedIn:
        is_authenticated = True
        pk = 42

    request.user = SignedIn()
    entry = formatted(record(request=request, status_code=404))
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == (
        "GET",
        "/members/branch/1/",
        404,
        42,
    )
    assert "310101199001011234" not in json.dumps(entry)


def test_a_user_not_yet_looked_up_is_left_out_rather_than_queried():
    request = RequestFactory().get("/")

    def lookup():
        raise AssertionError("the log looked the user up")

    request.user = SimpleLazyObject(lookup)
    entry = formatted(record(request=request))
    assert entry["path"] == "/"
    assert "user_id" not in entry


def test_an_anonymous_visitor_has_no_user_id():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert "user_id" not in formatted(record(request=request))


def test_an_exception_comes_with_its_traceback():
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        entry = formatted(record(exc_info=sys.exc_info()))
    assert entry["traceback"].startswith("Traceback")
    assert "ZeroDivisionError" in entry["traceback"]


def test_gunicorns_access_line_gives_path_status_and_duration():
    atoms = {"m": "GET", "U": "/healthz", "q": "secret=1", "s": "200", "M": 3}
    entry = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(m)s %(U)s" %(s)s', (atoms,), None
    )
    fields = formatted(entry)
    assert fields["message"] == '"GET /healthz" 200'
    assert (fields["path"], fields["status"], fields["duration_ms"]) == ("/healthz", 200, 3)
    assert "secret" not in json.dumps(fields)


@pytest.fixture
def request_log():
    """The django.request records, formatted as production writes them."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, entry):
            lines.append(json.loads(JsonFormatter().format(entry)))

    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_an_error_in_a_view_is_logged_with_its_path_status_and_traceback(db, settings, request_log):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/fails/?q=private")
    assert response.status_code == 500
    [entry] = request_log
    assert (entry["level"], entry["path"], entry["status"]) == ("ERROR", "/fails/", 500)
    assert "ZeroDivisionError: the view failed" in entry["traceback"]
