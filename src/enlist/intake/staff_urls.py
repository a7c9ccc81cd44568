"""Intake's staff pages, under ``/staff/`` beside the case pages: recording a contact, consent,
and the spreadsheet import (the paths and names are those the case pages always had)."""

from django.urls import path

from enlist.intake import contact_views, import_views

urlpatterns = [
    path("cases/new/", contact_views.case_record, name="case-record"),
    path("cases/new/check/", contact_views.case_record_check, name="case-record-check"),
    path("cases/import/", import_views.import_page, name="case-import"),
    path("cases/import/<uuid:run_id>/", import_views.import_run_page, name="case-import-run"),
    path(
        "cases/import/<uuid:run_id>/status",
        import_views.import_run_status,
        name="case-import-run-status",
    ),
    path(
        "cases/import/<uuid:run_id>/rejects.csv",
        import_views.import_run_rejects_download,
        name="case-import-run-rejects",
    ),
    path(
        "cases/<uuid:application_id>/consent/",
        contact_views.case_consent,
        name="case-consent",
    ),
]
