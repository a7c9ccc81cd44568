"""Mail intake through the running SMTP/LMTP listener, spoken to with smtplib."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

import pytest

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from enlist.mailin.listener import IntakeController
from enlist.mailin.models import DraftStatus, InboundMessage, MailAttachment, Mailbox, MailDraft
from tests.mailserver import body_text

ADDRESS = "vilnius@intake.example"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + b"service record 1990-2001"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox(transactional_db, countries, vilnius):
    return Mailbox.objects.create(mission=vilnius, address=ADDRESS)


@pytest.fixture
def listener(mailbox, settings):
    settings.ENLIST_MAIL_MAX_BYTES = 64 * 1024
    controller = IntakeController(host="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def send(listener, message: EmailMessage | bytes, *, sender: str = "volunteer@example.org",
         to: str = ADDRESS, lmtp: bool = False) -> None:  # fmt: skip
    cls = smtplib.LMTP if lmtp else smtplib.SMTP
    with cls(listener.hostname, listener.port) as client:
        raw = message if isinstance(message, bytes) else message.as_bytes(policy=SMTP_POLICY)
        client.sendmail(sender, [to], raw)


def message(subject: str, body: str, *, sender: str = "volunteer@example.org", **headers: str):
    msg = EmailMessage()
    msg["From"] = f"Ivan Petrenko <{sender}>"
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def test_every_kind_of_mail_is_kept_and_only_first_messages_are_answered(
    listener, settings, run_jobs, inbox
):
    # 1. plain text, English
    plain = message("Volunteering", "Hello, I would like to join. I served 6 years in the army.")
    plain["Message-ID"] = "<first@example.org>"
    send(listener, plain)
    # 2. HTML only, Spanish
    html = EmailMessage()
    html["From"] = "maria@example.es"
    html["To"] = ADDRESS
    html["Subject"] = "Quiero ayudar"
    html.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>Hola, quiero ser voluntaria."
        "</p><p>Soy enfermera con 4 años de servicio.</p><script>alert(1)</script></body></html>",
        subtype="html",
    )
    send(listener, html, sender="maria@example.es")
    # 3. attachments, Ukrainian
    files = message("Документи", "Добрий день! Надсилаю військовий квиток і фото.",
                    sender="taras@example.ua")  # fmt: skip
    files.add_attachment(PDF, maintype="application", subtype="pdf", filename="квиток.pdf")
    files.add_attachment(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, maintype="image", subtype="png",
                         filename="photo.png")  # fmt: skip
    send(listener, files, sender="taras@example.ua")
    run_jobs()  # the worker sends the acknowledgements
    assert [r.recipients for r in inbox.received] == [
        ["volunteer@example.org"],
        ["maria@example.es"],
        ["taras@example.ua"],
    ]
    first_ack = inbox.messages[0]
    # 4. a reply in the same thread (to our acknowledgement)
    ack_id = first_ack["Message-ID"]
    reply = message("Re: Volunteering", "My passport number is AB123456.",
                    In_Reply_To=ack_id, References=f"<first@example.org> {ack_id}")  # fmt: skip
    send(listener, reply)
    # 5. an auto-reply (out of office)
    send(listener, message("Out of office", "I am away until Monday.",
                           sender="away@example.org", Auto_Submitted="auto-replied"),
         sender="away@example.org")  # fmt: skip
    # 6. a bounce: null envelope sender, a delivery status notification
    bounce = message("Undelivered Mail Returned to Sender", "This is the mail system.",
                     sender="MAILER-DAEMON@mx.example.org")  # fmt: skip
    send(listener, bounce, sender="")
    # 7. over the size limit
    big = message("Scans", "See attached.", sender="big@example.org")
    big.add_attachment(b"x" * (80 * 1024), maintype="application", subtype="pdf", filename="a.pdf")
    send(listener, big, sender="big@example.org")
    # 8. malformed: no header block at all, binary garbage
    send(listener, b"\x00\x01\x02 not a message\r\n\r\n\xff\xfe", sender="odd@example.org")
    # 9. the same message delivered again (a sending server's retry) is stored once
    send(listener, plain)

    assert InboundMessage.objects.count() == 8  # nothing sent is lost, the retry once
    run_jobs()
    assert len(inbox.messages) == 3  # no reply to the reply, the auto-reply, the bounce ...
    drafts = {d.subject: d for d in MailDraft.objects.all()}
    first = drafts["Volunteering"]
    assert first.status == DraftStatus.OPEN and first.sender == "volunteer@example.org"
    assert [m.kind for m in first.messages.all()] == ["message", "reply"]
    assert first.messages.all()[1].body.strip() == "My passport number is AB123456."
    spanish = drafts["Quiero ayudar"]
    body = spanish.messages.get().body
    assert "Hola, quiero ser voluntaria." in body and "enfermera" in body
    assert "alert" not in body and "color" not in body
    assert spanish.language == "es"
    ukrainian = drafts["Документи"]
    assert ukrainian.language == "uk"
    stored = {a.original_name: a for a in MailAttachment.objects.filter(draft=ukrainian)}
    assert set(stored) == {"квиток.pdf", "photo.png"}
    with stored["квиток.pdf"].file.open("rb") as f:
        assert f.read() == PDF
    on_disk = (settings.MEDIA_ROOT / stored["квиток.pdf"].file.name).read_bytes()
    assert b"service record" not in on_disk  # sealed at rest
    review = {m.kind: m for m in InboundMessage.objects.filter(draft__status=DraftStatus.REVIEW)}
    assert set(review) == {"auto_reply", "bounce", "oversized", "malformed"}
    with review["malformed"].raw.open("rb") as f:
        assert f.read() == b"\x00\x01\x02 not a message\r\n\r\n\xff\xfe\r\n"  # as received
    assert review["oversized"].size > 80 * 1024
    for ack in inbox.messages:
        assert ack["Auto-Submitted"] == "auto-replied"
        assert "/apply/" in body_text(ack)
    by_recipient = {r.recipients[0]: r.message for r in inbox.received}
    assert by_recipient["volunteer@example.org"]["In-Reply-To"] == "<first@example.org>"
    assert by_recipient["volunteer@example.org"]["To"] == "volunteer@example.org"
    assert by_recipient["maria@example.es"]["Subject"] == "Re: Quiero ayudar"
    assert "formulario" in body_text(by_recipient["maria@example.es"])
    assert "форму" in body_text(by_recipient["taras@example.ua"])
    assert "complete this form" in body_text(by_recipient["volunteer@example.org"])
    assert AuditEntry.objects.filter(detail__channel="email", actor_role="system").count() == 8


def test_an_address_that_is_not_an_intake_address_is_refused(listener):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(listener, message("Hi", "Hello"), to="someone-else@intake.example")
    assert InboundMessage.objects.count() == 0


def test_lmtp_listener_stores_the_message(mailbox, settings):
    controller = IntakeController(host="127.0.0.1", port=free_port(), lmtp=True)
    controller.start()
    try:
        send(controller, message("Hello", "I want to volunteer."), lmtp=True)
    finally:
        controller.stop()
    assert InboundMessage.objects.get().via == "lmtp"
    assert MailDraft.objects.get().status == DraftStatus.OPEN
    assert Application.objects.count() == 0  # a draft is not yet an application
