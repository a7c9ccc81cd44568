from django.urls import path

from enlist.travel import views

# Mounted under /staff/: HQ's travel pages and reception's check-in (both factors required).
staff_urlpatterns = [
    path("travel/", views.travel_overview, name="travel-overview"),
    path("travel/meeting-points/new/", views.meeting_point_edit, name="travel-meeting-point-new"),
    path(
        "travel/meeting-points/<uuid:point_id>/",
        views.meeting_point_edit,
        name="travel-meeting-point",
    ),
    path("travel/routes/new/", views.route_edit, name="travel-route-new"),
    path("travel/routes/<uuid:route_id>/", views.route_edit, name="travel-route"),
    path("travel/checklist/new/", views.checklist_item_edit, name="travel-checklist-new"),
    path("travel/checklist/<int:item_id>/", views.checklist_item_edit, name="travel-checklist"),
    path("travel/regenerate/", views.packets_regenerate_view, name="travel-regenerate"),
    path(
        "travel/packets/<uuid:packet_id>/revoke/",
        views.packet_revoke_view,
        name="travel-packet-revoke",
    ),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/confirm/", views.checkin_confirm_view, name="checkin-confirm"),
    path("checkin/passport/<uuid:document_id>/", views.checkin_passport, name="checkin-passport"),
]

# Public (PUBLIC_URL_NAMES): the volunteer's instructions behind the emailed link.
public_urlpatterns = [
    path("", views.packet_page, name="travel-packet"),
    path("pdf/", views.packet_pdf_download, name="travel-packet-pdf"),
]
