"""Forms of the election pages. They collect input; the services decide."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Election, Meeting, MeetingType
from branchsite.editing import EditStampMixin
from branchsite.forms import BoundedModelMultipleChoiceField
from branchsite.widgets import DateInput
from groups.models import CommitteeRole
from members.models import Category, Member


class MemberChoices(BoundedModelMultipleChoiceField):
    def label_from_instance(self, member):
        return member.name


class ElectionForm(EditStampMixin, forms.ModelForm):
    """The election: its meeting, what it elects, the seats and the candidates."""

    candidates = MemberChoices(
        label=_("Candidates"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Full members with the right to be elected; committee members need at least one "
            "fifth more candidates than seats."
        ),
    )

    class Meta:
        model = Election
        fields = ["meeting", "kind", "seats", "requested_on", "candidates_approved_on"]
        widgets = {"requested_on": DateInput(), "candidates_approved_on": DateInput()}

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        free = Q(election__isnull=True)
        if self.instance.pk:
            free |= Q(pk=self.instance.meeting_id)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            free, branch=branch, kind=MeetingType.GENERAL
        ).order_by("-held_on")
        self.fields["meeting"].empty_label = _("(not held yet)")
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.held_on:%Y-%m-%d} {meeting.topic}"
        )
        self.fields["meeting"].help_text = _(
            "The general meeting with its attendance: those with the right to vote are counted "
            "from it. Leave it empty while the election is being prepared."
        )
        self.fields["candidates"].queryset = (
            Member.objects.on_roll().filter(branch=branch, category=Category.FULL).order_by("name")
        )
        if self.instance.pk:
            self.fields["candidates"].initial = [
                candidate.member_id for candidate in self.instance.candidates.all()
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False


class RoundForm(forms.Form):
    """One round's count: the ballots, then for each candidate on the ballot the votes for,
    against and abstaining. A later round leaves out the candidates not on its ballot."""

    ballots_issued = forms.IntegerField(label=_("Ballots issued"), min_value=0)
    ballots_returned = forms.IntegerField(label=_("Ballots returned"), min_value=0)
    ballots_invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0, initial=0)

    def __init__(self, *args, candidates, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.first = first
        for candidate in self.candidates:
            for name, label in (
                ("for", _("For")),
                ("against", _("Against")),
                ("abstain", _("Abstaining")),
            ):
                self.fields[f"{name}_{candidate.pk}"] = forms.IntegerField(
                    label=label, min_value=0, required=False
                )

    def rows(self):
        """(candidate, [its three fields]) for the template."""
        return [
            (candidate, [self[f"{name}_{candidate.pk}"] for name in ("for", "against", "abstain")])
            for candidate in self.candidates
        ]

    def clean(self):
        cleaned = super().clean()
        votes = {}
        for candidate in self.candidates:
            counts = [
                cleaned.get(f"{name}_{candidate.pk}") for name in ("for", "against", "abstain")
            ]
            if all(value is None for value in counts):
                if self.first:
                    self.add_error(f"for_{candidate.pk}", gettext("Enter this candidate's votes."))
                continue
            votes[candidate.pk] = tuple(value or 0 for value in counts)
        cleaned["votes"] = votes
        return cleaned


class DecisionForm(EditStampMixin, forms.ModelForm):
    class Meta:
        model = Election
        fields = ["accepted_fewer", "approved_on", "approval_reference"]
        widgets = {"approved_on": DateInput()}

    def __init__(self, *args, seats_open: int, **kwargs):
        super().__init__(*args, **kwargs)
        if seats_open <= 0:
            del self.fields["accepted_fewer"]
        self.helper = FormHelper()
        self.helper.form_tag = False


class InstallForm(forms.Form):
    """The posts of the new committee: for each member elected, the posts the committee's
    first meeting gave them (书记 and 副书记 elected by it, the others' duties)."""

    def __init__(self, *args, elected, secretary_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.elected = list(elected)
        choices = (
            [(CommitteeRole.SECRETARY.value, CommitteeRole.SECRETARY.label)]
            if secretary_only
            else CommitteeRole.choices
        )
        for member in self.elected:
            self.fields[f"roles_{member.pk}"] = forms.MultipleChoiceField(
                label=member.name,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                initial=[CommitteeRole.SECRETARY] if secretary_only else [],
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def posts(self) -> list[tuple[str, Member]]:
        return [
            (role, member)
            for member in self.elected
            for role in self.cleaned_data.get(f"roles_{member.pk}", [])
        ]
