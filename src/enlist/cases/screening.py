"""Screening rules: a recommendation with its reasons. Staff decide; this only advises.

No Django. The officials' brief was "trained people only, no time for training": combat
experience is preferred, applicants without military experience are referred to
humanitarian volunteering, and claims need a verified military document.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MIN_AGE = 18
MAX_AGE = 60
MIN_YEARS_OF_SERVICE = 1
MILITARY_DOCUMENT_KINDS = frozenset({"military_id", "discharge_papers", "service_record"})


class Outcome(StrEnum):
    PROCEED = "proceed"  # recommend an interview
    NEEDS_DOCUMENTS = "needs_documents"  # plausible, but nothing verified yet
    REFER = "refer"  # no military experience: humanitarian volunteering
    DECLINE = "decline"  # outside the age limits


@dataclass(frozen=True)
class DocumentFact:
    kind: str
    verified: bool


@dataclass(frozen=True)
class ScreeningInput:
    date_of_birth: datetime.date
    applied_on: datetime.date
    years_of_service: int
    combat_deployments: int
    peacekeeping: bool
    documents: Sequence[DocumentFact] = ()


@dataclass(frozen=True)
class Reason:
    """`message` is the English sentence (API, logs of decisions); `values` are the facts it
    states, so that a page can say it in the reader's language (`cases/labels.py`)."""

    code: str
    message: str
    favourable: bool
    values: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Recommendation:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    priority: int  # higher is interviewed sooner; 0 for anyone not recommended


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def screen(facts: ScreeningInput) -> Recommendation:
    reasons: list[Reason] = []
    age = age_on(facts.date_of_birth, facts.applied_on)
    age_ok = MIN_AGE <= age <= MAX_AGE
    reasons.append(
        Reason(
            "age",
            f"Aged {age} at application (accepted: {MIN_AGE}–{MAX_AGE}).",
            age_ok,
            {"age": age, "min": MIN_AGE, "max": MAX_AGE},
        )
    )

    experienced = facts.years_of_service >= MIN_YEARS_OF_SERVICE
    reasons.append(
        Reason(
            "service",
            f"{facts.years_of_service} year(s) of military service"
            + ("." if experienced else f" (at least {MIN_YEARS_OF_SERVICE} needed)."),
            experienced,
            {
                "years": facts.years_of_service,
                "needed": None if experienced else MIN_YEARS_OF_SERVICE,
            },
        )
    )
    if facts.combat_deployments > 0:
        reasons.append(
            Reason(
                "combat",
                f"{facts.combat_deployments} combat deployment(s): preferred.",
                True,
                {"count": facts.combat_deployments},
            )
        )
    else:
        reasons.append(Reason("combat", "No combat deployment.", False, {"count": 0}))
    if facts.peacekeeping:
        reasons.append(Reason("peacekeeping", "Served in peacekeeping.", True))

    verified = sorted(
        {d.kind for d in facts.documents if d.verified and d.kind in MILITARY_DOCUMENT_KINDS}
    )
    if verified:
        reasons.append(
            Reason("documents", "Verified: " + ", ".join(verified) + ".", True, {"kinds": verified})
        )
    else:
        reasons.append(Reason("documents", "No verified military document yet.", False))

    if not age_ok:
        outcome = Outcome.DECLINE
    elif not experienced:
        outcome = Outcome.REFER
    elif not verified:
        outcome = Outcome.NEEDS_DOCUMENTS
    else:
        outcome = Outcome.PROCEED

    priority = 0
    if outcome in (Outcome.PROCEED, Outcome.NEEDS_DOCUMENTS):
        priority = (
            100 * (outcome == Outcome.PROCEED)
            + 10 * min(facts.combat_deployments, 5)
            + min(facts.years_of_service, 20)
        )
    return Recommendation(outcome=outcome, reasons=tuple(reasons), priority=priority)
