"""Forms of the meeting pages. They collect input; the services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.db.models import F, Q
from django.forms import modelformset_factory
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import (
    MEETING_ATTACHMENT_TYPES,
    AgendaTemplate,
    Attendance,
    Meeting,
    MeetingType,
    Motion,
    Presence,
    validate_meeting_attachment,
)
from activities.services import Absence
from branchsite.dates import ONE_DAY
from branchsite.editing import EditStampMixin
from branchsite.forms import BoundedModelMultipleChoiceField
from branchsite.widgets import DateInput
from groups.models import CommitteeMembership
from members.models import Member


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MeetingForm(EditStampMixin, forms.ModelForm):
    """The record of a meeting. A group leader records meetings of their own groups only;
    the committee records any meeting of the branch."""

    photo = forms.FileField(
        label=_("Photo or sign-in sheet"),
        required=False,
        help_text=_("Optional: a JPG or PNG photo, or a PDF scan. More can be added later."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(sorted(set(MEETING_ATTACHMENT_TYPES.values())))}
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "group",
            "held_on",
            "held_for_year",
            "starts_at",
            "ends_at",
            "place",
            "topic",
            "host",
            "recorder",
            "speaker",
            "agenda",
            "minutes",
            "resolutions",
            "guests",
        ]
        widgets = {
            "held_on": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "resolutions": forms.Textarea(attrs={"rows": 3}),
            "guests": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, branch, groups=None, creating=False, **kwargs):
        """`groups`: the groups the user may record meetings of; None means the whole branch
        (the committee), and then every meeting type is offered."""
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        self.branch = branch
        group_choices = branch.party_groups.filter(dissolved_on__isnull=True)
        if groups is not None:
            group_choices = group_choices.filter(pk__in=groups)
            self.fields["kind"].choices = [(MeetingType.GROUP, MeetingType.GROUP.label)]
            self.fields["kind"].initial = MeetingType.GROUP
            self.fields["group"].required = True
        self.fields["group"].queryset = group_choices
        self.fields["group"].empty_label = gettext("— not a group meeting —")
        people = Member.objects.on_roll().filter(branch=branch).order_by("name")
        if groups is not None:
            people = people.filter(self._leaders_choice(group_choices))
        for name in ("host", "recorder"):
            self.fields[name].queryset = people
        self.fields["held_on"].initial = timezone.localdate()
        if groups is None:
            self.fields["held_for_year"] = self._held_for_year_field()
        else:  # a group leader records group meetings, which are not yearly duties
            del self.fields["held_for_year"]
        self.fields["place"].widget.attrs["placeholder"] = gettext("e.g. Party activity room")
        self.fields["guests"].help_text = gettext(
            "Non-member attendees (列席), one a line, e.g. 王老师（团支部书记）."
        )
        self.fixed = None
        if groups is not None and len(group_choices) == 1:
            # A leader of one group has no choice to make: the type and group are fixed text.
            self.fixed = group_choices[0]
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["group"].widget = forms.HiddenInput()
            self.initial.setdefault("group", self.fixed.pk)
        if creating:
            self._photo_widget(camera=groups is not None)
        else:
            del self.fields["photo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _leaders_choice(self, group_choices) -> Q:
        """Who may host or record a group leader's meeting: the group's members (those
        expected at it), the committee, and whoever the saved record already names."""
        in_group = Member.objects.in_groups(group_choices).values("pk")
        on_committee = (
            CommitteeMembership.objects.current()
            .filter(term__branch=self.branch)
            .values("member_id")
        )
        named = [pk for pk in (self.instance.host_id, self.instance.recorder_id) if pk]
        return Q(pk__in=in_group) | Q(pk__in=on_committee) | Q(pk__in=named)

    # What a leader fills in on the spot comes first; the rest folds under 更多（选填）.
    FIRST = ("kind", "group", "held_on", "held_for_year", "place", "topic", "photo")

    def _layout(self) -> Layout:
        first = [name for name in self.FIRST if name in self.fields]
        more = [name for name in self.fields if name not in self.FIRST]
        # Open when what is folded needs the user: an error in it, or a saved record's text.
        if self.is_bound:
            folded_values = any(name in self.errors for name in more)
        else:
            folded_values = bool(self.instance.pk) and any(
                getattr(self.instance, name, None) not in (None, "") for name in more
            )
        items = []
        if self.fixed is not None:
            items.append(
                HTML(
                    format_html(
                        '<p class="mb-3" id="meeting-fixed"><span class="badge text-bg-light '
                        'border fs-6 fw-normal">{}</span> {}</p>',
                        MeetingType.GROUP.label,
                        self.fixed.name,
                    )
                )
            )
        items += [
            Field(name, template="activities/_photo_field.html") if name == "photo" else Field(name)
            for name in first
        ]
        items.append(
            HTML(
                format_html(
                    '<details class="mb-3 meeting-more"{}><summary class="mb-2">{}</summary>',
                    " open" if folded_values else "",
                    gettext("More (optional)"),
                )
            )
        )
        items += [Field(name) for name in more]
        items.append(HTML("</details>"))
        return Layout(*items)

    def _photo_widget(self, *, camera: bool) -> None:
        """On a leader's phone the photo is one large button that opens the camera; the
        committee may also attach a PDF scan."""
        field = self.fields["photo"]
        if camera:
            field.label = gettext("Take a photo")
            field.help_text = gettext("Optional: a photo of the meeting or its sign-in sheet.")
            field.widget.attrs = {"accept": "image/*", "capture": "environment"}
        field.widget.attrs["class"] = "visually-hidden photo-input"

    def _held_for_year_field(self) -> forms.TypedChoiceField:
        """The year a yearly duty counts for: empty (the year of its date), or a year the
        meeting may count for (`Meeting.years_it_may_count_for`), which the model checks."""
        today = timezone.localdate()
        years = {today.year, today.year - 1}
        if self.instance.held_on:
            years |= {self.instance.held_on.year, self.instance.held_on.year - 1}
        if self.instance.held_for_year:
            years.add(self.instance.held_for_year)
        model_field = Meeting._meta.get_field("held_for_year")
        return forms.TypedChoiceField(
            label=model_field.verbose_name,
            help_text=model_field.help_text,
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", gettext("The year of its date"))]
            + [(year, str(year)) for year in sorted(years, reverse=True)],
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate() + ONE_DAY:
            raise forms.ValidationError(
                gettext("Record a meeting after it is held; this date is in the future.")
            )
        return held_on

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_meeting_attachment(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        kind, group = cleaned.get("kind"), cleaned.get("group")
        if kind == MeetingType.GROUP and group is None and "group" not in self.errors:
            self.add_error("group", gettext("Choose the party group that met."))
        elif kind and kind != MeetingType.GROUP and group is not None:
            self.add_error("group", gettext("Only a group meeting names a group; leave it empty."))
        return cleaned


def agenda_templates(branch, kinds=None):
    """The agendas offered when recording: the branch's own first, then the defaults."""
    templates = AgendaTemplate.objects.filter(Q(branch=branch) | Q(branch__isnull=True))
    if kinds is not None:
        templates = templates.filter(kind__in=kinds)
    return templates.order_by(F("branch").asc(nulls_last=True), "kind", "sort_order", "title")


class AttendanceForm(forms.Form):
    """One radio group and one reason box per expected attendee."""

    def __init__(self, *args, rows: list[Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"presence_{row.member_id}"] = forms.ChoiceField(
                label=row.member.name,
                choices=Presence.choices,
                initial=row.presence,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
            )
            self.fields[f"reason_{row.member_id}"] = forms.CharField(
                label=gettext("Reason"),
                required=False,
                max_length=200,
                initial=row.reason,
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            presence = cleaned.get(f"presence_{row.member_id}")
            reason = (cleaned.get(f"reason_{row.member_id}") or "").strip()
            if presence == Presence.EXCUSED and not reason:
                self.add_error(
                    f"reason_{row.member_id}",
                    gettext("Say why %(name)s was excused.") % {"name": row.member.name},
                )
        return cleaned

    def entries(self):
        return {
            row.member_id: Absence(
                self.cleaned_data[f"presence_{row.member_id}"],
                self.cleaned_data.get(f"reason_{row.member_id}") or "",
            )
            for row in self.rows
        }

    def lines(self):
        """(attendance row, presence field, reason field) for the template."""
        return [
            (row, self[f"presence_{row.member_id}"], self[f"reason_{row.member_id}"])
            for row in self.rows
        ]


class MotionForm(forms.ModelForm):
    class Meta:
        model = Motion
        fields = [
            "title",
            "votes_for",
            "votes_against",
            "abstentions",
            "written_for",
            "written_against",
        ]


MotionFormSet = modelformset_factory(Motion, form=MotionForm, extra=1, can_delete=True)


class MakeUpCloseForm(forms.Form):
    done_on = forms.DateField(label=_("Made up on"), widget=DateInput())
    note = forms.CharField(
        label=_("How it was made up"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. read the meeting's materials and wrote a reflection")}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or scan"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(sorted(set(MEETING_ATTACHMENT_TYPES.values())))}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_meeting_attachment(upload)
        return upload


class GuestsForm(forms.Form):
    """The applicants, activists and candidates invited to a 党课 or a 主题党日."""

    people = BoundedModelMultipleChoiceField(
        label=_("Invited"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda person: (
            f"{person.name}（{person.get_category_display()}）"
        )
