"""Matching's background job: a new application is matched once it has arrived."""

from __future__ import annotations

from enlist.jobs.registry import job_handler
from enlist.matching.services import MATCH_ON_ARRIVAL, application_match_arrived


@job_handler(MATCH_ON_ARRIVAL)  # queued by services.application_match_on_arrival
def match_on_arrival(*, application: str) -> None:
    application_match_arrived(application_id=application)
