"""Check-in over the staff API (reception's tools): the same services as the page."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Router, Schema

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.cases.models import DocumentKind
from enlist.core.schemas import ErrorsOut
from enlist.travel.services import checkin_confirm, checkin_identify

router = Router(tags=["check-in"], auth=StaffTokenAuth())


class CodeIn(Schema):
    code: str = Field(max_length=100, description="The check-in code from the packet's QR code")


class IdentifyOut(Schema):
    application: str
    reference: str
    given_name: str
    family_name: str
    arrival_from: datetime.date
    arrival_until: datetime.date
    passport_document: str | None = Field(description="Id of the passport photo page, if any")


class CheckedInOut(Schema):
    application: str
    stage: str


_ERRORS = {401: ErrorsOut, 403: ErrorsOut, 409: ErrorsOut, 422: ErrorsOut}


@router.post("/checkin", response={200: IdentifyOut, **_ERRORS}, summary="Identify by code")
def checkin_lookup(request: StaffRequest, payload: CodeIn) -> dict[str, Any]:
    """Who a check-in code belongs to (the minimum to identify them); audited. 409 with the
    reason when the code is mistyped, used, expired, revoked or of replaced instructions."""
    packet, application = checkin_identify(code=payload.code, actor=request.user)
    passport = (
        application.documents.filter(kind=DocumentKind.PASSPORT, content_type__startswith="image/")
        .order_by("-uploaded_at")
        .first()
    )
    return {
        "application": str(application.pk),
        "reference": application.reference,
        "given_name": application.given_name,
        "family_name": application.family_name,
        "arrival_from": packet.arrival_from,
        "arrival_until": packet.arrival_until,
        "passport_document": str(passport.pk) if passport else None,
    }


@router.post(
    "/checkin/confirm",
    response={200: CheckedInOut, **_ERRORS},
    summary="Check in (travel → arrived)",
)
def checkin_confirm_endpoint(request: StaffRequest, payload: CodeIn) -> dict[str, Any]:
    """Identity confirmed: the code is used up and the case moves travel → arrived."""
    packet = checkin_confirm(code=payload.code, actor=request.user)
    return {"application": str(packet.application_id), "stage": "arrived"}
