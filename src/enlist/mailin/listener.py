"""The SMTP/LMTP listener behind `enlist mail serve` (aiosmtpd).

The operator points the mission's mail routing (an MX, or the MTA's transport for the
intake domain) at it. RCPT for an address that is no mission's intake address is refused
(550) so the sending server bounces it; everything accepted at DATA is stored by
``services.mail_receive`` before 250 is answered: a message acknowledged to the sending
server is durable. A database failure answers 451 (try again later): the sending server keeps
the message and retries. No size limit at the protocol level: an oversized message is taken
and kept for review, never refused and lost (``ENLIST_MAIL_MAX_BYTES`` decides).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from enlist.mailin.services import mail_receive, mailbox_for

logger = logging.getLogger(__name__)


def _deliver(raw: bytes, recipients: list[str], envelope_sender: str | None, via: str) -> int:
    close_old_connections()
    try:
        return len(
            mail_receive(raw=raw, recipients=recipients, envelope_sender=envelope_sender, via=via)
        )
    finally:
        close_old_connections()


def _known(address: str) -> bool:
    close_old_connections()
    return mailbox_for(address) is not None


class IntakeHandler:
    def __init__(self, via: str) -> None:
        self.via = via

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if not await asyncio.to_thread(_known, address):
            return "550 5.1.1 No such intake address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        sender = envelope.mail_from
        try:
            await asyncio.to_thread(_deliver, raw, list(envelope.rcpt_tos), sender, self.via)
        except Exception as exc:
            logger.error("mail not stored (%s): the sender will retry", type(exc).__name__)
            status = "451 4.3.0 Temporary failure, try again later"
        else:
            status = "250 OK stored"
        if self.via == "lmtp":  # LMTP answers once per recipient
            return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
        return status


class IntakeController(Controller):
    def __init__(self, *, host: str, port: int, lmtp: bool = False, **kwargs: Any) -> None:
        self.lmtp = lmtp
        super().__init__(
            IntakeHandler("lmtp" if lmtp else "smtp"),
            hostname=host,
            port=port,
            **kwargs,
        )

    def factory(self) -> SMTP:
        kwargs: dict[str, Any] = {
            "data_size_limit": None,
            "enable_SMTPUTF8": True,
            "decode_data": False,
        }
        if self.lmtp:
            return LMTP(self.handler, **kwargs)
        return SMTP(self.handler, **kwargs)
