"""The worker: claim a due job, run its handler, record the outcome.

Guarantees (tested in tests/jobs/):
- **At least once.** A job leaves the queue only when its handler returned. A claim is a
  lease (`ENLIST_JOB_LEASE_SECONDS`): a worker killed mid-job (kill -9, power cut) leaves its
  job running with a lease that runs out, and the next worker claims it again.
- **One holder.** Claiming is one short transaction: on PostgreSQL ``SELECT … FOR UPDATE
  SKIP LOCKED`` (workers never wait for each other), on SQLite an IMMEDIATE transaction (the
  write lock is taken at BEGIN, so two workers claim one after the other). A claim token
  guards the finish: a worker whose lease ran out cannot mark a job another worker holds.
- **Retries with backoff, then dead.** A handler that raises is retried after
  ``ENLIST_JOB_BACKOFF_SECONDS × 2^(attempt−1)`` (at most 6 hours), and after its
  `max_attempts` the job is dead: it waits on the admin's dead-letter page for retry or
  discard. The error kept is the exception's type and where it was raised, never its message
  (SMTP errors quote addresses).
- **Periodic jobs** (``registry.periodic``) are queued once per slot, whichever worker gets
  there first (the slot's dedupe key).
- **Graceful stop.** SIGTERM or SIGINT: the current job finishes, then the worker exits. A
  worker started by another process (``enlist demo``) with ``--exit-with-parent`` also exits
  once that process is gone, checked between jobs and at each poll.

Handlers run outside any transaction, so on SQLite no write lock is held while an email is
sent or a PDF is made; each handler takes its own short transactions.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import secrets
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Collection
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from enlist.jobs import registry
from enlist.jobs.context import running_job
from enlist.jobs.errors import JobDeferred
from enlist.jobs.models import Job, JobStatus
from enlist.jobs.services import job_enqueue

logger = logging.getLogger("enlist.jobs")

BACKOFF_CAP = datetime.timedelta(hours=6)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def backoff(attempt: int) -> datetime.timedelta:
    """How long to wait after the `attempt`-th failure (1-based)."""
    seconds = settings.ENLIST_JOB_BACKOFF_SECONDS * 2 ** max(0, attempt - 1)
    return min(datetime.timedelta(seconds=seconds), BACKOFF_CAP)


def describe(exc: BaseException) -> str:
    """The exception's type and the place it was raised: enough to find the fault, and
    nothing the exception's message might quote (an address, a name)."""
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else (f"{kind.__module__}.{kind.__qualname__}")
    )
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        name = f"{name} at {Path(last.filename).name}:{last.lineno} in {last.name}"
    return name[:300]


def _log(event: str, **fields: object) -> None:
    logger.info(json.dumps({"event": event, **fields}, sort_keys=True))


class Worker:
    """One worker process (or a test's stand-in for one: same code path)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        schedule: bool = True,
        kinds: Collection[str] | None = None,
        exclude_kinds: Collection[str] = (),
        parent_pid: int | None = None,
    ) -> None:
        """`kinds`: run only jobs of these kinds (None: every kind); `exclude_kinds`: never
        these (a surge of matching jobs can have workers of its own, so that it does not hold
        up email). `parent_pid`: stop, as on SIGTERM, once the process that started this one
        is gone (its parent changes: killed with -9, it could not stop us itself)."""
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.schedule = schedule
        self.kinds = Q()
        if kinds is not None:
            self.kinds &= Q(kind__in=sorted(kinds))
        if exclude_kinds:
            self.kinds &= ~Q(kind__in=sorted(exclude_kinds))
        self.parent_pid = parent_pid
        self.stopping = threading.Event()
        self._slots: dict[str, datetime.datetime] = {}

    # --- claiming ---------------------------------------------------------------------------

    def claim(self, *, now: datetime.datetime | None = None) -> Job | None:
        """Lease the oldest due job to this worker, or return None."""
        now = now or timezone.now()
        lease = datetime.timedelta(seconds=settings.ENLIST_JOB_LEASE_SECONDS)
        due = (
            Q(status=JobStatus.PENDING, run_after__lte=now)
            | Q(status=JobStatus.RUNNING, leased_until__lt=now)
        ) & self.kinds
        # A plain read first: an idle worker polling every second must not take SQLite's
        # write lock (IMMEDIATE) each time, or it would queue behind the server's writes.
        if not Job.objects.filter(due).exists():
            return None
        with transaction.atomic():
            while True:
                job = (
                    Job.objects.select_for_update(skip_locked=True)
                    .filter(due)
                    .order_by("run_after", "pk")
                    .first()
                )
                if job is None:
                    return None
                if job.status == JobStatus.RUNNING:
                    # Its worker died mid-job (or overran its lease).
                    _log("job_lease_expired", job=job.pk, kind=job.kind, worker=job.worker)
                    if job.attempts >= job.max_attempts:
                        self._bury(job, "lease expired: the worker stopped mid-job", now=now)
                        continue
                job.status = JobStatus.RUNNING
                job.attempts += 1
                job.leased_until = now + lease
                job.claim = secrets.token_hex(16)
                job.worker = self.name[:100]
                job.save(update_fields=["status", "attempts", "leased_until", "claim", "worker"])
                return job

    def _bury(self, job: Job, error: str, *, now: datetime.datetime) -> None:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DEAD,
            leased_until=None,
            claim="",
            last_error=error[:300],
            finished_at=now,
        )
        _log("job_dead", job=job.pk, kind=job.kind, attempts=job.attempts, error=error)

    # --- running ----------------------------------------------------------------------------

    def run(self, job: Job, *, now: datetime.datetime | None = None) -> bool:
        """Run a claimed job's handler and record the outcome. True when it succeeded.
        `now` (tests): the time the outcome is recorded at, which a retry counts from."""
        started = time.monotonic()
        handler = registry.handler_for(job.kind)
        token = running_job.set(job.pk)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind}")
            handler.func(**job.payload)
        except JobDeferred as exc:
            self._defer(job, exc, now=now or timezone.now())
            return False
        except Exception as exc:
            self._failed(job, exc, now=now or timezone.now())
            return False
        finally:
            running_job.reset(token)
        done = Job.objects.filter(pk=job.pk, claim=job.claim).update(
            status=JobStatus.DONE,
            leased_until=None,
            claim="",
            last_error="",
            finished_at=now or timezone.now(),
        )
        _log(
            "job_done" if done else "job_done_lease_lost",
            job=job.pk,
            kind=job.kind,
            attempt=job.attempts,
            ms=round((time.monotonic() - started) * 1000),
        )
        return True

    def _defer(self, job: Job, exc: JobDeferred, *, now: datetime.datetime) -> None:
        Job.objects.filter(pk=job.pk, claim=job.claim).update(
            status=JobStatus.PENDING,
            attempts=F("attempts") - 1,
            run_after=now + datetime.timedelta(seconds=exc.seconds),
            leased_until=None,
            claim="",
        )
        _log("job_deferred", job=job.pk, kind=job.kind, seconds=exc.seconds)

    def _failed(self, job: Job, exc: Exception, *, now: datetime.datetime) -> None:
        error = describe(exc)
        if job.attempts >= job.max_attempts:
            Job.objects.filter(pk=job.pk, claim=job.claim).update(
                status=JobStatus.DEAD,
                leased_until=None,
                claim="",
                last_error=error,
                finished_at=now,
            )
            _log("job_dead", job=job.pk, kind=job.kind, attempts=job.attempts, error=error)
            return
        wait = backoff(job.attempts)
        Job.objects.filter(pk=job.pk, claim=job.claim).update(
            status=JobStatus.PENDING,
            run_after=now + wait,
            leased_until=None,
            claim="",
            last_error=error,
        )
        _log(
            "job_retry",
            job=job.pk,
            kind=job.kind,
            attempt=job.attempts,
            retry_in_s=int(wait.total_seconds()),
            error=error,
        )

    # --- periodic jobs ----------------------------------------------------------------------

    def enqueue_periodic(self, *, now: datetime.datetime | None = None) -> int:
        """Queue the current slot of every periodic job not queued yet. Returns how many this
        call queued (a slot another worker queued first counts for it, not here)."""
        now = now or timezone.now()
        queued = 0
        for entry in registry.schedule():
            before = timezone.now()
            slot = EPOCH + entry.every * ((now - EPOCH) // entry.every)
            if self._slots.get(entry.kind) == slot:
                continue
            key = f"periodic:{entry.kind}:{slot:%Y%m%dT%H%M}"
            job = job_enqueue(kind=entry.kind, payload=entry.payload, run_after=slot,
                              dedupe_key=key)  # fmt: skip
            self._slots[entry.kind] = slot
            if job.created_at >= before:
                queued += 1
        return queued

    # --- loops ------------------------------------------------------------------------------

    def run_once(self, *, now: datetime.datetime | None = None) -> bool:
        """Claim and run one due job. False when none was due."""
        job = self.claim(now=now)
        if job is None:
            return False
        self.run(job, now=now)
        return True

    def run_burst(self, *, now: datetime.datetime | None = None, limit: int | None = None) -> int:
        """Run due jobs until none is left (or `limit` ran); returns how many ran. A job that
        fails is retried only once its backoff has passed, so a burst ends."""
        if self.schedule:
            self.enqueue_periodic(now=now)
        ran = 0
        while not self.stopping.is_set() and (limit is None or ran < limit):
            if not self.run_once(now=now):
                break
            ran += 1
        return ran

    def run_forever(self, *, on_idle: Callable[[], None] | None = None) -> None:
        """Poll for jobs until SIGTERM/SIGINT; the job in hand is finished first."""
        self._install_signals()
        _log("worker_started", worker=self.name, kinds=registry.kinds())
        poll = settings.ENLIST_WORKER_POLL_SECONDS
        while not self.stopping.is_set():
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                _log("worker_orphaned", worker=self.name, parent=self.parent_pid)
                break
            close_old_connections()
            try:
                if self.schedule:
                    self.enqueue_periodic()
                if self.run_once():
                    continue
            except Exception as exc:  # the database went away: wait, then try again
                _log("worker_error", error=describe(exc))
                close_old_connections()
            if on_idle is not None:
                on_idle()
            self.stopping.wait(poll)
        _log("worker_stopped", worker=self.name)

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum: int, _frame: object) -> None:
            _log("worker_stopping", signal=signal.Signals(signum).name)
            self.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
