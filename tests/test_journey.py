"""A volunteer taken from interview to enlisted, once through the staff pages and once through
the API, with the real services and guards (issue 6's last "done when" line): the panel's
verdicts, the visa, the check-in with the QR code of the travel packet, the unit.

Each stage step is one function taking the `Journey`; `PAGE_STEPS` and `API_STEPS` list them in
order, so a new step (the interview verdicts, the check-in at the meeting point) is one more
function in the list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from enlist.cases.models import Application, StageChange
from enlist.logistics.models import UnitAssignment
from enlist.travel.models import TravelPacket
from enlist.travel.seed import travel_seed
from enlist.visas.models import Visa
from tests.conftest import sign_in
from tests.factories import ApplicationFactory
from tests.travel.conftest import pdf_qr_codes

VOLUNTEER = {"nationality": "CA", "residence_country": "CA", "languages": ["en", "uk"],
             "military_experience": {"years": 6, "specialties": ["combat medic"]}}  # fmt: skip
VISA_NUMBER = "UA20260417"


@dataclass
class Journey:
    case: Application
    staff: dict[str, Any]  # role name → StaffUser
    clients: dict[str, Any] = field(default_factory=dict)  # role name → client (page or API)

    @property
    def id(self) -> str:
        return str(self.case.pk)

    def stage(self) -> str:
        return Application.objects.get(pk=self.case.pk).stage


def valid_visa() -> dict[str, str]:
    today = timezone.localdate()
    return {
        "status": "issued",
        "visa_type": "long_stay",
        "applied_on": str(today - datetime.timedelta(days=14)),
        "number": VISA_NUMBER,
        "valid_from": str(today),
        "valid_until": str(today + datetime.timedelta(days=180)),
        "consular_notes": "Collected in person.",
    }


# --- through the staff pages -----------------------------------------------------------------


def page_move(journey: Journey, role: str, to: str, reason: str = "") -> str:
    response = journey.clients[role].post(
        f"/staff/cases/{journey.id}/transition/", {"to": to, "reason": reason}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


VERDICT = {"service_verified": True, "confidence": "high", "readiness": "ready",
           "language_ability": "working", "recommend": True,
           "experience": {"service": "Canadian Army", "unit": "1 Field Ambulance",
                          "dates": "2014-2020", "rank": "Corporal", "specialty": "combat medic"},
           "evidence_source": "Service record seen at the interview."}  # fmt: skip


def page_verdicts_then_visa(journey: Journey) -> None:
    refused = page_move(journey, "attache", "visa")
    assert "Both the attaché and the consul must record their verdict first." in refused
    assert journey.stage() == "interview"
    form = {**VERDICT["experience"], "service_verified": "on", "recommend": "yes",
            "confidence": "high", "readiness": "ready", "language_ability": "working",
            "evidence_source": VERDICT["evidence_source"]}  # fmt: skip
    for role in ("attache", "consul"):
        response = journey.clients[role].post(
            f"/staff/interviews/cases/{journey.id}/verdict/", form
        )
        assert response.status_code == 302, role
    page_move(journey, "attache", "visa")
    assert journey.stage() == "visa"


def page_visa_recorded_then_travel(journey: Journey) -> None:
    refused = page_move(journey, "consul", "travel")
    assert "No visa is recorded for this case" in refused
    assert journey.stage() == "visa"
    response = journey.clients["consul"].post(f"/staff/cases/{journey.id}/visa/", valid_visa())
    assert response.status_code == 302
    assert Visa.objects.get(application_id=journey.id).number == VISA_NUMBER
    page_move(journey, "consul", "travel")
    assert journey.stage() == "travel"


def packet_checkin_code(journey: Journey) -> str:
    """The check-in code read from the QR code of the packet made when the case entered
    travel (the worker makes the packet's PDF)."""
    from enlist.jobs.worker import Worker

    Worker(name="journey", schedule=False).run_burst()
    packet = TravelPacket.objects.get(application_id=journey.id, invalidated_at=None)
    [code] = pdf_qr_codes(packet)
    return code


def page_checked_in_at_the_meeting_point(journey: Journey) -> None:
    """Reception scans the QR code of the packet made when the case entered travel."""
    code = packet_checkin_code(journey)
    reception = journey.clients["reception"]
    shown = reception.post("/staff/checkin/", {"code": code})
    assert shown.status_code == 200
    assert journey.case.reference in shown.content.decode()
    assert reception.post("/staff/checkin/confirm/", {"code": code}).status_code == 302
    assert journey.stage() == "arrived"


def page_unit_assigned(journey: Journey) -> None:
    hq = journey.clients["hq"]
    refused = page_move(journey, "hq", "enlisted")
    assert "No unit is assigned to this volunteer" in refused
    page = hq.get("/staff/units/").content.decode()
    assert journey.case.reference in page
    response = hq.post(f"/staff/cases/{journey.id}/unit/", {"unit": "canadian-ukrainian-brigade"})
    assert response.status_code == 302
    assignment = UnitAssignment.objects.get(application_id=journey.id, is_current=True)
    assert (assignment.unit.code, assignment.overridden) == ("canadian-ukrainian-brigade", False)


def page_arrived_to_enlisted(journey: Journey) -> None:
    page = page_move(journey, "hq", "enlisted")
    assert journey.stage() == "enlisted"
    assert "Canadian-Ukrainian brigade" in page  # the unit shows on the case


PAGE_STEPS: list[Callable[[Journey], None]] = [
    page_verdicts_then_visa,
    page_visa_recorded_then_travel,
    page_checked_in_at_the_meeting_point,
    page_unit_assigned,
    page_arrived_to_enlisted,
]


# --- through the API -------------------------------------------------------------------------


def api_move(journey: Journey, role: str, to: str, reason: str = ""):
    return journey.clients[role].post(
        f"/applications/{journey.id}/transitions", {"to": to, "reason": reason}
    )


def api_verdicts_then_visa(journey: Journey) -> None:
    refused = api_move(journey, "consul", "visa")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "to"
    for role in ("attache", "consul"):
        response = journey.clients[role].post(f"/applications/{journey.id}/verdicts", VERDICT)
        assert response.status_code == 201, response.content
    assert api_move(journey, "consul", "visa").status_code == 200
    assert journey.stage() == "visa"


def api_visa_recorded_then_travel(journey: Journey) -> None:
    refused = api_move(journey, "consul", "travel")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "to"
    consul = journey.clients["consul"]
    response = consul.client.put(
        f"/api/v1/applications/{journey.id}/visa",
        valid_visa(),
        content_type="application/json",
        headers=consul.headers,
    )
    assert response.status_code == 200, response.content
    assert api_move(journey, "consul", "travel").status_code == 200
    assert journey.stage() == "travel"


def api_travel_to_arrived(journey: Journey) -> None:
    """Only the check-in code moves the case: a bare move is refused (409) and changes nothing."""
    refused = api_move(journey, "reception", "arrived")
    assert refused.status_code == 409
    assert "check-in code" in refused.json()["errors"][0]["message"]
    assert journey.stage() == "travel"
    code = packet_checkin_code(journey)
    response = journey.clients["reception"].post("/checkin/confirm", {"code": code})
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "arrived"
    assert journey.stage() == "arrived"


def api_unit_assigned(journey: Journey) -> None:
    hq = journey.clients["hq"]
    assert api_move(journey, "hq", "enlisted").status_code == 409
    waiting = {w["id"]: w["suggestion"]["unit"] for w in hq.get("/unit-suggestions").json()}
    assert waiting[journey.id] == "canadian-ukrainian-brigade"
    response = hq.post(f"/applications/{journey.id}/unit", {"unit": waiting[journey.id]})
    assert response.status_code == 200
    assert response.json()["unit"] == "canadian-ukrainian-brigade"


def api_arrived_to_enlisted(journey: Journey) -> None:
    response = api_move(journey, "hq", "enlisted")
    assert response.status_code == 200
    assert response.json()["stage"] == "enlisted"
    # enlisted: no move of HQ's is pending, so reading the case needs a reason (need-to-know)
    unit = (
        journey.clients["hq"]
        .get(f"/applications/{journey.id}/unit", reason="Checking the enlisted volunteer's unit")
        .json()
    )
    assert unit["unit"] == "canadian-ukrainian-brigade"


API_STEPS: list[Callable[[Journey], None]] = [
    api_verdicts_then_visa,
    api_visa_recorded_then_travel,
    api_travel_to_arrived,
    api_unit_assigned,
    api_arrived_to_enlisted,
]


# --- the journeys ----------------------------------------------------------------------------


@pytest.fixture
def meeting_point(db):
    """A valid meeting point and routes: entering travel makes the packet from them."""
    return travel_seed(today=timezone.now().date())


@pytest.fixture
def staff(attache_vilnius, consul_vilnius, reception, hq):
    return {"attache": attache_vilnius, "consul": consul_vilnius, "reception": reception,
            "hq": hq}  # fmt: skip


def assert_history_complete(journey: Journey) -> None:
    moves = list(
        StageChange.objects.filter(application_id=journey.id).values_list("from_stage", "to_stage")
    )
    assert moves[-4:] == [
        ("interview", "visa"),
        ("visa", "travel"),
        ("travel", "arrived"),
        ("arrived", "enlisted"),
    ]


def test_interview_to_enlisted_through_the_staff_pages(vilnius, staff, meeting_point):
    case = ApplicationFactory(mission=vilnius, stage="interview", **VOLUNTEER)
    journey = Journey(case, staff, {role: sign_in(Client(), user) for role, user in staff.items()})
    for step in PAGE_STEPS:
        step(journey)
    assert_history_complete(journey)


def test_interview_to_enlisted_through_the_api(vilnius, staff, api_as, meeting_point):
    case = ApplicationFactory(mission=vilnius, stage="interview", **VOLUNTEER)
    journey = Journey(case, staff, {role: api_as(user) for role, user in staff.items()})
    for step in API_STEPS:
        step(journey)
    assert_history_complete(journey)
