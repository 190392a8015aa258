from django.contrib.admin.apps import AdminConfig


class BranchsiteAdminConfig(AdminConfig):
    """The Django admin, with a site that admits users by their Party posts."""

    default_site = "groups.admin_site.BranchAdminSite"
