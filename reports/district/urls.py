"""Routes of the district pages (上级党委): /districts/<pk>/<section>/."""

from django.urls import path

from reports.district import views

app_name = "district"

urlpatterns = [
    path("", views.district_list, name="list"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/compliance/", views.compliance, name="compliance"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/recruitment/", views.recruitment, name="recruitment"),
    path("<int:pk>/dues/", views.dues, name="dues"),
    path("<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("<int:pk>/summaries/", views.summaries, name="summaries"),
    path("<int:pk>/summaries/zip/", views.summaries_zip, name="summaries_zip"),
]
