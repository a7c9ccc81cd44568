"""Which job the running code belongs to: set by the worker around each handler, read by what
a handler calls (a sent-mail mark, a lease renewal). Apart so that the queue's services and the
mail helper can read it without importing the worker."""

from __future__ import annotations

from contextvars import ContextVar

running_job: ContextVar[int | None] = ContextVar("enlist_current_job", default=None)


def current_job_id() -> int | None:
    """The id of the job this code runs in (None outside the worker)."""
    return running_job.get()
