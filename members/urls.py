from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("branch/<int:branch_pk>/", views.member_list, name="member_list"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
    path("<int:pk>/<slug:action>/", views.member_action, name="member_action"),
]
