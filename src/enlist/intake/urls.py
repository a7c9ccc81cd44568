from django.urls import path

from enlist.intake import subject_access_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply-done"),
    path("my-data/", subject_access_views.subject_access, name="subject-access"),
    path(
        "my-data/<str:token>/",
        subject_access_views.subject_access_download,
        name="subject-access-download",
    ),
]
