"""How long a case should wait in each stage before someone must look at it (pure).

The workspaces and the case list call a stage's queue "over target" when its oldest cases
have waited longer than this. The numbers follow the surge's order of urgency: a new contact
is answered within two days; screening, the interview and the visa are where missions wait on
people and documents; a volunteer who has arrived is placed within three days.
"""

from __future__ import annotations

import datetime

# Open stages only: a closed case waits for nobody.
TARGET_DAYS: dict[str, int] = {
    "submitted": 2,
    "screening": 7,
    "interview": 14,
    "visa": 21,
    "travel": 14,
    "arrived": 3,
    "on_hold": 30,
}


def target_cutoff(stage: str, *, now: datetime.datetime) -> datetime.datetime:
    """Cases of `stage` that entered it before this moment are over target."""
    return now - datetime.timedelta(days=TARGET_DAYS[stage])


def waiting_days(since: datetime.datetime, *, now: datetime.datetime) -> int:
    """Whole days between entering a stage and now (0 on the first day)."""
    return max(0, (now - since).days)
