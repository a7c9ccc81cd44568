"""Reading possible duplicates: on a case (within the viewer's scope) and HQ's review queue.

On a case, a match whose other application the viewer may see is shown with its probability,
evidence and a link; a match at an application outside their scope only sets
``under_review_by_headquarters`` — no id, reference, mission or count — so mission staff
learn that HQ is looking, and nothing about the other case.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.cases.access import applications_in_scope
from enlist.cases.models import Application
from enlist.errors import NotFound
from enlist.matching.compare import FIELDS
from enlist.matching.engine import RELATIVES
from enlist.matching.models import MatchCandidate, MatchStatus
from enlist.matching.services import pairs_of, person_of

FIELD_ORDER = [*(f.name for f in FIELDS), RELATIVES]


def evidence_list(evidence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored evidence as a list in the engine's field order."""
    return [
        {"field": name, "level": evidence[name]["level"], "weight": evidence[name]["weight"]}
        for name in FIELD_ORDER
        if name in evidence
    ]


def case_matches(application: Application, user: StaffUser) -> dict[str, Any]:
    """The ``matching`` section of a case as ``user`` may see it (a case-detail provider)."""
    pairs = list(
        MatchCandidate.objects.filter(pairs_of(application.pk))
        .filter(status__in=[MatchStatus.OPEN, MatchStatus.CONFIRMED, MatchStatus.LINKED])
        .order_by("-probability", "found_at")
    )
    others = {(p.right_id if p.left_id == application.pk else p.left_id): p for p in pairs}
    visible = {
        row["pk"]: row
        for row in applications_in_scope(user=user)
        .filter(pk__in=list(others))
        .values("pk", "mission__code", "stage", "channel", "submitted_at")
    }
    matches = []
    hidden_open = False
    for other_id, pair in others.items():
        row = visible.get(other_id)
        if row is None:
            hidden_open |= pair.status == MatchStatus.OPEN
            continue
        matches.append(
            {
                "id": str(other_id),
                "candidate": str(pair.pk),
                "mission": row["mission__code"],
                "stage": row["stage"],
                "channel": row["channel"],
                "submitted_at": row["submitted_at"],
                "probability": round(pair.probability, 4),
                "status": pair.status,
                "evidence": evidence_list(pair.evidence),
            }
        )
    person = person_of(application)
    return {
        "matching": {
            "person": str(person.pk) if person else None,
            "matches": matches,
            "under_review_by_headquarters": hidden_open,
        }
    }


def in_review_queue(user: StaffUser, application: Application) -> bool:
    """Whether `application` is in an open pair of HQ's review queue and `user` is HQ: then
    opening it is HQ's flow and needs no reason (cases/gate.py register_flow_check)."""
    if user.staff_role != Role.HQ:
        return False
    return MatchCandidate.objects.filter(pairs_of(application.pk), status=MatchStatus.OPEN).exists()


def _check_hq(user: StaffUser) -> None:
    # Outside HQ the queue does not exist (404), like a case outside one's scope.
    if not user.is_active or user.staff_role != Role.HQ:
        raise NotFound()


def match_queue(*, user: StaffUser) -> QuerySet[MatchCandidate]:
    """Open pairs, highest probability first (``matchcandidate_queue`` index). HQ only."""
    _check_hq(user)
    return (
        MatchCandidate.objects.filter(status=MatchStatus.OPEN)
        .select_related("left__mission", "right__mission", "left__data_key", "right__data_key")
        .order_by("-probability", "found_at", "pk")
    )


def match_links(*, user: StaffUser, limit: int = 25) -> QuerySet[MatchCandidate]:
    """The latest links HQ can undo: pairs linked automatically or confirmed, newest first.
    HQ only."""
    _check_hq(user)
    return (
        MatchCandidate.objects.filter(status__in=[MatchStatus.LINKED, MatchStatus.CONFIRMED])
        .exclude(undo={})
        .select_related("left__mission", "right__mission", "left__data_key", "right__data_key")
        .order_by("-decided_at", "pk")[:limit]
    )


def match_access(*, user: StaffUser, candidate_id: str | uuid.UUID) -> MatchCandidate:
    """One pair (any status) for HQ; NotFound for everyone else and for bad ids."""
    _check_hq(user)
    try:
        key = candidate_id if isinstance(candidate_id, uuid.UUID) else uuid.UUID(candidate_id)
    except (ValueError, AttributeError, TypeError):
        raise NotFound() from None
    queryset = MatchCandidate.objects.select_related(
        "left__mission", "left__nationality", "right__mission", "right__nationality"
    )
    candidate = queryset.filter(pk=key).first()
    if candidate is None:
        raise NotFound()
    return candidate
