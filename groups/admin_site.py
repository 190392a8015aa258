from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branchsite.errors import RefusedForUser
from groups.access import roles_for


def refusal() -> RefusedForUser:
    """Why someone signed in but outside the committee cannot open the workbench."""
    return RefusedForUser(gettext("The workbench is for the branch committee."))


class BranchAdminSite(admin.AdminSite):
    """The secretary's workbench. Committee members enter by their posts, not by is_staff."""

    site_header = _("Party branch administration")
    site_title = _("branchsite")
    index_title = _("Workbench")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_staff or roles_for(user).is_committee)

    def admin_view(self, view, cacheable=False):
        """Someone signed in but outside the committee gets the site's own 403 page, not
        the admin's login form in another look."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise refusal()
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        """The workbench signs people in through the site's own login page."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise refusal()
        if not request.user.is_authenticated:
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
            return redirect_to_login(next_url, reverse("login"))
        return super().login(request, extra_context)
