"""Who may read and write the year-end documents. The branch's summary and plan are the
committee's to write; upper-committee viewers read and download them. A party group's
summary and plan are its leader's to write, and the committee's too (the secretary gathers
and corrects them); viewers read them. Outsiders get 404, members without the role 403."""

from django.shortcuts import get_object_or_404

from groups.access import deny_access, get_branch_for_user, get_group_for_user, roles_for
from reports.models import YearDocument


def can_write_documents(roles, branch_id: int) -> bool:
    """The branch's own documents, and every group's: its committee."""
    return roles.can_manage_branch(branch_id)


def can_write_group_documents(roles, group) -> bool:
    return can_write_documents(roles, group.branch_id) or group.pk in roles.led_group_ids


def can_write_document(roles, document: YearDocument) -> bool:
    if document.group_id:
        return can_write_group_documents(roles, document.group)
    return can_write_documents(roles, document.branch_id)


def can_read_document(roles, document: YearDocument) -> bool:
    return roles.can_view_branch(document.branch_id) or (
        document.group_id is not None and document.group_id in roles.led_group_ids
    )


def get_branch_for_writer(request, pk: int):
    """A branch whose documents the user may write: its committee."""
    branch = get_branch_for_user(request, pk)
    roles = roles_for(request.user)
    if not can_write_documents(roles, branch.pk):
        deny_access(roles, branch.pk)
    return branch


def get_group_for_writer(request, pk: int):
    """A party group whose documents the user may write: its leader, the committee."""
    group = get_group_for_user(request, pk)
    roles = roles_for(request.user)
    if not can_write_group_documents(roles, group):
        deny_access(roles, group.branch_id)
    return group


def get_document_for_reader(request, pk: int) -> YearDocument:
    """A document the user may read: its branch's committee and viewers, a group's
    leader for the group's documents."""
    document = get_object_or_404(YearDocument.objects.select_related("branch", "group"), pk=pk)
    roles = roles_for(request.user)
    if not can_read_document(roles, document):
        deny_access(roles, document.branch_id)
    return document


def get_document_for_writer(request, pk: int) -> YearDocument:
    document = get_document_for_reader(request, pk)
    roles = roles_for(request.user)
    if not can_write_document(roles, document):
        deny_access(roles, document.branch_id)
    return document
