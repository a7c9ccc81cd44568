"""The packet: made on entering travel, a PDF in the volunteer's language, a QR code that
carries only the check-in code, neutral metadata, sealed on disk, replaced not edited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.travel import seed
from enlist.travel.codes import code_secret, secret_hash
from enlist.travel.models import TravelPacket
from enlist.travel.services import checkin_key, packet_create, packet_language
from enlist.vault.storage import EncryptedFileStorage
from tests.factories import ApplicationFactory
from tests.mailserver import PERMANENT, TEMPORARY, body_text
from tests.travel.conftest import move_to_travel, pdf_qr_codes, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

EXPECTED = {
    "en": {
        "heading": "Travel instructions",
        "meeting": "Meeting point",
        "documents": [
            "Passport, valid for at least six more months",
            "Visa, if one was issued to you",
        ],
        "equipment": ["Helmet", "Body armour", "Boots, already worn in"],
    },
    "uk": {
        "heading": "Інструкції щодо дороги",
        "meeting": "Пункт збору",
        "documents": ["Паспорт, дійсний ще щонайменше шість місяців", "Віза, якщо Вам її видали"],
        "equipment": ["Шолом", "Бронежилет", "Черевики, вже розношені"],
    },
    "es": {
        "heading": "Instrucciones de viaje",
        "meeting": "Punto de encuentro",
        "documents": [
            "Pasaporte con una validez de al menos seis meses más",
            "Visado, si se le ha expedido",
        ],
        "equipment": ["Casco", "Chaleco antibalas", "Botas, ya usadas"],
    },
}


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["en", "uk", "es"])
def test_pdf_holds_meeting_point_documents_and_equipment_in_the_volunteers_language(
    new_packet, language
):
    made = new_packet(languages=[language, "en"])
    packet = made.packet
    assert packet.language == language
    text = _flat(pdf_text(packet))
    expected = EXPECTED[language]
    assert expected["heading"] in text
    assert expected["meeting"] in text
    assert seed.MEETING_POINT["name"] in text
    assert "49.8397, 24.0297" in text
    assert "12 Example Street" in text
    assert packet.application.reference in text
    for line in expected["documents"] + expected["equipment"]:
        assert _flat(line) in text, line
    if language != "en":
        assert "Body armour" not in text
    assert len(pdf_reader(packet).pages) == 1  # one sheet to print, the code beside the text


def test_language_is_the_first_of_the_volunteers_languages_the_interface_has(vilnius, db):
    assert (
        packet_language(ApplicationFactory(mission=vilnius, languages=["lt", "es", "uk"])) == "es"
    )
    assert packet_language(ApplicationFactory(mission=vilnius, languages=["lt", "de"])) == "en"


def test_route_advice_follows_the_country_of_departure(new_packet):
    lithuanian = pdf_text(new_packet(residence_country="LT").packet)
    canadian = pdf_text(new_packet(residence_country="CA").packet)
    assert "from Vilnius to Warsaw" in _flat(lithuanian)
    assert "Fly to Rzeszów or Kraków" in _flat(canadian)  # the advice for any country


def test_qr_code_carries_only_the_signed_check_in_code(new_packet):
    made = new_packet()
    codes = pdf_qr_codes(made.packet)
    assert codes == [made.code]
    secret = code_secret(codes[0], checkin_key())
    assert secret is not None
    assert made.packet.token_hash == secret_hash(secret)
    assert secret not in made.packet.token_hash  # only the hash is stored


def test_no_personal_data_in_pdf_metadata(new_packet):
    made = new_packet()
    application = made.packet.application
    metadata = pdf_reader(made.packet).metadata
    assert metadata.title == "Information"
    assert not metadata.author
    assert not metadata.subject
    values = " ".join(str(v) for v in metadata.values())
    for personal in (
        application.reference,
        application.given_name,
        application.family_name,
        application.email,
        seed.MEETING_POINT["name"],
    ):
        assert personal not in values
    assert application.given_name not in pdf_text(made.packet)  # reference only, no name


def test_pdf_is_sealed_on_disk(new_packet, settings):
    made = new_packet()
    raw = EncryptedFileStorage(location=settings.MEDIA_ROOT).path(made.packet.pdf.name)
    with open(raw, "rb") as handle:
        stored = handle.read()
    assert b"%PDF" not in stored
    assert b"Example Street" not in stored


def test_entering_travel_makes_a_packet_and_emails_a_neutral_link(
    meeting_point, vilnius, consul_vilnius, run_jobs, inbox, client
):
    application = ApplicationFactory(mission=vilnius, stage="visa")
    move_to_travel(application, consul=consul_vilnius)
    packet = TravelPacket.objects.get(application=application)
    assert not packet.pdf and inbox.received == []  # queued, not made or sent by the request
    assert run_jobs() == 2  # the PDF, then the email it queues
    packet = TravelPacket.objects.get(application=application)
    assert packet.is_current and packet.meeting_point == meeting_point
    [received] = inbox.received
    assert received.recipients == [application.email]
    message = received.message
    assert message["To"] == application.email
    assert message["Subject"] == "Your appointment information"
    assert not list(message.iter_attachments())  # the PDF is behind the link, never attached
    body = body_text(message)
    link = re.search(r"https?://\S+/travel/\?t=\S+", body).group(0)
    # The link opens the packet, whose PDF is the one the worker made.
    page = client.get(re.sub(r"^https?://[^/]+", "", link))
    assert page.status_code == 200 and application.reference in page.content.decode()
    visible = f"{message['Subject']} {message['From']} {body}".lower()
    for word in ("legion", "military", "ukrain", "lviv", "meeting point", "army", "border"):
        assert word not in visible
    for personal in (
        application.reference,
        application.given_name,
        application.family_name,
        application.passport_number,
    ):
        assert personal not in body
    assert AuditEntry.objects.filter(
        action="create", target_id=str(application.pk), detail__packet=str(packet.pk)
    ).exists()


def test_no_meeting_point_means_no_packet_but_the_move_happens(vilnius, consul_vilnius):
    application = ApplicationFactory(mission=vilnius, stage="visa")
    move_to_travel(application, consul=consul_vilnius)
    application.refresh_from_db()
    assert application.stage == "travel"
    assert not TravelPacket.objects.filter(application=application).exists()


def test_a_new_packet_invalidates_the_one_before(new_packet, hq):
    first = new_packet().packet
    second = packet_create(application=first.application, actor=hq).packet
    first.refresh_from_db()
    assert first.invalidated_at is not None and first.token_revoked_at is not None
    assert second.is_current
    assert (
        TravelPacket.objects.filter(application=first.application, invalidated_at=None).count() == 1
    )


def test_arrival_window_opens_after_two_days_and_lasts_two_weeks(new_packet):
    packet = new_packet().packet
    today = timezone.now().date()
    assert packet.arrival_from == today + datetime.timedelta(days=2)
    assert packet.arrival_until == today + datetime.timedelta(days=16)
    assert packet.token_expires_at.date() == today + datetime.timedelta(days=17)


def test_a_mail_server_that_refuses_for_now_is_retried_with_backoff_and_nothing_is_lost(
    new_packet, run_jobs, caplog, inbox
):
    from enlist.jobs.models import Job

    inbox.refuse_everyone(temporary=True)  # 451: greylisting, a full mailbox
    with caplog.at_level("INFO", logger="enlist.jobs"):
        made = new_packet(jobs=False)
        assert run_jobs() == 2  # the PDF is made; its email is refused
    assert TravelPacket.objects.filter(pk=made.packet.pk, invalidated_at=None).exists()
    job = Job.objects.get(kind="mail.travel_packet")
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.last_error.startswith("smtplib.SMTPRecipientsRefused at ")
    assert '"event": "job_retry"' in caplog.text and '"retry_in_s": 30' in caplog.text
    assert "@" not in caplog.text + job.last_error
    assert inbox.received == [] and [r for _, r in inbox.refused] == [TEMPORARY]
    # Not before its backoff has passed.
    assert run_jobs(now=timezone.now() + datetime.timedelta(seconds=10)) == 0
    # The mail server takes mail again: the retry sends it, once.
    inbox.accept()
    assert run_jobs(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert len(inbox.to(made.packet.application.email)) == len(inbox.received) == 1
    assert Job.objects.get(pk=job.pk).status == "done"
    assert run_jobs(now=timezone.now() + datetime.timedelta(hours=1)) == 0


def test_a_mail_server_that_always_refuses_leaves_the_email_on_the_dead_letter_page(
    new_packet, run_jobs, inbox, settings, signed_in, admin_user
):
    from enlist.jobs.models import Job

    settings.ENLIST_JOB_MAX_ATTEMPTS = 3
    inbox.refuse_everyone()  # 550 for every recipient
    made = new_packet(jobs=False)
    assert run_jobs() == 2
    job = Job.objects.get(kind="mail.travel_packet")
    waits = []
    while (job := Job.objects.get(pk=job.pk)).status == "pending":
        waits.append(job.run_after)
        run_jobs(now=job.run_after + datetime.timedelta(seconds=1))
    # Backoff doubles between attempts; after the last one the job is dead, not dropped.
    assert [(b - a).total_seconds() > 30 for a, b in zip(waits, waits[1:], strict=False)] == [True]
    assert (job.status, job.attempts) == ("dead", 3)
    assert job.last_error.startswith("smtplib.SMTPRecipientsRefused at ")
    assert inbox.received == [] and [r for _, r in inbox.refused] == [PERMANENT] * 3
    page = signed_in(admin_user).get("/admin/jobs/deadjob/")
    assert page.status_code == 200 and "mail.travel_packet" in page.content.decode()
    assert "@" not in page.content.decode().split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    # The address is corrected at the mail server's end; the administrator retries: sent once.
    inbox.accept()
    response = signed_in(admin_user).post(
        "/admin/jobs/deadjob/", {"action": "retry", "_selected_action": [job.pk]}
    )
    assert response.status_code == 302
    assert run_jobs() == 1
    assert Job.objects.get(pk=job.pk).status == "done"
    (message,) = inbox.to(made.packet.application.email)
    assert "/travel/?t=" in body_text(message)


def test_deferred_packets_are_made_by_regenerating(meeting_point, vilnius, consul_vilnius, hq):
    from enlist.travel.services import packets_deferred, packets_regenerate

    application = ApplicationFactory(mission=vilnius, stage="visa")
    with packets_deferred():
        move_to_travel(application, consul=consul_vilnius)
    assert not TravelPacket.objects.filter(application=application).exists()
    assert packets_regenerate(actor=hq) == 1
    assert TravelPacket.objects.filter(application=application, invalidated_at=None).count() == 1


def test_erasure_deletes_the_packet_pdf(
    new_packet, hq, settings, django_capture_on_commit_callbacks
):
    """Issue 13: erasing a case deletes its travel packet's PDF (file and column), found
    through the model's vault_binding like every other sealed value of the case."""
    from pathlib import Path

    from enlist.cases.erasure import application_shred

    packet = new_packet().packet
    path = Path(settings.MEDIA_ROOT) / packet.pdf.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        application_shred(application=packet.application, actor=hq, reason="Asked by phone.")

    assert not path.exists()
    assert TravelPacket.objects.get(pk=packet.pk).pdf.name == ""
