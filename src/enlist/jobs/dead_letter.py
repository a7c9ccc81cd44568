"""The dead-letter page's two acts: an administrator retries or discards a failed job.

Each is audited: the queue sits below the audit trail (the trail enqueues its checkpoints), so
it tells the trail by a signal (``jobs/events.py``), recorded in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from enlist.errors import Conflict, NotFound, NotPermitted
from enlist.jobs.events import dead_job_handled
from enlist.jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from enlist.accounts.models import StaffUser


def _require_admin(actor: StaffUser) -> None:
    if actor.role != "admin":
        raise NotPermitted("Only administrators handle failed jobs.")


def _dead_job_locked(*, job_id: int, actor: StaffUser, act: str) -> Job:
    """The failed job an administrator acts on, locked; `act` ("retried", "discarded") names
    the act in the refusal of a job that is not dead."""
    _require_admin(actor)
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    if job.status != JobStatus.DEAD:
        raise Conflict(f"This job is {job.status}: only failed jobs are {act}.")
    return job


@transaction.atomic
def job_retry(*, job_id: int, actor: StaffUser) -> Job:
    """Give a dead job a new round of attempts, due now (admin only; audited)."""
    job = _dead_job_locked(job_id=job_id, actor=actor, act="retried")
    job.status = JobStatus.PENDING
    job.attempts = 0
    job.run_after = timezone.now()
    job.finished_at = None
    job.save(update_fields=["status", "attempts", "run_after", "finished_at"])
    dead_job_handled.send(sender=Job, actor=actor, job_id=job.pk, kind=job.kind, change="job_retry")
    return job


@transaction.atomic
def job_discard(*, job_id: int, actor: StaffUser) -> None:
    """Delete a dead job for good: its work will not be done (admin only; audited)."""
    job = _dead_job_locked(job_id=job_id, actor=actor, act="discarded")
    pk, kind = job.pk, job.kind
    job.delete()
    dead_job_handled.send(sender=Job, actor=actor, job_id=pk, kind=kind, change="job_discard")
