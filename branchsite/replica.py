"""A read replica for the district pages (DATABASE_REPLICA_URL, docs/scaling.md).

The district pages (/districts/…) read every branch of an upper committee and change nothing:
they are what a replica is for. While a GET or HEAD to one of them is answered
(`ReplicaReads`, a middleware), `ReplicaRouter` sends the reads of the organisation's data
(the groups, members, activities and reports apps) to the `replica` database. Everything
else goes to the primary (`default`): every write, every other page, and even on a district
page the reads of the account, its session, login locks and background jobs, so that a
replica a second behind never signs anyone out nor hides a job just asked for.

Without DATABASE_REPLICA_URL there is no `replica` alias and the router always answers
`default`.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The pages whose reads the replica serves.
REPLICA_PATHS = ("/districts/",)
# The apps whose tables those pages read from the replica.
REPLICA_APPS = frozenset({"groups", "members", "activities", "reports"})

_reading = contextvars.ContextVar("branchsite_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads():
    """Within this block, the organisation's data is read from the replica (if any)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and model._meta.app_label in REPLICA_APPS and replica_configured():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from either may refer to one
        # read from the other.
        return True

    def allow_migrate(self, db, app_label, **hints):
        # The replica is a copy of the primary, which alone is migrated.
        return db != REPLICA


class ReplicaReads:
    """Middleware: a GET or HEAD of a district page reads from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info.startswith(REPLICA_PATHS):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
