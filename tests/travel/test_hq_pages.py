"""HQ keeps meeting points, routes and checklists on staff pages; every change is audited;
the sensitive fields are sealed in the database; other roles do not see the pages."""

from __future__ import annotations

import pytest
from django.db import connection

from enlist.audit.models import AuditEntry
from enlist.travel.models import ChecklistItem, MeetingPoint, RouteAdvice, TravelPacket

pytestmark = pytest.mark.django_db

POINT = {
    "name": "Point East",
    "address": "Hall B, 3 Sample Avenue, Rivne",
    "coordinates": "50.6199, 26.2516",
    "opening_hours": "Mon–Sat 08:00–18:00",
    "contact_procedure": "Text the duty phone the word 'appointment'.",
    "valid_from": "2026-01-01",
    "valid_until": "",
}


def test_hq_adds_a_meeting_point_sealed_in_the_database(hq, signed_in):
    client = signed_in(hq)
    assert client.get("/staff/travel/meeting-points/new/").status_code == 200
    response = client.post("/staff/travel/meeting-points/new/", POINT)
    assert response.status_code == 302
    point = MeetingPoint.objects.get(name="Point East")
    assert point.address == POINT["address"] and point.revision == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, coordinates, contact_procedure FROM travel_meetingpoint")
        stored = b" ".join(bytes(value) for value in cursor.fetchone())
    assert b"Sample Avenue" not in stored and b"50.6199" not in stored
    assert AuditEntry.objects.filter(
        actor=hq, action="create", target_type="meeting_point", target_id=str(point.pk)
    ).exists()


def test_editing_a_meeting_point_raises_its_revision_and_opening_it_is_audited(
    meeting_point, hq, signed_in
):
    client = signed_in(hq)
    url = f"/staff/travel/meeting-points/{meeting_point.pk}/"
    assert "12 Example Street" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(actor=hq, action="view", target_id=str(meeting_point.pk))
    response = client.post(url, POINT | {"valid_from": str(meeting_point.valid_from)})
    assert response.status_code == 302
    meeting_point.refresh_from_db()
    assert meeting_point.revision == 2 and meeting_point.name == "Point East"


def test_bad_coordinates_and_dates_are_refused_per_field(hq, signed_in):
    client = signed_in(hq)
    response = client.post(
        "/staff/travel/meeting-points/new/",
        POINT | {"coordinates": "north", "valid_until": "2025-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write latitude, longitude" in html
    assert "The last day comes before the first." in html
    assert not MeetingPoint.objects.exists()


def test_hq_adds_route_advice_and_a_translated_checklist_line(hq, signed_in):
    client = signed_in(hq)
    response = client.post(
        "/staff/travel/routes/new/",
        {
            "country": "LT",
            "border_crossing": "Dorohusk – Yahodyn",
            "transport": "Train to Chełm",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert RouteAdvice.objects.get(country_id="LT").transport == "Train to Chełm"
    response = client.post(
        "/staff/travel/checklist/new/",
        {
            "kind": "equipment",
            "name": "Head torch",
            "position": 9,
            "is_active": "on",
            "text_uk": "Налобний ліхтарик",
            "text_es": "Linterna frontal",
        },
    )
    assert response.status_code == 302
    item = ChecklistItem.objects.get(name="Head torch")
    assert item.translations == {"uk": "Налобний ліхтарик", "es": "Linterna frontal"}


def test_the_overview_shows_counts_and_codenames(meeting_point, new_packet, hq, signed_in):
    new_packet()
    html = signed_in(hq).get("/staff/travel/").content.decode()
    assert "Point West" in html
    assert "12 Example Street" not in html  # the list shows codenames only
    assert "Helmet" in html


@pytest.mark.parametrize("persona", ["clerk_vilnius", "consul_vilnius", "reception", "auditor"])
def test_other_roles_do_not_see_the_travel_pages(persona, request, meeting_point, signed_in):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get("/staff/travel/").status_code == 404
    assert client.get(f"/staff/travel/meeting-points/{meeting_point.pk}/").status_code == 404
    assert client.post("/staff/travel/regenerate/").status_code == 404


def test_regenerate_page_action_replaces_outdated_packets(new_packet, meeting_point, hq, signed_in):
    made = new_packet()
    client = signed_in(hq)
    client.post(
        f"/staff/travel/meeting-points/{meeting_point.pk}/",
        POINT | {"valid_from": str(meeting_point.valid_from)},
    )
    response = client.post("/staff/travel/regenerate/")
    assert response.status_code == 302
    made.packet.refresh_from_db()
    assert made.packet.invalidated_at is not None
    current = TravelPacket.objects.get(application=made.packet.application, invalidated_at=None)
    assert current.meeting_point_revision == 2


def test_hq_closes_the_emailed_link_of_a_packet(new_packet, hq, signed_in, client):
    from enlist.travel.services import packet_link

    made = new_packet()
    link = packet_link(made.packet).split("/travel/", 1)[1]
    hq_client = signed_in(hq)
    assert (
        f"/staff/travel/packets/{made.packet.pk}/revoke/"
        in hq_client.get("/staff/travel/").content.decode()
    )
    assert hq_client.post(f"/staff/travel/packets/{made.packet.pk}/revoke/").status_code == 302
    made.packet.refresh_from_db()
    assert made.packet.link_revoked_at is not None
    assert made.packet.token_revoked_at is None  # the check-in code still works
    hq_client.logout()
    assert client.get(f"/travel/{link}").status_code == 410
    assert AuditEntry.objects.filter(actor=hq, detail__change="travel_link_revoke").count() == 1
