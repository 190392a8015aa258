"""Routes of the printable documents and ledgers."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes, name="meeting_minutes"),
    path("branches/<int:pk>/meetings/ledger.xlsx", views.meeting_ledger, name="meeting_ledger"),
]
