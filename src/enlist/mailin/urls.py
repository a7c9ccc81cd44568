from django.urls import path

from enlist.mailin import views

urlpatterns = [
    path("", views.draft_list, name="mail-drafts"),
    path("<uuid:draft_id>/", views.draft_page, name="mail-draft"),
]
