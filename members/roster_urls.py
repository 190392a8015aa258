from django.urls import path

from members import roster_views

app_name = "roster"

urlpatterns = [
    path("<int:branch_pk>/export.xlsx", roster_views.roster_export, name="export"),
]
