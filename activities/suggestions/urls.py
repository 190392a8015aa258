from django.urls import path

from activities.suggestions import views

urlpatterns = [
    path("branches/<int:pk>/suggestions/", views.suggestion_list, name="suggestion_list"),
    path("branches/<int:pk>/suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/answer/", views.suggestion_answer, name="suggestion_answer"),
    path("suggestions/<int:pk>/done/", views.suggestion_done, name="suggestion_done"),
    path("suggestions/<int:pk>/feedback/", views.suggestion_feedback, name="suggestion_feedback"),
    path("suggestions/<int:pk>/undo/", views.suggestion_undo, name="suggestion_undo"),
    path("suggestions/<int:pk>/delete/", views.suggestion_delete, name="suggestion_delete"),
]
