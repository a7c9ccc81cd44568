"""Writes to the queue: enqueue (in the caller's transaction), and the admin's retry/discard.

A job is a row. `job_enqueue` inserts it in whatever transaction is open, so the job exists
if and only if that transaction commits: a booking that rolls back sends no invitation, and
one that commits always has its invitation queued, whatever happens to the process next.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from enlist.jobs.context import current_job_id
from enlist.jobs.models import Job, JobStatus
from enlist.jobs.registry import handler_for

if TYPE_CHECKING:
    pass

# A payload carries ids, counts and flags, never a personal value: strings are limited to the
# characters of ids, keys, dates and codes (no "@", no spaces), so an email address, a
# phone number or a name with a space cannot be queued by mistake.
_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.:+\-]{0,100}$")
_MAX_ITEMS = 1000


class PayloadError(ValueError):
    """A payload that does not belong in the queue (not ids only). A programming error."""


def _check_value(name: str, value: Any, *, nested: bool = False) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if not _SAFE_TEXT.match(value):
            raise PayloadError(f"job payload {name!r}: only ids, codes and dates may be queued")
        return
    if isinstance(value, list | tuple) and not nested:
        if len(value) > _MAX_ITEMS:
            raise PayloadError(f"job payload {name!r}: more than {_MAX_ITEMS} items")
        for item in value:
            _check_value(name, item, nested=True)
        return
    raise PayloadError(f"job payload {name!r}: {type(value).__name__} cannot be queued")


def check_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    checked = {}
    for key, value in payload.items():
        if not isinstance(key, str) or not _SAFE_KEY.match(key):
            raise PayloadError(f"job payload key {key!r} is not an identifier")
        _check_value(key, value)
        checked[key] = list(value) if isinstance(value, tuple) else value
    return checked


def job_enqueue(
    *,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    run_after: datetime.datetime | None = None,
    dedupe_key: str | None = None,
) -> Job:
    """Queue a job of `kind` (a registered handler) in the caller's transaction.

    `payload`: the handler's keyword arguments, ids only (PayloadError otherwise).
    `run_after`: not before then (default now). `dedupe_key`: at most one job per key, ever —
    a second enqueue with the key returns the first job and queues nothing.
    """
    handler = handler_for(kind)
    if handler is None:
        raise LookupError(f"no handler for job kind {kind!r}")
    values = check_payload(payload or {})
    now = timezone.now()
    fields = {
        "kind": kind,
        "payload": values,
        "run_after": run_after or now,
        "max_attempts": handler.max_attempts or settings.ENLIST_JOB_MAX_ATTEMPTS,
        "created_at": now,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key is None:
        return Job.objects.create(**fields)
    existing = Job.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not spoil the caller
            return Job.objects.create(**fields)
    except IntegrityError:
        return Job.objects.get(dedupe_key=dedupe_key)


def jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete finished jobs and sent-marks older than ENLIST_JOB_KEEP_DAYS (dead jobs stay
    until an admin retries or discards them)."""
    from enlist.jobs.models import SentMark

    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.ENLIST_JOB_KEEP_DAYS)
    deleted, _ = Job.objects.filter(status=JobStatus.DONE, finished_at__lt=before).delete()
    SentMark.objects.filter(sent_at__lt=before).delete()
    return deleted


def job_lease_extend() -> None:
    """Renew the lease of the job this code runs in, by ``ENLIST_JOB_LEASE_SECONDS`` from
    now: a long handler (a large import) calls it as it makes progress, so no other worker
    claims the job while this one is alive. Outside the worker it does nothing."""
    job_id = current_job_id()
    if job_id is None:
        return
    lease = datetime.timedelta(seconds=settings.ENLIST_JOB_LEASE_SECONDS)
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        leased_until=timezone.now() + lease
    )
