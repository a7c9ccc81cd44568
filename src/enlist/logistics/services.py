"""Writes on unit assignment: HQ records a volunteer's stated preference, confirms the
suggested unit or overrides it with a reason, one case or a listed batch at once.

Capacity is enforced here, under a lock on the unit row, so two HQ officers assigning at once
can never overfill a unit; the suggestion engine (`assignment.py`) never proposes past it.
Every decision is a `UnitAssignment` row (the case's history) and an audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.bulk import case_ids_read
from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.core.bounds import reason_length_check
from enlist.errors import Conflict, FieldError, InvalidInput, NotPermitted
from enlist.logistics.assignment import Suggestion
from enlist.logistics.models import Unit, UnitAssignment, UnitPreference
from enlist.logistics.selectors import (
    awaiting_assignment,
    pending_suggestions,
    places_taken,
    suggestion_for,
)


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
    reason_length_check(reason)
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
    suggested_unit = Unit.objects.filter(code=suggestion.unit).first() if suggestion.unit else None
    scored = next((s for s in suggestion.ranking if s.unit == unit.code), None)
    assignment = UnitAssignment.objects.create(
        application=application,
        unit=unit,
        suggested_unit=suggested_unit,
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
    *, actor: StaffUser, application_ids: Sequence[uuid.UUID | str]
) -> list[UnitAssignment]:
    """Confirm the suggested unit of each listed volunteer: all of them, or none.

    A bulk action takes only an explicit list (1 to ``BULK_MAX`` ids, none repeated), never
    "everyone" by omission: HQ confirms the volunteers it was shown. An id that is not a
    volunteer waiting for a unit with a suggestion (not arrived, unknown, already assigned,
    no free place) is refused with InvalidInput naming ``ids[i]``; nothing is assigned then.
    """
    _check_hq(actor)
    wanted = [str(key) for key in case_ids_read(application_ids)]
    applications = awaiting_assignment()
    suggestions = pending_suggestions(applications)
    by_id = {str(a.pk): a for a in applications if suggestions[str(a.pk)].unit is not None}
    unknown = [
        FieldError(f"ids[{n}]", "Not a volunteer waiting for a unit with a suggestion.")
        for n, key in enumerate(wanted)
        if key not in by_id
    ]
    if unknown:
        raise InvalidInput(unknown)
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    done = []
    for key in wanted:
        application, suggestion = by_id[key], suggestions[key]
        assert suggestion.unit is not None  # nosec B101  # by_id holds only suggested cases
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
