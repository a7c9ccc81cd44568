from django.contrib.auth import views as auth_views
from django.urls import path

from enlist.cases import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="cases/login.html", redirect_authenticated_user=True
        ),
        name="staff-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_record, name="case-record"),
    path("cases/<uuid:application_id>/", views.case_detail_page, name="case-detail"),
    path("cases/<uuid:application_id>/transition/", views.case_transition, name="case-transition"),
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
