"""Logs in production: one JSON object per line, for journald and whatever reads it after.

Each line has time, level, logger and message; a record about a request (Django's
django.request, gunicorn's access log through deploy/gunicorn.conf.py) adds the request's
method, path, status and, once the request has looked its user up, the user's id; a record
with an exception adds its traceback. The query string is never written: searches carry
names and identity numbers.
"""

import json
import logging
from datetime import UTC, datetime

from django.utils.functional import empty


class JsonFormatter(logging.Formatter):
    """A logging.Formatter writing each record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(request_fields(record))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["traceback"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def request_fields(record: logging.LogRecord) -> dict:
    """What a record tells of the request it is about: method, path, status, user id."""
    fields = {}
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "path"):
        fields["method"] = request.method
        fields["path"] = request.path
        user_id = known_user_id(request)
        if user_id is not None:
            fields["user_id"] = user_id
    status = getattr(record, "status_code", None)
    if status is not None:
        fields["status"] = status
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        # gunicorn's atoms: U the path without the query, s the status, M milliseconds.
        atoms = record.args
        fields.update(
            method=atoms.get("m"),
            path=atoms.get("U"),
            status=int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
            duration_ms=atoms.get("M"),
        )
    return fields


def known_user_id(request) -> int | None:
    """The signed-in user's id, if the request has already looked its user up: a log line
    about a failing request must not query the database (it may be what failed)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    if getattr(user, "is_authenticated", False):
        return user.pk
    return None
