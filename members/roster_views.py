"""The workbench's roster import (upload → preview → confirm). The work is in members.roster;
these only adapt. The export is a report (reports.documents.RosterExport)."""

import io
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchsite.downloads import download_response
from branchsite.errors import GoneForUser
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

# ---------------------------------------------------------------------------- workbench import

# Between preview and confirm the upload waits in a private temporary folder under a random
# name. The session holds a signed token naming it; the browser only ever sends the token
# back, never a path, and the token is bound to the user and expires.
UPLOAD_DIR = Path(tempfile.gettempdir()) / "branchsite-roster-imports"
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")
SESSION_KEY = "members.roster_import"
TOKEN_SALT = "members.roster_import"
TOKEN_MAX_AGE = 2 * 60 * 60


class RosterUploadForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Party branch"), queryset=Branch.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx)"),
        help_text=gettext_lazy(
            "The header row may be anywhere in the first rows; columns are recognised by "
            "their names (姓名, 公民身份号码 or 身份证号, 入党时间…). Columns that are missing "
            "and blank cells leave the stored values as they are."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.all()
        branch_ids = managed_branch_ids(request)
        if branch_ids is not None:
            branches = branches.filter(pk__in=branch_ids)
        self.fields["branch"].queryset = branches


def _cleanup_old_uploads() -> None:
    cutoff = time.time() - 2 * TOKEN_MAX_AGE
    for path in UPLOAD_DIR.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another process removed it first


def _private_upload_dir() -> Path:
    """The upload folder, created private; one that someone else made first is refused."""
    UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
    status = UPLOAD_DIR.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise ImproperlyConfigured(f"{UPLOAD_DIR} must belong to this user with mode 0700.")
    return UPLOAD_DIR


def _store_upload(request, content: bytes, branch: Branch, filename: str) -> str:
    _private_upload_dir()
    _cleanup_old_uploads()
    previous = _load_token(request.session.get(SESSION_KEY, ""))
    if previous is not None:
        (UPLOAD_DIR / previous["file"]).unlink(missing_ok=True)
    name = f"{secrets.token_hex(16)}.xlsx"
    path = UPLOAD_DIR / name
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as stream:
        stream.write(content)
    token = signing.dumps(
        {"file": name, "branch": branch.pk, "user": request.user.pk, "filename": filename},
        salt=TOKEN_SALT,
    )
    request.session[SESSION_KEY] = token
    return token


def _load_token(token: str) -> dict | None:
    """The token's data if it is genuine, recent and names a file the way we name them."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not UPLOAD_NAME.match(str(data.get("file", ""))):
        return None
    return data


def _pending(request, token: str) -> dict:
    """The upload a token names, if the token is this session's and this user's, and its
    branch is still theirs to manage. Anything else: 404 ("expired"), or 403 for a branch
    they no longer manage."""
    data = _load_token(token) if token and token == request.session.get(SESSION_KEY) else None
    path = UPLOAD_DIR / data["file"] if data else None
    if data is None or data.get("user") != request.user.pk or not path.is_file():
        raise GoneForUser(_("This upload has expired; please upload the file again."))
    if not roles_for(request.user).can_manage_branch(data["branch"]):
        raise PermissionDenied
    branch = get_object_or_404(Branch, pk=data["branch"])
    return {**data, "path": path, "branch": branch, "token": token}


def _read_or_back_to_upload(request, pending: dict):
    """The pending file's rows, or a redirect to the upload page that says what is wrong."""
    try:
        return roster_read(pending["path"])
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
    pending = _pending(request, request.POST.get("token") or request.GET.get("token", ""))
    sheet = _read_or_back_to_upload(request, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    confirm = request.method == "POST"
    result = roster_import(
        branch=pending["branch"],
        rows=sheet.rows,
        sheet=sheet,
        acting_user=request.user,
        dry_run=not confirm,
    )
    if result.written:
        pending["path"].unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("The roster was imported into %(branch)s: %(summary)s")
            % {"branch": pending["branch"].name, "summary": result.summary()},
        )
        return redirect("admin:members_member_changelist")
    context = _admin_context(
        request,
        model_admin,
        _("Check the import"),
        result=result,
        sheet=sheet,
        branch=pending["branch"],
        filename=pending["filename"],
        token=pending["token"],
        changed=[o for o in result.outcomes if o.action != "unchanged"],
    )
    return TemplateResponse(request, "members/roster/admin_preview.html", context)


def admin_roster_errors(request, model_admin):
    """The uploaded rows with a column of reasons, to fix in Excel and upload again."""
    _require_import_permission(request, model_admin)
    pending = _pending(request, request.GET.get("token", ""))
    sheet = _read_or_back_to_upload(request, pending)
    if isinstance(sheet, HttpResponse):
        return sheet
    result = roster_import(
        branch=pending["branch"],
        rows=sheet.rows,
        sheet=sheet,
        acting_user=request.user,
        dry_run=True,
    )
    stem = Path(pending["filename"]).stem
    filename = _("%(name)s (errors).xlsx") % {"name": stem}
    content = roster_error_workbook(sheet=sheet, errors=result.errors)
    return download_response(content, content_type=XLSX_TYPE, filename=filename)
