from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branchsite.widgets import DateInput
from groups.models import GroupMembership, GroupRole, PartyGroup
from members.models import Member


class _GroupActionForm(forms.Form):
    submit_label = ""

    started_on = forms.DateField(label=_("Effective from"), widget=DateInput())

    def __init__(self, *args, group: PartyGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["started_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label, css_class="btn-danger"))


class LeaderAppointForm(_GroupActionForm):
    submit_label = _("Appoint")

    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=GroupRole.choices, initial=GroupRole.LEADER)
    field_order = ["member", "role", "started_on"]

    def __init__(self, *args, group: PartyGroup, **kwargs):
        super().__init__(*args, group=group, **kwargs)
        in_group = GroupMembership.objects.current().filter(group=group).values("member")
        self.fields["member"].queryset = Member.objects.filter(pk__in=in_group).order_by("name")
        self.fields["member"].help_text = _("Only members of this group can lead it.")


class MemberPlaceForm(_GroupActionForm):
    submit_label = _("Place in this group")

    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    field_order = ["member", "started_on"]

    def __init__(self, *args, group: PartyGroup, **kwargs):
        super().__init__(*args, group=group, **kwargs)
        already_here = GroupMembership.objects.current().filter(group=group).values("member")
        self.fields["member"].queryset = (
            Member.objects.on_roll()
            .filter(branch=group.branch_id)
            .exclude(pk__in=already_here)
            .order_by("name")
        )
        self.fields["member"].help_text = _(
            "A member who is in another group leaves it on this date."
        )
