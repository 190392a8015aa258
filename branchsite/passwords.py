"""The demo accounts' password is known to everyone who has seen the demo: the password
validators refuse it and anything close to it, and a production site makes whoever still
uses it choose another at login (`branchsite.accounts`)."""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Set by `seed_demo` on every demo account (demo.school).
DEMO_PASSWORD = "branchsite-demo"


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def resembles_demo_password(password: str) -> bool:
    """The demo password, with other case or punctuation, inside a longer one, or a few
    characters off ("Branchsite_Demo1", "branchsite-dem0")."""
    typed, demo = _letters_and_digits(password), _letters_and_digits(DEMO_PASSWORD)
    if not typed:
        return False
    return demo in typed or SequenceMatcher(None, typed, demo).ratio() >= 0.75


class DemoPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry refusing the demo password and those like it."""

    def validate(self, password, user=None):
        if resembles_demo_password(password):
            raise ValidationError(
                _("This is the demo accounts' password, or too close to it; choose another."),
                code="demo_password",
            )

    def get_help_text(self):
        return _("Your password cannot be the demo accounts' password or close to it.")
