"""The visa of a case over the staff API: read it (mission staff, HQ), record it (consul, HQ)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.access import access_application
from enlist.cases.gate import api_case_open
from enlist.cases.models import Application
from enlist.core.bounds import ID_MAX
from enlist.core.schemas import ErrorsOut
from enlist.errors import NotFound, NotPermitted
from enlist.visas.selectors import visa_detail
from enlist.visas.services import visa_check_read, visa_update
from enlist.visas.views import VISA_PERSONAL_FIELDS

router = Router(tags=["visas"], auth=StaffTokenAuth())


class ChecklistRowOut(Schema):
    id: int
    label: str
    hq_wide: bool
    checked: bool
    checked_at: datetime.datetime | None
    checked_by: str | None


class VisaOut(Schema):
    exists: bool
    visa_type: str | None
    status: str | None
    applied_on: datetime.date | None
    number: str | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    consular_notes: str | None
    updated_at: datetime.datetime | None
    updated_by: str | None
    checklist: list[ChecklistRowOut]


class VisaIn(Schema):
    status: str = Field(max_length=20)
    visa_type: str = Field(default="", max_length=20)
    applied_on: datetime.date | None = None
    number: str = Field(default="", max_length=40)
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    consular_notes: str = Field(default="", max_length=2000)
    checked: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, description="Checklist item ids ticked; omit to keep the ticks as they are."
    )


def _readable(request: StaffRequest, application_id: str):
    application = access_application(user=request.user, application_id=application_id)
    try:
        visa_check_read(request.user)
    except NotPermitted:
        raise NotFound() from None  # reception: visas are outside its reach, like the case
    if application.is_erased:
        raise NotFound()
    return application


def _shown(request: StaffRequest, application: Application) -> dict[str, Any]:
    detail = visa_detail(application)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": "api", "fields": VISA_PERSONAL_FIELDS if detail["exists"] else []},
    )
    return detail


@router.get(
    "/applications/{application_id}/visa",
    response={200: VisaOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 428: ErrorsOut},
    summary="The visa of a case",
    description="`exists` false when no visa is recorded yet. Reading it is audited. Outside "
    "your normal flow (HQ) give a reason: header X-Access-Reason or query reason; 428 without.",
)
def get_visa(request: StaffRequest, application_id: str) -> dict[str, Any]:
    application = _readable(request, application_id)
    # Need-to-know (cases/gate.py): the number and consular notes are personal.
    api_case_open(request, application)
    return _shown(request, application)


@router.put(
    "/applications/{application_id}/visa",
    response={
        200: VisaOut,
        401: ErrorsOut,
        403: ErrorsOut,
        404: ErrorsOut,
        409: ErrorsOut,
        422: ErrorsOut,
    },  # fmt: skip
    summary="Record the visa of a case (consul or HQ)",
    description=(
        "Replaces the record as a whole. Status: not_needed, preparing, submitted, issued, "
        "refused; an issued visa needs its number and a validity end date. 403: your role "
        "may not record visas; 409: the case is closed."
    ),
)
def put_visa(request: StaffRequest, application_id: str, payload: VisaIn) -> dict[str, Any]:
    application = _readable(request, application_id)
    visa_update(application=application, actor=request.user, **payload.dict())
    # the update is its own recorded purpose: no reason asked, the view still counts
    api_case_open(request, application, acting=True)
    return _shown(request, application)
