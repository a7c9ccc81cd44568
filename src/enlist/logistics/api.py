"""Unit assignment over the staff API (HQ): units and free places, suggestions for arrived
volunteers with the reasons, a case's unit and history, confirm / override, preference."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Field, Router, Schema

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_cases_shown, audit_record
from enlist.cases.access import access_application
from enlist.cases.bulk import BULK_MAX
from enlist.cases.gate import api_case_open
from enlist.cases.models import Application
from enlist.core.schemas import ErrorsOut
from enlist.errors import NotPermitted
from enlist.logistics.presentation import suggestion_out
from enlist.logistics.selectors import (
    assignment_history,
    awaiting_assignment,
    pending_suggestions,
    suggestion_for,
    units_overview,
)
from enlist.logistics.services import (
    unit_assign,
    unit_preference_record,
    units_assign_suggested,
)

router = Router(tags=["units"], auth=StaffTokenAuth())


class UnitOut(Schema):
    code: str
    name: str
    capacity: int
    taken: int
    free: int
    languages: list[str]
    nationalities: list[str]
    specialties: list[str]


class ScorePartOut(Schema):
    code: str
    points: int
    detail: str
    text: str


class UnitScoreOut(Schema):
    unit: str
    total: int
    parts: list[ScorePartOut]


class SuggestionOut(Schema):
    unit: str | None
    score: UnitScoreOut | None
    ranking: list[UnitScoreOut]


class WaitingOut(Schema):
    id: str
    reference: str
    nationality: str
    suggestion: SuggestionOut


class AssignmentOut(Schema):
    id: str
    unit: str
    unit_name: str
    suggested_unit: str | None
    score: int | None
    overridden: bool
    reason: str | None
    current: bool
    decided_by: str
    decided_at: datetime.datetime


class CaseUnitOut(Schema):
    unit: str | None
    history: list[AssignmentOut]
    suggestion: SuggestionOut | None


class AssignIn(Schema):
    unit: str = Field(max_length=60)
    reason: str = Field(default="", max_length=2000, description="Required for an override.")


class PreferenceIn(Schema):
    unit: str = Field(max_length=60)


class ConfirmAllIn(Schema):
    ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=BULK_MAX,
        description="The cases to confirm (ids from GET /unit-suggestions), none repeated: "
        "all are confirmed, or none.",
    )


class ConfirmAllOut(Schema):
    assigned: list[AssignmentOut]


def _hq(request: StaffRequest) -> None:
    if request.user.staff_role != Role.HQ:
        raise NotPermitted("Only HQ assigns volunteers to units.")


@router.get("/units", response={200: list[UnitOut], 401: ErrorsOut, 403: ErrorsOut},
            summary="Units with their places taken and free (HQ)")  # fmt: skip
def list_units(request: StaffRequest) -> list[dict[str, Any]]:
    _hq(request)
    return units_overview()


@router.get(
    "/unit-suggestions",
    response={200: list[WaitingOut], 401: ErrorsOut, 403: ErrorsOut},
    summary="Arrived volunteers without a unit, each with the suggested unit and why (HQ)",
)
def list_suggestions(request: StaffRequest) -> list[dict[str, Any]]:
    _hq(request)
    applications = awaiting_assignment()
    suggestions = pending_suggestions(applications)
    rows = [
        {
            "id": str(a.pk),
            "reference": a.reference,
            "nationality": a.nationality_id,
            "suggestion": suggestion_out(suggestions[str(a.pk)]),
        }
        for a in applications
    ]
    audit_cases_shown(
        actor=request.user, ids=[r["id"] for r in rows], count=len(rows), page=1, via="api"
    )
    return rows


@router.post(
    "/unit-suggestions/confirm",
    response={200: ConfirmAllOut, 401: ErrorsOut, 403: ErrorsOut, 409: ErrorsOut, 422: ErrorsOut},
    summary="Confirm the suggested unit of each listed volunteer (HQ)",
    description="422 naming `ids[i]` when a listed case is not waiting for a unit with a "
    "suggestion, or is listed twice; nothing is assigned then. 409: a unit filled meanwhile.",
)
def confirm_suggestions(request: StaffRequest, payload: ConfirmAllIn) -> dict[str, Any]:
    _hq(request)
    done = units_assign_suggested(actor=request.user, application_ids=payload.ids)
    rows = []
    for assignment in done:
        history = assignment_history(assignment.application)
        rows.append(next(h for h in history if h["id"] == str(assignment.pk)))
    return {"assigned": rows}


def _case_unit(request: StaffRequest, application: Application) -> dict[str, Any]:
    history = assignment_history(application)
    current = next((h for h in history if h["current"]), None)
    suggestion = None
    if request.user.staff_role == Role.HQ and application.stage == "arrived":
        suggestion = suggestion_out(suggestion_for(application))
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": "api", "fields": ["unit_assignments"] if history else []},
    )
    return {"unit": current["unit"] if current else None, "history": history,
            "suggestion": suggestion}  # fmt: skip


@router.get(
    "/applications/{application_id}/unit",
    response={200: CaseUnitOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 428: ErrorsOut},
    summary="The unit of a case, every assignment decision, and (HQ, arrived) the suggestion",
    description="Outside your normal flow (HQ before arrival, auditors) give a reason: header "
    "X-Access-Reason or query reason; 428 without one.",
)
def get_case_unit(request: StaffRequest, application_id: str) -> dict[str, Any]:
    application = access_application(user=request.user, application_id=application_id)
    # Need-to-know (cases/gate.py): an override's reason is free text about the person.
    api_case_open(request, application)
    return _case_unit(request, application)


@router.post(
    "/applications/{application_id}/unit",
    response={
        200: CaseUnitOut,
        401: ErrorsOut,
        403: ErrorsOut,
        404: ErrorsOut,
        409: ErrorsOut,
        422: ErrorsOut,
    },  # fmt: skip
    summary="Assign an arrived volunteer to a unit (HQ)",
    description=(
        "Choosing the suggested unit confirms it; any other unit is an override and needs a "
        "reason (422 without). 409: the volunteer has not arrived, or the unit is full."
    ),
)
def assign_case_unit(
    request: StaffRequest, application_id: str, payload: AssignIn
) -> dict[str, Any]:
    application = access_application(user=request.user, application_id=application_id)
    unit_assign(
        application=application, unit_code=payload.unit, actor=request.user, reason=payload.reason
    )
    return _case_unit(request, application)


@router.put(
    "/applications/{application_id}/unit-preference",
    response={
        200: CaseUnitOut,
        401: ErrorsOut,
        403: ErrorsOut,
        404: ErrorsOut,
        409: ErrorsOut,
        422: ErrorsOut,
    },  # fmt: skip
    summary="Record the unit the volunteer asked to join (HQ)",
)
def put_unit_preference(
    request: StaffRequest, application_id: str, payload: PreferenceIn
) -> dict[str, Any]:
    application = access_application(user=request.user, application_id=application_id)
    unit_preference_record(application=application, unit_code=payload.unit, actor=request.user)
    return _case_unit(request, application)
