from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from branchsite import accounts, health
from reports.overview import home

urlpatterns = [
    path("", home, name="home"),
    # No login, no redirect to HTTPS (SECURE_REDIRECT_EXEMPT): a monitor's probe.
    path("healthz", health.healthz, name="healthz"),
    # Password reset by e-mail is left out: schools' closed networks rarely have mail.
    # A forgotten password is reset by the site administrator.
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("reports.overview_urls")),
    path("", include("groups.urls")),
    path("members/", include("members.urls")),
    path("dues/import/", include("members.dues.payroll_urls")),
    path("recruitment/", include("members.recruitment.urls")),
    path("evaluation/", include("members.evaluation.urls")),
    path("dues/", include("members.dues.urls")),
    path("activities/", include("activities.urls")),
    path("reports/", include("reports.urls")),
    path("districts/", include("reports.district.urls")),
    path("downloads/", include("branchsite.job_urls")),
]

handler403 = "branchsite.errors.permission_denied"
handler404 = "branchsite.errors.page_not_found"
handler500 = "branchsite.errors.server_error"
# Uploads are never served at MEDIA_URL, not even in development: each kind has its own
# access-checked view (branchsite.uploads.CheckedFileField).
