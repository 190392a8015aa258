"""Error pages. A 404 may carry a sentence meant for the user (`GoneForUser`); every other
404 message is Django's own English ("No Member matches the given query") and stays hidden."""

from django.http import Http404
from django.shortcuts import render


class GoneForUser(Http404):
    """Not found, with a translated sentence that tells the user what to do next."""


def page_not_found(request, exception):
    explanation = str(exception) if isinstance(exception, GoneForUser) else ""
    return render(request, "404.html", {"explanation": explanation}, status=404)
