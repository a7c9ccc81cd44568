from django.urls import path

from enlist.logistics import views

urlpatterns = [
    path("units/", views.unit_assignments, name="unit-assignments"),
    path("units/confirm-all/", views.unit_assign_all, name="unit-assign-all"),
    path("cases/<uuid:application_id>/unit/", views.unit_assign_view, name="case-unit-assign"),
    path(
        "cases/<uuid:application_id>/unit/preference/",
        views.unit_preference_view,
        name="case-unit-preference",
    ),
]
