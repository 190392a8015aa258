from django.urls import path

from activities.elections import views

urlpatterns = [
    path("branches/<int:pk>/elections/", views.election_list, name="election_list"),
    path("branches/<int:pk>/elections/new/", views.election_create, name="election_create"),
    path("elections/<int:pk>/", views.election_detail, name="election"),
    path("elections/<int:pk>/edit/", views.election_edit, name="election_edit"),
    path("elections/<int:pk>/count/", views.election_round, name="election_round"),
    path(
        "elections/<int:pk>/count/undo/",
        views.election_round_delete,
        name="election_round_delete",
    ),
    path("elections/<int:pk>/approval/", views.election_decide, name="election_decide"),
    path("elections/<int:pk>/install/", views.election_install, name="election_install"),
    path("elections/<int:pk>/delete/", views.election_delete, name="election_delete"),
]
