"""Routes of the compliance grid and attendance rates (included by activities/urls.py)."""

from django.urls import path

from activities.compliance import views as compliance_views

urlpatterns = [
    path("branches/<int:pk>/compliance/", compliance_views.compliance, name="compliance"),
    path(
        "branches/<int:pk>/attendance/",
        compliance_views.attendance_rates,
        name="attendance_rates",
    ),
]
