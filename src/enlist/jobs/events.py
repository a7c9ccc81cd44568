"""What the queue tells the apps above it (``core/events.py``): an administrator's acts on
the dead letters, which the audit trail records in the same transaction (``audit/signals.py``).
The queue sits below the trail (the trail enqueues its checkpoints), so it cannot import it."""

from __future__ import annotations

from enlist.core.events import RequiredSignal

#: A dead job was retried or discarded: ``actor`` (the administrator), ``job_id``, ``kind``,
#: ``change`` (``"job_retry"`` or ``"job_discard"``).
dead_job_handled = RequiredSignal("jobs.dead_job_handled")

#: The list of dead jobs was shown: ``actor``, ``count`` (how many it holds).
dead_jobs_listed = RequiredSignal("jobs.dead_jobs_listed")
