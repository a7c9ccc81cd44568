"""The auditor pages at ``/audit/`` (``workspace/audit_views.py``)."""

from django.urls import path

from enlist.workspace import audit_views

urlpatterns = [
    path("", audit_views.entries_page, name="audit-entries"),
    path("cases/", audit_views.case_lookup, name="audit-case-lookup"),
    path("alerts/", audit_views.alerts_page, name="audit-alerts"),
    path("cases/<uuid:application_id>/", audit_views.entries_page, name="audit-case"),
]
