"""Routes of the reports. Each report's URL ends in its format (minutes.pdf, minutes.html);
reversed without a format, a name gives the report's default format."""

from django.urls import path

from reports import charts_page, views
from reports.yearend import plan_item_views
from reports.yearend import views as yearend

app_name = "reports"


def report_path(route: str, view, *, name: str, default: str) -> list:
    """`route.<format>` for every format, and `route.<default>` under the same name, so that
    `{% url name pk %}` links to the default (Django picks the pattern by its arguments)."""
    return [
        path(f"{route}.{default}", view, {"format": default}, name=name),
        path(f"{route}.<slug:format>", view, name=name),
    ]


urlpatterns = [
    path("branches/<int:pk>/charts/", charts_page.branch_charts, name="branch_charts"),
    *report_path(
        "meetings/<int:pk>/minutes", views.meeting_minutes, name="meeting_minutes", default="pdf"
    ),
    *report_path(
        "branches/<int:pk>/meetings/ledger",
        views.meeting_ledger,
        name="meeting_ledger",
        default="xlsx",
    ),
    *report_path(
        "branches/<int:branch_pk>/roster", views.roster_export, name="roster_export", default="xlsx"
    ),
    path(
        "branches/<int:branch_pk>/roster/background",
        views.roster_export_job,
        name="roster_export_job",
    ),
    *report_path(
        "evaluation/<int:pk>/results",
        views.evaluation_results,
        name="evaluation_results",
        default="pdf",
    ),
    *report_path(
        "branches/<int:branch_pk>/dues/<int:year>/notice",
        views.dues_notice,
        name="dues_notice",
        default="pdf",
    ),
    *report_path(
        "branches/<int:branch_pk>/work/ledger",
        views.work_ledger,
        name="work_ledger",
        default="xlsx",
    ),
    *report_path(
        "documents/<int:pk>/file", views.year_document, name="year_document_file", default="pdf"
    ),
    path("branches/<int:branch_pk>/documents/", yearend.document_list, name="year_documents"),
    path(
        "branches/<int:branch_pk>/documents/<int:year>/<slug:kind>/start",
        yearend.document_start,
        name="year_document_start",
    ),
    *report_path(
        "branches/<int:branch_pk>/documents/<int:year>/groups",
        views.group_documents_zip,
        name="group_documents_zip",
        default="zip",
    ),
    path("groups/<int:group_pk>/documents/", yearend.group_document_list, name="group_documents"),
    path(
        "groups/<int:group_pk>/documents/<int:year>/<slug:kind>/start",
        yearend.group_document_start,
        name="group_document_start",
    ),
    path("documents/<int:pk>/", yearend.document_edit, name="year_document"),
    path("documents/<int:pk>/versions/", yearend.document_versions, name="year_document_versions"),
    path(
        "documents/<int:pk>/versions/<int:number>/restore",
        yearend.document_restore,
        name="year_document_restore",
    ),
]

# The items of a year's plan (reports.yearend.plan_item_views).
urlpatterns += [
    path("documents/<int:pk>/items/", plan_item_views.plan_items_page, name="plan_items"),
    path("documents/<int:pk>/items/add", plan_item_views.plan_item_add, name="plan_item_add"),
    path("plan-items/<int:pk>/edit", plan_item_views.plan_item_edit, name="plan_item_edit"),
    path("plan-items/<int:pk>/state", plan_item_views.plan_item_state, name="plan_item_state"),
    path("plan-items/<int:pk>/remove", plan_item_views.plan_item_remove, name="plan_item_remove"),
]
