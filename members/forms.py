from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branchsite.editing import EditStampMixin
from branchsite.widgets import DateInput
from groups.models import Branch, PartyGroup
from members.models import (
    Category,
    Employment,
    ExitGround,
    ExitKind,
    Member,
    Sanction,
    SanctionKind,
    Status,
    TransferState,
)
from members.selectors import transfer_acceptance_warnings
from members.services import REGISTRY_FIELDS
from members.validators import normalise_id_number


class RosterFilterForm(forms.Form):
    """The roster's filters, read from the query string. The list page and the Excel export
    use the same form, so an export holds exactly the rows the user was looking at."""

    STATUS_CHOICES = [
        ("", _("On the roll")),
        ("lost_contact", _("Lost contact")),
        ("mobile", _("Mobile members")),
        (Status.SUSPENDED, _("Membership suspended")),
        (Status.TRANSFERRED_OUT, _("Transferred out")),
        (Status.EXITED, _("Left the Party")),
        (Status.DECEASED, _("Deceased")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=PartyGroup.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[
            ("", _("All")),
            (Category.FULL, Category.FULL.label),
            (Category.PROBATIONARY, Category.PROBATIONARY.label),
        ],
    )
    employment = forms.ChoiceField(
        label=_("In service or retired"),
        required=False,
        choices=[("", _("All")), *Employment.choices],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data=None, *, branch, **kwargs):
        super().__init__(data, **kwargs)
        self.branch = branch
        self.fields["group"].queryset = PartyGroup.objects.filter(
            branch=branch, dissolved_on__isnull=True
        )

    def queryset(self):
        """The filtered members, each with `current_group_name`; invalid filters are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        members = Member.objects.filter(branch=self.branch)
        status = data.get("status", "")
        if status in (Status.SUSPENDED, Status.TRANSFERRED_OUT, Status.EXITED, Status.DECEASED):
            members = members.filter(status=status)
        else:
            members = members.on_roll()
            if status == "lost_contact":
                members = members.filter(lost_contact=True)
            elif status == "mobile":
                members = members.filter(mobile=True)
        if data.get("q"):
            members = members.filter(
                Q(name__contains=data["q"]) | Q(id_number=normalise_id_number(data["q"]))
            )
        if data.get("group"):
            members = members.in_groups([data["group"]])
        if data.get("category"):
            members = members.filter(category=data["category"])
        if data.get("employment"):
            members = members.filter(employment=data["employment"])
        # Group by group, as a school's roster is read; members in no group come last.
        return members.with_current_group().order_by(
            F("current_group_order").asc(nulls_last=True), "name", "pk"
        )


class _MemberForm(forms.Form):
    """A form about one member, rendered by crispy inside the action page's own <form>."""

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.helper = FormHelper()
        self.helper.form_tag = False


class _MemberActionForm(_MemberForm):
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MemberExitForm(_MemberActionForm):
    # 取消预备党员资格 is a step of recruitment, recorded there with its decision.
    kind = forms.ChoiceField(
        label=_("How the member left"),
        choices=[c for c in ExitKind.choices if c[0] != ExitKind.PROBATION_CANCELLED],
    )
    ground = forms.ChoiceField(
        label=_("Procedure"), choices=[("", "—"), *ExitGround.choices], required=False
    )
    reason = forms.CharField(label=_("Reason or decision"), max_length=200)
    field_order = ["kind", "ground", "on", "reason"]


class SanctionForm(_MemberActionForm):
    kind = forms.ChoiceField(label=_("Sanction"), choices=SanctionKind.choices)
    ends_on = forms.DateField(
        label=_("To"),
        widget=DateInput(),
        required=False,
        help_text=Sanction._meta.get_field("ends_on").help_text,
    )
    reason = forms.CharField(label=_("Reason or decision"), max_length=200)
    field_order = ["kind", "on", "ends_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("From")


class MemberStatusForm(_MemberActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TransferOutForm(_MemberActionForm):
    """The other side is a branch of this deployment, chosen from the list, or a Party
    organisation outside it, typed in: exactly one of the two."""

    to_branch = forms.ModelChoiceField(
        label=_("Receiving branch in this system"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("— outside this system: type its name below —"),
        help_text=_("Its committee accepts the member on its own pages."),
        error_messages={
            "invalid_choice": _("The receiving branch must be a branch of this deployment.")
        },
    )
    other_organisation = forms.CharField(
        label=_("Or a Party organisation outside this system"),
        max_length=100,
        required=False,
    )
    letter_number = forms.CharField(label=_("Letter number"), max_length=50, required=False)
    field_order = ["to_branch", "other_organisation", "letter_number", "on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Letter issued on")
        self.fields["to_branch"].queryset = Branch.objects.exclude(
            pk=self.member.branch_id
        ).order_by("school", "name")
        # Many schools' branches share a name (第一党支部): the school tells them apart.
        self.fields["to_branch"].label_from_instance = lambda branch: (
            f"{branch.school} · {branch.name}"
        )

    def clean(self):
        data = super().clean()
        to_branch, other = data.get("to_branch"), data.get("other_organisation")
        if to_branch is not None and other:
            raise forms.ValidationError(
                _("Choose a branch of this system or type an organisation outside it, not both.")
            )
        if to_branch is None and not other and "to_branch" not in self.errors:
            self.add_error(
                "other_organisation",
                _(
                    "Choose the receiving branch, or type the Party organisation outside this "
                    "system."
                ),
            )
        return data


class TransferCompleteForm(_MemberActionForm):
    ACCEPTED, CANCELLED = "accepted", "cancelled"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ACCEPTED, _("The receiving side has accepted the member")),
            (CANCELLED, _("Cancel the transfer (the letter expired or the move fell through)")),
        ],
        widget=forms.RadioSelect,
    )
    confirm_late = forms.BooleanField(
        label=_("Accept it although the letter is past its validity"), required=False
    )
    field_order = ["outcome", "on", "confirm_late"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.pending()
        if pending is not None and pending.is_between_branches:
            # The receiving branch accepts on its own pages; the sender may only cancel.
            self.fields["outcome"].choices = self.fields["outcome"].choices[1:]
            self.fields["outcome"].initial = self.CANCELLED
            self.fields["outcome"].help_text = _(
                "%(branch)s accepts the member on its own pages; here the transfer can only "
                "be cancelled."
            ) % {"branch": pending.to_branch.name}
            del self.fields["confirm_late"]

    def pending(self):
        return next(
            (t for t in self.member.transfers.all() if t.state == TransferState.PENDING), None
        )

    def clean(self):
        """Accepting a letter past its validity is confirmed, as the recruitment warnings are."""
        data = super().clean()
        pending = self.pending()
        if data.get("outcome") == self.ACCEPTED and pending and data.get("on"):
            warnings = transfer_acceptance_warnings(pending, data["on"])
            if warnings and not data.get("confirm_late"):
                raise forms.ValidationError(warnings)
        return data


class TransferReceiveForm(forms.Form):
    """The receiving branch's committee accepts a transfer from another branch."""

    on = forms.DateField(label=_("Accepted on"), widget=DateInput())
    confirm_late = forms.BooleanField(
        label=_("Accept it although the letter is past its validity"), required=False
    )

    def __init__(self, *args, transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.transfer = transfer
        self.fields["on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if data.get("on"):
            warnings = transfer_acceptance_warnings(self.transfer, data["on"])
            if warnings and not data.get("confirm_late"):
                raise forms.ValidationError(warnings)
        return data


class AccountCreateForm(_MemberForm):
    username = forms.RegexField(
        label=_("Account name"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]+$",
        help_text=_("Letters, digits and . _ - only, e.g. the name in pinyin: zhangli."),
        error_messages={"invalid": _("Use only letters, digits and . _ -")},
    )
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Tell it to the member; they can change it after logging in."),
    )


class PasswordResetForm(_MemberForm):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Tell it to the member; they can change it after logging in."),
    )


class LoginUnlockForm(_MemberForm):
    """Nothing to fill in: the confirmation page's button is the decision."""


class MemberRegistryForm(EditStampMixin, forms.ModelForm):
    """The registry fields a secretary corrects from the member's page. The service saves;
    the model's own validation (identity number, dates) gives the messages."""

    class Meta:
        model = Member
        fields = REGISTRY_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "work_started_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_id_number(self):
        return normalise_id_number(self.cleaned_data.get("id_number") or "")

    def _post_clean(self):
        # The service validates and saves the member; the form only collects the values.
        pass
