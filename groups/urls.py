from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
]
