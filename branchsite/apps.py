from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class BranchsiteConfig(AppConfig):
    """The project's own app: what belongs to no one part of the product (its management
    commands, the records of submitted forms)."""

    name = "branchsite"
    verbose_name = "branchsite"


class BranchsiteAdminConfig(AdminConfig):
    """The Django admin, with a site that admits users by their Party posts."""

    default_site = "groups.admin_site.BranchAdminSite"
