"""The queue's tables: `Job` (one unit of background work) and `SentMark` (what a handler
already did, for handlers whose effect cannot be rolled back, such as an email).

Neither holds anything personal: a job's payload is ids only (checked by
``services.job_enqueue``), its error is an exception's type and where it was raised.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    DEAD = "dead", _("failed")


class Job(models.Model):
    """A unit of background work of one `kind`, run by `enlist worker`.

    pending → running (leased to one worker until `leased_until`) → done, or back to pending
    with a later `run_after` (retry with exponential backoff), or dead after `max_attempts`.
    A running job whose lease ran out (its worker died) is claimed again.
    """

    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    run_after = models.DateTimeField(_("not before"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("attempts allowed"))
    # Set only while running: the worker that holds it and until when; a claim token so a
    # worker whose lease ran out cannot mark a job another worker now holds.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    claim = models.CharField(_("claim token"), max_length=32, blank=True, default="")
    worker = models.CharField(_("worker"), max_length=100, blank=True, default="")
    # At most one job per key, ever (periodic slots, "once per event" jobs).
    dedupe_key = models.CharField(
        _("once-only key"), max_length=200, null=True, blank=True, unique=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created on"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        indexes = [
            # The worker's claim: the oldest due pending job (and expired leases).
            models.Index(
                fields=["run_after"],
                name="job_due_idx",
                condition=Q(status__in=["pending", "running"]),
            ),
            # The dead-letter page and the purge of finished jobs.
            models.Index(fields=["status", "finished_at"], name="job_status_finished_idx"),
        ]

    def __str__(self) -> str:
        return gettext("job %(kind)s #%(id)s") % {"kind": self.kind, "id": self.pk}


class DeadJob(Job):
    """The admin's view of the jobs that failed every attempt (the dead-letter page)."""

    class Meta:
        proxy = True
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs (dead letters)")


class SentMark(models.Model):
    """An effect that happened once and must not happen again (an email to one recipient
    for one event). `sent_at` null: a worker is sending now (since `started_at`)."""

    key = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    job = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
