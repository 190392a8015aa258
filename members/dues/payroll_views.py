"""The committee's import of the year's dues bases from a payroll sheet: upload (the file
and the month the bases start from) → preview (each member's base before and after, and the
monthly amount; the rows skipped as no member's; the members with no row) → confirm; and
the rows with their errors as a workbook. The work is in `members.dues.payroll` and
`payroll_import`; these only adapt. Only the branch's committee may use them (others of the
branch 403, outsiders 404: `groups.access`)."""

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.downloads import download_response
from branchsite.errors import GoneForUser
from branchsite.staging import Staging
from branchsite.xlsx import XLSX_TYPE
from groups.access import get_branch_for_manager
from groups.models import Branch
from members.dues.forms import MonthInput
from members.dues.ledger import first_of
from members.dues.payroll import base_formula, missing_pay_columns, payroll_read
from members.dues.payroll_import import dues_bases_import
from members.roster import RosterFileError, roster_error_workbook
from members.roster.reading import EXTENSIONS

# Between preview and confirm the upload waits in the kernel's staging, as a roster does
# (members.roster.views): the session holds the signed token, bound to the user.
PAYROLL_STAGING = Staging(purpose="members.dues_payroll_import", max_age=2 * 60 * 60)
SESSION_KEY = "members.dues_payroll_import"
# The months a base may start from: the 2008 rules' year to the next year.
FIRST_YEAR = 2008


class PayrollUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Payroll sheet (.xlsx, .xls or .ods)"),
        help_text=gettext_lazy(
            "The school's payroll as it is: the rows of staff who are not members of the "
            "branch are skipped and listed. Columns: 姓名, 身份证号 (to tell apart people of "
            "the same name) and either 党费基数 (or 月计算基数, 税后工资) or the pay items "
            "岗位工资, 薪级工资, 绩效工资 and 津贴补贴 with 个人所得税, which is the only "
            "deduction; 类别 (在职, 离退休, 学生) is optional. The header row may be anywhere "
            "in the first rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("The bases apply from"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput,
        help_text=gettext_lazy("The first month of the new bases, usually January."),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["starts_on"].initial = today.replace(month=1, day=1)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_starts_on(self):
        month = first_of(self.cleaned_data["starts_on"])
        if not FIRST_YEAR <= month.year <= self.today.year + 1:
            raise forms.ValidationError(
                _("Choose a month from %(first)s to %(last)s.")
                % {"first": f"{FIRST_YEAR}-01", "last": f"{self.today.year + 1}-12"}
            )
        return month


def _owner(request) -> str:
    return f"user:{request.user.pk}"


def _upload_url(branch: Branch) -> str:
    return reverse("payroll:upload", args=[branch.pk])


@dataclass(frozen=True)
class PendingPayroll:
    """An uploaded payroll sheet waiting for its import."""

    token: str
    path: Path
    filename: str
    starts_on: datetime.date


def _get_pending_payroll(request, branch: Branch, token: str) -> PendingPayroll:
    """The upload `token` names, for the user who uploaded it in this session and for this
    branch: any other token (another session's, another user's or branch's, tampered or
    expired) is not found, with a sentence saying to upload again."""
    staged = None
    if token and token == request.session.get(SESSION_KEY):
        staged = PAYROLL_STAGING.get(token, owner=_owner(request))
    starts_on = parse_date(str(staged.data.get("starts_on", ""))) if staged else None
    if staged is None or staged.data.get("branch") != branch.pk or starts_on is None:
        raise GoneForUser(_("This upload has expired; please upload the file again."))
    return PendingPayroll(token=token, path=staged.path, filename=staged.name, starts_on=starts_on)


def _read_or_back_to_upload(request, branch: Branch, pending: PendingPayroll):
    """The pending file's sheet, or a redirect to the upload page that says what is wrong."""
    try:
        return payroll_read(pending.path)
    except RosterFileError as problem:
        messages.error(request, problem.message)
        return redirect(_upload_url(branch))


@login_required
def payroll_upload(request, pk):
    """Step 1: the file and the month. A readable sheet goes on to the preview."""
    branch = get_branch_for_manager(request, pk)
    form = PayrollUploadForm(
        request.POST or None, request.FILES or None, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(settings.ROSTER_IMPORT_MAX_BYTES + 1)
        try:
            payroll_read(io.BytesIO(content))
        except RosterFileError as problem:
            form.add_error("file", problem.message)
        else:
            PAYROLL_STAGING.discard(request.session.get(SESSION_KEY, ""), owner=_owner(request))
            # The reader goes by the bytes; the suffix only keeps the staged file legible.
            suffix = Path(upload.name).suffix.lower()
            token = PAYROLL_STAGING.stage(
                content,
                owner=_owner(request),
                name=upload.name,
                suffix=suffix if suffix in EXTENSIONS else ".xlsx",
                data={
                    "branch": branch.pk,
                    "starts_on": form.cleaned_data["starts_on"].isoformat(),
                },
            )
            request.session[SESSION_KEY] = token
            preview = reverse("payroll:preview", args=[branch.pk])
            return redirect(f"{preview}?token={token}")
    return render(request, "dues/payroll_upload.html", {"branch": branch, "form": form})


@login_required
def payroll_preview(request, pk):
    """Step 2: what the import would do, member by member (GET); POST performs it."""
    branch = get_branch_for_manager(request, pk)
    pending = _get_pending_payroll(
        request, branch, request.POST.get("token") or request.GET.get("token", "")
    )
    sheet = _read_or_back_to_upload(request, branch, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    confirm = request.method == "POST"
    result = dues_bases_import(
        branch=branch,
        sheet=sheet,
        starts_on=pending.starts_on,
        acting_user=request.user,
        dry_run=not confirm,
        file_name=pending.filename,
    )
    if result.written:
        PAYROLL_STAGING.discard(pending.token, owner=_owner(request))
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("The dues bases from %(month)s were imported: %(summary)s")
            % {"month": f"{result.starts_on:%Y-%m}", "summary": result.summary()},
        )
        return redirect("dues:branch", pk=branch.pk)
    return render(
        request,
        "dues/payroll_preview.html",
        {
            "branch": branch,
            "result": result,
            "sheet": sheet,
            "filename": pending.filename,
            "token": pending.token,
            "formula": base_formula(sheet),
            "missing_columns": "、".join(missing_pay_columns(sheet)),
            "has_id_column": "id_number" in sheet.columns,
        },
    )


@login_required
def payroll_errors(request, pk):
    """The uploaded rows with a column of reasons, to fix in Excel and upload again."""
    branch = get_branch_for_manager(request, pk)
    pending = _get_pending_payroll(request, branch, request.GET.get("token", ""))
    sheet = _read_or_back_to_upload(request, branch, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    result = dues_bases_import(
        branch=branch,
        sheet=sheet,
        starts_on=pending.starts_on,
        acting_user=request.user,
        dry_run=True,
    )
    content = roster_error_workbook(sheet=sheet, errors=result.errors)
    filename = _("%(name)s (errors).xlsx") % {"name": Path(pending.filename).stem}
    return download_response(content, content_type=XLSX_TYPE, filename=filename)
