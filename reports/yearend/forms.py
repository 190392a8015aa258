"""The editor's form: the title, and each section's heading and text, from the version the
editor started on (`based_on`, so a save never overwrites a newer one)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.yearend.services import SECTION_MAX, TITLE_MAX
from reports.yearend.text import Section


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, sections: list[Section], **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            if section.heading or section.key != "opening":
                self.fields[f"heading_{section.key}"] = forms.CharField(
                    label=_("Heading"), max_length=100, required=False, initial=section.heading
                )
            self.fields[f"text_{section.key}"] = forms.CharField(
                label=section.heading or _("Opening"),
                widget=forms.Textarea(attrs={"rows": 8, "data-document-editor": ""}),
                required=False,
                max_length=SECTION_MAX,
                initial=section.text,
                strip=False,
            )

    def section_fields(self):
        """(heading field or None, text field) per section, in order, for the template."""
        for section in self.sections:
            heading = (
                self[f"heading_{section.key}"] if f"heading_{section.key}" in self.fields else None
            )
            yield section, heading, self[f"text_{section.key}"]

    def cleaned_sections(self) -> list[Section]:
        return [
            Section(
                key=section.key,
                heading=self.cleaned_data.get(f"heading_{section.key}", ""),
                text=self.cleaned_data[f"text_{section.key}"],
            )
            for section in self.sections
        ]
