from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("groups/<int:pk>/appoint/", views.group_leader_appoint, name="group_leader_appoint"),
    path("groups/<int:pk>/place/", views.group_member_place, name="group_member_place"),
]
