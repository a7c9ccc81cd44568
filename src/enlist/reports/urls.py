from django.urls import path, re_path

from enlist.reports import views

urlpatterns = [
    path("", views.reports_home, name="reports"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.reports_export, name="reports-export"),
    path("mission/<slug:code>/", views.reports_mission, name="reports-mission"),
    re_path(
        r"^mission/(?P<code>[-a-zA-Z0-9_]+)/export\.(?P<fmt>csv|xlsx)$",
        views.reports_mission_export,
        name="reports-mission-export",
    ),
]

public_urlpatterns = [
    path("", views.public_statistics, name="public-statistics"),
]
