"""Travel's background job: the email announcing a new packet."""

from __future__ import annotations

from enlist.jobs.registry import job_handler


@job_handler("mail.travel_packet")
def packet_mail(*, packet: str) -> None:
    from enlist.travel.services import packet_email_send

    packet_email_send(packet_id=packet)
