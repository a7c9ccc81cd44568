"""Sending an email from a job exactly once per key, as far as SMTP allows.

An email cannot be rolled back, so a job that runs twice (its worker was killed after
sending, before the job was marked done; or the same event was queued twice) must not send
twice. ``mail_send_once(message, key=…)``:

1. takes the key in a short transaction (a `SentMark` row; unique): a key already sent
   means "done, send nothing"; a key another worker is sending right now defers the job;
2. sends, with no transaction open (on SQLite no write lock is held during SMTP);
3. marks the key sent. A failure to send removes the mark, so the retry sends.

Only a crash between 2 and 3 can send a second copy (at least once, never lost); the
message's Message-ID is derived from the key, so mail clients fold such a twin into one.

**Partial refusals.** A server may take a message for some recipients and refuse others
(``core/mail.py: RecipientsPartlyRefused``). Each recipient it took is marked delivered
under the key (a `SentMark` whose key is a keyed digest of key and address: no address is
stored), the key itself is released and the error raised, so the job retries; the retry
sends to the recipients not yet marked, with the same headers (the To line still names
everyone) and the same Message-ID. Nobody gets it twice, nobody refused is dropped: after
the job's last attempt it waits on the dead-letter page like any failed job.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from enlist.core.mail import RecipientsPartlyRefused
from enlist.jobs.context import current_job_id
from enlist.jobs.errors import JobDeferred
from enlist.jobs.models import SentMark


def message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _take(key: str) -> bool:
    """Take `key` for sending; False if it was sent already. Raises JobDeferred while
    another job holds it."""
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.ENLIST_JOB_LEASE_SECONDS)
    job = current_job_id()
    with transaction.atomic():
        mark = SentMark.objects.select_for_update().filter(key=key).first()
        if mark is None:
            try:
                with transaction.atomic():
                    SentMark.objects.create(key=key, started_at=now, job=job)
            except IntegrityError:
                raise JobDeferred("another job is sending this message") from None
            return True
        if mark.sent_at is not None:
            return False
        if mark.job != job and mark.started_at > now - lease:
            raise JobDeferred("another job is sending this message")
        # Our own earlier run, or a sender whose lease ran out: it died before marking.
        mark.started_at = now
        mark.job = job
        mark.save(update_fields=["started_at", "job"])
        return True


def _recipient_key(key: str, address: str) -> str:
    """The mark of one recipient's delivery under `key`: keyed (SECRET_KEY), so the table
    never holds an address nor lets one be confirmed without the key."""
    digest = salted_hmac(
        "enlist.jobs.mail.recipient", f"{key}\n{_address(address)}", algorithm="sha256"
    )
    return f"recipient:{digest.hexdigest()}"


def _address(named: str) -> str:
    return parseaddr(named)[1].lower()


def _delivered_before(key: str, recipients: list[str]) -> set[str]:
    """The recipients a partly refused earlier attempt under `key` reached."""
    marks = {_recipient_key(key, r): r for r in recipients}
    sent = SentMark.objects.filter(key__in=marks, sent_at__isnull=False).values_list(
        "key", flat=True
    )
    return {marks[mark] for mark in sent}


def _mark_delivered(key: str, recipients: Iterable[str]) -> None:
    now = timezone.now()
    for recipient in recipients:
        SentMark.objects.update_or_create(
            key=_recipient_key(key, recipient),
            defaults={"sent_at": now},
            create_defaults={"started_at": now, "sent_at": now, "job": current_job_id()},
        )


def _addressed_to(message: EmailMessage, recipients: list[str]) -> EmailMessage:
    """`message` unchanged (its To and Cc lines too), its envelope for `recipients` only:
    every backend addresses the envelope to `recipients()`."""
    envelope = copy.copy(message)
    envelope.recipients = lambda: list(recipients)  # type: ignore[method-assign]
    return envelope


def mail_send_once(message: EmailMessage, *, key: str) -> bool:
    """Send `message` unless a message under `key` was sent before; a recipient an earlier,
    partly refused attempt reached is not sent to again. True if sent now.

    Raises what the backend raises; on a partial refusal (`RecipientsPartlyRefused`) the
    recipients that got it are marked first, so the job's retry sends to the others only."""
    if not _take(key):
        return False
    message.extra_headers.setdefault("Message-ID", message_id(key))
    recipients = message.recipients()
    done = _delivered_before(key, recipients)
    pending = [r for r in recipients if r not in done]
    try:
        if done:
            message = _addressed_to(message, pending)
        if pending:
            message.send()
    except RecipientsPartlyRefused as refused:
        _mark_delivered(key, refused.accepted)
        SentMark.objects.filter(key=key, sent_at__isnull=True).delete()
        raise
    except BaseException:
        SentMark.objects.filter(key=key, sent_at__isnull=True).delete()
        raise
    SentMark.objects.filter(key=key).update(sent_at=timezone.now())
    return True
