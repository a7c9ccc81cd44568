"""Outgoing mail backends.

``SMTPBackend`` (production, and every test through the test SMTP server): Django's SMTP
backend, except that a server which takes a message for some recipients and refuses the
others raises ``RecipientsPartlyRefused``. smtplib raises only when *every* recipient is
refused; Django's backend drops the partial answer, so a refused recipient would be lost
without a trace. The exception names who got the message and who did not, so the sender
(``jobs/mail.py: mail_send_once``) retries the refused ones only.

``PrivateFileBackend`` (development): Django's file backend, but private. Each message is a
file readable by its owner only (0600) in a directory only the owner can enter (0700).
Settings keep that directory outside the data directory and never use this backend in
production (``settings``: email block).
"""

from __future__ import annotations

import os
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.backends.filebased import EmailBackend
from django.core.mail.message import sanitize_address


class RecipientsPartlyRefused(smtplib.SMTPRecipientsRefused):
    """The server accepted the message for `accepted` and refused `recipients` (address as
    the message names it -> (code, reply)). Its text holds addresses: never log it (the
    worker records only its type and place, ``jobs/worker.py: describe``)."""

    def __init__(self, refused: dict[str, tuple[int, bytes]], accepted: list[str]) -> None:
        super().__init__(refused)
        self.accepted = accepted


class SMTPBackend(smtp.EmailBackend):
    def _send(self, email_message: EmailMessage) -> bool:
        named = email_message.recipients()
        if not named:
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        # The server's answer names the envelope addresses; map them back to the message's.
        envelope = {sanitize_address(address, encoding): address for address in named}
        message = email_message.message()
        # send_messages() opened the connection before sending (Django's backend does the same)
        assert self.connection is not None  # nosec B101
        try:
            refused = self.connection.sendmail(
                from_email, list(envelope), message.as_bytes(linesep="\r\n")
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        if refused and not self.fail_silently:
            by_name = {
                envelope.get(address, address): answer for address, answer in refused.items()
            }
            raise RecipientsPartlyRefused(
                by_name, [address for address in named if address not in by_name]
            )
        return True


class PrivateFileBackend(EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.chmod(self.file_path, 0o700)  # type: ignore[attr-defined]  # set by the file backend; not in the stubs

    def open(self) -> bool:
        if self.stream is None:
            fd = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.stream = os.fdopen(fd, "ab")
            return True
        return False
