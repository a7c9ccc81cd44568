"""Reads for unit assignment: the guard's fact, free places, and the suggestions for arrived
volunteers (the engine is `assignment.py`; this module feeds it from the database)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from enlist.cases.models import Application
from enlist.cases.specialties import specialty_code
from enlist.cases.workflow import Stage
from enlist.logistics.assignment import Suggestion, UnitSpec, Volunteer, rank, suggest
from enlist.logistics.models import Unit, UnitAssignment, UnitPreference

METHOD = "greedy"  # the page and the service must agree: both suggest with this method
# A volunteer who withdrew (or was otherwise closed out) after assignment frees the place.
RELEASED_STAGES = (Stage.WITHDRAWN, Stage.REJECTED, Stage.REFERRED)
HOLDS_A_PLACE = Q(assignments__is_current=True) & ~Q(
    assignments__application__stage__in=RELEASED_STAGES
)


def places_taken(unit: Unit) -> int:
    """Volunteers currently in the unit (assigned, not since withdrawn)."""
    return (
        UnitAssignment.objects.filter(unit=unit, is_current=True)
        .exclude(application__stage__in=RELEASED_STAGES)
        .count()
    )


def unit_facts(application: Application) -> dict[str, Any]:
    """Fact for the arrived → enlisted guard (`cases.workflow.unit_chosen`)."""
    current = (
        UnitAssignment.objects.filter(application_id=application.pk, is_current=True)
        .values_list("unit__code", flat=True)
        .first()
    )
    return {"unit_assigned": current} if current else {}


def current_assignment(application: Application) -> UnitAssignment | None:
    return (
        UnitAssignment.objects.filter(application_id=application.pk, is_current=True)
        .select_related("unit")
        .first()
    )


def unit_specs(*, exclude_application: Application | None = None) -> list[UnitSpec]:
    """Active units with the places already taken (current assignments)."""
    taken = HOLDS_A_PLACE
    if exclude_application is not None:
        taken &= ~Q(assignments__application_id=exclude_application.pk)
    units = Unit.objects.filter(is_active=True).annotate(taken=Count("assignments", filter=taken))
    return [
        UnitSpec(
            code=u.code,
            capacity=u.capacity,
            taken=u.taken,
            languages=frozenset(u.languages),
            nationalities=frozenset(u.nationalities),
            specialties=frozenset(specialty_code(s) for s in u.specialties),
        )
        for u in units.order_by("code")
    ]


def volunteer_of(application: Application, preference: str | None) -> Volunteer:
    experience = application.military_experience or {}
    return Volunteer(
        key=str(application.pk),
        nationality=application.nationality_id,
        languages=frozenset(application.languages or ()),
        specialties=frozenset(specialty_code(s) for s in experience.get("specialties") or ()),
        preference=preference,
    )


def _preferences(ids: list[Any]) -> dict[str, str]:
    rows = UnitPreference.objects.filter(application_id__in=ids).values_list(
        "application_id", "unit__code"
    )
    return {str(app): code for app, code in rows}


# What the engine reads of a volunteer.
ENGINE_FIELDS = ("nationality", "languages", "military_experience")


# One batch of suggestions covers the volunteers waiting longest; the rest follow as those
# are placed. Unbounded, the page, the confirmation and each case's suggestion solved one
# assignment problem over every arrival (tens of thousands at a million applications).
AWAITING_BATCH = 200


def awaiting_assignment(*, engine_only: bool = False) -> list[Application]:
    """The AWAITING_BATCH arrived volunteers with no unit yet who arrived first (HQ's
    assignment page, the batch every suggestion is made in).

    `engine_only`: for the engine alone (it opens only languages and military experience;
    sealed fields open on first access), without the joins the page needs.
    """
    queryset = (
        Application.objects.filter(stage=Stage.ARRIVED, data_key__destroyed_at__isnull=True)
        .exclude(unit_assignments__is_current=True)
        .order_by("stage_changed_at", "pk")
    )
    if engine_only:  # naming "data_key" keeps its join: each row opens its fields with it
        queryset = queryset.only(*ENGINE_FIELDS, "stage_changed_at", "data_key")
    else:
        queryset = queryset.select_related("mission", "nationality")
    return list(queryset[:AWAITING_BATCH])


def pending_suggestions(applications: list[Application] | None = None) -> dict[str, Suggestion]:
    """One batch suggestion for every arrived volunteer still without a unit."""
    if applications is None:
        applications = awaiting_assignment(engine_only=True)
    preferences = _preferences([a.pk for a in applications])
    volunteers = [volunteer_of(a, preferences.get(str(a.pk))) for a in applications]
    return suggest(volunteers, unit_specs(), method=METHOD)


def suggestion_for(application: Application) -> Suggestion:
    """The unit suggested for this case: its place in the batch of arrived volunteers still
    waiting, or, when it already has a unit, its own best unit with a free place."""
    pending = pending_suggestions()
    if str(application.pk) in pending:
        return pending[str(application.pk)]
    preference = _preferences([application.pk]).get(str(application.pk))
    volunteer = volunteer_of(application, preference)
    units = unit_specs(exclude_application=application)
    ranking = rank(volunteer, units)
    free = {u.code for u in units if u.free > 0}
    best = next((s for s in ranking if s.unit in free), None)
    return Suggestion(volunteer.key, best.unit if best else None, best, ranking)


def assignment_history(application: Application) -> list[dict[str, Any]]:
    """Every unit decision on the case, oldest first, as the case page and API show it.

    An erased case keeps its decisions (units, dates) but its reasons can no longer be read.
    """
    erased = application.is_erased
    return [
        {
            "id": str(a.pk),
            "unit": a.unit.code,
            "unit_name": a.unit.name,
            "suggested_unit": a.suggested_unit.code if a.suggested_unit else None,
            "suggested_unit_name": a.suggested_unit.name if a.suggested_unit else None,
            "score": a.score,
            "overridden": a.overridden,
            "reason": None if erased else a.reason,
            "current": a.is_current,
            "decided_by": a.decided_by.username,
            "decided_at": a.decided_at,
        }
        for a in UnitAssignment.objects.filter(application_id=application.pk).select_related(
            "unit", "suggested_unit", "decided_by"
        )
    ]


def units_overview() -> list[dict[str, Any]]:
    taken = Count("assignments", filter=HOLDS_A_PLACE)
    return [
        {
            "code": u.code,
            "name": u.name,
            "capacity": u.capacity,
            "taken": u.taken,
            "free": max(0, u.capacity - u.taken),
            "languages": u.languages,
            "nationalities": u.nationalities,
            "specialties": u.specialties,
        }
        for u in Unit.objects.filter(is_active=True).annotate(taken=taken)
    ]
