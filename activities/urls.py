from django.urls import include, path

from activities import views

app_name = "activities"

urlpatterns = [
    path("branches/<int:pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("branches/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("branches/<int:pk>/make-up/", views.make_up_list, name="make_up_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/motions/", views.meeting_motions, name="meeting_motions"),
    path("meetings/<int:pk>/guests/", views.meeting_guests, name="meeting_guests"),
    path("meetings/<int:pk>/review/", views.meeting_review, name="meeting_review"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("make-up/<int:pk>/close/", views.make_up_close, name="make_up_close"),
    # The compliance grid and attendance rates (activities/compliance/views.py).
    path("", include("activities.compliance.urls")),
    # Committee elections (activities/elections/views.py).
    path("", include("activities.elections.urls")),
    # The branch's other work: visits, lessons, study hours… (activities/work/views.py).
    path("", include("activities.work.urls")),
    # The suggestion loop, 意见建议 (activities/suggestions/views.py).
    path("", include("activities.suggestions.urls")),
    # Pairings, the hardship ledger, pledges and duty posts (activities/ledgers/views.py).
    path("", include("activities.ledgers.urls")),
]
