"""Forms of the evaluation pages. They collect input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branchsite.editing import EditStampMixin
from branchsite.widgets import DateInput
from members.models import EvaluationRound, Grade, RoundKind


class RoundOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=RoundKind.choices, initial=RoundKind.EVALUATION, required=False
    )
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())
    staff_rate = forms.BooleanField(
        label=_("Staff who are not members rate too (counted apart)"), required=False
    )
    within_groups = forms.BooleanField(
        label=_("Members grade within their party group (a large branch)"), required=False
    )


class BallotForm(forms.Form):
    """One grade for every member on the ballot: nothing to type."""

    def __init__(self, *args, members, grades=Grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"grade_{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=grades.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a grade for this member.")},
            )

    def grades(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"grade_{member.pk}"] for member in self.members}

    def rows(self):
        return [(member, self[f"grade_{member.pk}"]) for member in self.members]


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Final grade"), choices=Grade.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Self-assessment"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Against the standard of a qualified Party member and the oath: your political "
            "study, your work and teaching, your conduct, and what you will improve."
        ),
    )


class FollowUpForm(forms.Form):
    plan = forms.CharField(label=_("Improvement plan"), max_length=2000)
    due = forms.DateField(label=_("Due by"), widget=DateInput())
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), required=False)


class StepsForm(EditStampMixin, forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = [
            "study_from",
            "self_assessment_due",
            "peer_review_on",
            "notified_on",
            "reported_on",
        ]
        widgets = {name: DateInput() for name in fields}


class StaffCountsForm(forms.Form):
    """The staff's paper ballots: how many, and for each graded member the totals of each
    grade."""

    ballots = forms.IntegerField(label=_("Staff ballots"), min_value=0)

    def __init__(self, *args, members, grades=Grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.grade_values = list(grades.values)
        for member in self.members:
            for grade, label in grades.choices:
                self.fields[f"{grade}_{member.pk}"] = forms.IntegerField(
                    label=label, min_value=0, required=False
                )

    def rows(self):
        return [
            (member, [self[f"{grade}_{member.pk}"] for grade in self.grade_values])
            for member in self.members
        ]

    def counts(self) -> dict[int, dict[str, int]]:
        return {
            member.pk: {
                grade: self.cleaned_data.get(f"{grade}_{member.pk}") or 0
                for grade in self.grade_values
            }
            for member in self.members
        }


class PeerReviewForm(forms.Form):
    """党员互评 as held at a meeting: the day, and for each member the points the others
    raised (one a line)."""

    reviewed_on = forms.DateField(
        label=_("Held on"), widget=DateInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessments = list(assessments)
        for assessment in self.assessments:
            self.fields[f"comments_{assessment.pk}"] = forms.CharField(
                label=assessment.member.name,
                required=False,
                max_length=4000,
                initial=assessment.peer_comments,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(row, self[f"comments_{row.pk}"]) for row in self.assessments]

    def comments(self) -> dict[int, str]:
        return {row.pk: self.cleaned_data[f"comments_{row.pk}"] for row in self.assessments}
