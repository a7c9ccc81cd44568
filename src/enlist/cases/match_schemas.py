"""What the API says about possible duplicates: on a case, and in HQ's queue.

In cases, below matching: the case API documents a case's matches, and the matching
app fills and reuses these shapes (`matching/api.py`)."""

from __future__ import annotations

import datetime

from ninja import Schema


class EvidenceOut(Schema):
    field: str  # the compared field: given_name, family_name, date_of_birth, ...
    level: str  # how it agreed: exact, same name or nickname, disagree, ...
    weight: float  # its weight in bits: positive for the same person, negative against


class CaseMatchOut(Schema):
    id: str  # the other application (in the caller's scope)
    candidate: str
    mission: str
    stage: str
    channel: str
    submitted_at: datetime.datetime
    probability: float
    status: str  # open | confirmed
    evidence: list[EvidenceOut]


class CaseMatchingOut(Schema):
    person: str | None  # the person HQ linked this application to, if any
    matches: list[CaseMatchOut]  # probable duplicates inside the caller's scope
    # True when a probable duplicate outside the caller's scope awaits HQ: nothing else is said
    under_review_by_headquarters: bool
