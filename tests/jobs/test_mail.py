"""Sending once per key through the real test SMTP server: a partial refusal marks who got
the message, and the next attempt sends to the others only (jobs/mail.py, core/mail.py)."""

from __future__ import annotations

import smtplib

import pytest
from django.core.mail import EmailMessage

from enlist.core.mail import RecipientsPartlyRefused
from enlist.jobs.mail import mail_send_once
from enlist.jobs.models import SentMark
from tests.mailserver import PERMANENT, TEMPORARY, body_text

pytestmark = pytest.mark.django_db

PANEL = ["Attaché <attache@mission.example>", "consul@mission.example", "clerk@mission.example"]


def _message() -> EmailMessage:
    return EmailMessage(subject="Interview", body="Room 4, 09:00.", to=list(PANEL))


def test_a_message_everyone_takes_is_sent_once_under_its_key(inbox):
    assert mail_send_once(_message(), key="k:1") is True
    assert mail_send_once(_message(), key="k:1") is False
    [received] = inbox.received
    assert received.recipients == [
        "attache@mission.example",
        "consul@mission.example",
        "clerk@mission.example",
    ]
    assert body_text(received.message).strip() == "Room 4, 09:00."
    assert SentMark.objects.get().key == "k:1"  # no per-recipient marks without a refusal


@pytest.mark.parametrize("temporary", [False, True], ids=["550", "451"])
def test_a_partly_refused_message_is_sent_later_to_the_refused_only(inbox, temporary):
    inbox.refuse("consul@mission.example", temporary=temporary)
    with pytest.raises(RecipientsPartlyRefused) as refused:
        mail_send_once(_message(), key="k:2")
    reply = TEMPORARY if temporary else PERMANENT
    assert refused.value.recipients == {
        "consul@mission.example": (int(reply[:3]), reply[4:].encode())
    }
    assert refused.value.accepted == [PANEL[0], PANEL[2]]
    [first] = inbox.received
    assert first.recipients == ["attache@mission.example", "clerk@mission.example"]
    # The key is free again (the job retries); who got it is kept, as digests only.
    assert not SentMark.objects.filter(key="k:2").exists()
    marks = list(SentMark.objects.values_list("key", flat=True))
    assert len(marks) == 2 and all(m.startswith("recipient:") and "@" not in m for m in marks)

    # Still refused: the retry fails again and sends nobody anything twice.
    with pytest.raises(smtplib.SMTPRecipientsRefused) as again:
        mail_send_once(_message(), key="k:2")
    assert not isinstance(again.value, RecipientsPartlyRefused)  # its only recipient refused
    assert len(inbox.received) == 1

    inbox.accept()
    assert mail_send_once(_message(), key="k:2") is True
    assert [r.recipients for r in inbox.received] == [
        ["attache@mission.example", "clerk@mission.example"],
        ["consul@mission.example"],
    ]
    second = inbox.received[1].message
    # The same message: the same Message-ID, and its To line still names the whole panel.
    assert second["Message-ID"] == first.message["Message-ID"]
    assert [a.addr_spec for a in second["To"].addresses] == [
        "attache@mission.example",
        "consul@mission.example",
        "clerk@mission.example",
    ]
    assert mail_send_once(_message(), key="k:2") is False
    assert len(inbox.received) == 2


def test_recipient_marks_belong_to_their_key(inbox):
    """A recipient reached under one key is still sent a message under another."""
    inbox.refuse("consul@mission.example")
    with pytest.raises(RecipientsPartlyRefused):
        mail_send_once(_message(), key="k:3")
    inbox.accept()
    assert mail_send_once(_message(), key="k:4") is True
    assert len(inbox.received[-1].recipients) == 3


def test_a_refusal_of_everyone_sends_nothing_and_frees_the_key(inbox):
    inbox.refuse_everyone()
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_send_once(_message(), key="k:5")
    assert not isinstance(refused.value, RecipientsPartlyRefused)
    assert inbox.received == [] and not SentMark.objects.exists()
