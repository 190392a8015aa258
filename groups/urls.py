from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/appoint/", views.group_leader_appoint, name="group_leader_appoint"),
    path("groups/<int:pk>/place/", views.group_member_place, name="group_member_place"),
]
