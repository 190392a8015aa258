from django.urls import path

from activities.work import views

urlpatterns = [
    path("branches/<int:pk>/work/", views.activity_list, name="work_list"),
    path("branches/<int:pk>/work/totals/", views.work_totals, name="work_totals"),
    path("branches/<int:pk>/work/new/<str:kind>/", views.activity_create, name="work_create"),
    path("work/<int:pk>/", views.activity_detail, name="work"),
    path("work/<int:pk>/edit/", views.activity_edit, name="work_edit"),
    path("work/<int:pk>/delete/", views.activity_delete, name="work_delete"),
    path("work/photos/<int:pk>/", views.activity_photo, name="work_photo"),
    path("work/photos/<int:pk>/remove/", views.activity_photo_remove, name="work_photo_remove"),
]
