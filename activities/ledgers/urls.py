"""Routes of the ledgers: pairings, the hardship ledger, pledges and duty posts (included by
activities/urls.py, in its `activities` namespace)."""

from django.urls import path

from activities.ledgers import views

urlpatterns = [
    path("branches/<int:pk>/pairings/", views.pairing_list, name="pairing_list"),
    path("branches/<int:pk>/pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/edit/", views.pairing_edit, name="pairing_edit"),
    path("pairings/<int:pk>/delete/", views.pairing_delete, name="pairing_delete"),
    path(
        "pairing-meetings/<int:pk>/delete/",
        views.pairing_meeting_delete,
        name="pairing_meeting_delete",
    ),
    path("branches/<int:pk>/hardship/", views.hardship_list, name="hardship_list"),
    path("branches/<int:pk>/hardship/new/", views.hardship_create, name="hardship_create"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship"),
    path("hardship/<int:pk>/edit/", views.hardship_edit, name="hardship_edit"),
    path("hardship/<int:pk>/delete/", views.hardship_delete, name="hardship_delete"),
    path(
        "hardship-helps/<int:pk>/delete/",
        views.hardship_help_delete,
        name="hardship_help_delete",
    ),
    path("branches/<int:pk>/pledges/", views.pledge_list, name="pledge_list"),
    path("branches/<int:pk>/pledges/new/", views.pledge_create, name="pledge_create"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge"),
    path("pledges/<int:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path("pledges/<int:pk>/review/", views.pledge_review, name="pledge_review"),
    path("pledges/<int:pk>/delete/", views.pledge_delete, name="pledge_delete"),
    path("branches/<int:pk>/duty-posts/", views.post_list, name="post_list"),
    path("branches/<int:pk>/duty-posts/new/", views.post_create, name="post_create"),
    path("duty-posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("duty-posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
]
