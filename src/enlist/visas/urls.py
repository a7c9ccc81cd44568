from django.urls import path

from enlist.visas import views

urlpatterns = [
    path("cases/<uuid:application_id>/visa/", views.case_visa, name="case-visa"),
    path("visas/checklists/", views.visa_checklists, name="visa-checklists"),
]
