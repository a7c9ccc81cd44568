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
"""

from __future__ import annotations

import datetime
import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from enlist.jobs.errors import JobDeferred
from enlist.jobs.models import SentMark
from enlist.jobs.worker import current_job_id


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


def mail_send_once(message: EmailMessage, *, key: str) -> bool:
    """Send `message` unless a message under `key` was sent before. True if sent now."""
    if not _take(key):
        return False
    message.extra_headers.setdefault("Message-ID", message_id(key))
    try:
        message.send()
    except BaseException:
        SentMark.objects.filter(key=key, sent_at__isnull=True).delete()
        raise
    SentMark.objects.filter(key=key).update(sent_at=timezone.now())
    return True
