"""The staff interview API: a case's interviews and verdicts, recording a verdict, a no-show."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from enlist.accounts.auth import StaffTokenAuth
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import FULL_CASE_ROLES
from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.cases.access import access_application
from enlist.cases.gate import api_case_open
from enlist.core.schemas import ErrorsOut
from enlist.errors import NotFound
from enlist.interviews.selectors import (
    access_interview,
    case_interviews,
    case_verdicts,
    interview_summary,
    verdict_detail,
)
from enlist.interviews.services import Assessment, interview_no_show, verdict_record

router = Router(tags=["staff interviews"], auth=StaffTokenAuth())


class InterviewOut(Schema):
    id: str
    status: str
    start: datetime.datetime
    end: datetime.datetime
    local_start: datetime.datetime
    local_end: datetime.datetime
    timezone: str
    mode: str
    venue: str
    attache: str
    consul: str
    interpreter: str | None
    sequence: int
    confirmed_at: datetime.datetime | None


class ExperienceIn(Schema):
    service: str = Field(default="", max_length=200)
    unit: str = Field(default="", max_length=200)
    dates: str = Field(default="", max_length=200)
    rank: str = Field(default="", max_length=200)
    specialty: str = Field(default="", max_length=200)


class VerdictIn(Schema):
    service_verified: bool
    experience: ExperienceIn = Field(default_factory=ExperienceIn)
    evidence_documents: list[str] = Field(default_factory=list, max_length=20)
    evidence_source: str = Field(default="", max_length=4000)
    confidence: str
    readiness: str
    language_ability: str
    recommend: bool
    notes: str = Field(default="", max_length=4000)


class VerdictOut(Schema):
    id: str
    interview: str | None
    author: str
    role: str
    recorded_at: datetime.datetime
    service_verified: bool
    experience: dict[str, str]
    evidence_documents: list[str]
    evidence_source: str | None
    confidence: str
    readiness: str
    language_ability: str
    recommend: bool
    notes: str | None


class CaseInterviewsOut(Schema):
    interviews: list[InterviewOut]
    verdicts: list[VerdictOut]


def _full_case_reader(request: StaffRequest, application_id: str):
    application = access_application(user=request.user, application_id=application_id)
    if request.user.staff_role not in FULL_CASE_ROLES:
        raise NotFound()  # reception: the interview record is not for the meeting point
    return application


@router.get(
    "/applications/{application_id}/interviews",
    response={
        200: CaseInterviewsOut,
        401: ErrorsOut,
        403: ErrorsOut,
        404: ErrorsOut,
        428: ErrorsOut,
    },
    summary="A case's interviews and the panel's verdicts",
    description="Outside your normal flow (HQ, auditors) give a reason: header X-Access-Reason "
    "or query reason; 428 without one.",
)
def get_case_interviews(request: StaffRequest, application_id: str) -> dict[str, Any]:
    application = _full_case_reader(request, application_id)
    # Need-to-know (cases/gate.py): verdicts and notes are the case's personal data.
    api_case_open(request, application)
    body = {
        "interviews": case_interviews(application=application),
        "verdicts": case_verdicts(application=application),
    }
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        target=application,
        detail={"via": "api", "fields": ["interviews", "verdicts"]},
    )
    return body


@router.post(
    "/applications/{application_id}/verdicts",
    response={201: VerdictOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut,
              422: ErrorsOut},
    summary="Record the caller's interview verdict (attaché or consul of the case's mission)",
)  # fmt: skip
def post_verdict(request: StaffRequest, application_id: str, payload: VerdictIn):
    application = access_application(user=request.user, application_id=application_id)
    verdict = verdict_record(
        application=application,
        actor=request.user,
        assessment=Assessment(
            service_verified=payload.service_verified,
            experience=payload.experience.model_dump(),
            evidence_documents=payload.evidence_documents,
            evidence_source=payload.evidence_source,
            confidence=payload.confidence,
            readiness=payload.readiness,
            language_ability=payload.language_ability,
            recommend=payload.recommend,
            notes=payload.notes,
        ),
    )
    return Status(201, verdict_detail(verdict))


@router.post(
    "/interviews/{interview_id}/no-show",
    response={200: InterviewOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut},
    summary="Record that the applicant did not come (the second no-show puts the case on hold)",
)
def post_no_show(request: StaffRequest, interview_id: str) -> dict[str, Any]:
    interview = access_interview(user=request.user, interview_id=interview_id)
    interview_no_show(interview=interview, actor=request.user)
    return interview_summary(access_interview(user=request.user, interview_id=interview_id))
