from django.urls import path

from enlist.interviews import views

urlpatterns = [
    path("", views.calendar, name="interview-calendar"),
    path("queue/", views.queue, name="interview-queue"),
    path("availability/", views.availability, name="interview-availability"),
    path("cases/<uuid:application_id>/", views.case_page, name="interview-case"),
    path("cases/<uuid:application_id>/verdict/", views.verdict, name="interview-verdict"),
    path("<uuid:interview_id>/no-show/", views.no_show, name="interview-no-show"),
]
