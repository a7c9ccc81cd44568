"""Matching's background job: a new application is matched once it has arrived."""

from __future__ import annotations

from enlist.jobs.registry import job_handler

MATCH_ON_ARRIVAL = "matching.on_arrival"  # queued by services.application_match_on_arrival


@job_handler(MATCH_ON_ARRIVAL)
def match_on_arrival(*, application: str) -> None:
    from enlist.matching.services import application_match_arrived

    application_match_arrived(application_id=application)
