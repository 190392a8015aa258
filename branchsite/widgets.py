from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It accepts only ISO dates: rendered in the Chinese input
    format (2026/11/21), its value would show blank and the default date would be lost."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
