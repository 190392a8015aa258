"""A form sent twice is saved once.

Every form that changes something carries a one-time token (`{% submit_once %}`, drawn when
the page is). The first request with a token is recorded before its view runs; when the view
answers with a redirect, as a view does after saving, the record keeps where it led. The same
token sent again — a double click, a reload of the answer, a phone resending on a bad
network — runs no view: the user is taken where the first sending led, told it was saved
once. A twin that arrives while the first is still being saved waits for it.

A sending that saved nothing (the form came back with errors, the view failed) leaves no
record, so the corrected form, which carries a new token anyway, is saved as usual.
"""

import datetime
import time
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branchsite.models import Submission

FIELD = "submission"
# How long a twin waits for the first sending to be saved, and how often it looks.
WAIT_SECONDS = 10.0
LOOK_EVERY = 0.1
# Tokens are kept this long: a page older than this, sent again, is saved again.
KEEP = datetime.timedelta(days=2)


def new_token() -> str:
    return str(uuid.uuid4())


def sent_token(request) -> uuid.UUID | None:
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


class SubmitOnce:
    """Middleware, after authentication and messages (and CSRF, whose check runs first in
    process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        submission = getattr(request, "_submission", None)
        if submission is not None:
            if response.status_code in (301, 302, 303) and response.get("Location"):
                submission.location = response["Location"]
                submission.save(update_fields=["location"])
            else:
                submission.delete()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        token = sent_token(request)
        if token is None:
            return None
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                with transaction.atomic():
                    request._submission = Submission.objects.create(token=token, user=request.user)
                Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
                return None
            except IntegrityError:
                pass
            earlier = Submission.objects.filter(token=token).first()
            if earlier is None:
                continue  # the first sending saved nothing and let go: this one goes on
            if earlier.user_id != request.user.pk:
                return None  # not this user's page: nothing to spare them
            if earlier.location:
                messages.info(
                    request, _("This form had already been sent and saved; it was saved once.")
                )
                return redirect(earlier.location)
            if time.monotonic() > deadline:
                return render(request, "submission_pending.html", status=409)
            time.sleep(LOOK_EVERY)
