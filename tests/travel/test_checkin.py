"""Check-in at the meeting point: the QR code read back from the PDF is accepted once; used,
expired, revoked and replaced codes are refused with a clear message; scope and roles hold."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, StageChange
from enlist.cases.services import document_add
from enlist.travel.codes import normalise
from enlist.travel.models import TravelPacket
from enlist.travel.services import REFUSALS, meeting_point_save, packets_regenerate
from tests.travel.conftest import pdf_qr_codes

pytestmark = pytest.mark.django_db


def _look_up(client, code):
    return client.post("/staff/checkin/", {"code": code})


def _confirm(client, code):
    return client.post("/staff/checkin/confirm/", {"code": code})


def _stage(packet) -> str:
    return Application.objects.get(pk=packet.application_id).stage


def test_qr_code_from_the_pdf_checks_in_once_and_is_refused_the_second_time(
    new_packet, reception, signed_in
):
    made = new_packet()
    [code] = pdf_qr_codes(made.packet)
    client = signed_in(reception)

    shown = _look_up(client, code)
    assert shown.status_code == 200
    html = shown.content.decode()
    application = made.packet.application
    assert application.reference in html
    assert application.family_name in html
    assert application.passport_number not in html  # the minimum: name, reference, photo page

    done = _confirm(client, code)
    assert done.status_code == 302
    assert _stage(made.packet) == "arrived"
    change = StageChange.objects.get(application=application, to_stage="arrived")
    assert change.actor == reception and change.from_stage == "travel"
    packet = TravelPacket.objects.get(pk=made.packet.pk)
    assert packet.token_used_at is not None and packet.checked_in_by == reception

    again = _look_up(client, code)
    assert again.status_code == 409
    assert str(REFUSALS["used"]) in again.content.decode()
    assert _confirm(client, code).status_code == 409
    assert StageChange.objects.filter(application=application, to_stage="arrived").count() == 1


def test_typed_code_is_forgiving_about_case_spaces_and_dashes(new_packet, hq, signed_in):
    made = new_packet()
    typed = " ".join(normalise(made.code).lower()[i : i + 5] for i in range(0, 20, 5))
    assert _look_up(signed_in(hq), typed).status_code == 200


def test_mistyped_code_is_refused(new_packet, reception, signed_in):
    made = new_packet()
    wrong = made.code[:-1] + ("A" if made.code[-1] != "A" else "B")
    response = _look_up(signed_in(reception), wrong)
    assert response.status_code == 409
    assert str(REFUSALS["invalid"]) in response.content.decode()
    assert _stage(made.packet) == "travel"


def test_expired_code_is_refused(new_packet, reception, signed_in):
    made = new_packet()
    TravelPacket.objects.filter(pk=made.packet.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = _confirm(signed_in(reception), made.code)
    assert response.status_code == 409
    assert str(REFUSALS["expired"]) in response.content.decode()
    assert _stage(made.packet) == "travel"


def test_revoked_code_is_refused(new_packet, reception, signed_in):
    made = new_packet()
    TravelPacket.objects.filter(pk=made.packet.pk).update(token_revoked_at=timezone.now())
    response = _look_up(signed_in(reception), made.code)
    assert response.status_code == 409
    assert str(REFUSALS["revoked"]) in response.content.decode()


def test_changing_the_meeting_point_and_regenerating_invalidates_the_old_code(
    new_packet, meeting_point, hq, reception, signed_in, run_jobs
):
    made = new_packet()
    old_code = pdf_qr_codes(made.packet)[0]
    meeting_point_save(
        actor=hq,
        meeting_point=meeting_point,
        data={
            "name": "Point North",
            "address": "Gate 3, 7 Sample Road, Lutsk",
            "coordinates": "50.7472, 25.3254",
            "opening_hours": "Daily 09:00–18:00",
            "contact_procedure": "Ask the guard for the appointments desk.",
            "valid_from": meeting_point.valid_from,
            "valid_until": None,
        },
    )
    assert packets_regenerate(actor=hq) == 1
    assert packets_regenerate(actor=hq) == 0  # nothing outdated any more
    assert run_jobs() == 2  # the new PDF and its email
    new = TravelPacket.objects.get(application=made.packet.application, invalidated_at=None)
    new_code = pdf_qr_codes(new)[0]
    assert new_code != old_code
    client = signed_in(reception)
    refused = _look_up(client, old_code)
    assert refused.status_code == 409
    assert str(REFUSALS["replaced"]) in refused.content.decode()
    assert _confirm(client, new_code).status_code == 302
    assert _stage(new) == "arrived"


def test_reception_sees_the_passport_photo_page(
    new_packet, vilnius, clerk_vilnius, reception, signed_in
):
    made = new_packet()
    application = made.packet.application
    photo = document_add(
        application=application,
        kind="passport",
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png"),
        actor=clerk_vilnius,
    )
    client = signed_in(reception)
    html = _look_up(client, made.code).content.decode()
    url = f"/staff/checkin/passport/{photo.pk}/"
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\nfake"
    assert AuditEntry.objects.filter(
        actor=reception, action="view", detail__document=str(photo.pk)
    ).exists()


def test_mission_staff_cannot_use_the_check_in_pages(new_packet, clerk_vilnius, signed_in):
    made = new_packet()
    client = signed_in(clerk_vilnius)
    assert client.get("/staff/checkin/").status_code == 404
    assert _confirm(client, made.code).status_code == 404
    assert _stage(made.packet) == "travel"


def test_check_in_needs_a_signed_in_session(new_packet, client):
    made = new_packet()
    response = client.post("/staff/checkin/confirm/", {"code": made.code})
    assert response.status_code == 302 and "/staff/login" in response["Location"]
    assert _stage(made.packet) == "travel"


def test_check_in_page_loads_the_scanner_script_without_inline_script(reception, signed_in):
    html = signed_in(reception).get("/staff/checkin/").content.decode()
    assert 'src="/static/travel/checkin.js"' in html
    assert "<script>" not in html
    assert 'id="scan" hidden' in html  # shown by the script only where the camera API exists


def test_lookup_and_check_in_are_audited(new_packet, reception, signed_in):
    made = new_packet()
    client = signed_in(reception)
    _look_up(client, made.code)
    _confirm(client, made.code)
    target = str(made.packet.application_id)
    actions = list(
        AuditEntry.objects.filter(actor=reception, target_id=target).values_list(
            "action", flat=True
        )
    )
    assert actions == ["view", "transition", "change"]


@pytest.mark.parametrize(("to", "who"), [("withdrawn", "hq"), ("on_hold", "hq")])
def test_a_case_leaving_travel_loses_its_code_and_link(
    new_packet, to, who, request, reception, signed_in
):
    from enlist.cases.services import application_transition
    from enlist.travel.services import packet_by_link, packet_link

    made = new_packet()
    actor = request.getfixturevalue(who)
    application_transition(application=made.packet.application, to=to, actor=actor, reason="x")
    packet = TravelPacket.objects.get(pk=made.packet.pk)
    assert packet.invalidated_at is not None and packet.token_revoked_at is not None
    with pytest.raises(Exception, match="replaced"):
        packet_by_link(packet_link(packet).split("?t=", 1)[1])
    if to == "on_hold":
        application_transition(
            application=made.packet.application, to="travel", actor=actor, reason="x"
        )
        current = TravelPacket.objects.get(application=made.packet.application, invalidated_at=None)
        assert current.pk != packet.pk
