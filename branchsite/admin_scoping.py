"""Admin classes that show a committee member only their own branches' rows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from groups.access import roles_for


def managed_branch_ids(request):
    """None for a superuser (no limit), else the branches the user manages."""
    roles = roles_for(request.user)
    return None if roles.is_superuser else roles.managed_branch_ids


class BranchChoicesMixin:
    """Limits foreign-key choices (branch, group, member, term) to the user's branches."""

    scoped_foreign_keys = {
        "branch": "pk",
        "group": "branch_id",
        "member": "branch_id",
        "term": "branch_id",
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        path = self.scoped_foreign_keys.get(db_field.name)
        branch_ids = managed_branch_ids(request)
        if field is not None and path and branch_ids is not None:
            field.queryset = field.queryset.filter(**{f"{path}__in": branch_ids})
        return field


class BranchScopedAdmin(BranchChoicesMixin, SimpleHistoryAdmin):
    """Lists and edits only rows of the user's branches. `branch_path` leads to the branch id."""

    branch_path = "branch_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        branch_ids = managed_branch_ids(request)
        if branch_ids is None:
            return queryset
        return queryset.filter(**{f"{self.branch_path}__in": branch_ids})


class ScopedInline(BranchChoicesMixin, admin.TabularInline):
    extra = 0
