"""Pages of the recruitment pipeline (发展党员): the branch's to-do list and people by stage,
one person's record, and the forms that record a step or a new applicant.

Who may see what: the branch committee and upper-committee viewers read; only the committee
records. Leaders and members of the branch are told "forbidden", everyone else "not found".

A step that breaks a time rule or the order of the procedure is not refused: the form comes
back with the warnings, everything typed kept (an uploaded file is held on the server), and
saves when the user confirms exactly those warnings.
"""

import hashlib
import os

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.dates import long_date
from branchsite.forms import BoundedModelMultipleChoiceField, add_service_errors
from branchsite.staging import Staging
from branchsite.widgets import DateInput
from groups.access import get_branch_for_manager, get_branch_for_user, roles_for
from groups.models import PartyGroup
from members import recruitment
from members.access import get_recruit_for_manager, get_recruit_for_user
from members.models import (
    RECRUITMENT_DOCUMENT_TYPES,
    Category,
    Gender,
    Member,
    PeopleRole,
    RecruitmentRecord,
    RecruitmentStep,
    validate_recruitment_document,
)

# --- keeping an upload while the user confirms warnings ------------------------------------

# The kernel's staging (branchsite.staging), bound to the record the form is about.
DOCUMENT_STAGING = Staging(purpose="members.recruitment.staged-document", max_age=24 * 60 * 60)


def fingerprint(warnings: list[str]) -> str:
    """Names the warnings a user confirmed: other warnings need another confirmation."""
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:24]


# --- forms --------------------------------------------------------------------------------


class _ConfirmableForm(forms.Form):
    """A form whose save may first show warnings and ask for confirmation."""

    document = forms.FileField(label=gettext_lazy("Document"), required=False)
    reference = forms.CharField(
        label=gettext_lazy("Archive reference"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Where the paper document is kept, e.g. 档案盒3-12."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirmation = forms.CharField(widget=forms.HiddenInput, required=False)
    staged_document = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "PDF, JPG, PNG or Word (.docx). Upload the scan, or give the archive reference below."
        )
        self.helper = FormHelper()
        label = _("Confirm and save") if confirming else _("Save")
        self.helper.add_input(Submit("submit", label, css_class="btn-danger"))

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_recruitment_document(document)
        return document

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        add_service_errors(self, error)

    def confirming_copy(self, warnings: list[str], *, owner: str, **kwargs):
        """The same form as typed, bound again with the confirmation of `warnings` and the
        upload kept on the server."""
        data = self.data.copy()
        data["confirmation"] = fingerprint(warnings)
        upload = self.cleaned_data.get("document")
        if upload:
            data["staged_document"] = DOCUMENT_STAGING.stage(upload, owner=owner, name=upload.name)
        return type(self)(data, confirming=True, **kwargs)

    def document_file(self, *, owner: str):
        if self.cleaned_data.get("document"):
            return self.cleaned_data["document"]
        staged = DOCUMENT_STAGING.get(self.cleaned_data.get("staged_document", ""), owner=owner)
        return staged.open() if staged else None

    def discard_staged(self, *, owner: str) -> None:
        DOCUMENT_STAGING.discard(self.cleaned_data.get("staged_document", ""), owner=owner)

    def staged_name(self, *, owner: str) -> str:
        staged = DOCUMENT_STAGING.get(self["staged_document"].value() or "", owner=owner)
        return staged.name if staged else ""

    def confirmed(self, warnings: list[str]) -> bool:
        return not warnings or self.cleaned_data.get("confirmation") == fingerprint(warnings)


class StepRecordForm(_ConfirmableForm):
    done_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    people = BoundedModelMultipleChoiceField(
        queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    training_days = forms.IntegerField(
        label=gettext_lazy("Training days"), min_value=0, max_value=366, required=False
    )
    class_hours = forms.IntegerField(
        label=gettext_lazy("Class hours"), min_value=0, max_value=2000, required=False
    )
    extension_months = forms.IntegerField(
        label=gettext_lazy("Extended by (months)"), min_value=1, max_value=36, required=False
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    notice_ends_on = forms.DateField(
        label=gettext_lazy("Public notice until"), widget=DateInput(), required=False
    )
    field_order = [
        "done_on",
        "notice_ends_on",
        "group",
        "people",
        "training_days",
        "class_hours",
        "extension_months",
        "document",
        "reference",
        "note",
    ]

    def __init__(self, *args, member: Member, step: RecruitmentStep, **kwargs):
        super().__init__(*args, **kwargs)
        self.member, self.step = member, step
        self.fields["done_on"].initial = timezone.localdate()
        if step.documents:
            self.fields["document"].help_text = _(
                "Usually: %(documents)s. PDF, JPG, PNG or Word (.docx); or give the archive "
                "reference below."
            ) % {"documents": step.documents}
        if step.people_role == PeopleRole.NONE:
            del self.fields["people"]
        else:
            people = Member.objects.on_roll().filter(branch=member.branch_id).exclude(pk=member.pk)
            if step.people_role in (PeopleRole.MENTORS, PeopleRole.SPONSORS):
                people = people.filter(category=Category.FULL)
                self.fields["people"].help_text = _("Full members of the branch.")
            self.fields["people"].queryset = people.order_by("name")
            self.fields["people"].label = step.get_people_role_display()
        if step.code != recruitment.StepCode.TRAINING:
            del self.fields["training_days"]
            del self.fields["class_hours"]
        if step.code == recruitment.StepCode.EXTENSION:
            self.fields["extension_months"].required = True
        else:
            del self.fields["extension_months"]
        if step.code == recruitment.StepCode.PLACED_IN_GROUP:
            self.fields["group"].required = True
            self.fields["group"].queryset = PartyGroup.objects.filter(
                branch=member.branch_id, dissolved_on__isnull=True
            ).order_by("sort_order", "name")
        else:
            del self.fields["group"]
        if step.code in recruitment.NOTICE_STEPS:
            self.fields["notice_ends_on"].required = True
            self.fields["done_on"].label = _("Public notice from")
        else:
            del self.fields["notice_ends_on"]
        # Side by side, a branch's forty names fit on a phone screen or two.
        self.helper.layout = Layout(
            *(InlineCheckboxes(name) if name == "people" else name for name in self.fields)
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "member": self.member,
            "step": self.step,
            "on": data["done_on"],
            "people": list(data.get("people") or []),
            "training_days": data.get("training_days"),
            "class_hours": data.get("class_hours"),
            "extension_months": data.get("extension_months"),
            "notice_ends_on": data.get("notice_ends_on"),
            "group": data.get("group"),
        }


class ApplicantForm(_ConfirmableForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices)
    id_number = forms.CharField(
        label=gettext_lazy("Identity number"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("18 characters; the birth date and gender are checked against it."),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Left empty, it is read from the identity number."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    office = forms.CharField(label=gettext_lazy("Teaching office"), max_length=50, required=False)
    applied_on = forms.DateField(
        label=gettext_lazy("Application handed in on"),
        widget=DateInput(),
    )
    field_order = [
        "name",
        "gender",
        "id_number",
        "birth_date",
        "phone",
        "office",
        "applied_on",
        "document",
        "reference",
        "note",
    ]

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["applied_on"].initial = timezone.localdate()
        self.fields["document"].label = _("Application (入党申请书)")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "branch": self.branch,
            "name": data["name"],
            "gender": data["gender"],
            "id_number": data["id_number"],
            "birth_date": data["birth_date"],
            "phone": data["phone"],
            "office": data["office"],
            "applied_on": data["applied_on"],
        }


# --- pages --------------------------------------------------------------------------------


@login_required
def pipeline(request, pk):
    branch = get_branch_for_user(request, pk)
    context = {
        "branch": branch,
        "can_manage": roles_for(request.user).can_manage_branch(branch.pk),
        **recruitment.recruitment_pipeline(branch),
    }
    return render(request, "members/recruitment/pipeline.html", context)


@login_required
def todo(request, pk):
    branch = get_branch_for_user(request, pk)
    today = timezone.localdate()
    items = recruitment.recruitment_todo(branch, today)
    context = {
        "branch": branch,
        "today": today,
        "items": items,
        "overdue_count": sum(item.overdue for item in items),
    }
    return render(request, "members/recruitment/todo.html", context)


@login_required
def person(request, pk):
    member = get_recruit_for_user(request, pk)
    context = {
        "branch": member.branch,
        "can_manage": roles_for(request.user).can_manage_branch(member.branch_id),
        **recruitment.recruitment_person(member),
    }
    return render(request, "members/recruitment/person.html", context)


@login_required
def record_step(request, pk, code):
    member = get_recruit_for_manager(request, pk)
    step = get_object_or_404(RecruitmentStep, code=code)
    owner = f"member:{member.pk}"
    form_arguments = {"member": member, "step": step}
    form = StepRecordForm(request.POST or None, request.FILES or None, **form_arguments)
    warnings = []
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        document = form.document_file(owner=owner)
        has_document = bool(document) or bool(form.cleaned_data["reference"].strip())
        try:
            warnings = recruitment.recruitment_step_check(**arguments, has_document=has_document)
            if not form.confirmed(warnings):
                form = form.confirming_copy(warnings, owner=owner, **form_arguments)
            else:
                category = member.category
                result = recruitment.recruitment_step_record(
                    **arguments,
                    document=document,
                    reference=form.cleaned_data["reference"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
                form.discard_staged(owner=owner)
                _report_recorded(request, result, category)
                return redirect("recruitment:person", pk=member.pk)
        except ValidationError as error:
            warnings = []
            form.add_service_error(error)
    context = {
        "branch": member.branch,
        "member": member,
        "step": step,
        "form": form,
        "warnings": warnings,
        "staged_name": form.staged_name(owner=owner),
    }
    return render(request, "members/recruitment/record_step.html", context)


def _report_recorded(request, result: recruitment.StepRecorded, category_before: str) -> None:
    record = result.record
    member = Member.objects.get(pk=record.member_id)
    messages.success(
        request,
        _("Recorded “%(step)s” for %(name)s on %(date)s.")
        % {
            "step": record.step.name,
            "name": member.name,
            "date": long_date(record.done_on),
        },
    )
    if member.category != category_before:
        messages.info(
            request,
            _("%(name)s is now a %(stage)s.")
            % {"name": member.name, "stage": member.get_category_display()},
        )


@login_required
def applicant_add(request, pk):
    branch = get_branch_for_manager(request, pk)
    owner = f"branch:{branch.pk}"
    form = ApplicantForm(request.POST or None, request.FILES or None, branch=branch)
    warnings = []
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        document = form.document_file(owner=owner)
        has_document = bool(document) or bool(form.cleaned_data["reference"].strip())
        try:
            warnings = recruitment.recruitment_applicant_check(
                **arguments, has_document=has_document
            )
            if not form.confirmed(warnings):
                form = form.confirming_copy(warnings, owner=owner, branch=branch)
            else:
                result = recruitment.recruitment_applicant_add(
                    **arguments,
                    document=document,
                    reference=form.cleaned_data["reference"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
                form.discard_staged(owner=owner)
                messages.success(
                    request,
                    _("%(name)s is recorded as an applicant.") % {"name": result.record.member},
                )
                return redirect("recruitment:person", pk=result.record.member_id)
        except ValidationError as error:
            warnings = []
            form.add_service_error(error)
    context = {
        "branch": branch,
        "form": form,
        "warnings": warnings,
        "staged_name": form.staged_name(owner=owner),
    }
    return render(request, "members/recruitment/applicant_add.html", context)


@login_required
def document(request, pk):
    """A step's document, to those who may read the person's record. Uploads are never
    linked from MEDIA_URL: political reviews are not public files."""
    record = get_object_or_404(RecruitmentRecord, pk=pk)
    get_recruit_for_user(request, record.member_id)
    if not record.document:
        raise Http404
    extension = os.path.splitext(record.document.name)[1].lower()
    try:
        handle = record.document.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        content_type=RECRUITMENT_DOCUMENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension == ".docx",
        filename=record.document_name or os.path.basename(record.document.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
