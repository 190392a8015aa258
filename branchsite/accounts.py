"""Signing in and staying signed in: the login form (with "a shared computer"), a session
that ends after a period of inactivity, and the forced password change for an account that
still has the demo password on a production site."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.passwords import resembles_demo_password

# Session keys.
MUST_CHANGE_PASSWORD = "branchsite.must_change_password"
LAST_SEEN = "branchsite.last_seen"


class SignInForm(AuthenticationForm):
    shared_computer = forms.BooleanField(
        label=gettext_lazy("This is a shared computer: sign me out when the browser closes"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's form sets the name's max_length only after the field is built, so nothing
        # checks it: a longer name went on to the lockout's log, whose column is shorter,
        # and PostgreSQL refused the row (a 500). No account has a longer name.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInView(auth_views.LoginView):
    form_class = SignInForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_computer"):
            self.request.session.set_expiry(0)
        # The typed password is at hand only now; checking the stored hash on every
        # request would cost a hashing each time.
        if not settings.DEBUG and resembles_demo_password(form.cleaned_data["password"]):
            self.request.session[MUST_CHANGE_PASSWORD] = True
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        return response


class PasswordChangeRequired:
    """Middleware: an account signed in with the demo password reaches only the password
    change page (and logout) until it has a password of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_PASSWORD):
            allowed = {reverse("password_change"), reverse("logout")}
            if request.path not in allowed:
                messages.warning(
                    request,
                    _(
                        "This account still has the demo password, which anyone who has seen "
                        "the demo knows. Choose a password of your own to go on."
                    ),
                )
                return redirect("password_change")
        return self.get_response(request)


class IdleSessionExpiry:
    """Middleware: a signed-in session lasts SESSION_COOKIE_AGE from the last request, not
    from the login. The session is written again at most every few minutes, not on every
    request as SESSION_SAVE_EVERY_REQUEST would."""

    REFRESH_SECONDS = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            if now - request.session.get(LAST_SEEN, 0) >= self.REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return response
