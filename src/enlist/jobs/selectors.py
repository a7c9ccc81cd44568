"""Reads of the queue: its health (for /readyz), its dead letters (for the admin)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import Count, QuerySet
from django.utils import timezone

from enlist.jobs.models import Job, JobStatus


class QueueUnavailable(Exception):  # noqa: N818
    """The queue's table cannot be read (database down, table missing)."""


@dataclass(frozen=True)
class QueueHealth:
    pending: int  # due now or later
    due: int  # pending and due now
    running: int
    dead: int


def queue_health() -> QueueHealth:
    """Counts per state; raises QueueUnavailable when the queue cannot be read."""
    try:
        counts = dict(
            Job.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING, JobStatus.DEAD])
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        due = Job.objects.filter(status=JobStatus.PENDING, run_after__lte=timezone.now()).count()
    except DatabaseError as exc:
        raise QueueUnavailable(type(exc).__name__) from exc
    return QueueHealth(
        pending=counts.get(JobStatus.PENDING, 0),
        due=due,
        running=counts.get(JobStatus.RUNNING, 0),
        dead=counts.get(JobStatus.DEAD, 0),
    )


def dead_jobs() -> QuerySet[Job]:
    """Jobs that failed every attempt, the latest failure first."""
    return Job.objects.filter(status=JobStatus.DEAD).order_by("-finished_at", "-pk")
