"""The filters of a branch's meeting list, read from the query string.

The meeting list page and the ledger (三会一课台账) use the same form, so a downloaded ledger
holds exactly the meetings the user was looking at:

    form = MeetingFilterForm(request.GET, branch=branch, groups=groups)
    if not form.is_valid():
        ...  # show form.errors (in Chinese)
    meetings = form.queryset()
    start, end = form.period

`groups` is what `activities.access.get_branch_for_meetings` returns: None for the committee and
viewers (every meeting of the branch), a leader's own groups otherwise (those groups'
meetings only, and only those groups offered in the group filter).
"""

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from activities.models import Attendance, Meeting, MeetingType
from branchsite.widgets import DateInput
from groups.models import Branch, PartyGroup
from members.models import Member


class MeetingFilterForm(forms.Form):
    """Meeting type, party group, a date range and a search in topic, place and minutes.

    When both dates are empty the range is this calendar year: the form fills the dates in,
    so the page shows the range it applies. A school keeps its records by the year. The
    records waiting for review (`review=pending`, the overview's 待办 link) are the
    exception: with no dates, they are listed whatever their year.
    """

    kind = forms.ChoiceField(
        label=_("Meeting type"),
        required=False,
        choices=[("", _("All")), *MeetingType.choices],
    )
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=PartyGroup.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    start = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    review = forms.ChoiceField(
        label=pgettext_lazy("meeting filter", "Review"),
        required=False,
        choices=[("", _("All")), ("pending", _("Waiting for review")), ("reviewed", _("Reviewed"))],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Words in the topic, the place or the minutes."),
    )

    def __init__(
        self,
        data=None,
        *,
        branch: Branch,
        groups: frozenset[int] | None = None,
        attendee: Member | None = None,
        today: datetime.date | None = None,
        **kwargs,
    ):
        """`groups`: None for every meeting of the branch, else the meetings of these groups
        only. `attendee` (with `groups`): the meetings this member was expected at are
        included too, for a member's or a leader's own list."""
        data = dict(data.items()) if data is not None else {}
        # A record waiting for review waits whatever its year: that list is not limited.
        pending_only = data.get("review") == "pending"
        if not data.get("start") and not data.get("end") and not pending_only:
            year = (today or timezone.localdate()).year
            data["start"] = datetime.date(year, 1, 1).isoformat()
            data["end"] = datetime.date(year, 12, 31).isoformat()
        super().__init__(data, **kwargs)
        self.branch = branch
        self.groups = groups
        self.attendee = attendee
        choices = PartyGroup.objects.filter(branch=branch)
        if groups is not None:
            choices = choices.filter(pk__in=groups)
        self.fields["group"].queryset = choices
        # Bootstrap's look; `min-w-0` (min-width: 0) lets a long group name shrink on a phone.
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs.update({"class": f"{css} min-w-0"})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", gettext("The end date is before the start date."))
        return cleaned

    @property
    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The date range applied, (start, end); either may be None (open-ended)."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("start"), data.get("end")

    def queryset(self) -> QuerySet[Meeting]:
        """The meetings that match, oldest first (held_on, pk), with their group, host and
        recorder. An invalid form matches nothing: show `errors` instead."""
        if not self.is_valid():
            return Meeting.objects.none()
        data = self.cleaned_data
        meetings = Meeting.objects.filter(branch=self.branch)
        if self.groups is not None:
            visible = Q(group__in=self.groups)
            if self.attendee is not None:
                attended = Attendance.objects.filter(member=self.attendee).values("meeting")
                visible |= Q(pk__in=attended)
            meetings = meetings.filter(visible)
        if data["kind"]:
            meetings = meetings.filter(kind=data["kind"])
        if data["group"]:
            meetings = meetings.filter(group=data["group"])
        if data["start"]:
            meetings = meetings.filter(held_on__gte=data["start"])
        if data["end"]:
            meetings = meetings.filter(held_on__lte=data["end"])
        if data["review"] == "pending":
            meetings = meetings.waiting_for_review()
        elif data["review"] == "reviewed":
            meetings = meetings.reviewed()
        if words := data["q"].strip():
            meetings = meetings.filter(
                Q(topic__icontains=words) | Q(place__icontains=words) | Q(minutes__icontains=words)
            )
        return meetings.select_related("group", "host", "recorder").order_by("held_on", "pk")
