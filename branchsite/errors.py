"""Error pages. A 404 may carry a sentence meant for the user (`GoneForUser`), and a 403
too (`RefusedForUser`); every other message is Django's own English ("No Member matches
the given query") and stays hidden."""

import sys

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader


class GoneForUser(Http404):
    """Not found, with a translated sentence that tells the user what to do next."""


def page_not_found(request, exception):
    explanation = str(exception) if isinstance(exception, GoneForUser) else ""
    return render(request, "404.html", {"explanation": explanation}, status=404)


class RefusedForUser(PermissionDenied):
    """Forbidden, with a translated sentence that says why and whom to ask."""


def permission_denied(request, exception):
    explanation = str(exception) if isinstance(exception, RefusedForUser) else ""
    return render(request, "403.html", {"explanation": explanation}, status=403)


def server_error(request):
    """The 500 page; when what failed is the database (gone away, restarted, locked too
    long), a 503 page that says so. Rendered without the request's context, which would ask
    the database again. Django logs the error with its traceback; when the
    request ends it closes a broken connection, so the next request connects again and the
    site serves as soon as the database is back."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return HttpResponse(loader.render_to_string("503.html"), status=503)
    return HttpResponse(loader.render_to_string("500.html"), status=500)
