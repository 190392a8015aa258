from django.urls import path

from groups import trash_views, views

app_name = "groups"

urlpatterns = [
    path("groups/<int:pk>/appoint/", views.group_leader_appoint, name="group_leader_appoint"),
    path("groups/<int:pk>/place/", views.group_member_place, name="group_member_place"),
    # The branch's recycle bin (branchsite.trash).
    path("branches/<int:pk>/trash/", trash_views.trash_list, name="trash"),
    path("trash/<int:pk>/restore/", trash_views.trash_item_restore, name="trash_restore"),
]
