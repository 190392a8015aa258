from django.urls import path

from members.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("branches/<int:pk>/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/ballot/", views.ballot, name="ballot"),
    path("rounds/<int:pk>/close-ballot/", views.ballot_close, name="ballot_close"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("assessments/<int:pk>/grade/", views.grade, name="grade"),
]
