from django.urls import path

from enlist.interviews import views

# Public: the applicant's appointment page behind the signed link (PUBLIC_URL_NAMES). The
# token travels in the query string (?t=), which the request log never writes.
urlpatterns = [
    path("", views.invitation, name="interview-invitation"),
]
