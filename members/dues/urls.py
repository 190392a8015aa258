from django.urls import path

from members.dues import views

app_name = "dues"

urlpatterns = [
    path("branches/<int:pk>/", views.branch_dues_page, name="branch"),
    path("branches/<int:pk>/collect/", views.collect, name="collect"),
    path("members/<int:pk>/basis/", views.basis_set, name="basis"),
    path("members/<int:pk>/pay/", views.pay, name="pay"),
    path("members/<int:pk>/special/", views.special, name="special"),
    path("members/<int:pk>/reduction/", views.reduction_add, name="reduction"),
    path("reductions/<int:pk>/", views.reduction_edit, name="reduction_edit"),
    path("members/<int:pk>/arrears-reason/", views.arrears_reason, name="arrears_reason"),
]
