"""Who may read and write the year-end documents. The branch's summary and plan are the
committee's to write; upper-committee viewers read and download them. A group's documents
(coming) are its leader's. Outsiders get 404, members without the role 403."""

from django.shortcuts import get_object_or_404

from groups.access import deny_access, get_branch_for_user, roles_for
from reports.models import YearDocument


def can_write_documents(roles, branch_id: int) -> bool:
    return roles.can_manage_branch(branch_id)


def get_branch_for_writer(request, pk: int):
    """A branch whose documents the user may write: its committee."""
    branch = get_branch_for_user(request, pk)
    roles = roles_for(request.user)
    if not can_write_documents(roles, branch.pk):
        deny_access(roles, branch.pk)
    return branch


def get_document_for_reader(request, pk: int) -> YearDocument:
    """A document the user may read: its branch's committee and viewers."""
    document = get_object_or_404(YearDocument.objects.select_related("branch", "group"), pk=pk)
    roles = roles_for(request.user)
    if not roles.can_view_branch(document.branch_id):
        deny_access(roles, document.branch_id)
    return document


def get_document_for_writer(request, pk: int) -> YearDocument:
    document = get_document_for_reader(request, pk)
    roles = roles_for(request.user)
    if not can_write_documents(roles, document.branch_id):
        deny_access(roles, document.branch_id)
    return document
