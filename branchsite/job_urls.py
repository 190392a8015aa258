"""Routes of 我的下载 (branchsite.job_views)."""

from django.urls import path

from branchsite import job_views

app_name = "jobs"

urlpatterns = [
    path("", job_views.download_list, name="list"),
    path("<int:pk>/", job_views.job_detail, name="detail"),
    path("<int:pk>/status", job_views.job_status, name="status"),
    path("<int:pk>/file", job_views.job_file, name="file"),
]
