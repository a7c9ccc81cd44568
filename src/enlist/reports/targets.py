"""Service targets: how long a case should wait in each stage before someone acts (pure).

The one place they are set. The dashboard counts, mission by mission, the open cases that
have been in a stage longer than its target (``reports/selectors.py: queues_over_target``);
HQ's start page shows the same per stage (``workspace/selectors.py``). A stage not listed
here has no target (final stages, and on hold: a decision to wait).
"""

from __future__ import annotations

import datetime

SERVICE_TARGET_DAYS: dict[str, int] = {
    "submitted": 3,  # a clerk starts screening within three days
    "screening": 7,  # documents checked and a recommendation made within a week
    "interview": 14,  # interviewed within two weeks of being sent to interview
    "visa": 21,  # the visa settled within three weeks
    "travel": 14,  # at the meeting point within two weeks of the instructions
    "arrived": 7,  # a unit chosen and enlisted within a week of arrival
}


def target_cutoff(stage: str, *, now: datetime.datetime) -> datetime.datetime:
    """Cases of `stage` that entered it before this moment are over target."""
    return now - datetime.timedelta(days=SERVICE_TARGET_DAYS[stage])


def waiting_days(since: datetime.datetime, *, now: datetime.datetime) -> int:
    """Whole days between entering a stage and now (0 on the first day)."""
    return max(0, (now - since).days)
