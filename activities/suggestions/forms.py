"""Forms of the suggestion pages: the list's filters, recording a suggestion (a leader's
phone form: today's date and their group already chosen) and one small form per step. They
collect input; the services decide."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Satisfaction, Suggestion, SuggestionState
from activities.suggestions.selectors import suggestion_years, visible_suggestions
from branchsite.editing import EditStampMixin
from branchsite.widgets import DateInput
from groups.models import Branch, PartyGroup

# The list's state filter: the four states, and every state before the last (未办结).
OPEN = "open"


def _field(name: str):
    return Suggestion._meta.get_field(name)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class SuggestionFilterForm(forms.Form):
    """Group, state, year and a search in the text, the answer and what was done."""

    group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Words in the suggestion, the answer or what was done."),
    )

    def __init__(self, data=None, *, branch: Branch, groups: frozenset[int] | None, **kwargs):
        """`groups`: None for every suggestion of the branch, else those groups' only."""
        super().__init__(data, **kwargs)
        self.branch = branch
        self.groups = groups
        choices = PartyGroup.objects.filter(branch=branch)
        if groups is not None:
            choices = choices.filter(pk__in=groups)
        self.fields["group"].queryset = choices
        self.fields["group"].empty_label = gettext("All")
        self.fields["state"].choices = [
            ("", gettext("All")),
            (OPEN, gettext("Open (not closed)")),
            *SuggestionState.choices,
        ]
        years = suggestion_years(branch, groups)
        this_year = timezone.localdate().year
        if this_year not in years:
            years.insert(0, this_year)
        self.fields["year"].choices = [("", gettext("All")), *((y, str(y)) for y in years)]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs.update({"class": f"{css} min-w-0"})

    def queryset(self) -> QuerySet[Suggestion]:
        """The suggestions that match, newest first, with their group. An invalid form
        matches nothing: show `errors` instead."""
        if not self.is_valid():
            return Suggestion.objects.none()
        data = self.cleaned_data
        suggestions = visible_suggestions(self.branch, self.groups)
        if data["group"]:
            suggestions = suggestions.filter(group=data["group"])
        if data["state"] == OPEN:
            suggestions = suggestions.open()
        elif data["state"]:
            suggestions = suggestions.in_state(data["state"])
        if data["year"]:
            suggestions = suggestions.filter(raised_on__year=data["year"])
        if words := data["q"].strip():
            suggestions = suggestions.filter(
                Q(text__icontains=words)
                | Q(answer__icontains=words)
                | Q(improvement__icontains=words)
            )
        return suggestions.select_related("group").order_by("-raised_on", "-pk")


class SuggestionForm(EditStampMixin, forms.ModelForm):
    """What the staff raised. A leader records for the groups they lead (their own group
    already chosen); the committee for any group, or for the branch itself."""

    class Meta:
        model = Suggestion
        fields = ["group", "raised_on", "category", "text", "anonymous", "raised_by"]
        widgets = {
            "raised_on": DateInput(),
            "category": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, branch: Branch, groups: frozenset[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        choices = branch.party_groups.filter(dissolved_on__isnull=True)
        if self.instance.group_id:  # a dissolved group stays possible on its own records
            choices = choices | branch.party_groups.filter(pk=self.instance.group_id)
        if groups is not None:
            choices = choices.filter(pk__in=groups)
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
            self.fields["group"].help_text = ""
        else:
            self.fields["group"].empty_label = gettext("— raised to the branch directly —")
        self.fields["group"].queryset = choices
        if not self.instance.pk:
            self.fields["raised_on"].initial = timezone.localdate()
            if groups is not None and len(groups) >= 1:
                self.fields["group"].initial = min(groups)
        self.fields["raised_by"].widget.attrs["placeholder"] = gettext("e.g. 王老师")
        self.fields["text"].widget.attrs["placeholder"] = gettext(
            "What the staff raised, in their words."
        )
        self.helper = _helper()
        self.helper.layout = Layout(
            "group",
            "raised_on",
            InlineRadios("category"),
            "text",
            "anonymous",
            "raised_by",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("anonymous"):
            # The flag wins: the name is never kept, even if one was typed.
            cleaned["raised_by"] = ""
        elif not (cleaned.get("raised_by") or "").strip() and "raised_by" not in self.errors:
            self.add_error(
                "raised_by",
                gettext("Give the name of who raised it, or mark the suggestion anonymous."),
            )
        return cleaned


def _date_field(name: str) -> forms.DateField:
    return forms.DateField(
        label=_field(name).verbose_name, widget=DateInput(), initial=timezone.localdate
    )


class AnswerForm(forms.Form):
    """The committee's answer (or the 党政班子会议's), who gave it and when."""

    answer = forms.CharField(
        label=_field("answer").verbose_name, widget=forms.Textarea(attrs={"rows": 3})
    )
    answered_by = forms.CharField(
        label=_field("answered_by").verbose_name,
        max_length=_field("answered_by").max_length,
        help_text=_field("answered_by").help_text,
        widget=forms.TextInput(attrs={"list": "answered-by-choices"}),
    )
    answered_on = _date_field("answered_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            "answer", Row(Column("answered_by", css_class="col-sm-7"), Column("answered_on"))
        )


class DoneForm(forms.Form):
    """What the school did about it, and when."""

    improvement = forms.CharField(
        label=_field("improvement").verbose_name, widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = _date_field("done_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class FeedbackForm(forms.Form):
    """The staff's satisfaction, as the leader heard it."""

    satisfaction = forms.ChoiceField(
        label=_field("satisfaction").verbose_name,
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    feedback_on = _date_field("feedback_on")
    note = forms.CharField(
        label=_field("feedback_note").verbose_name,
        help_text=_field("feedback_note").help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(InlineRadios("satisfaction"), "feedback_on", "note")


# Each step: its form, the service's keyword arguments are the form's fields.
STEP_FORMS = {
    SuggestionState.ANSWERED: AnswerForm,
    SuggestionState.DONE: DoneForm,
    SuggestionState.CLOSED: FeedbackForm,
}
