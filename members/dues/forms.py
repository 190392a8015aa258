"""Forms of the dues pages. They collect input; the services decide."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branchsite.widgets import DateInput
from groups.models import PartyGroup
from members.dues.ledger import first_of
from members.models import DuesArrearsReason, DuesBasis, DuesReduction, SpecialDues


class MonthInput(forms.DateInput):
    """The browser's month picker; where it has none, a text box that takes 2026-10."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "2026-10", **(attrs or {})}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month, as the first day of it."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return first_of(day) if day else day


def month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


class DuesFilterForm(forms.Form):
    """The dues page's filters, read from the query string: the year and a group (a leader
    chooses among their own groups)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=PartyGroup.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, data=None, *, branch, groups=None, **kwargs):
        super().__init__(data, **kwargs)
        queryset = PartyGroup.objects.filter(branch=branch, dissolved_on__isnull=True)
        if groups is not None:
            queryset = queryset.filter(pk__in=groups)
            self.fields["group"].empty_label = _("All my groups")
        self.fields["group"].queryset = queryset.order_by("sort_order", "name")
        self.allowed_groups = groups

    def values(self) -> tuple[int, frozenset[int] | None, PartyGroup | None]:
        """(year, the groups to list or None for the whole branch, the chosen group);
        invalid filters fall back to this year and every group the user may see."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        group = data.get("group")
        if group is not None:
            return year, frozenset({group.pk}), group
        return year, self.allowed_groups, None


class CollectionChoiceForm(DuesFilterForm):
    """Which month's collection, and for which group."""

    year = None
    month = MonthField(label=_("Month collected"), required=False)

    field_order = ["month", "group"]

    def __init__(self, data=None, *, branch, groups=None, posted=False, **kwargs):
        super().__init__(data, branch=branch, groups=groups, **kwargs)
        # Reading falls back to this month and every group allowed; saving never does.
        self.fields["month"].required = posted

    def chosen_month(self) -> datetime.date:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("month") or first_of(timezone.localdate())


class CollectionForm(forms.Form):
    """A month's collection: everyone listed paid, except those ticked as not paid; some
    handed in by someone else (by proxy)."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(attrs={"class": "form-control"}))
    not_paid = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    by_proxy = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [(str(row.member.pk), row.member.name) for row in rows]
        self.fields["not_paid"].choices = choices
        self.fields["by_proxy"].choices = choices

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("not_paid") or ()) & set(cleaned.get("by_proxy") or ())
        for row in self.rows:
            if str(row.member.pk) in both:
                self.add_error(
                    None,
                    gettext("%(name)s is marked both as not paid and as paid by proxy.")
                    % {"name": row.member.name},
                )
        return cleaned

    def ids(self, name: str) -> list[int]:
        return [int(value) for value in self.cleaned_data.get(name) or ()]

    def lines(self):
        """(row, ticked as not paid, ticked as by proxy) for the template, keeping what was
        ticked when the form comes back with errors."""
        not_paid = {str(value) for value in self["not_paid"].value() or ()}
        by_proxy = {str(value) for value in self["by_proxy"].value() or ()}
        return [
            (row, str(row.member.pk) in not_paid, str(row.member.pk) in by_proxy)
            for row in self.rows
        ]


class DuesBasisForm(forms.ModelForm):
    """核定党费基数: the category, the base (or, for the category "other", the amount the
    branch set) and the month it applies from."""

    starts_on = MonthField(
        label=_("From the month of"), help_text=_("The first month this base applies to.")
    )

    class Meta:
        model = DuesBasis
        fields = ["category", "monthly_base", "fixed_amount", "starts_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DuesPayForm(forms.Form):
    """A back payment or a quarter ahead: the months paid, all on one day."""

    months = forms.MultipleChoiceField(
        label=_("Months paid"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the months paid.")},
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    by_proxy = forms.BooleanField(
        label=_("Paid by proxy"),
        required=False,
        help_text=_("Handed in by someone else for them."),
    )
    with_consent = forms.BooleanField(
        label=_("Paid ahead with the branch's consent (经支部同意按季度交纳)"),
        required=False,
        help_text=_(
            "Needed for months after the month of payment: 经党支部同意，可以每季度交纳一次."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, months: list[datetime.date], amounts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (
                month.isoformat(),
                gettext("%(month)s · %(amount)s yuan")
                % {"month": month_label(month), "amount": amounts[month]},
            )
            for month in months
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def chosen_months(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(value) for value in self.cleaned_data["months"]]


class SpecialDuesForm(forms.ModelForm):
    """特殊党费: a voluntary extra payment, for a stated purpose."""

    class Meta:
        model = SpecialDues
        fields = ["amount", "paid_on", "purpose"]
        widgets = {"paid_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DuesReductionForm(forms.ModelForm):
    """少交或者免交党费: the months, the reduced amount (0 waives), the reason and the approval."""

    starts_on = MonthField(label=_("From the month of"))
    ends_on = MonthField(
        label=_("To the month of"),
        required=False,
        help_text=_("The last month it applies to; empty until the branch ends it."),
    )

    class Meta:
        model = DuesReduction
        fields = [
            "starts_on",
            "ends_on",
            "monthly_amount",
            "reason",
            "approved_by",
            "approval_reference",
            "approved_on",
        ]
        widgets = {"approved_by": forms.RadioSelect, "approved_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DuesArrearsReasonForm(forms.ModelForm):
    """Why a member is behind with their dues, from a month on."""

    starts_on = MonthField(
        label=_("Behind since the month of"),
        help_text=_("The first unpaid month the reason explains."),
    )

    class Meta:
        model = DuesArrearsReason
        fields = ["starts_on", "reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
