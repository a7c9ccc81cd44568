"""The volunteer's page behind the emailed link: signed, expiring, revocable, audited."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
from django.core import signing
from django.test import override_settings

from enlist.audit.models import AuditEntry
from enlist.travel.services import LINK_MAX_AGE, packet_create, packet_link, packet_link_revoke
from tests.mailserver import body_text

pytestmark = pytest.mark.django_db


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_the_link_in_the_email_opens_the_instructions_and_the_pdf(
    new_packet, client, run_jobs, inbox
):
    made = new_packet(languages=["uk"])
    run_jobs()
    (message,) = inbox.to(made.packet.application.email)
    link = re.search(r"https?://\S+", body_text(message)).group(0)
    page = client.get(_path(link))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="uk">' in html
    assert "Пункт збору" in html and "12 Example Street" in html
    assert made.packet.application.reference in html
    assert made.code not in html  # the code is in the PDF only
    assert "no-store" in page["Cache-Control"]
    assert (
        AuditEntry.objects.filter(
            actor=None, actor_role="applicant", action="view", detail__packet=str(made.packet.pk)
        ).count()
        == 1
    )

    pdf_url = re.search(r'href="(/travel/pdf/\?t=[^"]+)"', html).group(1).replace("&amp;", "&")
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert "Пункт збору" in reader.pages[0].extract_text()


def test_a_tampered_link_is_refused(new_packet, client):
    made = new_packet()
    response = client.get(_path(packet_link(made.packet)) + "x")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_an_expired_link_is_refused(new_packet, client):
    made = new_packet()
    link = _path(packet_link(made.packet))
    later = signing.time.time() + LINK_MAX_AGE.total_seconds() + 60
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later)
        response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_revoked_link_is_refused(new_packet, client, hq):
    made = new_packet()
    link = _path(packet_link(made.packet))
    packet_link_revoke(packet=made.packet, actor=hq)
    response = client.get(link)
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()


def test_the_link_of_a_replaced_packet_is_refused(new_packet, client, hq):
    made = new_packet()
    link = _path(packet_link(made.packet))
    packet_create(application=made.packet.application, actor=hq)
    response = client.get(link)
    assert response.status_code == 410
    assert "replaced" in response.content.decode()
    assert client.get(link.replace("/travel/?", "/travel/pdf/?")).status_code == 410


@override_settings(ENLIST_PUBLIC_URL="https://appointments.example")
def test_the_token_travels_in_the_query_string_not_the_path(new_packet):
    link = packet_link(new_packet().packet)
    assert link.startswith("https://appointments.example/travel/?t=")
    assert datetime.timedelta(days=30) == LINK_MAX_AGE
