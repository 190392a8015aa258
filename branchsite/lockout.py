"""Login protection (django-axes): an account is locked after a few wrong passwords, an
address after many more, since a school's staff often share one address behind its router.

The address is the connection's own unless the site runs behind a reverse proxy that the
administrator names in `CLIENT_ADDRESS_HEADER`; a header no proxy vouches for is never read,
or anyone could pick the address their failures count against.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from branchsite.accounts import SignInForm


def client_address(request) -> str | None:
    """The client's address: the last entry of the configured proxy header (the address the
    proxy itself saw: entries before it are whatever the client sent), else REMOTE_ADDR."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        candidate = request.META.get(key, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


class BranchLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter: `AXES_FAILURE_LIMIT` wrong
    passwords for one account, `LOGIN_ADDRESS_FAILURE_LIMIT` from one address."""

    def get_failures(self, request, credentials=None) -> int:
        limits = {
            "username": settings.AXES_FAILURE_LIMIT,
            "ip_address": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        }
        counts = {
            parameter: attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, attempts in zip(
                settings.AXES_LOCKOUT_PARAMETERS,
                self.get_user_attempts(request, credentials),
                strict=True,
            )
        }
        request.locked_by_address = counts["ip_address"] >= limits["ip_address"]
        # Axes compares the result with AXES_FAILURE_LIMIT: an address over its own limit
        # counts as an account at its limit.
        if request.locked_by_address:
            return max(counts["username"], limits["username"])
        return counts["username"]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget the account's own failures only: resetting the
        address's too would let anyone with one account clear it between guesses."""
        return self.reset_attempts(username=get_client_username(request, credentials))


def locked_out(request, original_response=None, credentials=None):
    """The login page again, with what was typed, saying until when logins are refused and
    who can lift the lock sooner."""
    username = get_client_username(request, credentials) or ""
    form = SignInForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_until": timezone.localtime() + settings.AXES_COOLOFF_TIME,
        "locked_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "locked_by_address": getattr(request, "locked_by_address", False),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


def account_locked(username: str) -> bool:
    """Whether the account is locked now by its own wrong passwords (not by its address)."""
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.AXES_FAILURE_LIMIT


def account_unlock(username: str) -> int:
    """Forget the account's wrong passwords, so that it may log in at once."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted
