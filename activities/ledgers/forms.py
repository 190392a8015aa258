"""Forms of the ledger pages. They collect input, offer only the members the user may record
for, and fill dates in with today; the services decide."""

import datetime

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.ledgers.access import LedgerScope
from activities.ledgers.services import MENTORED_CATEGORIES
from activities.models import (
    USUAL_PROMISES,
    DutyPost,
    Fulfilment,
    HardshipCase,
    HardshipHelp,
    Pairing,
    PairingMeeting,
    Pledge,
)
from branchsite.editing import EditStampMixin
from branchsite.forms import BoundedModelMultipleChoiceField
from branchsite.widgets import DateInput
from groups.models import Branch, PartyGroup
from members.models import Member, Status


def recordable_members(branch: Branch, scope: LedgerScope):
    """The members on the roll the user may record for: the branch's for the committee,
    those now in their groups for a leader."""
    members = Member.objects.on_roll().filter(branch=branch).order_by("name")
    if scope.groups is not None:
        members = members.in_groups(scope.groups)
    return members


class LedgerForm(EditStampMixin, forms.ModelForm):
    """A ledger record's form: the member chosen among `recordable_members`, today's date in
    its date fields, no form tag (the template holds it)."""

    today_fields: tuple[str, ...] = ()

    def __init__(self, *args, branch: Branch, scope: LedgerScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        if "member" in self.fields:
            choices = recordable_members(branch, scope)
            if self.instance.member_id:  # an old record keeps its member, even one who left
                choices = choices | Member.objects.filter(pk=self.instance.member_id)
            self.fields["member"].queryset = choices.distinct()
        if self.instance.pk is None:
            for name in self.today_fields:
                self.fields[name].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False


class PairingForm(LedgerForm):
    today_fields = ("started_on",)

    class Meta:
        model = Pairing
        fields = [
            "member",
            "kind",
            "partner_name",
            "partner_member",
            "pupil_class",
            "started_on",
            "ended_on",
            "aim",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "aim": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, branch: Branch, scope: LedgerScope, **kwargs):
        super().__init__(*args, branch=branch, scope=scope, **kwargs)
        activists = Member.objects.filter(
            branch=branch, category__in=MENTORED_CATEGORIES, status=Status.ACTIVE
        )
        if self.instance.partner_member_id:
            activists = activists | Member.objects.filter(pk=self.instance.partner_member_id)
        self.fields["partner_member"].queryset = activists.order_by("name").distinct()
        self.fields["partner_member"].help_text = gettext(
            "For a pairing with an activist: the member must be their mentor (培养联系人)."
        )


class PairingMeetingForm(EditStampMixin, forms.ModelForm):
    class Meta:
        model = PairingMeeting
        fields = ["held_on", "note"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False


class HardshipCaseForm(LedgerForm):
    today_fields = ("opened_on",)

    class Meta:
        model = HardshipCase
        fields = ["member", "person_name", "difficulty", "opened_on", "closed_on"]
        widgets = {
            "opened_on": DateInput(),
            "closed_on": DateInput(),
            "difficulty": forms.Textarea(attrs={"rows": 3}),
        }


class HardshipHelpForm(EditStampMixin, forms.ModelForm):
    """A help given. The givers are offered among the branch's members on the roll, the
    user's own record ticked."""

    class Meta:
        model = HardshipHelp
        fields = ["given_on", "what", "amount", "givers"]
        field_classes = {"givers": BoundedModelMultipleChoiceField}  # a huge key: invalid
        widgets = {
            "given_on": DateInput(),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
            "givers": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, branch: Branch, giver: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["givers"].queryset = (
            Member.objects.on_roll().filter(branch=branch).order_by("name")
        )
        self.fields["given_on"].initial = timezone.localdate()
        if giver is not None:
            self.fields["givers"].initial = [giver.pk]
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The names side by side: a phone shows the branch's members in a few rows to tap.
        self.helper.layout = Layout("given_on", "what", "amount", InlineCheckboxes("givers"))


class PledgeForm(LedgerForm):
    """A pledge: with `kind` given, its usual promises are filled in as a start."""

    class Meta:
        model = Pledge
        fields = ["member", "year", "kind", "promises", "fulfilment"]
        widgets = {
            "promises": forms.Textarea(attrs={"rows": 4}),
            "fulfilment": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, branch: Branch, scope: LedgerScope, kind: str = "", **kwargs):
        super().__init__(*args, branch=branch, scope=scope, **kwargs)
        if self.instance.pk is None:
            self.fields["year"].initial = timezone.localdate().year
            if kind in USUAL_PROMISES:
                self.fields["kind"].initial = kind
                self.fields["promises"].initial = USUAL_PROMISES[kind]


class PledgeReviewForm(forms.Form):
    """The committee's review of a pledge."""

    outcome = forms.ChoiceField(label=_("Review"), choices=Fulfilment.choices)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    fulfilment = forms.CharField(
        label=_("Fulfilment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done for each promise."),
    )

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].initial = pledge.outcome or Fulfilment.DONE
        self.fields["reviewed_on"].initial = pledge.reviewed_on or timezone.localdate()
        self.fields["fulfilment"].initial = pledge.fulfilment
        self.helper = FormHelper()
        self.helper.form_tag = False


class DutyPostForm(LedgerForm):
    today_fields = ("started_on",)

    class Meta:
        model = DutyPost
        fields = ["member", "kind", "place", "time_slot", "duties", "started_on", "ended_on"]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "duties": forms.Textarea(attrs={"rows": 3}),
        }


class LedgerFilterForm(forms.Form):
    """A ledger list's filters from the query string: the year (this year when the query
    string has none; empty for every year), the member's current group, the kind, and
    words in the names."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(
        self,
        data,
        *,
        branch: Branch,
        scope: LedgerScope,
        years: list[int],
        kinds=None,
        today: datetime.date | None = None,
    ):
        data = dict(data.items())
        if "year" not in data:
            data["year"] = str((today or timezone.localdate()).year)
        super().__init__(data)
        self.fields["year"].choices = [("", gettext("All years")), *((y, y) for y in years)]
        groups = PartyGroup.objects.filter(branch=branch)
        if scope.groups is not None:
            groups = groups.filter(pk__in=scope.groups)
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = gettext("All")
        self.fields["q"].widget.attrs["placeholder"] = gettext("Name")
        if kinds:
            self.fields["kind"].choices = [("", gettext("All")), *kinds]
        else:
            del self.fields["kind"]
        if not scope.details:  # the ledger's figures only: by year
            del self.fields["group"], self.fields["q"]
        elif scope.groups is not None and not scope.groups:
            del self.fields["group"]  # a member sees only their own records
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs.update({"class": f"{css} min-w-0"})

    def filters(self) -> dict:
        """The keyword arguments of `selectors.ledger_rows`; an invalid value is ignored
        (the form shows its error) rather than emptying the list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "year": data.get("year"),
            "group": data.get("group"),
            "kind": data.get("kind") or "",
            "words": data.get("q") or "",
        }
