"""Reads on applications that need more than a trivial filter. All start from the scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.cases.access import applications_in_scope
from enlist.cases.identifiers import query_terms
from enlist.cases.models import Application, LookupDigest, Verification
from enlist.cases.screening import DocumentFact, Recommendation, ScreeningInput, screen
from enlist.cases.workflow import Stage
from enlist.core.cursor import Cursor, cursor_parse
from enlist.core.keyset import KeysetPage, cursor_read, keyset_page
from enlist.errors import FieldError, InvalidInput
from enlist.missions.models import Country
from enlist.vault.keyring import blind_indexer

SEARCH_LIMIT = 100


@dataclass(frozen=True)
class CaseFilters:
    stage: str | None = None
    mission: str | None = None
    nationality: str | None = None
    waiting_days: int | None = None  # at least this many days in the current stage


# "waiting at least N days": up to a century (a larger N overflows the date arithmetic)
WAITING_DAYS_MAX = 36_500


def application_list(*, user: StaffUser, filters: CaseFilters) -> QuerySet[Application]:
    """The user's cases matching the filters, oldest waiting first within a stage."""
    errors = []
    queryset = applications_in_scope(user=user)
    if filters.stage is not None:
        if filters.stage not in {s.value for s in Stage}:
            errors.append(FieldError("stage", "Unknown stage."))
        queryset = queryset.filter(stage=filters.stage)
    if filters.mission:
        queryset = queryset.filter(mission__code=filters.mission)
    if filters.nationality:
        queryset = queryset.filter(nationality_id=filters.nationality.upper())
    if filters.waiting_days is not None:
        if not 0 <= filters.waiting_days <= WAITING_DAYS_MAX:
            errors.append(
                FieldError("waiting_days", f"Enter a number from 0 to {WAITING_DAYS_MAX}.")
            )
        else:
            cutoff = timezone.now() - timedelta(days=filters.waiting_days)
            queryset = queryset.filter(stage_changed_at__lte=cutoff)
    if errors:
        raise InvalidInput(errors)
    return queryset.select_related("mission", "nationality").order_by("-submitted_at", "pk")


def application_page(
    queryset: QuerySet[Application], *, cursor: str | None, size: int
) -> KeysetPage[Application]:
    """The page of `queryset` (ordered newest first, as ``application_list`` orders) that
    starts after the row `cursor` names, or ends before it for a backwards cursor.

    Each page is an index range read: ``submitted_at`` at or before the cursor's, minus the
    rows of that same instant up to its id. InvalidInput naming `after` for a bad token.
    """
    position = cursor_read(cursor, cursor_parse, field="after")
    beyond = None
    if position is not None and position.backwards:
        earlier = Q(submitted_at__gte=position.at) & ~Q(
            submitted_at=position.at, pk__gte=position.id
        )
        beyond = queryset.filter(earlier).order_by("submitted_at", "-pk")
    elif position is not None:
        after = Q(submitted_at__lte=position.at) & ~Q(submitted_at=position.at, pk__lte=position.id)
        beyond = queryset.filter(after)
    return keyset_page(
        queryset,
        size=size,
        beyond=beyond,
        backwards=position is not None and position.backwards,
        token=lambda row, backwards: Cursor(row.submitted_at, row.pk, backwards).token(),
    )


def application_search(*, user: StaffUser, query: str) -> QuerySet[Application]:
    """Cases in scope whose reference, a name, passport, email or phone equals the query.

    Goes through the blind-index digests only: no plaintext column is read or compared.
    """
    if len(query) > 200:
        raise InvalidInput([FieldError("q", "At most 200 characters.")])
    indexer = blind_indexer()
    digests = [indexer.digest(kind, value) for kind, value in query_terms(query)]
    if not digests:
        return applications_in_scope(user=user).none()
    return (
        applications_in_scope(user=user)
        .filter(digests__digest__in=digests)
        .distinct()
        .select_related("mission", "nationality")
        .order_by("-submitted_at", "pk")[:SEARCH_LIMIT]
    )


def application_id_for_reference(*, text: str) -> uuid.UUID | None:
    """The id of the case a reference (IL-XXXX-XX) or an id names, or None.

    Without scope: auditors have no case scope and read no case contents; this goes through
    the blind index only. It accepts a reference or an id and nothing else, so the audit
    pages cannot be used to find out whether a person with a given name, passport, email
    or phone applied.
    """
    text = text.strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    indexer = blind_indexer()
    digests = [
        indexer.digest(kind, value) for kind, value in query_terms(text) if kind == "reference"
    ]
    if not digests:
        return None
    return (
        LookupDigest.objects.filter(digest__in=digests)
        .values_list("application_id", flat=True)
        .first()
    )


def application_screening(*, application: Application) -> Recommendation:
    experience = application.military_experience or {}
    return screen(
        ScreeningInput(
            date_of_birth=application.date_of_birth,
            applied_on=timezone.localdate(application.submitted_at),
            years_of_service=int(experience.get("years", 0)),
            combat_deployments=int(experience.get("combat_deployments", 0)),
            peacekeeping=bool(experience.get("peacekeeping", False)),
            documents=[
                DocumentFact(kind=d.kind, verified=d.verification == Verification.VERIFIED)
                for d in application.documents.all()
            ],
        )
    )


def countries_with_applications() -> QuerySet[Country]:
    """The countries some application is from: one index probe per country (EXISTS on the
    nationality index), not a DISTINCT over every application; the case list's nationality
    filter offers them on each page."""
    return Country.objects.filter(Exists(Application.objects.filter(nationality=OuterRef("pk"))))
