"""The site's URLs plus two references for benchmarks/pages.py, never mounted by the site:

- `bench-floor`: an empty page through the site's base template (navigation, roles, the
  whole middleware stack, a signed-in user) — the least any page of ours can cost;
- `bench-admin:`: Django's stock admin (a plain `ModelAdmin` per model, no scoping, no
  filters) of the models our lists show, the reference a changelist is compared with.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from branchsite.urls import handler403, handler404, handler500
from branchsite.urls import urlpatterns as site_patterns

FLOOR = engines["django"].from_string('{% extends "base.html" %}{% block content %}{% endblock %}')


@login_required
def floor(request):
    return HttpResponse(FLOOR.render({}, request))


class StockAdminSite(admin.AdminSite):
    """Django's admin as shipped, for the site administrator (is_staff)."""


stock_admin = StockAdminSite(name="bench-admin")


def register_stock_models() -> None:
    from activities.models import Meeting
    from members.models import Member

    for model in (Meeting, Member):
        stock_admin.register(model, admin.ModelAdmin)


register_stock_models()

urlpatterns = [
    path("__bench__/floor/", floor, name="bench-floor"),
    path("__bench__/admin/", stock_admin.urls),
    *site_patterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
