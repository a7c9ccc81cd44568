"""The clerk completes a mail draft into an application, the mail beside the form."""

from __future__ import annotations

import re

import pytest

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, Document
from enlist.mailin.models import DraftStatus, Mailbox, MailDraft
from enlist.mailin.prefill import prefill
from enlist.mailin.services import mail_receive
from tests.factories import application_payload

ADDRESS = "vilnius@intake.example"
RAW = (
    b"From: Ivan Petrenko <ivan.p@example.org>\r\nTo: vilnius@intake.example\r\n"
    b"Subject: Joining\r\nMessage-ID: <j1@example.org>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Hello, I was born 17.04.1990 and served 6 years in the army. "
    b"My passport number is AB 123456, phone +1 416 555 0134.\r\n--b\r\n"
    b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="id.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
)


@pytest.fixture
def draft(db, countries, vilnius):
    Mailbox.objects.create(mission=vilnius, address=ADDRESS)
    mail_receive(raw=RAW, recipients=[ADDRESS], envelope_sender="ivan.p@example.org", via="smtp")
    return MailDraft.objects.get()


def test_prefill_takes_only_what_the_volunteer_wrote():
    text = "Народилася 01.02.1995. Паспорт FA123456. 3 роки служби в армії."
    values = prefill(sender="a@example.org", sender_name="Олена Бойко", language="uk", text=text)
    assert values == {
        "email": "a@example.org", "given_name_native": "Олена", "family_name_native": "Бойко",
        "passport_number": "FA123456", "date_of_birth": "1995-02-01", "years": "3",
        "languages": "uk",
    }  # fmt: skip
    assert prefill(sender="", sender_name="", text="Hello", language="") == {}


def test_clerk_sees_the_mail_beside_a_prefilled_form(signed_in, clerk_vilnius, draft):
    html = signed_in(clerk_vilnius).get(f"/staff/mail/{draft.pk}/").content.decode()
    assert "served 6 years in the army" in html and "id.pdf" in html
    assert re.search(r'name="given_name"[^>]*value="Ivan"', html)
    assert re.search(r'name="passport_number"[^>]*value="AB123456"', html)
    assert re.search(r'name="date_of_birth"[^>]*value="1990-04-17"', html)
    assert 'name="consent"' not in html
    assert AuditEntry.objects.filter(action="view", target_id=str(draft.pk)).count() == 1


def test_completing_a_draft_creates_an_email_case_with_consent_to_be_confirmed(
    signed_in, clerk_vilnius, draft
):
    body = application_payload()
    form = {k: v for k, v in body.items() if isinstance(v, str)}
    form.update(given_name="Ivan", family_name="Petrenko", email="ivan.p@example.org",
                languages="en, uk", years="6", branch="army")  # fmt: skip
    form.pop("mission")
    response = signed_in(clerk_vilnius).post(f"/staff/mail/{draft.pk}/", form)
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{application.pk}/")
    assert application.channel == "email" and application.consent_at is None
    assert application.data_key_id == draft.data_key_id  # the mail is erased with the case
    assert application.mission.code == "lt-vilnius"
    document = Document.objects.get(application=application)
    with document.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4\n"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.COMPLETED and draft.application == application
    # a second completion is refused: nothing more is created
    signed_in(clerk_vilnius).post(f"/staff/mail/{draft.pk}/", form)
    assert Application.objects.count() == 1


def test_another_missions_clerk_gets_404(signed_in, clerk_oslo, draft):
    client = signed_in(clerk_oslo)
    assert client.get(f"/staff/mail/{draft.pk}/").status_code == 404
    assert "Joining" not in client.get("/staff/mail/").content.decode()


def test_volunteer_completing_the_public_form_completes_their_draft(draft, vilnius):
    from enlist.cases.models import Channel
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import application_submit

    data = ApplicationIn.model_validate(
        application_payload(mission=vilnius.code, email="Ivan.P@example.org"), strict=False
    )
    application = application_submit(data=data, channel=Channel.WEB).application
    draft.refresh_from_db()
    assert draft.status == DraftStatus.COMPLETED and draft.application == application
