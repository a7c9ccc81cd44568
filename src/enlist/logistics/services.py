"""Writes on unit assignment: HQ records a volunteer's stated preference, confirms the
suggested unit or overrides it with a reason, one case or every waiting case at once.

Capacity is enforced here, under a lock on the unit row, so two HQ officers assigning at once
can never overfill a unit; the suggestion engine (`assignment.py`) never proposes past it.
Every decision is a `UnitAssignment` row (the case's history) and an audit entry.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.errors import Conflict, FieldError, InvalidInput, NotPermitted
from enlist.logistics.assignment import Suggestion
from enlist.logistics.models import Unit, UnitAssignment, UnitPreference
from enlist.logistics.selectors import (
    awaiting_assignment,
    pending_suggestions,
    places_taken,
    suggestion_for,
)

REASON_MAX_LENGTH = 2000


def _check_hq(actor: StaffUser) -> None:
    if actor.staff_role != Role.HQ:
        raise NotPermitted("Only HQ assigns volunteers to units.")


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput([FieldError("unit", f"There is no active unit '{code}'.")])
    return unit


@transaction.atomic
def unit_preference_record(*, application: Application, unit_code: str, actor: StaffUser):
    """Record the unit the volunteer asked to join; the suggestion weighs it."""
    _check_hq(actor)
    locked = Application.objects.select_for_update().only("stage").get(pk=application.pk)
    if application.is_erased or not locked.is_open:
        raise Conflict("The case is closed.", field="unit")
    unit = _unit(unit_code)
    preference, _created = UnitPreference.objects.update_or_create(
        application=application,
        defaults={"unit": unit, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=application,
        detail={"change": "unit_preference", "unit": unit.code},
    )
    return preference


def _assign(
    *, application: Application, unit: Unit, suggestion: Suggestion, actor: StaffUser, reason: str
) -> UnitAssignment:
    locked = Application.objects.select_for_update().only("stage").get(pk=application.pk)
    if locked.stage != Stage.ARRIVED or application.is_erased:
        raise Conflict("Only a volunteer who has arrived is assigned to a unit.", field="unit")
    reason = reason.strip()
    overridden = unit.code != suggestion.unit
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput([FieldError("reason", f"At most {REASON_MAX_LENGTH} characters.")])
    if overridden and not reason:
        suggested = suggestion.unit or "none"
        raise InvalidInput(
            [
                FieldError(
                    "reason",
                    f"Say why you choose another unit than the suggested one ({suggested}).",
                )
            ]  # fmt: skip
        )
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # capacity: one writer a time
    current = UnitAssignment.objects.filter(application=application, is_current=True).first()
    if current is not None and current.unit_id == unit.pk:
        raise Conflict(f"The volunteer is already assigned to {unit.code}.", field="unit")
    if places_taken(unit) >= unit.capacity:
        raise Conflict(f"The unit {unit.code} is full (capacity {unit.capacity}).", field="unit")
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    suggested = Unit.objects.filter(code=suggestion.unit).first() if suggestion.unit else None
    scored = next((s for s in suggestion.ranking if s.unit == unit.code), None)
    assignment = UnitAssignment.objects.create(
        application=application,
        unit=unit,
        suggested_unit=suggested,
        score=scored.total if scored else None,
        overridden=overridden,
        reason=reason or None,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=application,
        detail={
            "change": "unit_override" if overridden else "unit_confirm",
            "unit": unit.code,
            "reason_given": bool(reason),
        },
    )
    return assignment


@transaction.atomic
def unit_assign(
    *, application: Application, unit_code: str, actor: StaffUser, reason: str = ""
) -> UnitAssignment:
    """Place an arrived volunteer in a unit: the suggested one (a confirmation) or another
    (an override, which needs a reason). Replaces an earlier assignment, which stays in the
    history. Raises NotPermitted (403), InvalidInput (422: unknown unit, missing reason) or
    Conflict (409: not arrived, unit full, already there)."""
    _check_hq(actor)
    unit = _unit(unit_code)
    return _assign(
        application=application,
        unit=unit,
        suggestion=suggestion_for(application),
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def units_assign_suggested(
    *, actor: StaffUser, application_ids: list[str] | None = None
) -> list[UnitAssignment]:
    """Confirm the suggestion for every arrived volunteer still waiting (or those listed)."""
    _check_hq(actor)
    applications = awaiting_assignment()
    suggestions = pending_suggestions(applications)
    wanted = None if application_ids is None else {str(i) for i in application_ids}
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    done = []
    for application in applications:
        key = str(application.pk)
        suggestion = suggestions[key]
        if suggestion.unit is None or (wanted is not None and key not in wanted):
            continue
        done.append(
            _assign(
                application=application,
                unit=units[suggestion.unit],
                suggestion=suggestion,
                actor=actor,
                reason="",
            )
        )
    return done
