from django.urls import path

from enlist.reports import views

urlpatterns = [
    path("", views.reports_home, name="reports"),
    path("export.csv", views.reports_export, {"fmt": "csv"}, name="reports-csv"),
    path("export.xlsx", views.reports_export, {"fmt": "xlsx"}, name="reports-xlsx"),
    path("mission/<slug:mission_code>/", views.reports_mission, name="reports-mission"),
    path(
        "mission/<slug:mission_code>/export.csv",
        views.reports_mission_export,
        {"fmt": "csv"},
        name="reports-mission-csv",
    ),
    path(
        "mission/<slug:mission_code>/export.xlsx",
        views.reports_mission_export,
        {"fmt": "xlsx"},
        name="reports-mission-xlsx",
    ),
]

public_urlpatterns = [
    path("", views.public_statistics, name="public-statistics"),
]
