"""Mail intake's background jobs: the neutral acknowledgement of a first message, and the
daily retention run of drafts never completed."""

from __future__ import annotations

import datetime
import json
import logging

from enlist.jobs.registry import job_handler, periodic

logger = logging.getLogger("enlist.jobs")


@job_handler("mail.intake_acknowledgement")
def intake_acknowledgement(*, message: str) -> None:
    from enlist.mailin.services import acknowledgement_send

    acknowledgement_send(message_id=message)


@job_handler("mail.drafts_retention")
def drafts_retention() -> None:
    from enlist.mailin.retention import drafts_retention_run

    shredded = drafts_retention_run()
    logger.info(json.dumps({"event": "drafts_retention", "erased": shredded}, sort_keys=True))


periodic("mail.drafts_retention", every=datetime.timedelta(days=1))
