from django.urls import path

from enlist.workspace import views

urlpatterns = [
    path("", views.staff_home, name="staff-home"),
]
