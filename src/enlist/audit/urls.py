from django.urls import path

from enlist.audit import views

urlpatterns = [
    path("", views.entries_page, name="audit-entries"),
    path("cases/", views.case_lookup, name="audit-case-lookup"),
    path("alerts/", views.alerts_page, name="audit-alerts"),
    path("cases/<uuid:application_id>/", views.entries_page, name="audit-case"),
]
