"""The import of the dues bases from a payroll sheet, mounted at dues/import/."""

from django.urls import path

from members.dues import payroll_views

app_name = "payroll"

urlpatterns = [
    path("branches/<int:pk>/", payroll_views.payroll_upload, name="upload"),
    path("branches/<int:pk>/preview/", payroll_views.payroll_preview, name="preview"),
    path("branches/<int:pk>/errors/", payroll_views.payroll_errors, name="errors"),
]
