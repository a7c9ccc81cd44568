"""Service targets: how long a case should wait in each stage before someone acts (pure).

The one place they are set. The dashboard counts, mission by mission, the open cases that
have been in a stage longer than its target (``reports/selectors.py: queues_over_target``).
A stage not listed here has no target (final stages, and on hold: a decision to wait).
"""

from __future__ import annotations

SERVICE_TARGET_DAYS: dict[str, int] = {
    "submitted": 3,  # a clerk starts screening within three days
    "screening": 7,  # documents checked and a recommendation made within a week
    "interview": 14,  # interviewed within two weeks of being sent to interview
    "visa": 21,  # the visa settled within three weeks
    "travel": 14,  # at the meeting point within two weeks of the instructions
    "arrived": 7,  # a unit chosen and enlisted within a week of arrival
}
