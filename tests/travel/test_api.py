"""Check-in through the staff API: identify, confirm once, refuse the second time."""

from __future__ import annotations

import pytest

from enlist.cases.models import Application
from enlist.travel.services import REFUSALS
from tests.travel.conftest import pdf_qr_codes

pytestmark = pytest.mark.django_db


def test_reception_checks_in_through_the_api_once(new_packet, reception, api_as):
    made = new_packet()
    [code] = pdf_qr_codes(made.packet)
    api = api_as(reception)
    application = made.packet.application

    found = api.post("/checkin", {"code": code})
    assert found.status_code == 200
    assert found.json() == {
        "application": str(application.pk),
        "reference": application.reference,
        "given_name": application.given_name,
        "family_name": application.family_name,
        "arrival_from": made.packet.arrival_from.isoformat(),
        "arrival_until": made.packet.arrival_until.isoformat(),
        "passport_document": None,
    }
    done = api.post("/checkin/confirm", {"code": code})
    assert done.status_code == 200
    assert done.json() == {"application": str(application.pk), "stage": "arrived"}
    assert Application.objects.get(pk=application.pk).stage == "arrived"

    again = api.post("/checkin/confirm", {"code": code})
    assert again.status_code == 409
    assert again.json() == {"errors": [{"field": "code", "message": str(REFUSALS["used"])}]}


def test_mission_staff_may_not_check_in_through_the_api(new_packet, clerk_vilnius, api_as):
    made = new_packet()
    response = api_as(clerk_vilnius).post("/checkin/confirm", {"code": made.code})
    assert response.status_code == 403
    assert Application.objects.get(pk=made.packet.application_id).stage == "travel"


def test_check_in_api_needs_a_token(new_packet, api_as):
    assert api_as(None).post("/checkin", {"code": new_packet().code}).status_code == 401
