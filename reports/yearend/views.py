"""The year-end documents' pages: the branch's documents by year, the editor (the text on
the left, the document as printed on the right, the figures it can use), the versions with
restore, and the downloads (reports.views). Access: reports.yearend.access; writes:
reports.yearend.services."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branchsite.forms import add_service_errors
from groups.access import get_branch_for_user, get_group_for_user, roles_for
from reports.models import DocumentKind, YearDocument
from reports.yearend import access, services
from reports.yearend.blocks import MISSING_MARK
from reports.yearend.compose import document_figures, printed_document, version_sections
from reports.yearend.forms import DocumentForm

FIRST_YEAR = 2000


def can_start(kind: str, year: int, today) -> bool:
    """A summary is written in or after its year; a plan up to a year ahead."""
    last = today.year + 1 if kind == DocumentKind.PLAN else today.year
    return kind in DocumentKind.values and FIRST_YEAR <= year <= last


@login_required
def document_list(request, branch_pk):
    """The branch's summaries and plans, this year's first, with a button to start one."""
    branch = get_branch_for_user(request, branch_pk)
    roles = roles_for(request.user)
    return render(
        request,
        "reports/yearend/document_list.html",
        {
            "branch": branch,
            "rows": _rows(YearDocument.objects.filter(branch=branch, group__isnull=True)),
            "can_write": access.can_write_documents(roles, branch.pk),
            "groups": branch.party_groups.filter(dissolved_on__isnull=True),
            "zip_years": sorted(
                set(
                    YearDocument.objects.filter(branch=branch, group__isnull=False).values_list(
                        "year", flat=True
                    )
                ),
                reverse=True,
            ),
        },
    )


@login_required
def group_document_list(request, group_pk):
    """A party group's summaries and plans: the leader's to write, from a phone too."""
    group = get_group_for_user(request, group_pk)
    roles = roles_for(request.user)
    return render(
        request,
        "reports/yearend/document_list.html",
        {
            "branch": group.branch,
            "group": group,
            "rows": _rows(YearDocument.objects.filter(group=group)),
            "can_write": access.can_write_group_documents(roles, group),
        },
    )


def _rows(documents) -> list[dict]:
    """A row per year (this year, next year, and any year with a document), newest
    first, with each kind's document or whether it may be started."""
    today = timezone.localdate()
    documents = {(row.year, row.kind): row for row in documents}
    years = sorted({today.year, today.year + 1, *(year for year, _ in documents)}, reverse=True)
    return [
        {
            "year": year,
            "kinds": [
                {
                    "kind": kind,
                    "label": label,
                    "document": documents.get((year, kind)),
                    "can_start": can_start(kind, year, today),
                }
                for kind, label in DocumentKind.choices
                if (year, kind) in documents or can_start(kind, year, today)
            ],
        }
        for year in years
    ]


@require_POST
@login_required
def document_start(request, branch_pk, year, kind):
    """Opens the branch's document of the year, its first version drafted from the records."""
    branch = access.get_branch_for_writer(request, branch_pk)
    back = redirect("reports:year_documents", branch.pk)
    return _start(request, branch=branch, group=None, year=year, kind=kind, back=back)


@require_POST
@login_required
def group_document_start(request, group_pk, year, kind):
    """Opens a group's document of the year, its first version drafted from the records."""
    group = access.get_group_for_writer(request, group_pk)
    back = redirect("reports:group_documents", group.pk)
    return _start(request, branch=group.branch, group=group, year=year, kind=kind, back=back)


def _start(request, *, branch, group, year, kind, back):
    if not can_start(kind, year, timezone.localdate()):
        messages.error(
            request, _("A summary is written in or after its year, a plan at most a year ahead.")
        )
        return back
    document = services.document_open(
        branch=branch, group=group, kind=kind, year=year, acting_user=request.user
    )
    return redirect("reports:year_document", document.pk)


def _figures_json(figures) -> str:
    return json.dumps(
        {
            key: {
                "label": figure.label,
                "value": MISSING_MARK if figure.missing else figure.value,
                "missing": figure.missing,
            }
            for key, figure in figures.values.items()
        },
        ensure_ascii=False,
    )


def _blocks_json(figures) -> str:
    labels = {f"table:{key}": table.caption for key, table in figures.tables.items()}
    labels |= {f"chart:{key}": chart.caption for key, chart in figures.charts.items()}
    return json.dumps({key: {"label": label} for key, label in labels.items()}, ensure_ascii=False)


@login_required
def document_edit(request, pk):
    """The editor for the committee, the document to read for viewers. Saving makes a new
    version; a save based on an older version than the latest is refused, text kept."""
    document = access.get_document_for_reader(request, pk)
    can_write = access.can_write_document(roles_for(request.user), document)
    version = services.latest_version(document)
    figures = document_figures(document)
    sections = version_sections(version)
    form = None
    if can_write:
        data = request.POST if request.method == "POST" else None
        form = DocumentForm(
            data,
            sections=sections,
            initial={"title": version.title, "based_on": version.number},
        )
        if data is not None and form.is_valid():
            try:
                saved = services.document_save(
                    document=document,
                    title=form.cleaned_data["title"],
                    sections=form.cleaned_sections(),
                    based_on=form.cleaned_data["based_on"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if saved.number == version.number:
                    messages.info(request, _("Nothing had changed: no new version was saved."))
                else:
                    messages.success(
                        request, _("Saved as version %(number)s.") % {"number": saved.number}
                    )
                return redirect("reports:year_document", document.pk)
    elif request.method == "POST":
        raise PermissionDenied  # a viewer reads; only the committee saves
    return render(
        request,
        "reports/yearend/document_edit.html",
        {
            "document": document,
            "version": version,
            "form": form,
            "printed": printed_document(version, figures),
            "figures": figures,
            "figures_json": _figures_json(figures),
            "blocks_json": _blocks_json(figures),
            "can_write": can_write,
            "missing_mark": MISSING_MARK,
        },
    )


@login_required
def document_versions(request, pk):
    document = access.get_document_for_reader(request, pk)
    versions = document.versions.select_related("saved_by__member").order_by("-number")
    return render(
        request,
        "reports/yearend/document_versions.html",
        {
            "document": document,
            "versions": versions,
            "latest": versions[0].number if versions else None,
            "can_write": access.can_write_document(roles_for(request.user), document),
        },
    )


@require_POST
@login_required
def document_restore(request, pk, number):
    document = access.get_document_for_writer(request, pk)
    try:
        restored = services.document_restore(
            document=document, number=number, acting_user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:year_document_versions", document.pk)
    messages.success(
        request,
        _("Version %(old)s is back, saved as version %(number)s.")
        % {"old": number, "number": restored.number},
    )
    return redirect("reports:year_document", document.pk)
