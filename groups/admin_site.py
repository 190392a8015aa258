from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groups.access import roles_for


class BranchAdminSite(admin.AdminSite):
    """The secretary's workbench. Committee members enter by their posts, not by is_staff."""

    site_header = _("Party branch administration")
    site_title = _("branchsite")
    index_title = _("Workbench")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_staff or roles_for(user).is_committee)
