"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names when the form has that
    field, above the form otherwise, so that what was typed stays and the reason shows
    where it applies."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The largest key a BigAutoField holds. A longer number in a form makes SQLite raise
# OverflowError inside `pk__in`, which Django's choice fields do not catch.
LARGEST_KEY = 2**63 - 1


def within_key_range(value) -> bool:
    text = str(value).strip()
    return not (text.isdigit() and int(text) > LARGEST_KEY)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses, as an invalid choice, a number too large to
    be any row's key."""

    def _check_values(self, value):
        for item in value:
            if not within_key_range(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:30]},
                )
        return super()._check_values(value)
