from django.urls import path

from enlist.cases import erasure_views, transfer_views, views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/bulk/", views.case_bulk, name="case-bulk"),
    path("cases/filters/", views.case_filter_save, name="case-filters"),
    path("cases/<uuid:application_id>/", views.case_detail_page, name="case-detail"),
    path("cases/<uuid:application_id>/transition/", views.case_transition, name="case-transition"),
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
