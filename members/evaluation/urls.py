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
    path("rounds/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("rounds/<int:pk>/steps/", views.round_steps, name="steps"),
    path("rounds/<int:pk>/peer-review/", views.peer_review, name="peer_review"),
    path("rounds/<int:pk>/staff/", views.staff_counts, name="staff"),
    path("assessments/<int:pk>/recommend/", views.recommend, name="recommend"),
    path("assessments/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]
