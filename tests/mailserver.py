"""The test SMTP server: a real aiosmtpd server on 127.0.0.1, in the test process, that every
test's Django SMTP backend speaks to (``tests/conftest.py: _smtp``). What it received is read
back parsed (``email.policy.default``): headers, body, attachments, as a mail client sees them.

A test makes it refuse: ``inbox.refuse(address)`` answers RCPT for that address with a
permanent 550, ``inbox.refuse(address, temporary=True)`` with a 451 (try again later), and
``inbox.refuse_everyone(...)`` does the same for every recipient. ``inbox.accept()`` ends the
refusals. Refused recipients are counted (``inbox.refused``), never delivered.
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

PERMANENT = "550 5.1.1 mailbox unavailable"
TEMPORARY = "451 4.3.0 mailbox busy, try again later"


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (address, reply)
    _refusals: dict[str, str] = field(default_factory=dict)
    _refuse_all: str | None = None

    # aiosmtpd's hooks ---------------------------------------------------------------
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self._refusals.get(address.lower(), self._refuse_all)
        if reply is not None:
            self.refused.append((address, reply))
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    # what a test asks -----------------------------------------------------------------
    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received, in order (one per SMTP transaction)."""
        return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to `address` (the envelope recipient, not the To header)."""
        return [r.message for r in self.received if address in r.recipients]

    def refuse(self, *addresses: str, temporary: bool = False) -> None:
        for address in addresses:
            self._refusals[address.lower()] = TEMPORARY if temporary else PERMANENT

    def refuse_everyone(self, *, temporary: bool = False) -> None:
        self._refuse_all = TEMPORARY if temporary else PERMANENT

    def accept(self) -> None:
        self._refusals.clear()
        self._refuse_all = None

    def reset(self) -> None:
        self.accept()
        self.received.clear()
        self.refused.clear()


def body_text(message: EmailMessage) -> str:
    """The plain-text body a mail client shows."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain body"
    return part.get_content()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
