"""The workbench's roster import (upload → preview → confirm). The work is in the rest of
members.roster; these only adapt. The export is a report (reports.documents.RosterExport)."""

import io
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.downloads import download_response
from branchsite.errors import GoneForUser
from branchsite.staging import Staging
from branchsite.xlsx import XLSX_TYPE
from groups.access import roles_for
from groups.admin_scoping import managed_branch_ids
from groups.models import Branch
from members.roster import (
    RosterFileError,
    roster_error_workbook,
    roster_import,
    roster_read,
)
from members.roster.reading import EXTENSIONS

# ---------------------------------------------------------------------------- workbench import

# Between preview and confirm the upload waits in the kernel's staging (branchsite.staging):
# the session holds the signed token naming it, bound to the user; the browser only ever
# sends the token back, never a path.
ROSTER_STAGING = Staging(purpose="members.roster_import", max_age=2 * 60 * 60)
SESSION_KEY = "members.roster_import"


class RosterUploadForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Party branch"), queryset=Branch.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx, .xls or .ods)"),
        help_text=gettext_lazy(
            "The header row may be anywhere in the first rows; columns are recognised by "
            "their names (姓名, 公民身份号码 or 身份证号, 入党时间…). Columns that are missing "
            "and blank cells leave the stored values as they are."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.all()
        branch_ids = managed_branch_ids(request)
        if branch_ids is not None:
            branches = branches.filter(pk__in=branch_ids)
        self.fields["branch"].queryset = branches


def _owner(request) -> str:
    return f"user:{request.user.pk}"


def _store_upload(request, content: bytes, branch: Branch, filename: str) -> str:
    """Stage the upload for this user and session, in place of any earlier one."""
    ROSTER_STAGING.discard(request.session.get(SESSION_KEY, ""), owner=_owner(request))
    # The reader goes by the bytes, not the name; the suffix only keeps the staged file legible.
    suffix = Path(filename).suffix.lower()
    token = ROSTER_STAGING.stage(
        content,
        owner=_owner(request),
        name=filename,
        suffix=suffix if suffix in EXTENSIONS else ".xlsx",
        data={"branch": branch.pk},
    )
    request.session[SESSION_KEY] = token
    return token


@dataclass(frozen=True)
class PendingImport:
    """An uploaded roster waiting for its import."""

    token: str
    path: Path
    filename: str
    branch: Branch


def _get_pending_import_for_manager(request, token: str) -> PendingImport:
    """The upload `token` names, for the user who uploaded it in this session: any other
    token (another session's, another user's, tampered or expired) is not found, with a
    sentence saying to upload again; a branch they no longer manage is forbidden."""
    staged = None
    if token and token == request.session.get(SESSION_KEY):
        staged = ROSTER_STAGING.get(token, owner=_owner(request))
    if staged is None:
        raise GoneForUser(_("This upload has expired; please upload the file again."))
    if not roles_for(request.user).can_manage_branch(staged.data.get("branch")):
        raise PermissionDenied
    branch = get_object_or_404(Branch, pk=staged.data["branch"])
    return PendingImport(token=token, path=staged.path, filename=staged.name, branch=branch)


def _read_or_back_to_upload(request, pending: PendingImport):
    """The pending file's rows, or a redirect to the upload page that says what is wrong."""
    try:
        return roster_read(pending.path)
    except RosterFileError as problem:
        messages.error(request, problem.message)
        return redirect("admin:members_member_roster_import")


def _admin_context(request, model_admin, title: str, **context) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **context,
    }


def _require_import_permission(request, model_admin) -> None:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied


def admin_roster_upload(request, model_admin):
    """Step 1: choose the branch and the file. A readable file goes on to the preview."""
    _require_import_permission(request, model_admin)
    form = RosterUploadForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        branch = form.cleaned_data["branch"]
        content = upload.read(settings.ROSTER_IMPORT_MAX_BYTES + 1)
        try:
            roster_read(io.BytesIO(content))
        except RosterFileError as problem:
            form.add_error("file", problem.message)
        else:
            token = _store_upload(request, content, branch, upload.name)
            return redirect(f"{reverse('admin:members_member_roster_preview')}?token={token}")
    context = _admin_context(request, model_admin, _("Import a roster"), form=form)
    return TemplateResponse(request, "members/roster/admin_upload.html", context)


def admin_roster_preview(request, model_admin):
    """Step 2: what the import would do, row by row (GET); POST performs it."""
    _require_import_permission(request, model_admin)
    pending = _get_pending_import_for_manager(
        request, request.POST.get("token") or request.GET.get("token", "")
    )
    sheet = _read_or_back_to_upload(request, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    confirm = request.method == "POST"
    result = roster_import(
        branch=pending.branch,
        rows=sheet.rows,
        sheet=sheet,
        acting_user=request.user,
        dry_run=not confirm,
    )
    if result.written:
        ROSTER_STAGING.discard(pending.token, owner=_owner(request))
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("The roster was imported into %(branch)s: %(summary)s")
            % {"branch": pending.branch.name, "summary": result.summary()},
        )
        return redirect("admin:members_member_changelist")
    context = _admin_context(
        request,
        model_admin,
        _("Check the import"),
        result=result,
        sheet=sheet,
        branch=pending.branch,
        filename=pending.filename,
        token=pending.token,
        changed=[o for o in result.outcomes if o.action != "unchanged"],
    )
    return TemplateResponse(request, "members/roster/admin_preview.html", context)


def admin_roster_errors(request, model_admin):
    """The uploaded rows with a column of reasons, to fix in Excel and upload again."""
    _require_import_permission(request, model_admin)
    pending = _get_pending_import_for_manager(request, request.GET.get("token", ""))
    sheet = _read_or_back_to_upload(request, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    result = roster_import(
        branch=pending.branch,
        rows=sheet.rows,
        sheet=sheet,
        acting_user=request.user,
        dry_run=True,
    )
    stem = Path(pending.filename).stem
    filename = _("%(name)s (errors).xlsx") % {"name": stem}
    content = roster_error_workbook(sheet=sheet, errors=result.errors)
    return download_response(content, content_type=XLSX_TYPE, filename=filename)
