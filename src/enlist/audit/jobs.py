"""The audit trail's background job: signed checkpoints (every N entries, and daily)."""

from __future__ import annotations

import datetime

from enlist.jobs.registry import job_handler, periodic


@job_handler("audit.checkpoint")
def checkpoint(*, size: int | None = None, head: str | None = None) -> None:
    """With `size` and `head`: pin that entry (queued by ``audit_record`` every
    ENLIST_AUDIT_CHECKPOINT_EVERY entries). Without: sign the chain as it stands (daily)."""
    from enlist.audit.services import audit_checkpoint, audit_checkpoint_pin

    if size is not None and head is not None:
        audit_checkpoint_pin(size=size, head=head)
    else:
        audit_checkpoint()


periodic("audit.checkpoint", every=datetime.timedelta(days=1))
