"""`enlist mail poll`: read each mission's existing mailbox over IMAP (stdlib imaplib).

For missions that cannot route mail to `enlist mail serve`. Each unseen message is fetched
without marking it (BODY.PEEK), stored by ``services.mail_receive`` as the mission's intake
address received it, and only then flagged ``\\Seen``: a crash in between fetches it again,
and its Message-ID makes the second store a no-op. Nothing is deleted from the mailbox.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from django.core.exceptions import ImproperlyConfigured

from enlist.core.envtools import env_secret
from enlist.mailin.models import Mailbox
from enlist.mailin.services import mail_receive

_RETURN_PATH = re.compile(r"<([^>]*)>")


@dataclass
class PollResult:
    mailbox: str
    fetched: int
    stored: int


def _password(mailbox: Mailbox) -> str:
    if not mailbox.imap_password_env:
        raise ImproperlyConfigured(f"{mailbox.address}: imap_password_env is not set.")
    password = env_secret(mailbox.imap_password_env)
    if password is None:
        raise ImproperlyConfigured(
            f"{mailbox.address}: ${mailbox.imap_password_env} (or _FILE) is not set."
        )
    return password


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.imap_ssl:
        return imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=ssl.create_default_context()
        )
    client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port)
    if "STARTTLS" in client.capabilities:
        client.starttls(ssl_context=ssl.create_default_context())
    return client


def _envelope_sender(raw: bytes) -> str | None:
    """The Return-Path the delivering server wrote ("" for a bounce), None when absent."""
    header = BytesHeaderParser().parsebytes(raw).get("Return-Path")
    if header is None:
        return None
    found = _RETURN_PATH.search(str(header))
    return found.group(1) if found else str(header).strip()


def mailbox_poll(mailbox: Mailbox) -> PollResult:
    password = _password(mailbox)  # a missing secret is said before any connection
    client = _connect(mailbox)
    try:
        client.login(mailbox.imap_user, password)
        client.select(f'"{mailbox.imap_folder}"')
        _, found = client.uid("SEARCH", "UNSEEN")  # no charset argument: the server's default
        uids = found[0].split() if found and found[0] else []
        stored = 0
        for uid in uids:
            _, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is None:
                continue
            stored += len(
                mail_receive(
                    raw=raw,
                    recipients=[mailbox.address],
                    envelope_sender=_envelope_sender(raw),
                    via="imap",
                )
            )
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return PollResult(mailbox.address, fetched=len(uids), stored=stored)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def mailboxes_poll(*, mission: str | None = None) -> list[PollResult]:
    boxes = Mailbox.objects.select_related("mission").exclude(imap_host="")
    if mission:
        boxes = boxes.filter(mission__code=mission)
    return [mailbox_poll(box) for box in boxes]
