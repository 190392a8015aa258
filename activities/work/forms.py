"""Forms of the other-work pages: one form per kind, showing that kind's fields with the
labels a school uses for them. They collect input; the services decide."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    KIND_FIELDS,
    KIND_REQUIRED,
    MEETING_ATTACHMENT_TYPES,
    Activity,
    ActivityKind,
    HomeVisitReason,
    LessonKind,
    validate_meeting_attachment,
)
from branchsite.editing import EditStampMixin
from branchsite.forms import BoundedModelMultipleChoiceField
from branchsite.widgets import DateInput
from members.models import Member

COMMON = ["held_on", "title", "group", "owner", "place"]
# What `number`, `counterpart` and `owner` mean for each kind.
LABELS = {
    ActivityKind.VISIT: {
        "number": _("People visited"),
        "counterpart": _("Whom (names or who they are)"),
    },
    ActivityKind.HOME_VISIT: {
        "number": _("Home visits"),
        "counterpart": _("Pupil (optional)"),
    },
    ActivityKind.LESSON: {"number": _("Lessons"), "owner": _("Member who gave or attended")},
    ActivityKind.VOLUNTEER: {"counterpart": _("Served (whom or where)")},
    ActivityKind.DONATION: {"counterpart": _("Given to")},
    ActivityKind.JOINT: {"counterpart": _("Partner organisation")},
    ActivityKind.STUDY: {"hours": _("Class hours each")},
    ActivityKind.TALK: {"counterpart": _("Talked with"), "owner": _("Talked by")},
}
# Titles a phone user picks instead of typing (the branch's recent titles come first).
USUAL_TITLES = {
    ActivityKind.VISIT: ["春节走访慰问", "慰问退休教职工", "慰问困难党员"],
    ActivityKind.HOME_VISIT: ["学困生家访", "困难家庭家访", "病假学生家访"],
    ActivityKind.LESSON: ["示范课", "公开课展示", "听课评课"],
    ActivityKind.VOLUNTEER: ["校门口护学岗", "社区志愿服务", "文明交通志愿服务"],
    ActivityKind.DONATION: ["一日捐", "爱心捐款"],
    ActivityKind.JOINT: ["社区共建活动", "结对共建"],
    ActivityKind.STUDY: ["集中学习", "专题学习", "网络学习"],
    ActivityKind.TALK: ["谈心谈话"],
}


def default_title(kind: str, data: dict) -> str:
    """The title a record gets when none is typed: what a ledger would write."""
    if kind == ActivityKind.HOME_VISIT and data.get("home_visit_reason"):
        return f"{data['home_visit_reason'].name}家访"
    if kind == ActivityKind.LESSON and data.get("lesson_kind"):
        return str(LessonKind(data["lesson_kind"]).label)
    return DEFAULT_TITLES[kind]


DEFAULT_TITLES = {
    ActivityKind.VISIT: "走访慰问",
    ActivityKind.HOME_VISIT: "家访",
    ActivityKind.LESSON: "课例",
    ActivityKind.VOLUNTEER: "志愿服务",
    ActivityKind.DONATION: "捐款捐物",
    ActivityKind.JOINT: "共建活动",
    ActivityKind.STUDY: "学习",
    ActivityKind.TALK: "谈心谈话",
}


class ActivityForm(EditStampMixin, forms.ModelForm):
    """An activity of one kind. `groups`: the groups the user may record for (None: any,
    the committee); a leader's activity belongs to one of their groups."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional: a JPG or PNG photo, or a PDF scan."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(sorted(set(MEETING_ATTACHMENT_TYPES.values())))}
        ),
    )
    participants = BoundedModelMultipleChoiceField(
        label=_("Members taking part"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            *COMMON,
            "number",
            "visited_kind",
            "counterpart",
            "problems_solved",
            "amount",
            "goods",
            "pupil_class",
            "home_visit_reason",
            "lesson_kind",
            "lesson_level",
            "lesson_role",
            "study_form",
            "hours",
            "private_notes",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "private_notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, branch, kind, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch, self.instance.kind = branch, kind
        used = set(COMMON) | set(KIND_FIELDS[kind]) | {"notes"}
        for name in list(self.fields):
            if name not in used and name not in ("participants", "photo"):
                del self.fields[name]
        if kind == ActivityKind.TALK:
            del self.fields["participants"], self.fields["photo"]
        for name in KIND_REQUIRED[kind]:
            self.fields[name].required = True
        for name, label in LABELS.get(kind, {}).items():
            self.fields[name].label = label
        group_choices = branch.party_groups.filter(dissolved_on__isnull=True)
        members = Member.objects.on_roll().filter(branch=branch).order_by("name")
        if groups is not None:
            group_choices = group_choices.filter(pk__in=groups)
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
            # A leader chooses among their groups' members, and keeps whoever the record
            # already names: saving must not drop another group's participant or owner.
            named = []
            if self.instance.pk:
                named = [row.member_id for row in self.instance.participants.all()]
                named += [self.instance.owner_id] if self.instance.owner_id else []
            members = Member.objects.filter(
                Q(pk__in=members.in_groups(groups).values("pk")) | Q(pk__in=named)
            ).order_by("name")
        self.fields["group"].queryset = group_choices
        self.fields["owner"].queryset = members
        if "participants" in self.fields:
            self.fields["participants"].queryset = members
            if self.instance.pk:
                self.initial["participants"] = [
                    row.member_id for row in self.instance.participants.all()
                ]
        if "home_visit_reason" in self.fields:
            self.fields["home_visit_reason"].queryset = HomeVisitReason.objects.filter(
                Q(branch=branch) | Q(branch__isnull=True)
            )
        if "number" in self.fields:
            self.fields["number"].widget.attrs.update(inputmode="numeric", min=1)
        if "amount" in self.fields:
            self.fields["amount"].widget.attrs.update(inputmode="decimal")
        self.fields["title"].widget.attrs["list"] = "usual-titles"
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty for the usual title of this kind.")
        if "counterpart" in self.fields:
            self.fields["counterpart"].help_text = ""
        if groups is not None:
            self.fields["group"].help_text = ""
        # What the kind is about first, then who and where: a phone user fills the top.
        self.order_fields(
            [
                "held_on",
                *KIND_REQUIRED[kind],
                *KIND_FIELDS[kind],
                "title",
                "group",
                "owner",
                "participants",
            ]
        )
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title"):
            cleaned["title"] = default_title(self.instance.kind, cleaned)
            self.instance.title = cleaned["title"]
        return cleaned

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            validate_meeting_attachment(photo)
        return photo

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return held_on
