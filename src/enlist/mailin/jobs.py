"""Mail intake's background job: the neutral acknowledgement of a first message."""

from __future__ import annotations

from enlist.jobs.registry import job_handler


@job_handler("mail.intake_acknowledgement")
def intake_acknowledgement(*, message: str) -> None:
    from enlist.mailin.services import acknowledgement_send

    acknowledgement_send(message_id=message)
