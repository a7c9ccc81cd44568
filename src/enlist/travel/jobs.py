"""Travel's background jobs: a new packet's PDF, then the email announcing it."""

from __future__ import annotations

from enlist.jobs.registry import job_handler


@job_handler("travel.packet_pdf")
def packet_pdf(*, packet: str) -> None:
    from enlist.travel.services import packet_pdf_make

    packet_pdf_make(packet_id=packet)


@job_handler("mail.travel_packet")
def packet_mail(*, packet: str) -> None:
    from enlist.travel.services import packet_email_send

    packet_email_send(packet_id=packet)
