from django.urls import path

from enlist.interviews import views

# Public: the applicant's appointment page behind the signed link (PUBLIC_URL_NAMES).
urlpatterns = [
    path("<str:token>/", views.invitation, name="interview-invitation"),
]
