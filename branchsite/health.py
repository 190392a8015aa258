"""The health check, `/healthz`: is the site able to serve? For a monitor, a load balancer or
the administrator's `curl`; it needs no login and says nothing but which part failed (the
reason goes to the log).

    200 {"status": "ok", "database": "ok", "storage": "ok"}
    503 {"status": "error", "database": "ok", "storage": "error"}
"""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Asked of a remote storage (S3): a cheap request that reaches it, changes nothing.
PROBE_NAME = "healthz-probe"


def database_problem() -> str | None:
    """Why the database cannot answer a query, or None when it can."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is the answer
        return f"{type(error).__name__}: {error}"
    return None


def storage_problem(*, create: bool = True) -> str | None:
    """Why uploads cannot be stored, or None when they can: on disk, MEDIA_ROOT is a folder
    (created as the storage would, unless `create` is false) in which a file can be written;
    elsewhere (S3), the storage answers a request."""
    try:
        if isinstance(default_storage, FileSystemStorage):
            root = Path(settings.MEDIA_ROOT)
            if create:
                root.mkdir(parents=True, exist_ok=True)
            # Written for real, then removed: permission bits say nothing to root, and a
            # full or read-only file system shows only when writing.
            with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-"):
                pass
        else:
            default_storage.exists(PROBE_NAME)
    except Exception as error:  # any failure is the answer
        return f"{type(error).__name__}: {error}"
    return None


@require_safe
def healthz(request):
    problems = {"database": database_problem(), "storage": storage_problem()}
    for part, problem in problems.items():
        if problem is not None:
            logger.error("Health check: the %s failed: %s", part, problem)
    failed = any(problem is not None for problem in problems.values())
    body = {"status": "error" if failed else "ok"}
    body.update({part: "ok" if problem is None else "error" for part, problem in problems.items()})
    response = JsonResponse(body, status=503 if failed else 200)
    response["Cache-Control"] = "no-store"
    return response
