from django.urls import path

from members.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("branches/<int:pk>/", views.pipeline, name="pipeline"),
    path("branches/<int:pk>/todo/", views.todo, name="todo"),
    path("branches/<int:pk>/applicants/new/", views.applicant_add, name="applicant_add"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/steps/<slug:code>/", views.record_step, name="record_step"),
    path("records/<int:pk>/document/", views.document, name="document"),
]
