from django.urls import path

from enlist.cases import erasure_views, transfer_views, views
from enlist.intake import import_views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_record, name="case-record"),
    path("cases/bulk/", views.case_bulk, name="case-bulk"),
    path("cases/filters/", views.case_filter_save, name="case-filters"),
    path("cases/new/check/", views.case_record_check, name="case-record-check"),
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
    path("cases/<uuid:application_id>/", views.case_detail_page, name="case-detail"),
    path("cases/<uuid:application_id>/transition/", views.case_transition, name="case-transition"),
    path("cases/<uuid:application_id>/consent/", views.case_consent, name="case-consent"),
    path("cases/<uuid:application_id>/erase/", erasure_views.case_erase, name="case-erase"),
    path(
        "cases/<uuid:application_id>/transfer/",
        transfer_views.case_transfer,
        name="case-transfer",
    ),
    path(
        "cases/<uuid:application_id>/documents/",
        views.case_document_upload,
        name="case-document-upload",
    ),
    path(
        "cases/<uuid:application_id>/documents/<uuid:document_id>/",
        views.case_document_download,
        name="case-document",
    ),
    path(
        "cases/<uuid:application_id>/documents/<uuid:document_id>/verify/",
        views.case_document_verify,
        name="case-document-verify",
    ),
]
