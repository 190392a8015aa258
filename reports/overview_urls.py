"""Routes of the pages that compose every app (see reports.overview)."""

from django.urls import path

from reports import member_home, overview

app_name = "overview"

urlpatterns = [
    path("branches/<int:pk>/", overview.branch_detail, name="branch_detail"),
    path("groups/<int:pk>/", overview.group_detail, name="group_detail"),
    path("me/", member_home.member_home, name="member_home"),
]
