"""The form of a plan item: what is to be done, who answers for it, its month and/or its
deadline, a note. It collects input; `reports.yearend.plan_items` decides (an item needs a
month or a deadline, the deadline in the plan's year, an owner of the branch)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from branchsite.widgets import DateInput
from members.models import Member
from reports.models import PlanItem, YearDocument
from reports.yearend.plan_items import TITLE_MAX


def month_choices() -> list[tuple[str | int, str]]:
    return [("", gettext("— no month —"))] + [
        (month, pgettext("month of the year", "Month %(month)s") % {"month": month})
        for month in range(1, 13)
    ]


class PlanItemForm(forms.Form):
    title = forms.CharField(
        label=_("Item"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 组织一次主题党日活动")}),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Who answers for it."),
    )
    month = forms.TypedChoiceField(
        label=_("Planned month"), required=False, coerce=int, empty_value=None
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Give a month, a deadline, or both."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, document: YearDocument, item: PlanItem | None = None, **kwargs):
        if item is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": item.title,
                    "owner": item.owner_id,
                    "month": item.month,
                    "deadline": item.deadline,
                    "note": item.note,
                },
            )
        super().__init__(*args, **kwargs)
        owners = Member.objects.on_roll().filter(branch=document.branch_id)
        if item is not None and item.owner_id:  # an owner who has left stays on their item
            owners = owners | Member.objects.filter(pk=item.owner_id)
        self.fields["owner"].queryset = owners.order_by("name")
        self.fields["owner"].empty_label = gettext("— nobody yet —")
        self.fields["month"].choices = month_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            Row(
                Column("owner", css_class="col-sm-5"),
                Column("month", css_class="col-6 col-sm-3"),
                Column("deadline", css_class="col-6 col-sm-4"),
            ),
            "note",
        )

    def service_arguments(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "owner", "month", "deadline", "note")
        }
