from django.urls import path

from enlist.matching import views

urlpatterns = [
    path("", views.match_queue_page, name="match-queue"),
    path("<uuid:candidate_id>/", views.match_pair_page, name="match-pair"),
    path("<uuid:candidate_id>/confirm/", views.match_confirm_action, name="match-confirm"),
    path("<uuid:candidate_id>/dismiss/", views.match_dismiss_action, name="match-dismiss"),
    path("<uuid:candidate_id>/unlink/", views.match_unlink_action, name="match-unlink"),
]
