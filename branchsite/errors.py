"""Error pages. A 404 may carry a sentence meant for the user (`GoneForUser`), and a 403
too (`RefusedForUser`); every other message is Django's own English ("No Member matches
the given query") and stays hidden."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render


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
